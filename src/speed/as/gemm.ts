/**
 * C[M×N] = A·B, or C += A·B, on float32 matrices at byte addresses; A is read through any
 * element strides (so a transposed A costs nothing), B has contiguous columns.
 *
 * Blocked for cache: K in blocks of {@link KC}; in each block, every band of 4 rows of A is
 * first packed k-major into `scratch` (4·KC floats, stays in L1), then multiplied by each
 * 8-column panel of B's block (KC × N floats, stays in L2) in a 4×8 register tile.
 */
/**
 * a·b + c on four floats: fused where the module is built with relaxed SIMD (the `fma` target),
 * else a multiply then an add. (asc -O3 inlines it: the feature test is a compile-time constant.)
 */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

import { packPatchColumns, packPatchRows } from "./patches";

/** Greatest depth of one K block. */
const KC: i32 = 256;

/** Copy rows i..i+rows of A's K block [k0, k0+kc) into scratch as [kc][rows]. */
function packBand(a: usize, sai: i32, sak: i32, i: i32, rows: i32, k0: i32, kc: i32, scratch: usize): void {
  let src = a + <usize>(i * sai + k0 * sak);
  let dst = scratch;
  if (rows == 4) {
    for (let k = 0; k < kc; k++) {
      store<f32>(dst, load<f32>(src));
      store<f32>(dst, load<f32>(src + sai), 4);
      store<f32>(dst, load<f32>(src + 2 * sai), 8);
      store<f32>(dst, load<f32>(src + 3 * sai), 12);
      dst += 16;
      src += sak;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      store<f32>(dst, load<f32>(src));
      dst += 4;
      src += sak;
    }
  }
}

/**
 * {@link packBand} for 4 rows that keeps only the k where some of the 4 values is not ±0
 * (NaN included), writing their B row offsets (bytes) at `list`; returns how many were kept.
 */
function packBandSkip(
  a: usize,
  sai: i32,
  sak: i32,
  i: i32,
  k0: i32,
  kc: i32,
  sbk: i32,
  scratch: usize,
  list: usize,
): i32 {
  let src = a + <usize>(i * sai + k0 * sak);
  let dst = scratch;
  let count = 0;
  const zero = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const v = f32x4.replace_lane(
      f32x4.replace_lane(
        f32x4.replace_lane(f32x4.splat(load<f32>(src)), 1, load<f32>(src + sai)),
        2,
        load<f32>(src + 2 * sai),
      ),
      3,
      load<f32>(src + 3 * sai),
    );
    v128.store(dst, v);
    store<i32>(list + <usize>(4 * count), k * sbk);
    // Advance only past a k with a nonzero (or NaN) value: f32x4.ne(v, 0) is true for both.
    const keep = v128.any_true(f32x4.ne(v, zero));
    dst += keep ? 16 : 0;
    count += keep ? 1 : 0;
    src += sak;
  }
  return count;
}

/** {@link tile4x8} over the `count` kept k of a skip-packed band: B's rows at pb + list[t]. */
function tile4x8Skip(pa: usize, list: usize, count: i32, pb: usize, c: usize, ldc: i32, first: bool): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  for (let t = 0; t < count; t++) {
    const row = pb + <usize>load<i32>(list + <usize>(4 * t));
    const b0 = v128.load(row);
    const b1 = v128.load(row, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
  }
  if (!first) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** The 4×8 tile at (i, j): 4 rows packed at `pa`, 8 columns of B from `pb`, kc terms; adds to C unless `first`. */
function tile4x8(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += sbk;
  }
  if (!first) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** A `rows`×1 tile (rows 4 or 1) for the columns left of the last whole 8; scalar. */
function tileColumn(pa: usize, rows: i32, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool): void {
  for (let r = 0; r < rows; r++) {
    let acc: f32 = 0;
    let a = pa + <usize>(4 * r);
    let b = pb;
    for (let k = 0; k < kc; k++) {
      acc += load<f32>(a) * load<f32>(b);
      a += <usize>(4 * rows);
      b += sbk;
    }
    const at = c + <usize>(r * ldc);
    store<f32>(at, first ? acc : load<f32>(at) + acc);
  }
}

/** A 1×8 tile (a single row) of the rows left of the last whole 4. */
function tile1x8(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, first: bool): void {
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const a = v128.load32_splat(pa);
    c0 = madd(a, v128.load(pb), c0);
    c1 = madd(a, v128.load(pb, 16), c1);
    pa += 4;
    pb += sbk;
  }
  if (!first) {
    c0 = f32x4.add(c0, v128.load(c));
    c1 = f32x4.add(c1, v128.load(c, 16));
  }
  v128.store(c, c0);
  v128.store(c, c1, 16);
}

