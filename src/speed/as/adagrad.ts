/**
 * tfjs's Adagrad update in place, for n floats: acc = acc + g²; w = (g / √(acc + eps))·(−lr) + w.
 * The same float32 operations in the same order as tfjs's separate ops. Whole vectors of 4,
 * then a scalar tail, both through {@link step}. (This file is in .prettierignore: prettier
 * does not parse decorators on functions.)
 */
import { add, div, floatBytes, mul, sqrt, vectorBytes } from "./lanes";

// @ts-ignore: decorator
@inline function step<T>(w: usize, g: usize, acc: usize, negLr: T, eps: T): void {
  const gv = load<T>(g);
  const a = add<T>(load<T>(acc), mul<T>(gv, gv));
  store<T>(acc, a);
  store<T>(w, add<T>(mul<T>(div<T>(gv, sqrt<T>(add<T>(a, eps))), negLr), load<T>(w)));
}

export function adagrad(n: i32, w: usize, g: usize, acc: usize, negLr: f32, eps: f32): void {
  const lv = f32x4.splat(negLr);
  const ev = f32x4.splat(eps);
  const vecEnd = vectorBytes(n);
  const end = floatBytes(n);
  let off: usize = 0;
  for (; off < vecEnd; off += 16) step<v128>(w + off, g + off, acc + off, lv, ev);
  for (; off < end; off += 4) step<f32>(w + off, g + off, acc + off, negLr, eps);
}
