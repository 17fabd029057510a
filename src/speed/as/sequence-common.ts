/**
 * What the recurrent cells' time loops (sequence.ts) and steps share: SIMD row updates and dot
 * products (x·W + b row by row, the recurrent product), the recurrent dropout mask, and the
 * pass over every (sample, step) row after the recurrence that does not depend on the cell:
 * the kernel's, bias's and input's gradients from the pre-activations'. Layouts: x
 * [batch, steps, features] (already dropout-masked), kernel [features, g], rows of the
 * pre-activations time-major [steps, batch, g], g = the cell's gate columns. The activations
 * are in activations.ts.
 */
import { load2 } from "./lanes";

/** row[0..n) += v · b[0..n): four lanes at a time, then the rest one by one. */
export function axpy(n: i32, v: f32, b: usize, row: usize): void {
  const vv = f32x4.splat(v);
  const vecEnd = n & ~3;
  let j = 0;
  for (; j < vecEnd; j += 4) {
    const at = row + <usize>(4 * j);
    v128.store(at, f32x4.add(v128.load(at), f32x4.mul(vv, v128.load(b + <usize>(4 * j)))));
  }
  for (; j < n; j++) {
    const at = row + <usize>(4 * j);
    store<f32>(at, load<f32>(at) + v * load<f32>(b + <usize>(4 * j)));
  }
}

/** Σ a[j]·b[j] over n floats: four lanes at a time, then the rest. */
export function dot(n: i32, a: usize, b: usize): f32 {
  let acc = f32x4.splat(0);
  const vecEnd = n & ~3;
  let j = 0;
  for (; j < vecEnd; j += 4) {
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + <usize>(4 * j)), v128.load(b + <usize>(4 * j))));
  }
  let tail: f32 = 0;
  for (; j < n; j++) tail += load<f32>(a + <usize>(4 * j)) * load<f32>(b + <usize>(4 * j));
  return (
    tail +
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    f32x4.extract_lane(acc, 2) +
    f32x4.extract_lane(acc, 3)
  );
}

/** The state as the recurrent product sees it: h·mask into `hm`, or h itself. */
export function maskedState(n: i32, h: usize, mask: usize, hm: usize): usize {
  if (mask == 0) return h;
  for (let i = 0; i < n; i++) {
    const o = <usize>(4 * i);
    store<f32>(hm + o, load<f32>(h + o) * load<f32>(mask + o));
  }
  return hm;
}

/**
 * z[0..g) = init[0..g) + Σ_p v[p]·m[p] over the k rows of the k × g matrix m,
 * v's zeros skipped (one-hot inputs), each column's terms added in order of p in float32: what
 * {@link axpy} row by row gives, bit for bit, with 16 columns at a time kept in registers
 * across all of p instead of loaded and stored for each. `init` may be `z` itself.
 */
export function rowTimesMatrix(k: i32, g: i32, v: usize, m: usize, init: usize, z: usize): void {
  sumScaledRows(k, g, v, 4, false, m, init, z);
}

/**
 * Input widths from which x's rows are read as mostly zeros (one-hot inputs, the book's 9-2):
 * {@link inputTimesKernel} and {@link inputGradients} then test four of a row's values at once
 * and visit only its nonzeros, row by row, where narrower (dense) inputs keep 16 gate columns
 * in registers. Both ways add the same terms in the same order, so they give the same bits.
 */
const WIDE_INPUT = 64;

/**
 * z[0..g) = init[0..g) + Σ_p v[p]·m[p] over the k rows of m, as {@link rowTimesMatrix}
 * computes it, bit for bit: for a wide v ({@link WIDE_INPUT}) one {@link axpy} into z for each
 * nonzero v[p] in order of p, four v's tested at once. `init` may be `z` itself.
 */
export function inputTimesKernel(k: i32, g: i32, v: usize, m: usize, init: usize, z: usize): void {
  if (k < WIDE_INPUT) return rowTimesMatrix(k, g, v, m, init, z);
  if (init != z) memory.copy(z, init, <usize>(4 * g));
  eachNonzero(k, g, v, m, <usize>(4 * g), z, 0);
}

