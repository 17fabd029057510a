/**
 * tfjs's Momentum update in place, for n floats: acc = m·acc + g, then w = c·acc + w, or with
 * Nesterov w = c·(g + acc·m) + w; c = −learning rate, m the momentum. The same float32
 * operations in the same order as tfjs's separate ops. Whole vectors of 4, then a scalar tail,
 * both through {@link step}. (This file is in .prettierignore: prettier does not parse
 * decorators on functions.)
 */
import { add, floatBytes, mul, vectorBytes } from "./lanes";

// @ts-ignore: decorator
@inline function step<T>(w: usize, g: usize, acc: usize, c: T, m: T, nesterov: bool): void {
  const gv = load<T>(g);
  const a = add<T>(mul<T>(m, load<T>(acc)), gv);
  store<T>(acc, a);
  const change = nesterov ? mul<T>(c, add<T>(gv, mul<T>(a, m))) : mul<T>(c, a);
  store<T>(w, add<T>(change, load<T>(w)));
}

/** The update; `nesterov` (a compile-time constant where it is inlined) for Nesterov's. */
// @ts-ignore: decorator
@inline function update(n: i32, w: usize, g: usize, acc: usize, c: f32, m: f32, nesterov: bool): void {
  const cv = f32x4.splat(c);
  const mv = f32x4.splat(m);
  const vecEnd = vectorBytes(n);
  const end = floatBytes(n);
  let off: usize = 0;
  for (; off < vecEnd; off += 16) step<v128>(w + off, g + off, acc + off, cv, mv, nesterov);
  for (; off < end; off += 4) step<f32>(w + off, g + off, acc + off, c, m, nesterov);
}

export function momentum(n: i32, w: usize, g: usize, acc: usize, c: f32, m: f32): void {
  update(n, w, g, acc, c, m, false);
}

export function nesterov(n: i32, w: usize, g: usize, acc: usize, c: f32, m: f32): void {
  update(n, w, g, acc, c, m, true);
}
