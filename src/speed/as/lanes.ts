/**
 * Float32 arithmetic generic over the lane type, `v128` (four floats, f32x4) or `f32` (one),
 * so an element-wise kernel writes its step once for both its SIMD loop and its scalar tail.
 * Each helper is `@inline` and picks its operation by the type at compile time, so a kernel
 * compiles to the same instructions as when it spelled out both loops. At the end, float32
 * pairs as two f64 lanes, for the kernels that compute in f64 (the recurrent cells' activations,
 * sums down columns). (This file is in .prettierignore: prettier does not parse decorators on
 * functions.)
 */

/** Bytes of the first n floats that whole vectors of 4 cover: the SIMD loop's end. */
// @ts-ignore: decorator
@inline export function vectorBytes(n: i32): usize {
  return (<usize>(n & ~3)) << 2;
}

/** Bytes of n floats: the scalar tail's end. */
// @ts-ignore: decorator
@inline export function floatBytes(n: i32): usize {
  return (<usize>n) << 2;
}

// @ts-ignore: decorator
@inline export function add<T>(a: T, b: T): T {
  if (isVector<T>()) return f32x4.add(a, b);
  else return a + b;
}

// @ts-ignore: decorator
@inline export function sub<T>(a: T, b: T): T {
  if (isVector<T>()) return f32x4.sub(a, b);
  else return a - b;
}

// @ts-ignore: decorator
@inline export function mul<T>(a: T, b: T): T {
  if (isVector<T>()) return f32x4.mul(a, b);
  else return a * b;
}

// @ts-ignore: decorator
@inline export function div<T>(a: T, b: T): T {
  if (isVector<T>()) return f32x4.div(a, b);
  else return a / b;
}

// @ts-ignore: decorator
@inline export function sqrt<T>(a: T): T {
  if (isVector<T>()) return f32x4.sqrt(a);
  else return Mathf.sqrt(a);
}

/** Two float32s at `at`, as two f64 lanes. */
export function load2(at: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(at));
}

/** Two f64 lanes rounded to float32 and stored at `at`. */
export function store2(at: usize, v: v128): void {
  v128.store64_lane(at, f32x4.demote_f64x2_zero(v), 0);
}
