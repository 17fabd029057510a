/**
 * A dense layer's product: C = A·B (+ bias[N]) (then relu), the bias and relu applied as each
 * register tile is stored, so C is written once. A is read through any element strides, B has
 * contiguous columns. The loop order is chosen by shape: for many rows, gemm.ts's (K
 * in blocks of 256); for at most {@link FEW_ROWS} (a batch: 32 × 784 times 784 × 100) all of A
 * is packed once (band by band, [K][rows] each, M·K floats of `scratch`), then each panel of B
 * (K × 8 floats, stays in L1) is swept across every band of A, and each tile keeps its sums in
 * registers over all of K: blocking K would store C and pack A once per block.
 */
import { gemm, MATRIX } from "./gemm";
import { panels } from "./gemm-tiles";
import { packBand } from "./pack-band";

/** Rows of A up to which all of A is packed at once (64 × 784 floats: 200 KB, in L2). */
const FEW_ROWS: i32 = 64;

/**
 * C = A·B, then + bias (`bias` the byte address of N floats, or 0: none), then max(·, 0) if
 * `relu` is 1. Arguments as gemm's; `scratch` holds max(M·K, 4·256) floats.
 */
export function gemmBiasRelu(
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
  bias: usize,
  relu: i32,
): void {
  if (m > FEW_ROWS && k > 0) {
    gemm(m, n, k, MATRIX, a, sai, sak, b, sbk, c, ldc, 0, scratch, bias, relu);
    return;
  }
  // Band i (4 rows or 1) is packed at scratch + i·K floats.
  for (let i = 0; i < m;) {
    const rows = i + 4 <= m ? 4 : 1;
    packBand(a + <usize>(i * sai), sai, sak, rows, k, scratch + <usize>(4 * i * k));
    i += rows;
  }
  if (bias) {
    if (relu) panels(m, n, k, scratch, b, sbk, c, ldc, true, bias, true);
    else panels(m, n, k, scratch, b, sbk, c, ldc, true, bias, false);
  } else if (relu) panels(m, n, k, scratch, b, sbk, c, ldc, false, 0, true);
  else panels(m, n, k, scratch, b, sbk, c, ldc, false, 0, false);
}
