/**
 * The register tiles every matrix product here is made of: a band of 4 rows (or 1) of A,
 * packed k-major (pack-band.ts), times 8 or 4 columns of B (or 1, scalar), summed over kc
 * terms in registers, then the epilogue: the sums are stored (`first`) or added to C, then
 * bias[j] is added (`bias` 0: none) and relu applied (`relu`), so a dense layer's forward pass
 * writes C once. The skip tiles read only the k of a band's skip list (packBandSkip).
 *
 * Each tile is one generic body (`@inline`, its width and skipping compile-time constants)
 * and a named function per variant, so CPU profiles show `tile4x8`. (This file is in
 * .prettierignore: prettier does not parse decorators on functions.)
 */
/**
 * a·b + c on four floats: fused where the module is built with relaxed SIMD (the `fma` target),
 * else a multiply then an add (the feature test is a compile-time constant).
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Store a tile row's 4 sums at c: first or added to C, + bias[off..off+4] if `hasBias`, relu. */
// @ts-ignore: decorator
@inline function finish(c: usize, sum: v128, first: bool, hasBias: bool, bias: usize, off: usize, relu: bool): void {
  let v = first ? sum : f32x4.add(sum, v128.load(c));
  if (hasBias) v = f32x4.add(v, v128.load(bias + off));
  if (relu) v = f32x4.max(v, f32x4.splat(0));
  v128.store(c, v);
}

/**
 * A 4×8 (`wide`) or 4×4 tile over `count` k: 4 rows packed at `pa`, B's columns at `pb`,
 * B's rows `sbk` bytes apart, or, when `skip`, at pb + list[t] for the t-th kept k.
 */
// @ts-ignore: decorator
@inline function tile4(pa: usize, list: usize, count: i32, pb: usize, sbk: i32, c: usize, ldc: i32, first: bool, hasBias: bool, bias: usize, relu: bool, wide: bool, skip: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let px = list;
  // A do-while on a down-counter: one compare and branch per k (a for loop adds a jump).
  let t = count;
  if (t > 0) do {
    const row = skip ? pb + <usize>load<i32>(px) : pb;
    const b0 = v128.load(row);
    const b1 = wide ? v128.load(row, 16) : b0;
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    if (wide) c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    if (wide) c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    if (wide) c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    if (wide) c31 = madd(a, b1, c31);
    pa += 16;
    if (skip) px += 4;
    else pb += sbk;
  } while (--t);
  const l = <usize>ldc;
  finish(c, c00, first, hasBias, bias, 0, relu);
  finish(c + l, c10, first, hasBias, bias, 0, relu);
  finish(c + 2 * l, c20, first, hasBias, bias, 0, relu);
  finish(c + 3 * l, c30, first, hasBias, bias, 0, relu);
  if (wide) {
    finish(c + 16, c01, first, hasBias, bias, 16, relu);
    finish(c + l + 16, c11, first, hasBias, bias, 16, relu);
    finish(c + 2 * l + 16, c21, first, hasBias, bias, 16, relu);
    finish(c + 3 * l + 16, c31, first, hasBias, bias, 16, relu);
  }
}

/** A 1×8 (`wide`) or 1×4 tile: a single row packed at `pa` (the rows left of the last whole 4). */
// @ts-ignore: decorator
@inline function tile1(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, first: bool, hasBias: bool, bias: usize, relu: bool, wide: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let k = kc;
  if (k > 0) do {
    const a = v128.load32_splat(pa);
    c0 = madd(a, v128.load(pb), c0);
    if (wide) c1 = madd(a, v128.load(pb, 16), c1);
    pa += 4;
    pb += sbk;
  } while (--k);
  finish(c, c0, first, hasBias, bias, 0, relu);
  if (wide) finish(c + 16, c1, first, hasBias, bias, 16, relu);
}

export function tile4x8Skip(pa: usize, list: usize, count: i32, pb: usize, c: usize, ldc: i32, first: bool): void {
  tile4(pa, list, count, pb, 0, c, ldc, first, false, 0, false, true, true);
}

export function tile4x4Skip(pa: usize, list: usize, count: i32, pb: usize, c: usize, ldc: i32, first: bool): void {
  tile4(pa, list, count, pb, 0, c, ldc, first, false, 0, false, false, true);
}

