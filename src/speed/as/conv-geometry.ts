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
 * op compiles to the loops it would have written itself. `split` (a literal) gives the rows
 * whose filter positions all lie inside the image a loop of their own, without the test:
 * im2col's few-channel copies gain by it, col2im's vector adds lost by it (0.33 → 0.47 ms for
 * the CNN's second layer), so each says.
 */
// @ts-ignore: decorator
@inline export function patchPositions<C extends ConvGeometry>(conv: C, images: usize, col: usize, split: bool): void {
  const batch = conv.batch, inH = conv.inH, inW = conv.inW, inC = conv.inC, outH = conv.outH, outW = conv.outW;
  const fH = conv.fH, fW = conv.fW, sH = conv.sH, sW = conv.sW, dH = conv.dH, dW = conv.dW;
  const top = conv.top, left = conv.left;
  const run = <usize>(4 * inC); // one (kh, kw) position's channels: contiguous in x and in col
  let at = col;
  for (let b = 0; b < batch; b++) {
    const image = images + <usize>(b * inH * inW) * run;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * sW - left;
        // Whether every filter column of this pixel lies inside the image (most pixels).
        const columnsInside = iw0 >= 0 && iw0 + (fW - 1) * dW < inW;
        for (let kh = 0; kh < fH; kh++) {
          const ih = oh * sH + kh * dH - top;
          const rowInside = ih >= 0 && ih < inH;
          const row = image + <usize>(ih * inW) * run;
          if (split && rowInside && columnsInside) {
            // `inside` a constant: the op's position compiles without its test.
            for (let kw = 0; kw < fW; kw++) {
              conv.position(at, row + <usize>(iw0 + kw * dW) * run, true, inC);
              at += run;
            }
            continue;
          }
          for (let kw = 0; kw < fW; kw++) {
            const iw = iw0 + kw * dW;
            conv.position(at, row + <usize>iw * run, rowInside && iw >= 0 && iw < inW, inC);
            at += run;
          }
        }
      }
    }
  }
}
