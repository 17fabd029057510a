/**
 * col2im: the inverse gather of {@link im2col}. Each row p = (b, oh, ow) of `col` holds
 * gradients for the inputs under output pixel p; they are added into `dx` (NHWC, zeroed
 * here first), skipping the padding. The input gradient of a convolution is
 * col2im(dy · Wᵀ).
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

export function col2im(geometry: usize, col: usize, dx: usize): void {
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
  const run = <usize>(4 * inC);
  memory.fill(dx, 0, <usize>(batch * inH * inW) * run);
  const vecEnd = inC & ~3;
  let from = col;
  for (let b = 0; b < batch; b++) {
    const image = dx + <usize>(b * inH * inW) * run;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < fH; kh++) {
          const ih = oh * sH + kh * dH - top;
          for (let kw = 0; kw < fW; kw++) {
            const iw = ow * sW + kw * dW - left;
            if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
              const to = image + <usize>(ih * inW + iw) * run;
              let c = 0;
              for (; c < vecEnd; c += 4) {
                const at = <usize>(4 * c);
                v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
              }
              for (; c < inC; c++) {
                const at = <usize>(4 * c);
                store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at));
              }
            }
            from += run;
          }
        }
      }
    }
  }
}
