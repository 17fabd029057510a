/**
 * tfjs's RMSProp update (not centered) in place, for n floats: ms = ms·decay + g²·(1−decay);
 * mom = mom·momentum + g·lr / √(ms + eps); w = w − mom. The same float32 operations in the
 * same order as tfjs's separate ops. Whole vectors of 4, then a scalar tail, both through
 * {@link step}. (This file is in .prettierignore: prettier does not parse decorators on
 * functions.)
 */
import { add, div, floatBytes, mul, sqrt, sub, vectorBytes } from "./lanes";

// @ts-ignore: decorator
@inline function step<T>(
  w: usize, g: usize, ms: usize, mom: usize,
  decay: T, oneMinusDecay: T, momentum: T, lr: T, eps: T,
): void {
  const gv = load<T>(g);
  const s = add<T>(mul<T>(load<T>(ms), decay), mul<T>(mul<T>(gv, gv), oneMinusDecay));
  store<T>(ms, s);
  const change = div<T>(mul<T>(gv, lr), sqrt<T>(add<T>(s, eps)));
  const mo = add<T>(mul<T>(load<T>(mom), momentum), change);
  store<T>(mom, mo);
  store<T>(w, sub<T>(load<T>(w), mo));
}

export function rmsprop(
  n: i32, w: usize, g: usize, ms: usize, mom: usize,
  decay: f32, oneMinusDecay: f32, momentum: f32, lr: f32, eps: f32,
): void {
  const dv = f32x4.splat(decay);
  const odv = f32x4.splat(oneMinusDecay);
  const mv = f32x4.splat(momentum);
  const lv = f32x4.splat(lr);
  const ev = f32x4.splat(eps);
  const vecEnd = vectorBytes(n);
  const end = floatBytes(n);
  let off: usize = 0;
  for (; off < vecEnd; off += 16) step<v128>(w + off, g + off, ms + off, mom + off, dv, odv, mv, lv, ev);
  for (; off < end; off += 4) {
    step<f32>(w + off, g + off, ms + off, mom + off, decay, oneMinusDecay, momentum, lr, eps);
  }
}
