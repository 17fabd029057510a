/**
 * tfjs's SGD update in place: w = c·g + w, c = −learning rate, for n floats; the same float32
 * operations in the same order as tfjs's separate ops (no fused multiply-add). Whole vectors
 * of 4, then a scalar tail, both through {@link step}. (This file is in .prettierignore:
 * prettier does not parse decorators on functions.)
 */
import { add, floatBytes, mul, vectorBytes } from "./lanes";

// @ts-ignore: decorator
@inline function step<T>(w: usize, g: usize, c: T): void {
  store<T>(w, add<T>(mul<T>(c, load<T>(g)), load<T>(w)));
}

export function sgd(n: i32, w: usize, g: usize, c: f32): void {
  const cv = f32x4.splat(c);
  const vecEnd = vectorBytes(n);
  const end = floatBytes(n);
  let off: usize = 0;
  for (; off < vecEnd; off += 16) step<v128>(w + off, g + off, cv);
  for (; off < end; off += 4) step<f32>(w + off, g + off, c);
}
