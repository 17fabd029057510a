/**
 * The gradient of max pooling: each output's gradient goes to the first position (row-major
 * in its window) of the window's maximum, as tfjs's cpu backend routes it; windows that
 * overlap add up. Four channels at a time: the running maximum and its position are vectors,
 * and the window is then revisited to add dy where the position matches, so no lane is
 * ever scattered. Where the windows tile the input (stride = window, no padding: 8-2's 2×2
 * pools) each input lies in one window, so dx is stored once, 0 + dy at the maximum and 0
 * elsewhere (the bits clearing and adding would give), with no clearing pass and no read-back.
 * (This file is in .prettierignore: prettier does not parse decorators on functions.)
 */
import { poolWindows, PoolGeometry, tiles, tiles2x2 } from "./pool-geometry";

export function maxPoolGrad(geometry: usize, x: usize, dy: usize, dx: usize): void {
  const pool = changetype<MaxPoolGrad>(geometry);
  if (tiles2x2(pool)) {
    poolWindows(changetype<MaxPoolGrad2x2>(geometry), x, dx, dy, 0);
    return;
  }
  if (tiles(pool)) {
    poolWindows(changetype<MaxPoolGradTiled>(geometry), x, dx, dy, 0);
    return;
  }
  memory.fill(dx, 0, <usize>(pool.batch * pool.inH * pool.inW) * <usize>(4 * pool.channels));
  poolWindows(pool, x, dx, dy, 0);
}

/** Each lane's first position (h·inW + w) of its window's maximum, or −1 where no value beats −∞. */
// @ts-ignore: decorator
@inline function argMax4(x: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize): v128 {
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
  return at;
}

/** {@link argMax4} for one channel. */
// @ts-ignore: decorator
@inline function argMax1(x: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize): i32 {
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
  return at;
}

/** x: the inputs, x2: their gradient (cleared first), y: the output's gradient. */
@final
@unmanaged
class MaxPoolGrad extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const at = argMax4(x, h0, h1, w0, w1, inW, px);
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
    const at = argMax1(x, h0, h1, w0, w1, inW, px);
    if (at >= 0) {
      const to = x2 + <usize>at * px;
      store<f32>(to, load<f32>(to) + load<f32>(y));
    }
  }
}

/** {@link MaxPoolGrad} where every input lies in exactly one window: x2 is stored, not added to. */
@final
@unmanaged
class MaxPoolGradTiled extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const at = argMax4(x, h0, h1, w0, w1, inW, px);
    const grad = f32x4.add(f32x4.splat(0), v128.load(y));
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        v128.store(x2 + <usize>(h * inW + w) * px, v128.and(grad, i32x4.eq(at, i32x4.splat(h * inW + w))));
      }
    }
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const at = argMax1(x, h0, h1, w0, w1, inW, px);
    const grad: f32 = 0 + load<f32>(y);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) store<f32>(x2 + <usize>(h * inW + w) * px, h * inW + w == at ? grad : 0);
    }
  }
}

/**
 * {@link MaxPoolGradTiled} for 2×2 windows, written out: the four inputs loaded at fixed
 * offsets, and each position's mask "greater than the running maximum, and no later position
 * was": the last position {@link argMax4}'s chain would have picked, so the same bits.
 */
@final
@unmanaged
class MaxPoolGrad2x2 extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const at = <usize>(h0 * inW + w0) * px;
    const down = <usize>inW * px;
    const v0 = v128.load(x + at);
    const v1 = v128.load(x + at + px);
    const v2 = v128.load(x + at + down);
    const v3 = v128.load(x + at + down + px);
    const g0 = f32x4.gt(v0, f32x4.splat(-Infinity));
    let best = v128.bitselect(v0, f32x4.splat(-Infinity), g0);
    const g1 = f32x4.gt(v1, best);
    best = v128.bitselect(v1, best, g1);
    const g2 = f32x4.gt(v2, best);
    best = v128.bitselect(v2, best, g2);
    const g3 = f32x4.gt(v3, best);
    const later2 = v128.or(g2, g3);
    const later1 = v128.or(g1, later2);
    const grad = f32x4.add(f32x4.splat(0), v128.load(y));
    v128.store(x2 + at, v128.and(grad, v128.andnot(g0, later1)));
    v128.store(x2 + at + px, v128.and(grad, v128.andnot(g1, later2)));
    v128.store(x2 + at + down, v128.and(grad, v128.andnot(g2, g3)));
    v128.store(x2 + at + down + px, v128.and(grad, g3));
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    changetype<MaxPoolGradTiled>(changetype<usize>(this)).scalar(x, x2, y, h0, h1, w0, w1, inW, px, k);
  }
}
