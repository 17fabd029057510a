/**
 * The sums the sparse convolution gradients are made of: `acc += row · g` over a list of
 * (address, g) terms, for a run of 1, 4 or 8 vectors (4, 16 or 32 floats) held in registers,
 * then stored or added to C as gemm's epilogue does. The products are gemm-tiles.ts's `madd`,
 * so each sum is the one the matrix product forms, its zero terms left out. (This file is in
 * .prettierignore: prettier does not parse decorators on functions.)
 */
import { madd } from "./gemm-tiles";

/**
 * Σ over the terms t in [from, to) of the list at `list` (8 bytes a term: an int32, then g, a
 * float32), of the `vectors` vectors at the term's row + `offset`, times g; started at zero
 * and in list order, then stored at `c` (`first`) or added to what is there. The int32 is the
 * row's byte address, or where `gather` a pixel p: the row is then table[p]'s origin (8 bytes
 * a pixel: origin, mask) + `offset`, or `zeros` (32 floats of 0) where `bit` is not in table[p]'s mask (a
 * filter position over the padding). `vectors` (8, 4 or 1) and `gather` are compile-time
 * constants where inlined.
 */
// @ts-ignore: decorator
@inline export function sumTerms(list: usize, from: i32, to: i32, offset: usize, c: usize, first: bool, vectors: i32, gather: bool, table: usize, bit: i32, zeros: usize): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
  for (let t = from; t < to; t++) {
    const term = list + (<usize>t << 3);
    let row = <usize>load<i32>(term) + offset;
    if (gather) {
      const pixel = table + (<usize>load<i32>(term) << 3);
      row = select<usize>(<usize>load<i32>(pixel) + offset, zeros, (load<i32>(pixel, 4) & bit) != 0);
    }
    const g = v128.load32_splat(term, 4);
    s0 = madd(v128.load(row), g, s0);
    if (vectors >= 4) {
      s1 = madd(v128.load(row, 16), g, s1);
      s2 = madd(v128.load(row, 32), g, s2);
      s3 = madd(v128.load(row, 48), g, s3);
    }
    if (vectors == 8) {
      s4 = madd(v128.load(row, 64), g, s4);
      s5 = madd(v128.load(row, 80), g, s5);
      s6 = madd(v128.load(row, 96), g, s6);
      s7 = madd(v128.load(row, 112), g, s7);
    }
  }
  put(c, s0, first);
  if (vectors >= 4) {
    put(c + 16, s1, first);
    put(c + 32, s2, first);
    put(c + 48, s3, first);
  }
  if (vectors == 8) {
    put(c + 64, s4, first);
    put(c + 80, s5, first);
    put(c + 96, s6, first);
    put(c + 112, s7, first);
  }
}

/** A sum stored (`first`) or added to C: gemm's `finish` without bias or relu. */
// @ts-ignore: decorator
@inline function put(c: usize, sum: v128, first: bool): void {
  v128.store(c, first ? sum : f32x4.add(sum, v128.load(c)));
}

/** How many vectors the run of channels from `c` of `channels` takes: 8 while 32 floats are left, then 4, then 1. */
// @ts-ignore: decorator
@inline export function runAt(c: i32, channels: i32): i32 {
  return c + 32 <= channels ? 8 : c + 16 <= channels ? 4 : 1;
}

/** {@link sumTerms} for a run of `vectors` vectors (8, 4 or 1, as {@link runAt} gives) known only at run time. */
// @ts-ignore: decorator
@inline export function sumRun(vectors: i32, list: usize, from: i32, to: i32, offset: usize, c: usize, first: bool, gather: bool, table: usize, bit: i32, zeros: usize): void {
  if (vectors == 8) sumTerms(list, from, to, offset, c, first, 8, gather, table, bit, zeros);
  else if (vectors == 4) sumTerms(list, from, to, offset, c, first, 4, gather, table, bit, zeros);
  else sumTerms(list, from, to, offset, c, first, 1, gather, table, bit, zeros);
}

/**
 * (word, g) written as term n of the list at `list` (8 bytes a term); the list's length after
 * it: n + `kept` (1 where g is nonzero, else 0: the term is written either way and the next one
 * overwrites it, so listing needs no branch on g).
 */
// @ts-ignore: decorator
@inline export function listTerm(list: usize, n: i32, word: i32, g: f32, kept: i32): i32 {
  const term = list + (<usize>n << 3);
  store<i32>(term, word);
  store<f32>(term, g, 4);
  return n + kept;
}

/** How many of `count` floats (a multiple of 4) in each of `rows` rows `rowBytes` apart are not 0 (NaN counts: it is not 0). */
export function nonzeros(at: usize, rowBytes: usize, count: i32, rows: i32): i32 {
  const zero = f32x4.splat(0);
  let sums = i32x4.splat(0);
  for (let p = 0; p < rows; p++) {
    const row = at + <usize>p * rowBytes;
    for (let c = 0; c < count; c += 4) sums = i32x4.sub(sums, f32x4.ne(v128.load(row + <usize>(4 * c)), zero));
  }
  return i32x4.extract_lane(sums, 0) + i32x4.extract_lane(sums, 1) + i32x4.extract_lane(sums, 2) + i32x4.extract_lane(sums, 3);
}