/** Store one scalar sum at `at`: first or added to C, + bias[0] if `hasBias`, relu. */
// @ts-ignore: decorator
@inline function finishOne(at: usize, sum: f32, first: bool, hasBias: bool, bias: usize, relu: bool): void {
  let v = first ? sum : load<f32>(at) + sum;
  if (hasBias) v += load<f32>(bias);
  if (relu) v = max<f32>(v, 0);
  store<f32>(at, v);
}

/** A `rows`×1 tile (rows 4 or 1) for a column left of the last whole 4; scalar, the rows' sums side by side. */
// @ts-ignore: decorator
@inline function column(pa: usize, rows: i32, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool, hasBias: bool, bias: usize, relu: bool): void {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let k = kc;
  if (rows == 4) {
    if (k > 0) do {
      const b = load<f32>(pb);
      s0 += load<f32>(pa) * b;
      s1 += load<f32>(pa, 4) * b;
      s2 += load<f32>(pa, 8) * b;
      s3 += load<f32>(pa, 12) * b;
      pa += 16;
      pb += sbk;
    } while (--k);
    const l = <usize>ldc;
    finishOne(c, s0, first, hasBias, bias, relu);
    finishOne(c + l, s1, first, hasBias, bias, relu);
    finishOne(c + 2 * l, s2, first, hasBias, bias, relu);
    finishOne(c + 3 * l, s3, first, hasBias, bias, relu);
    return;
  }
  if (k > 0) do {
    s0 += load<f32>(pa) * load<f32>(pb);
    pa += 4;
    pb += sbk;
  } while (--k);
  finishOne(c, s0, first, hasBias, bias, relu);
}

/** {@link column} without bias or relu, for the skip product's last columns. */
export function tileColumn(pa: usize, rows: i32, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool): void {
  column(pa, rows, pb, sbk, kc, c, ldc, first, false, 0, false);
}

/**
 * The tile of `width` columns (8, 4 or 1) at C's `c` for one band (`rows` 4 or 1, packed at
 * `pa`); `bias` points at the tile's first column's bias, added if `hasBias`.
 */
// @ts-ignore: decorator
@inline export function tileAt(width: i32, rows: i32, pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool, hasBias: bool, bias: usize, relu: bool): void {
  if (width == 8) {
    if (rows == 4) tile4(pa, 0, kc, pb, sbk, c, ldc, first, hasBias, bias, relu, true, false);
    else tile1(pa, pb, sbk, kc, c, first, hasBias, bias, relu, true);
  } else if (width == 4) {
    if (rows == 4) tile4(pa, 0, kc, pb, sbk, c, ldc, first, hasBias, bias, relu, false, false);
    else tile1(pa, pb, sbk, kc, c, first, hasBias, bias, relu, false);
  } else column(pa, rows, pb, sbk, kc, c, ldc, first, hasBias, bias, relu);
}

/** How many columns the tile at column j of n takes: 8 while 8 are left, then 4, then 1. */
export function widthAt(j: i32, n: i32): i32 {
  return j + 8 <= n ? 8 : j + 4 <= n ? 4 : 1;
}

/**
 * C = A·B (+ bias if `hasBias`) (relu if `relu`) from all of A packed band by band at
 * `scratch` (band i at scratch + i·K floats): each panel of B is swept across every band.
 * `hasBias` and `relu` are compile-time constants where it is inlined, so each of the four
 * epilogues is its own loop nest (gemm-whole.ts).
 */
// @ts-ignore: decorator
@inline export function panels(m: i32, n: i32, k: i32, scratch: usize, b: usize, sbk: i32, c: usize, ldc: i32, hasBias: bool, bias: usize, relu: bool): void {
  for (let j = 0; j < n; ) {
    const width = widthAt(j, n);
    const at = <usize>(4 * j);
    for (let i = 0; i < m; ) {
      const rows = i + 4 <= m ? 4 : 1;
      tileAt(width, rows, scratch + <usize>(4 * i * k), b + at, sbk, k, c + <usize>(i * ldc) + at, ldc, true, hasBias, bias + at, relu);
      i += rows;
    }
    j += width;
  }
}
