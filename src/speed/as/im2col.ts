/**
 * im2col: the patches of NHWC images as the rows of a matrix, so that a convolution is one
 * matrix product. Row p = (b, oh, ow) of `col` holds the filterHeight·filterWidth·inChannels
 * inputs under output pixel p, in the filter's (kh, kw, ci) order; zeros where the patch
 * hangs over the padding.
 */
import {
  BATCH,
  DIL_H,
  DIL_W,
  F_H,
  F_W,
  IN_C,
  IN_H,
  IN_W,
  OUT_H,
  OUT_W,
  PAD_L,
  PAD_T,
  STRIDE_H,
  STRIDE_W,
} from "./conv-geometry";

export function im2col(geometry: usize, x: usize, col: usize): void {
  const batch = load<i32>(geometry, BATCH);
  const inH = load<i32>(geometry, IN_H);
  const inW = load<i32>(geometry, IN_W);
  const inC = load<i32>(geometry, IN_C);
  const outH = load<i32>(geometry, OUT_H);
  const outW = load<i32>(geometry, OUT_W);
  const fH = load<i32>(geometry, F_H);
  const fW = load<i32>(geometry, F_W);
  const sH = load<i32>(geometry, STRIDE_H);
  const sW = load<i32>(geometry, STRIDE_W);
  const dH = load<i32>(geometry, DIL_H);
  const dW = load<i32>(geometry, DIL_W);
  const top = load<i32>(geometry, PAD_T);
  const left = load<i32>(geometry, PAD_L);
  const run = <usize>(4 * inC); // one (kh, kw) position's channels: contiguous in x and in col
  let out = col;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * inH * inW) * run;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < fH; kh++) {
          const ih = oh * sH + kh * dH - top;
          for (let kw = 0; kw < fW; kw++) {
            const iw = ow * sW + kw * dW - left;
            const outside = ih < 0 || ih >= inH || iw < 0 || iw >= inW;
            const from = image + <usize>(ih * inW + iw) * run;
            if (inC < 8) {
              // A call to memory.copy costs more than copying a few floats one by one.
              for (let c = 0; c < inC; c++)
                store<f32>(out + <usize>(4 * c), outside ? 0 : load<f32>(from + <usize>(4 * c)));
            } else if (outside) memory.fill(out, 0, run);
            else memory.copy(out, from, run);
            out += run;
          }
        }
      }
    }
  }
}
