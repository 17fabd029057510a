/**
 * What the recurrent sequence ops (lstm.ts, gru.ts, simple-rnn.ts) share: a table-free exp
 * (the module must have no data segments) and the gates built on it, SIMD row updates and dot
 * products, the recurrent dropout mask, and the two passes over every (sample, step) row that
 * do not depend on the cell: the input projection x·W + b before the recurrence, and the
 * kernel's, bias's and input's gradients from the pre-activations' after it. Layouts: x
 * [batch, steps, features] (already dropout-masked), kernel [features, g], rows of the
 * pre-activations time-major [steps, batch, g], g = the cell's gate columns.
 */

/**
 * e^x in f64 without tables: x = n·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r⁹
 * (truncation below 3e-11 relative: far under float32's 6e-8, where every result is stored).
 */
export function expd(x: f64): f64 {
  if (x > 700) return Infinity;
  if (x < -700) return 0;
  const n = nearest(x * 1.4426950408889634);
  const r = x - n * 6.9314718036912381649e-1 - n * 1.90821492927058770002e-10;
  let p: f64 = 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>((<i64>(<i32>n + 1023)) << 52);
}

export function tanhd(x: f64): f64 {
  if (x > 20) return 1;
  if (x < -20) return -1;
  if (abs(x) < 1e-4) return x - (x * x * x) / 3;
  const e = expd(2 * x);
  return (e - 1) / (e + 1);
}

/** A gate's value: sigmoid (hard 0) or tfjs's hardSigmoid clip(0.2·z + 0.5, 0, 1) (hard 1). */
export function gate(hard: i32, z: f64): f64 {
  if (hard) return min(1.0, max(0.0, 0.2 * z + 0.5));
  return 1.0 / (1.0 + expd(-z));
}

/** The gate's derivative in z, from its value (sigmoid) or z (hardSigmoid: tfjs's clip passes ends). */
export function slope(hard: i32, z: f64, value: f64): f64 {
  if (hard) {
    const y = 0.2 * z + 0.5;
    return y >= 0 && y <= 1 ? 0.2 : 0;
  }
  return value * (1 - value);
}

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

/** pre[t, b] = bias + x[b, t]·kernel for every row (x's zeros skipped: one-hot inputs). */
export function projectInputs(
  batch: i32,
  steps: i32,
  features: i32,
  g: i32,
  x: usize,
  kernel: usize,
  bias: usize,
  pre: usize,
): void {
  const rowBytes = <usize>(4 * g);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const z = pre + <usize>(4 * (t * batch + b) * g);
      if (bias != 0) memory.copy(z, bias, rowBytes);
      else memory.fill(z, 0, rowBytes);
      const xr = x + <usize>(4 * (b * steps + t) * features);
      for (let p = 0; p < features; p++) {
        const v = load<f32>(xr + <usize>(4 * p));
        if (v != 0) axpy(g, v, kernel + <usize>(4 * p * g), z);
      }
    }
  }
}

/**
 * From the pre-activations' gradient dpre [steps, batch, g]: dKernel += xᵀ·dpre, dBias += Σ
 * rows (0: none), and dx = dpre·kernelᵀ (0: not wanted).
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
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const dz = dpre + <usize>(4 * (t * batch + b) * g);
      const row = <usize>(4 * (b * steps + t) * features);
      for (let p = 0; p < features; p++) {
        const v = load<f32>(x + row + <usize>(4 * p));
        if (v != 0) axpy(g, v, dz, dKernel + <usize>(4 * p * g));
        if (dx != 0) store<f32>(dx + row + <usize>(4 * p), dot(g, dz, kernel + <usize>(4 * p * g)));
      }
      if (dBias != 0) axpy(g, 1, dz, dBias);
    }
  }
}

/** out[b] += src[b]·recurrent for each of `batch` rows: the state's part of one step's pre-activations (rows of g). */
export function recurrentProduct(batch: i32, u: i32, g: i32, src: usize, recurrent: usize, out: usize): void {
  for (let b = 0; b < batch; b++) {
    const z = out + <usize>(4 * b * g);
    for (let p = 0; p < u; p++) {
      const v = load<f32>(src + <usize>(4 * (b * u + p)));
      if (v != 0) axpy(g, v, recurrent + <usize>(4 * p * g), z);
    }
  }
}

/**
 * One step's recurrent gradients from dz [batch, g] (the gradient of what the state's product
 * fed): dRecurrent += srcᵀ·dz, and the state's gradient dz·recurrentᵀ (times the dropout mask)
 * stored into dh, or added to it when `accumulate` (a cell whose state also reaches the next
 * step directly, as GRU's z·h).
 */
export function recurrentGradients(
  batch: i32,
  u: i32,
  g: i32,
  src: usize,
  dz: usize,
  recurrent: usize,
  recMask: usize,
  dRecurrent: usize,
  dh: usize,
  accumulate: i32,
): void {
  for (let b = 0; b < batch; b++) {
    const row = dz + <usize>(4 * b * g);
    for (let p = 0; p < u; p++) {
      const s = <usize>(4 * (b * u + p));
      const v = load<f32>(src + s);
      if (v != 0) axpy(g, v, row, dRecurrent + <usize>(4 * p * g));
      let back = dot(g, row, recurrent + <usize>(4 * p * g));
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
 * d(loss)/d(h_t) of sample b, unit j (byte offset `s` of the state row): what the later steps
 * sent back (dh) plus the output's own gradient, dy [batch, steps, u] when `sequences`, else
 * dy [batch, u] at the last step only.
 */
export function stateGradient(
  dh: usize,
  dy: usize,
  sequences: i32,
  steps: i32,
  u: i32,
  t: i32,
  b: i32,
  j: i32,
  s: usize,
): f64 {
  let gh = <f64>load<f32>(dh + s);
  if (sequences) gh += <f64>load<f32>(dy + <usize>(4 * ((b * steps + t) * u + j)));
  else if (t == steps - 1) gh += <f64>load<f32>(dy + s);
  return gh;
}
