/**
 * A convolution as one matrix product whose A is the patch matrix im2col(x), packed band by
 * band straight from the NHWC images (patches.ts) without building it; `geometry` as in
 * conv-geometry.ts.
 */
import { multiply, PATCH_COLUMNS, PATCH_ROWS } from "./gemm-blocked";

/**
 * `transposed` 0: C = im2col(x) · B, a convolution's output (pixels × outChannels) from NHWC
 * images `x` and the filter B (patch × outChannels, row stride sbk); m pixels,
 * k = filterHeight·filterWidth·inChannels.
 * `transposed` 1: C = im2col(x)ᵀ · B, a convolution's filter gradient (patch × outChannels)
 * from images `x` and dy (pixels × outChannels, row stride sbk); m = patch, k = pixels.
 * `scratch` holds 4·256 floats.
 */
export function gemmPatches(
  transposed: i32,
  m: i32,
  n: i32,
  k: i32,
  geometry: usize,
  x: usize,
  b: usize,
  sbk: i32,
  c: usize,
  ldc: i32,
  scratch: usize,
): void {
  const kind = transposed ? PATCH_COLUMNS : PATCH_ROWS;
  multiply(m, n, k, kind, x, <i32>geometry, 0, b, sbk, c, ldc, 0, scratch, 0, 0);
}
