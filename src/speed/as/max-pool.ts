/**
 * Max pooling over NHWC images: each output is the largest input of its window, the window
 * cut to the image where padding hangs over it (as tfjs's cpu backend computes it: a running
 * maximum from −∞ that only a greater value replaces, so NaN inputs are passed over). Four
 * channels at a time. The plan's MaxPooling2D unit runs it forward and
 * {@link maxPoolGrad} (max-pool-grad.ts) backward, which picks the same position.
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

export function maxPool(geometry: usize, x: usize, y: usize): void {
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
  let out = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * inH * inW) * pixel;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = max(0, oh * sH - top);
      const h1 = min(inH, oh * sH - top + fH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = max(0, ow * sW - left);
        const w1 = min(inW, ow * sW - left + fW);
        let c = 0;
        for (; c < vecEnd; c += 4) {
          const lane = <usize>(4 * c);
          let best = f32x4.splat(-Infinity);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const v = v128.load(image + <usize>(h * inW + w) * pixel + lane);
              best = v128.bitselect(v, best, f32x4.gt(v, best));
            }
          }
          v128.store(out + lane, best);
        }
        for (; c < channels; c++) {
          const lane = <usize>(4 * c);
          let best: f32 = -Infinity;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const v = load<f32>(image + <usize>(h * inW + w) * pixel + lane);
              if (v > best) best = v;
            }
          }
          store<f32>(out + lane, best);
        }
        out += pixel;
      }
    }
  }
}