/**
 * For each nonzero s = v[p] of the k floats at v, in order of p, axpy(g, s, …): into `row`
 * from the matrix row m + p·rowBytes (`toRows` 0), or from `row` into the matrix row
 * (`toRows` 1). Four v's are tested at once and skipped together where all are ±0 (NaN is not
 * skipped, as `s == 0` does not skip it).
 */
// @ts-ignore: decorator
@inline function eachNonzero(k: i32, g: i32, v: usize, m: usize, rowBytes: usize, row: usize, toRows: i32): void {
  const zero = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    if (!v128.any_true(f32x4.ne(v128.load(v + <usize>(4 * p)), zero))) continue;
    for (let l = p; l < p + 4; l++) nonzeroTerm(g, load<f32>(v + <usize>(4 * l)), m + <usize>l * rowBytes, row, toRows);
  }
  for (; p < k; p++) nonzeroTerm(g, load<f32>(v + <usize>(4 * p)), m + <usize>p * rowBytes, row, toRows);
}

// @ts-ignore: decorator
@inline function nonzeroTerm(g: i32, s: f32, matrixRow: usize, row: usize, toRows: i32): void {
  if (s == 0) return;
  if (toRows) axpy(g, s, row, matrixRow);
  else axpy(g, s, matrixRow, row);
}

/**
 * {@link dot}(g, a, m0 + i·rowBytes) for i = 0..3 as one vector, bit for bit: the four rows
 * share a's loads, and their lanes' partial sums are transposed so that one vector add chain
 * gives each row's `0 + lane 0 + lane 1 + lane 2 + lane 3`, the order {@link dot} adds them
 * in. g must be a multiple of 4 (no scalar tail).
 */
