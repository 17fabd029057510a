/**
 * The matrix product, C[M×N] = A·B or C += A·B on float32 matrices at byte addresses, with B's
 * columns contiguous and A read one of four ways ({@link MATRIX} …): through any element strides
 * (so a transposed A costs nothing), leaving out its zeros, or as the patch matrix im2col(x) of
 * NHWC images or its transpose, packed band by band straight from the images (patches.ts)
 * without building it. Blocked for cache: K in blocks of {@link KC}; in each block, every band of
 * 4 rows of A is first packed k-major into `scratch` (4·KC floats, stays in L1), then multiplied
 * by each panel of B's block (KC × N floats, stays in L2) in a register tile (gemm-tiles.ts).
 * For few rows (a dense layer's batch) MATRIX_WHOLE packs all of A once instead (gemm-whole.ts).
 */
import { packBand, packBandSkip } from "./pack-band";
import { packPatchColumns, packPatchRows } from "./patches";
import { tile4x4Skip, tile4x8Skip, tileAt, tileColumn, widthAt } from "./gemm-tiles";
import { FEW_ROWS, packWhole, timesWhole } from "./gemm-whole";

/** Greatest depth of one K block. */
export const KC: i32 = 256;

/**
 * How {@link gemm} reads A (src/speed/as-ops.ts names them again for its callers: an exported
 * constant would be a wasm global, which the module must not have; the products' tests use each):
 * - MATRIX: A[i][kk] at a + i·sai + kk·sak.
 * - PATCH_ROWS: A = im2col(x), x the NHWC images at `a`, `sai` the address of their
 *   conv-geometry.ts block (sak unused): a convolution's output (pixels × outChannels) from the
 *   filter B (patch × outChannels); m pixels, k = filterHeight·filterWidth·inChannels.
 * - PATCH_COLUMNS: A = im2col(x)ᵀ, the same arguments: a filter gradient (patch × outChannels)
 *   from dy (pixels × outChannels); m = patch, k = pixels.
 * - MATRIX_SKIP: MATRIX, leaving out in each band of 4 rows the k where all 4 values of A are ±0
 *   (a weight gradient's input: background pixels, relu's zeros; a convolution's dy after max
 *   pooling's gradient and relu's, about three in four): each left-out term is ±0 times a value
 *   of B, so for a finite B (callers pass only those) the sums are the same numbers, up to the
 *   sign of a zero. No accumulate.
 * - MATRIX_WHOLE: MATRIX, and where there are at most FEW_ROWS rows (or k is 0) and no accumulate,
 *   all of A packed once and K not blocked (gemm-whole.ts); `scratch` holds max(M·K, 4·KC) floats.
 */
export const MATRIX: i32 = 0;
export const PATCH_ROWS: i32 = 1;
export const PATCH_COLUMNS: i32 = 2;
export const MATRIX_SKIP: i32 = 3;
export const MATRIX_WHOLE: i32 = 4;

/**
 * One skip-packed band of 4 rows (from A[i][k0] at `band`) times all of B's block: the 8- and
 * 4-column tiles take only the band's kept k; the columns left of the last 4 take every k
 * (the band packed again).
 */
function bandSkip(
  band: usize,
  sai: i32,
  sak: i32,
  kc: i32,
  b: usize,
  sbk: i32,
  n: i32,
  c: usize,
  ldc: i32,
  first: bool,
  scratch: usize,
): void {
  const list = scratch + <usize>(16 * KC);
  const count = packBandSkip(band, sai, sak, kc, sbk, scratch, list);
  let j = 0;
  for (; j + 8 <= n; j += 8) tile4x8Skip(scratch, list, count, b + <usize>(4 * j), c + <usize>(4 * j), ldc, first);
  if (j + 4 <= n) {
    tile4x4Skip(scratch, list, count, b + <usize>(4 * j), c + <usize>(4 * j), ldc, first);
    j += 4;
  }
  if (j < n) packBand(band, sai, sak, 4, kc, scratch);
  for (; j < n; j++) tileColumn(scratch, 4, b + <usize>(4 * j), sbk, kc, c + <usize>(4 * j), ldc, first);
}

/**
 * C = A·B (+ C if `accumulate`), then + bias[N] (0: none) and relu (`relu` 1) on the last K
 * block; `kind` says how A is read (for the patch kinds `sai` is the geometry block). m, n,
 * k ≥ 0; a, b, c byte addresses; sai, sak A's byte strides between rows and between columns;
 * sbk B's row stride and ldc C's, in bytes. `scratch` holds 4·KC floats, and KC int32 more for
 * MATRIX_SKIP (MATRIX_WHOLE: above).
 */
export function gemm(
  m: i32,
  n: i32,
  k: i32,
  kind: i32,
  a: usize,
  sai: i32,
  sak: i32,
  b: usize,
  sbk: i32,
  c: usize,
  ldc: i32,
  accumulate: i32,
  scratch: usize,
  bias: usize,
  relu: i32,
): void {
  if (kind == MATRIX_WHOLE && accumulate == 0 && (m <= FEW_ROWS || k == 0)) {
    packWhole(a, sai, sak, m, k, scratch);
    timesWhole(m, n, k, scratch, b, sbk, c, ldc, bias, relu);
    return;
  }
  if (k == 0 && accumulate == 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc), 0, <usize>(4 * n));
  }
  // K blocks of equal depth, at most KC.
  const blocks = (k + KC - 1) / KC;
  const depth = (k + blocks - 1) / max(blocks, 1);
  for (let k0 = 0; k0 < k; k0 += depth) {
    const kc = min(depth, k - k0);
    const first = accumulate == 0 && k0 == 0;
    const last = k0 + kc >= k;
    const blockBias = last ? bias : 0;
    const blockRelu = last && relu != 0;
    const bBlock = b + <usize>(k0 * sbk);
    for (let i = 0; i < m;) {
      const rows = i + 4 <= m ? 4 : 1;
      const cRow = c + <usize>(i * ldc);
      const band = a + <usize>(i * sai + k0 * sak);
      if (kind == MATRIX_SKIP && rows == 4) {
        bandSkip(band, sai, sak, kc, bBlock, sbk, n, cRow, ldc, first, scratch);
        i += rows;
        continue;
      }
      if (kind == PATCH_ROWS) packPatchRows(<usize>sai, a, i, rows, k0, kc, scratch);
      else if (kind == PATCH_COLUMNS) packPatchColumns(<usize>sai, a, i, rows, k0, kc, scratch);
      else packBand(band, sai, sak, rows, kc, scratch);
      for (let j = 0; j < n;) {
        const width = widthAt(j, n);
        const at = <usize>(4 * j);
        tileAt(
          width,
          rows,
          scratch,
          bBlock + at,
          sbk,
          kc,
          cRow + at,
          ldc,
          first,
          blockBias != 0,
          blockBias + at,
          blockRelu,
        );
        j += width;
      }
      i += rows;
    }
  }
}
