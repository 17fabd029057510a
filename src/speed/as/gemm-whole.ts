/**
 * gemm.ts's MATRIX_WHOLE: a dense layer's product for few rows (a batch: 32 × 784 times
 * 784 × 100). All of A is packed once (band by band, [K][rows] each, M·K floats of `scratch`),
 * then each panel of B (K × 8 floats, stays in L1) is swept across every band of A, and each
 * tile keeps its sums in registers over all of K, bias and relu applied as it is stored, so C
 * is written once: blocking K would store C and pack A once per block. (This file is in
 * .prettierignore: prettier does not parse decorators on functions.)
 */
import { panels } from "./gemm-tiles";
import { packBand } from "./pack-band";

/** Rows of A up to which all of A is packed at once (64 × 784 floats: 200 KB, in L2). */
export const FEW_ROWS: i32 = 64;

/** Pack A's m rows of k values band by band (4 rows or 1) into `scratch`, band i at scratch + i·k floats. */
// @ts-ignore: decorator
@inline export function packWhole(a: usize, sai: i32, sak: i32, m: i32, k: i32, scratch: usize): void {
  for (let i = 0; i < m;) {
    const rows = i + 4 <= m ? 4 : 1;
    packBand(a + <usize>(i * sai), sai, sak, rows, k, scratch + <usize>(4 * i * k));
    i += rows;
  }
}

/** C = (packed A)·B, + bias (0: none), relu if `relu` is 1: each of the four epilogues its own loop nest. */
// @ts-ignore: decorator
@inline export function timesWhole(m: i32, n: i32, k: i32, scratch: usize, b: usize, sbk: i32, c: usize, ldc: i32, bias: usize, relu: i32): void {
  if (bias) {
    if (relu) panels(m, n, k, scratch, b, sbk, c, ldc, true, bias, true);
    else panels(m, n, k, scratch, b, sbk, c, ldc, true, bias, false);
  } else if (relu) panels(m, n, k, scratch, b, sbk, c, ldc, false, 0, true);
  else panels(m, n, k, scratch, b, sbk, c, ldc, false, 0, false);
}
