/**
 * The geometry of a 2-D pooling over NHWC images, as one block of int32 at a byte address
 * (src/speed/ops/conv-geometry.ts's writePoolGeometry writes it), and the walk over its windows
 * that every pooling op shares. (This file is in .prettierignore: prettier does not parse
 * decorators on functions.)
 */

/** The block read in place: `changetype<PoolGeometry>(address)`, fields in the block's order. */
@unmanaged
export class PoolGeometry {
  batch: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
  fH: i32;
  fW: i32;
  sH: i32;
  sW: i32;
  top: i32;
  left: i32;
}

/**
 * Each output pixel's window, in output order (image, row, column), four channels at a time and
 * then one by one: `pool.vector(x, x2, y, h0, h1, w0, w1, inW, px, k)` (and `pool.scalar`, the
 * same) with x and x2 the channels' first input in the full-size tensors at `images` and
 * `images2`, y their output in the pooled tensor at `pooled`, rows [h0, h1) × columns [w0, w1)
 * the window cut to the image where padding hangs over it, px the bytes from one pixel to the
 * next and k = `scale` passed through. `P` is the op: a PoolGeometry subclass over the same
 * block whose `@inline` methods are its work, so the op compiles to the loops it would have
 * written itself (a function argument would be an indirect call each time).
 */
// @ts-ignore: decorator
@inline export function poolWindows<P extends PoolGeometry>(pool: P, images: usize, images2: usize, pooled: usize, scale: f32): void {
  const batch = pool.batch, inH = pool.inH, inW = pool.inW, channels = pool.channels, outH = pool.outH, outW = pool.outW;
  const fH = pool.fH, fW = pool.fW, sH = pool.sH, sW = pool.sW, top = pool.top, left = pool.left;
  const pixel = <usize>(4 * channels);
  const vecBytes = <usize>(4 * (channels & ~3));
  let out = pooled;
  for (let b = 0; b < batch; b++) {
    const image = <usize>(b * inH * inW) * pixel;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = max(0, oh * sH - top);
      const h1 = min(inH, oh * sH - top + fH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = max(0, ow * sW - left);
        const w1 = min(inW, ow * sW - left + fW);
        const x = images + image;
        const x2 = images2 + image;
        let lane: usize = 0; // the next channels' bytes into a pixel
        for (; lane < vecBytes; lane += 16) pool.vector(x + lane, x2 + lane, out + lane, h0, h1, w0, w1, inW, pixel, scale);
        for (; lane < pixel; lane += 4) pool.scalar(x + lane, x2 + lane, out + lane, h0, h1, w0, w1, inW, pixel, scale);
        out += pixel;
      }
    }
  }
}

/** Whether the windows tile the input: stride = window, no padding, every input in one window. */
export function tiles(p: PoolGeometry): bool {
  return p.top == 0 && p.left == 0 && p.sH == p.fH && p.sW == p.fW && p.outH * p.sH == p.inH && p.outW * p.sW == p.inW;
}

/** Whether the windows tile the input and are 2×2 (8-2's pools): the ops' written-out case. */
export function tiles2x2(p: PoolGeometry): bool {
  return p.fH == 2 && p.fW == 2 && tiles(p);
}
