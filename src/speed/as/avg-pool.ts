/**
 * Average pooling over NHWC images and its gradient, as tfjs computes them. Forward: each
 * output is the mean of its window's inputs inside the image (under `same` padding, a window
 * cut by the edge divides by the pixels it still covers). Backward: each output's gradient
 * times 1 / (poolHeight · poolWidth) is added to every input of its window inside the image
 * — the whole window's size even where the edge cut it, as tfjs's `AvgPoolGrad` (cpu and
 * wasm) has it. Four channels at a time.
 */
import {
  P_BATCH,
  P_C,
  P_F_H,
  P_F_W,
  P_IN_H,
  P_IN_W,
  P_OUT_H,
  P_OUT_W,
  P_PAD_L,
  P_PAD_T,
  P_STRIDE_H,
  P_STRIDE_W,
} from "./pool-geometry";

/** `(geometry, x, y)`: y = the average pooling of x. */
export function avgPool(geometry: usize, x: usize, y: usize): void {
  pass(geometry, x, y, false);
}

/** `(geometry, dy, dx)`: dx = 0, then each dy / (poolHeight · poolWidth) added over its window. */
export function avgPoolGrad(geometry: usize, dy: usize, dx: usize): void {
  pass(geometry, dy, dx, true);
}

/** Forward (`x` → `y`) or backward (`y` holds dy → `x` gets dx, written in place of x's role). */
function pass(geometry: usize, from: usize, to: usize, backward: bool): void {
  const batch = load<i32>(geometry, P_BATCH);
  const inH = load<i32>(geometry, P_IN_H);
  const inW = load<i32>(geometry, P_IN_W);
  const channels = load<i32>(geometry, P_C);
  const outH = load<i32>(geometry, P_OUT_H);
  const outW = load<i32>(geometry, P_OUT_W);
  const fH = load<i32>(geometry, P_F_H);
  const fW = load<i32>(geometry, P_F_W);
  const sH = load<i32>(geometry, P_STRIDE_H);
  const sW = load<i32>(geometry, P_STRIDE_W);
  const top = load<i32>(geometry, P_PAD_T);
  const left = load<i32>(geometry, P_PAD_L);
  const pixel = <usize>(4 * channels);
  const vecEnd = channels & ~3;
  const whole: f32 = <f32>1 / <f32>(fH * fW);
  if (backward) memory.fill(to, 0, <usize>(batch * inH * inW) * pixel);
  // `out` walks the pooled images (y forward, dy backward); `image` the full-size ones.
  let out = backward ? from : to;
  for (let b = 0; b < batch; b++) {
    const image = (backward ? to : from) + <usize>(b * inH * inW) * pixel;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = max(0, oh * sH - top);
      const h1 = min(inH, oh * sH - top + fH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = max(0, ow * sW - left);
        const w1 = min(inW, ow * sW - left + fW);
        const count = (h1 - h0) * (w1 - w0);
        let c = 0;
        for (; c < vecEnd; c += 4) {
          const lane = <usize>(4 * c);
          if (backward) {
            const g = f32x4.mul(v128.load(out + lane), f32x4.splat(whole));
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) {
                const at = image + <usize>(h * inW + w) * pixel + lane;
                v128.store(at, f32x4.add(v128.load(at), g));
              }
            }
          } else {
            let sum = f32x4.splat(0);
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++)
                sum = f32x4.add(sum, v128.load(image + <usize>(h * inW + w) * pixel + lane));
            }
            v128.store(out + lane, f32x4.div(sum, f32x4.splat(<f32>count)));
          }
        }
        for (; c < channels; c++) {
          const lane = <usize>(4 * c);
          if (backward) {
            const g = load<f32>(out + lane) * whole;
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) {
                const at = image + <usize>(h * inW + w) * pixel + lane;
                store<f32>(at, load<f32>(at) + g);
              }
            }
          } else {
            let sum: f32 = 0;
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) sum += load<f32>(image + <usize>(h * inW + w) * pixel + lane);
            }
            store<f32>(out + lane, sum / <f32>count);
          }
        }
        out += pixel;
      }
    }
  }
}
