/**
 * The gradient of max pooling: each output's gradient goes to the first position (row-major
 * in its window) of the window's maximum, as tfjs's cpu backend routes it; windows that
 * overlap add up. Four channels at a time: the running maximum and its position are vectors,
 * and the window is then revisited to add dy where the position matches, so no lane is
 * ever scattered.
 */
import { poolWindows, PoolGeometry } from "./pool-geometry";

export function maxPoolGrad(geometry: usize, x: usize, dy: usize, dx: usize): void {
  const pool = changetype<MaxPoolGrad>(geometry);
  memory.fill(dx, 0, <usize>(pool.batch * pool.inH * pool.inW) * <usize>(4 * pool.channels));
  poolWindows(pool, x, dx, dy, 0);
}

/** x: the inputs, x2: their gradient, y: the output's gradient. */
@final
@unmanaged
class MaxPoolGrad extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    let best = f32x4.splat(-Infinity);
    let at = i32x4.splat(-1);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const v = v128.load(x + <usize>(h * inW + w) * px);
        const greater = f32x4.gt(v, best);
        best = v128.bitselect(v, best, greater);
        at = v128.bitselect(i32x4.splat(h * inW + w), at, greater);
      }
    }
    const grad = v128.load(y);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const to = x2 + <usize>(h * inW + w) * px;
        const mine = v128.and(grad, i32x4.eq(at, i32x4.splat(h * inW + w)));
        v128.store(to, f32x4.add(v128.load(to), mine));
      }
    }
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    let best: f32 = -Infinity;
    let at = -1;
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const v = load<f32>(x + <usize>(h * inW + w) * px);
        if (v > best) {
          best = v;
          at = h * inW + w;
        }
      }
    }
    if (at >= 0) {
      const to = x2 + <usize>at * px;
      store<f32>(to, load<f32>(to) + load<f32>(y));
    }
  }
}
