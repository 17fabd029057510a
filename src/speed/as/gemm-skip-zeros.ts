/**
 * A matrix product that leaves out A's zeros: for an A that is mostly zeros (a weight
 * gradient's input: background pixels, relu's zeros; a convolution's dy after max pooling's
 * gradient and relu's, about three in four) it does a fraction of the work.
 */
import { MATRIX_SKIP, multiply } from "./gemm-blocked";

/**
 * gemm's C = A·B (no accumulate) that leaves out, in each band of 4 rows, the k where all 4
 * values of A are ±0: each left-out term is ±0 times a value of B, so for finite B the sums
 * are the same numbers (up to the sign of a zero). `scratch` holds 4·256 floats and 256
 * int32. Callers pass a finite B only.
 */
export function gemmSkipZeros(
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
  scratch: usize,
): void {
  multiply(m, n, k, MATRIX_SKIP, a, sai, sak, b, sbk, c, ldc, 0, scratch, 0, 0);
}