/** How `multiply` reads A: a strided matrix, or the patch matrix of images (see patches.ts), or its transpose. */
const MATRIX = 0;
const PATCH_ROWS = 1;
const PATCH_COLUMNS = 2;
const MATRIX_SKIP = 3;

function multiply(
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
): void {
  if (k == 0 && accumulate == 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc), 0, <usize>(4 * n));
  }
  const n8 = n & ~7;
  // K blocks of equal depth, at most KC.
  const blocks = (k + KC - 1) / KC;
  const depth = (k + blocks - 1) / max(blocks, 1);
  for (let k0 = 0; k0 < k; k0 += depth) {
    const kc = min(depth, k - k0);
    const first = accumulate == 0 && k0 == 0;
    const bBlock = b + <usize>(k0 * sbk);
    for (let i = 0; i < m;) {
      const rows = i + 4 <= m ? 4 : 1;
      if (kind == PATCH_ROWS) packPatchRows(<usize>sai, a, i, rows, k0, kc, scratch);
      else if (kind == PATCH_COLUMNS) packPatchColumns(<usize>sai, a, i, rows, k0, kc, scratch);
      else if (kind == MATRIX_SKIP && rows == 4) {
        const list = scratch + <usize>(16 * KC);
        const count = packBandSkip(a, sai, sak, i, k0, kc, sbk, scratch, list);
        const cRow = c + <usize>(i * ldc);
        for (let j = 0; j < n8; j += 8)
          tile4x8Skip(scratch, list, count, bBlock + <usize>(4 * j), cRow + <usize>(4 * j), ldc, first);
        // The few columns left of the last 8 take every k, as usual.
        if (n8 < n) packBand(a, sai, sak, i, rows, k0, kc, scratch);
        for (let j = n8; j < n; j++) {
          tileColumn(scratch, rows, bBlock + <usize>(4 * j), sbk, kc, cRow + <usize>(4 * j), ldc, first);
        }
        i += rows;
        continue;
      } else packBand(a, sai, sak, i, rows, k0, kc, scratch);
      const cRow = c + <usize>(i * ldc);
      for (let j = 0; j < n8; j += 8) {
        if (rows == 4) tile4x8(scratch, bBlock + <usize>(4 * j), sbk, kc, cRow + <usize>(4 * j), ldc, first);
        else tile1x8(scratch, bBlock + <usize>(4 * j), sbk, kc, cRow + <usize>(4 * j), first);
      }
      for (let j = n8; j < n; j++) {
        tileColumn(scratch, rows, bBlock + <usize>(4 * j), sbk, kc, cRow + <usize>(4 * j), ldc, first);
      }
      i += rows;
    }
  }
}

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
  multiply(m, n, k, MATRIX, a, sai, sak, b, sbk, c, ldc, accumulate, scratch);
}

/**
 * {@link gemm} (C = A·B) that leaves out, in each band of 4 rows, the k where all 4 values
 * of A are ±0: each left-out term is ±0 times a value of B, so for finite B the sums are the
 * same numbers (up to the sign of a zero). For an A that is mostly zeros (a convolution's dy
 * after max pooling's gradient and relu's: about three in four) the product does a fraction of
 * the work. `scratch` holds 4·256 floats and 256 int32. Callers pass a finite B only.
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
  multiply(m, n, k, MATRIX_SKIP, a, sai, sak, b, sbk, c, ldc, 0, scratch);
}

/**
 * C = im2col(x) · B: a convolution's output (pixels × outChannels) from NHWC images `x` and
 * the filter B (patch × outChannels, row stride sbk), without building im2col(x). m pixels,
 * k = filterHeight·filterWidth·inChannels; `geometry` as in conv-geometry.ts.
 */
export function gemmPatches(
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
  multiply(m, n, k, PATCH_ROWS, x, <i32>geometry, 0, b, sbk, c, ldc, 0, scratch);
}

/**
 * C = im2col(x)ᵀ · B: a convolution's filter gradient (patch × outChannels) from images `x`
 * and dy (pixels × outChannels, row stride sbk), without building im2col(x); m = patch,
 * k = pixels.
 */
export function gemmPatchesT(
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
  multiply(m, n, k, PATCH_COLUMNS, x, <i32>geometry, 0, b, sbk, c, ldc, 0, scratch);
}
