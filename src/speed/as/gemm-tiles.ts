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
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Store a tile row's 4 sums at c: first or added to C, + bias[off..off+4] (bias 0: none), relu. */
// @ts-ignore: decorator
@inline function finish(c: usize, sum: v128, first: bool, bias: usize, off: usize, relu: bool): void {
  let v = first ? sum : f32x4.add(sum, v128.load(c));
  if (bias) v = f32x4.add(v, v128.load(bias + off));
  if (relu) v = f32x4.max(v, f32x4.splat(0));
  v128.store(c, v);
}

/**
 * A 4×8 (`wide`) or 4×4 tile over `count` k: 4 rows packed at `pa`, B's columns at `pb`,
 * B's rows `sbk` bytes apart, or, when `skip`, at pb + list[t] for the t-th kept k.
 */
// @ts-ignore: decorator
@inline function tile4(pa: usize, list: usize, count: i32, pb: usize, sbk: i32, c: usize, ldc: i32, first: bool, bias: usize, relu: bool, wide: bool, skip: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let px = list;
  for (let t = 0; t < count; t++) {
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
  }
  const l = <usize>ldc;
  finish(c, c00, first, bias, 0, relu);
  finish(c + l, c10, first, bias, 0, relu);
  finish(c + 2 * l, c20, first, bias, 0, relu);
  finish(c + 3 * l, c30, first, bias, 0, relu);
  if (wide) {
    finish(c + 16, c01, first, bias, 16, relu);
    finish(c + l + 16, c11, first, bias, 16, relu);
    finish(c + 2 * l + 16, c21, first, bias, 16, relu);
    finish(c + 3 * l + 16, c31, first, bias, 16, relu);
  }
}

/** A 1×8 (`wide`) or 1×4 tile: a single row packed at `pa` (the rows left of the last whole 4). */
// @ts-ignore: decorator
@inline function tile1(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, first: bool, bias: usize, relu: bool, wide: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const a = v128.load32_splat(pa);
    c0 = madd(a, v128.load(pb), c0);
    if (wide) c1 = madd(a, v128.load(pb, 16), c1);
    pa += 4;
    pb += sbk;
  }
  finish(c, c0, first, bias, 0, relu);
  if (wide) finish(c + 16, c1, first, bias, 16, relu);
}

export function tile4x8(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool, bias: usize, relu: bool): void {
  tile4(pa, 0, kc, pb, sbk, c, ldc, first, bias, relu, true, false);
}

export function tile4x4(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool, bias: usize, relu: bool): void {
  tile4(pa, 0, kc, pb, sbk, c, ldc, first, bias, relu, false, false);
}

export function tile4x8Skip(pa: usize, list: usize, count: i32, pb: usize, c: usize, ldc: i32, first: bool): void {
  tile4(pa, list, count, pb, 0, c, ldc, first, 0, false, true, true);
}

export function tile4x4Skip(pa: usize, list: usize, count: i32, pb: usize, c: usize, ldc: i32, first: bool): void {
  tile4(pa, list, count, pb, 0, c, ldc, first, 0, false, false, true);
}

export function tile1x8(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, first: bool, bias: usize, relu: bool): void {
  tile1(pa, pb, sbk, kc, c, first, bias, relu, true);
}

export function tile1x4(pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, first: bool, bias: usize, relu: bool): void {
  tile1(pa, pb, sbk, kc, c, first, bias, relu, false);
}

/** A `rows`×1 tile (rows 4 or 1) for a column left of the last whole 4; scalar. */
export function tileColumn(pa: usize, rows: i32, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool, bias: usize, relu: bool): void {
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
    let v = first ? acc : load<f32>(at) + acc;
    if (bias) v += load<f32>(bias);
    if (relu) v = max<f32>(v, 0);
    store<f32>(at, v);
  }
}

/**
 * The tile of `width` columns (8, 4 or 1) at C's `c` for one band (`rows` 4 or 1, packed at
 * `pa`); `bias` points at the tile's first column's bias (0: none).
 */
export function tileAt(width: i32, rows: i32, pa: usize, pb: usize, sbk: i32, kc: i32, c: usize, ldc: i32, first: bool, bias: usize, relu: bool): void {
  if (width == 8) {
    if (rows == 4) tile4x8(pa, pb, sbk, kc, c, ldc, first, bias, relu);
    else tile1x8(pa, pb, sbk, kc, c, first, bias, relu);
  } else if (width == 4) {
    if (rows == 4) tile4x4(pa, pb, sbk, kc, c, ldc, first, bias, relu);
    else tile1x4(pa, pb, sbk, kc, c, first, bias, relu);
  } else tileColumn(pa, rows, pb, sbk, kc, c, ldc, first, bias, relu);
}

/** How many columns the tile at column j of n takes: 8 while 8 are left, then 4, then 1. */
export function widthAt(j: i32, n: i32): i32 {
  return j + 8 <= n ? 8 : j + 4 <= n ? 4 : 1;
}
