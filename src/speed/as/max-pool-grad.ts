/**
 * The gradient of max pooling: each output's gradient goes to the first position (row-major
 * in its window) of the window's maximum, as tfjs's cpu backend routes it; windows that
 * overlap add up. Four channels at a time: the running maximum and its position are vectors,
 * and the window is then revisited to add dy where the position matches, so no lane is
 * ever scattered.
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

export function maxPoolGrad(geometry: usize, x: usize, dy: usize, dx: usize): void {
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
  memory.fill(dx, 0, <usize>(batch * inH * inW) * pixel);
  const vecEnd = channels & ~3;
  let g = dy;
  for (let b = 0; b < batch; b++) {
    const xImage = x + <usize>(b * inH * inW) * pixel;
    const dxImage = dx + <usize>(b * inH * inW) * pixel;
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
          let at = i32x4.splat(-1);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const v = v128.load(xImage + <usize>(h * inW + w) * pixel + lane);
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              at = v128.bitselect(i32x4.splat(h * inW + w), at, greater);
            }
          }
          const grad = v128.load(g + lane);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const to = dxImage + <usize>(h * inW + w) * pixel + lane;
              const mine = v128.and(grad, i32x4.eq(at, i32x4.splat(h * inW + w)));
              v128.store(to, f32x4.add(v128.load(to), mine));
            }
          }
        }
        for (; c < channels; c++) {
          const lane = <usize>(4 * c);
          let best: f32 = -Infinity;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const v = load<f32>(xImage + <usize>(h * inW + w) * pixel + lane);
              if (v > best) {
                best = v;
                at = h * inW + w;
              }
            }
          }
          if (at >= 0) {
            const to = dxImage + <usize>at * pixel + lane;
            store<f32>(to, load<f32>(to) + load<f32>(g + lane));
          }
        }
        g += pixel;
      }
    }
  }
}
