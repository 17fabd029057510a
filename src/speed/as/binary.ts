/**
 * Float32 element-wise add, sub, mul and div: `out[i] = a[i] ∘ b[i]` for i < n, where the
 * suffix says which side is one scalar repeated: `_vv` neither, `_vs` b, `_sv` a. Whole
 * vectors of 4 first, then a scalar tail; the same IEEE float32 operation either way, so
 * results are those of a scalar loop (and of tfjs's kernels).
 *
 * One generic loop (`@inline`, the operation and the repeated side compile-time constants),
 * one named export per case. (This file is in .prettierignore: prettier does not parse
 * decorators on functions.)
 */

enum Op { Add, Sub, Mul, Div }

/** Which operand is one scalar repeated. */
enum Repeated { None, B, A }

// @ts-ignore: decorator
@inline function vector(op: Op, a: v128, b: v128): v128 {
  if (op == Op.Add) return f32x4.add(a, b);
  if (op == Op.Sub) return f32x4.sub(a, b);
  if (op == Op.Mul) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline function scalar(op: Op, a: f32, b: f32): f32 {
  if (op == Op.Add) return a + b;
  if (op == Op.Sub) return a - b;
  if (op == Op.Mul) return a * b;
  return a / b;
}

// @ts-ignore: decorator
@inline function binary(op: Op, repeated: Repeated, n: i32, a: usize, b: usize, out: usize): void {
  const sa = repeated == Repeated.A ? load<f32>(a) : 0;
  const sb = repeated == Repeated.B ? load<f32>(b) : 0;
  const va = f32x4.splat(sa);
  const vb = f32x4.splat(sb);
  const vecEnd = <usize>(n & ~3) << 2;
  const end = <usize>n << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const x = repeated == Repeated.A ? va : v128.load(a + off);
    const y = repeated == Repeated.B ? vb : v128.load(b + off);
    v128.store(out + off, vector(op, x, y));
  }
  for (; off < end; off += 4) {
    const x = repeated == Repeated.A ? sa : load<f32>(a + off);
    const y = repeated == Repeated.B ? sb : load<f32>(b + off);
    store<f32>(out + off, scalar(op, x, y));
  }
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
