/**
 * The geometry of a 2-D convolution over NHWC images, passed to the ops as one block of
 * 16 int32 at a byte address (an op taking 16 separate arguments would be harder to call
 * and to read; src/speed/ops/conv-geometry.ts's writeConvGeometry writes it), and the walk
 * over its patches that im2col and col2im share. (This file is in .prettierignore: prettier
 * does not parse decorators on functions.)
 */

/** The block read in place: `changetype<ConvGeometry>(address)`, fields in the block's order (the 16th unused). */
@unmanaged
export class ConvGeometry {
  batch: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  fH: i32;
  fW: i32;
  sH: i32;
  sW: i32;
  dH: i32;
  dW: i32;
  top: i32;
  left: i32;
}

/**
 * Each row of im2col(x) position by position: for output pixel (b, oh, ow) and filter position
 * (kh, kw) in that order, `conv.position(at, from, inside, inC)` with `at` the position's inC
 * floats in the patch matrix at `col`, `from` the input pixel under it in the images at
 * `images` (only an address where `inside`: the patch may hang over the padding). `C` is the
 * op: a ConvGeometry subclass over the same block whose `@inline position` is its work, so the
 * op compiles to the loops it would have written itself.
 */
// @ts-ignore: decorator
@inline export function patchPositions<C extends ConvGeometry>(conv: C, images: usize, col: usize): void {
  const batch = conv.batch, inH = conv.inH, inW = conv.inW, inC = conv.inC, outH = conv.outH, outW = conv.outW;
  const fH = conv.fH, fW = conv.fW, sH = conv.sH, sW = conv.sW, dH = conv.dH, dW = conv.dW;
  const top = conv.top, left = conv.left;
  const run = <usize>(4 * inC); // one (kh, kw) position's channels: contiguous in x and in col
  let at = col;
  for (let b = 0; b < batch; b++) {
    const image = images + <usize>(b * inH * inW) * run;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < fH; kh++) {
          const ih = oh * sH + kh * dH - top;
          for (let kw = 0; kw < fW; kw++) {
            const iw = ow * sW + kw * dW - left;
            const inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
            conv.position(at, image + <usize>(ih * inW + iw) * run, inside, inC);
            at += run;
          }
        }
      }
    }
  }
}
