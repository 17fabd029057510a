/**
 * Float32 element-wise add, sub, mul and div: `out[i] = a[i] ∘ b[i]` for i < n, where the
 * suffix says which side is one scalar repeated: `_vv` neither, `_vs` b, `_sv` a. Whole
 * vectors of 4 first, then a scalar tail; the same IEEE float32 operation either way, so
 * results are those of a scalar loop (and of tfjs's kernels).
 *
 * One generic loop (`@inline`, the operation and the repeated side compile-time constants;
 * its step generic over the lane type, lanes.ts), one named export per case. (This file is
 * in .prettierignore: prettier does not parse decorators on functions.)
 */
import { add, div, floatBytes, mul, sub, vectorBytes } from "./lanes";

enum Op { Add, Sub, Mul, Div }

/** Which operand is one scalar repeated. */
enum Repeated { None, B, A }

/** `a ∘ b`, for one lane or four. */
// @ts-ignore: decorator
@inline function apply<T>(op: Op, a: T, b: T): T {
  if (op == Op.Add) return add<T>(a, b);
  if (op == Op.Sub) return sub<T>(a, b);
  if (op == Op.Mul) return mul<T>(a, b);
  return div<T>(a, b);
}

/** `out = a ∘ b` at one position; the repeated side is `sa` or `sb`, already splat for v128. */
// @ts-ignore: decorator
@inline function step<T>(op: Op, repeated: Repeated, a: usize, b: usize, out: usize, sa: T, sb: T): void {
  const x = repeated == Repeated.A ? sa : load<T>(a);
  const y = repeated == Repeated.B ? sb : load<T>(b);
  store<T>(out, apply<T>(op, x, y));
}

// @ts-ignore: decorator
@inline function binary(op: Op, repeated: Repeated, n: i32, a: usize, b: usize, out: usize): void {
  const sa = repeated == Repeated.A ? load<f32>(a) : 0;
  const sb = repeated == Repeated.B ? load<f32>(b) : 0;
  const va = f32x4.splat(sa);
  const vb = f32x4.splat(sb);
  const vecEnd = vectorBytes(n);
  const end = floatBytes(n);
  let off: usize = 0;
  for (; off < vecEnd; off += 16) step<v128>(op, repeated, a + off, b + off, out + off, va, vb);
  for (; off < end; off += 4) step<f32>(op, repeated, a + off, b + off, out + off, sa, sb);
}

export function add_vv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Add, Repeated.None, n, a, b, out); }
export function add_vs(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Add, Repeated.B, n, a, b, out); }
export function add_sv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Add, Repeated.A, n, a, b, out); }
export function sub_vv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Sub, Repeated.None, n, a, b, out); }
export function sub_vs(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Sub, Repeated.B, n, a, b, out); }
export function sub_sv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Sub, Repeated.A, n, a, b, out); }
export function mul_vv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Mul, Repeated.None, n, a, b, out); }
export function mul_vs(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Mul, Repeated.B, n, a, b, out); }
export function mul_sv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Mul, Repeated.A, n, a, b, out); }
export function div_vv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Div, Repeated.None, n, a, b, out); }
export function div_vs(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Div, Repeated.B, n, a, b, out); }
export function div_sv(n: i32, a: usize, b: usize, out: usize): void { binary(Op.Div, Repeated.A, n, a, b, out); }