function dot4(g: i32, a: usize, m0: usize, rowBytes: usize): v128 {
  const m1 = m0 + rowBytes;
  const m2 = m1 + rowBytes;
  const m3 = m2 + rowBytes;
  const end = <usize>(4 * g);
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  for (let o: usize = 0; o < end; o += 16) {
    const av = v128.load(a + o);
    s0 = f32x4.add(s0, f32x4.mul(av, v128.load(m0 + o)));
    s1 = f32x4.add(s1, f32x4.mul(av, v128.load(m1 + o)));
    s2 = f32x4.add(s2, f32x4.mul(av, v128.load(m2 + o)));
    s3 = f32x4.add(s3, f32x4.mul(av, v128.load(m3 + o)));
  }
  // Lane l of the shuffles below is (s0[l], s1[l], s2[l], s3[l]).
  const t0 = v128.shuffle<f32>(s0, s1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(s2, s3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(s0, s1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(s2, s3, 2, 6, 3, 7);
  let total = f32x4.add(f32x4.splat(0), v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  total = f32x4.add(total, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  total = f32x4.add(total, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  return f32x4.add(total, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** out[p] = {@link dot}(g, a, m[p]) for the `count` rows of the count × g matrix m, four rows at a time where g is a multiple of 4. */
function dotRows(g: i32, a: usize, m: usize, count: i32, out: usize): void {
  const rowBytes = <usize>(4 * g);
  let p = 0;
  if ((g & 3) == 0)
    for (; p + 4 <= count; p += 4) v128.store(out + <usize>(4 * p), dot4(g, a, m + <usize>p * rowBytes, rowBytes));
  for (; p < count; p++) store<f32>(out + <usize>(4 * p), dot(g, a, m + <usize>p * rowBytes));
}

/**
 * From the pre-activations' gradient dpre [steps, batch, g]: dKernel += xᵀ·dpre, dBias += Σ
 * rows (0: none), and dx = dpre·kernelᵀ (0: not wanted). Each of dKernel's and dBias's
 * elements adds its rows in (step, sample) order, as one {@link axpy} per row would, with 16
 * columns kept in registers over a step's batch of rows.
 */
export function inputGradients(
  batch: i32,
  steps: i32,
  features: i32,
  g: i32,
  x: usize,
  kernel: usize,
  dpre: usize,
  dKernel: usize,
  dBias: usize,
  dx: usize,
): void {
  const rowBytes = <usize>(4 * g);
  const xStep = <usize>(4 * features);
  const xSample = <usize>(4 * steps * features);
  for (let t = 0; t < steps; t++) {
    const dzs = dpre + <usize>(4 * t * batch * g);
    const xs = x + <usize>t * xStep;
    // Each of dKernel's elements gets its terms in (step, sample) order either way.
    if (features >= WIDE_INPUT)
      for (let b = 0; b < batch; b++) eachNonzero(features, g, xs + <usize>b * xSample, dKernel, rowBytes, dzs + <usize>b * rowBytes, 1);
    else
      for (let p = 0; p < features; p++)
        accumulateRows(batch, g, xs + <usize>(4 * p), xSample, dzs, dKernel + <usize>p * rowBytes);
    if (dBias != 0) accumulateRows(batch, g, 0, 0, dzs, dBias);
    if (dx == 0) continue;
    for (let b = 0; b < batch; b++) {
      const dz = dzs + <usize>b * rowBytes;
      const out = dx + <usize>(4 * (b * steps + t) * features);
      dotRows(g, dz, kernel, features, out);
    }
  }
}

/**
 * acc[0..g) += s_b · rows[b] for b = 0..count in order, s_b the float32 at `scales + b·stride`
 * (zeros skipped), or 1 for every row when `scales` is 0: {@link axpy} row by row, bit for bit,
 * 16 columns at a time kept in registers across the rows.
 */
export function accumulateRows(count: i32, g: i32, scales: usize, stride: usize, rows: usize, acc: usize): void {
  sumScaledRows(count, g, scales, stride, scales == 0, rows, acc, acc);
}

/**
 * out[0..g) = init[0..g) + Σ_b s_b · rows[b] for b = 0..count in order, in
 * float32, s_b the float32 at `scales + b·stride` (zeros skipped) or 1 for every row when
 * `ones`. Inlined so that {@link rowTimesMatrix}'s literal `ones` = false leaves no test in
 * its inner loop.
 */
// @ts-ignore: decorator
@inline function sumScaledRows(
  count: i32,
  g: i32,
  scales: usize,
  stride: usize,
  ones: bool,
  rows: usize,
  init: usize,
  out: usize,
): void {
  const rowBytes = <usize>(4 * g);
  let j = 0;
  for (; j + 16 <= g; j += 16) {
    const o = <usize>(4 * j);
    let a0 = v128.load(init + o);
    let a1 = v128.load(init + o + 16);
    let a2 = v128.load(init + o + 32);
    let a3 = v128.load(init + o + 48);
    for (let b = 0; b < count; b++) {
      const s: f32 = ones ? 1 : load<f32>(scales + <usize>b * stride);
      if (s == 0) continue;
      const sv = f32x4.splat(s);
      const row = rows + <usize>b * rowBytes + o;
      a0 = f32x4.add(a0, f32x4.mul(sv, v128.load(row)));
      a1 = f32x4.add(a1, f32x4.mul(sv, v128.load(row + 16)));
      a2 = f32x4.add(a2, f32x4.mul(sv, v128.load(row + 32)));
      a3 = f32x4.add(a3, f32x4.mul(sv, v128.load(row + 48)));
    }
    v128.store(out + o, a0);
    v128.store(out + o + 16, a1);
    v128.store(out + o + 32, a2);
    v128.store(out + o + 48, a3);
  }
  for (; j + 4 <= g; j += 4) {
    const o = <usize>(4 * j);
    let a = v128.load(init + o);
    for (let b = 0; b < count; b++) {
      const s: f32 = ones ? 1 : load<f32>(scales + <usize>b * stride);
      if (s != 0) a = f32x4.add(a, f32x4.mul(f32x4.splat(s), v128.load(rows + <usize>b * rowBytes + o)));
    }
    v128.store(out + o, a);
  }
  for (; j < g; j++) {
    const o = <usize>(4 * j);
    let a = load<f32>(init + o);
    for (let b = 0; b < count; b++) {
      const s: f32 = ones ? 1 : load<f32>(scales + <usize>b * stride);
      if (s != 0) a = a + s * load<f32>(rows + <usize>b * rowBytes + o);
    }
    store<f32>(out + o, a);
  }
}

/**
 * out[b] += s[b]·recurrent for each of `batch` rows, s = h·recMask ({@link maskedState}, into
 * the scratch `hm`): the state's part of one step's pre-activations (rows of g).
 */
export function recurrentProduct(
  batch: i32,
  u: i32,
  g: i32,
  recurrent: usize,
  h: usize,
  recMask: usize,
  hm: usize,
  out: usize,
): void {
  const src = maskedState(batch * u, h, recMask, hm);
  for (let b = 0; b < batch; b++) {
    const z = out + <usize>(4 * b * g);
    rowTimesMatrix(u, g, src + <usize>(4 * b * u), recurrent, z, z);
  }
}

/**
 * One step's recurrent gradients from dz [batch, g] (the gradient of what the state's product
 * fed, s = h·recMask as {@link recurrentProduct} took it): dRecurrent += sᵀ·dz, and the state's
 * gradient dz·recurrentᵀ (times the dropout mask) stored into dh, or added to it when
 * `accumulate` (a cell whose state also reaches the next step directly, as GRU's z·h).
 */
export function recurrentGradients(
  batch: i32,
  u: i32,
  g: i32,
  h: usize,
  recMask: usize,
  hm: usize,
  dz: usize,
  recurrent: usize,
  dRecurrent: usize,
  dh: usize,
  accumulate: i32,
): void {
  const src = maskedState(batch * u, h, recMask, hm);
  const rowBytes = <usize>(4 * g);
  // dRecurrent: each element adds the batch's rows in order, as one axpy per (sample, unit) did.
  for (let p = 0; p < u; p++)
    accumulateRows(batch, g, src + <usize>(4 * p), <usize>(4 * u), dz, dRecurrent + <usize>p * rowBytes);
  for (let b = 0; b < batch; b++) {
    const row = dz + <usize>b * rowBytes;
    let p = 0;
    if ((g & 3) == 0)
      for (; p + 4 <= u; p += 4) {
        const s = <usize>(4 * (b * u + p));
        let back = dot4(g, row, recurrent + <usize>p * rowBytes, rowBytes);
        if (recMask != 0) back = f32x4.mul(back, v128.load(recMask + s));
        v128.store(dh + s, accumulate ? f32x4.add(v128.load(dh + s), back) : back);
      }
    for (; p < u; p++) {
      const s = <usize>(4 * (b * u + p));
      let back = dot(g, row, recurrent + <usize>p * rowBytes);
      if (recMask != 0) back *= load<f32>(recMask + s);
      store<f32>(dh + s, accumulate ? load<f32>(dh + s) + back : back);
    }
  }
}

/**
 * Zeroes what a backward pass accumulates into: the state's gradient dh [batch, u], dRecurrent
 * [u, g], dKernel [features, g] and, unless 0, dBias (`biasFloats`: g, or 2g for GRU's two biases).
 */
export function clearGradients(
  batch: i32,
  features: i32,
  u: i32,
  g: i32,
  biasFloats: i32,
  dh: usize,
  dKernel: usize,
  dRecurrent: usize,
  dBias: usize,
): void {
  memory.fill(dh, 0, <usize>(4 * batch * u));
  memory.fill(dRecurrent, 0, <usize>(4 * u * g));
  memory.fill(dKernel, 0, <usize>(4 * features * g));
  if (dBias != 0) memory.fill(dBias, 0, <usize>(4 * biasFloats));
}

/**
 * Where d(loss)/d(output) at step t starts (sample 0's row): dy [batch, steps, u] when
 * `sequences`, else dy [batch, u] at the last step only; 0 where the output has no gradient at t.
 */
export function outputGradientStep(dy: usize, sequences: i32, steps: i32, u: i32, t: i32): usize {
  if (sequences) return dy + <usize>(4 * t * u);
  return t == steps - 1 ? dy : 0;
}

/**
 * d(loss)/d(h_t) of one unit: what the later steps sent back (the float32 at `dhAt`) plus the
 * output's own gradient at byte `o` of its row `dyRow` (a sample's row from {@link outputGradientStep}; 0: none).
 */
export function stateGradient(dhAt: usize, dyRow: usize, o: usize): f64 {
  let gh = <f64>load<f32>(dhAt);
  if (dyRow != 0) gh += <f64>load<f32>(dyRow + o);
  return gh;
}

/** {@link stateGradient} for two adjacent units, in two f64 lanes. */
// @ts-ignore: decorator
@inline export function stateGradient2(dhAt: usize, dyRow: usize, o: usize): v128 {
  const gh = load2(dhAt);
  return dyRow != 0 ? f64x2.add(gh, load2(dyRow + o)) : gh;
}
