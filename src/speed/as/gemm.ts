/**
 * C[M×N] = A·B, or C += A·B, on float32 matrices at byte addresses; A is read through any
 * element strides (so a transposed A costs nothing), B has contiguous columns. Blocked for
 * cache (gemm-blocked.ts).
 */
import { MATRIX, multiply } from "./gemm-blocked";

/**
 * C = A·B (`accumulate` 0) or C += A·B (1). m, n, k ≥ 0; a, b, c byte addresses; sai, sak
 * A's byte strides between rows and between columns; sbk B's row stride and ldc C's, in
 * bytes; `scratch` holds 4·256 floats.
 */
export function gemm(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  sai: i32,
  sak: i32,
  b: usize,
  sbk: i32,
  c: usize,
  ldc: i32,
  accumulate: i32,
  scratch: usize,
): void {
  multiply(m, n, k, MATRIX, a, sai, sak, b, sbk, c, ldc, accumulate, scratch, 0, 0);
}
