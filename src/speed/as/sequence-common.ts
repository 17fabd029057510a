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

/*
 * The same functions on two f64 lanes at a time (f64x2): each lane runs exactly the scalar
 * function's operations in the same order, so every result is bit for bit the scalar one's
 * (IEEE-754 f64 arithmetic is the same in a lane as in a scalar register); the branches become
 * selects. The cells run their element-wise math over pairs of state columns with these.
 */

/** Two float32s at `at`, as two f64 lanes. */
export function load2(at: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(at));
}

/** Two f64 lanes rounded to float32 and stored at `at`. */
export function store2(at: usize, v: v128): void {
  v128.store64_lane(at, f32x4.demote_f64x2_zero(v), 0);
}

/** Each lane rounded to float32 and back (the scalar code's `<f64>(<f32>v)`). */
export function round2(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

/** {@link expd} in each lane. */
export function expd2(x: v128): v128 {
  const xc = f64x2.min(f64x2.max(x, f64x2.splat(-700)), f64x2.splat(700));
  const n = f64x2.nearest(f64x2.mul(xc, f64x2.splat(1.4426950408889634)));
  const r = f64x2.sub(
    f64x2.sub(xc, f64x2.mul(n, f64x2.splat(6.9314718036912381649e-1))),
    f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)),
  );
  let p = f64x2.splat(1.0 / 362880.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2ⁿ: n + 1023 in the exponent field (|x| ≤ 700 keeps it in [13, 2033]).
  const exponent = i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n)), i64x2.splat(1023));
  const e = f64x2.mul(p, i64x2.shl(exponent, 52));
  return v128.bitselect(
    f64x2.splat(0),
    v128.bitselect(f64x2.splat(Infinity), e, f64x2.gt(x, f64x2.splat(700))),
    f64x2.lt(x, f64x2.splat(-700)),
  );
}

/** {@link tanhd} in each lane. */
export function tanhd2(x: v128): v128 {
  const e = expd2(f64x2.mul(f64x2.splat(2), x));
  const general = f64x2.div(f64x2.sub(e, f64x2.splat(1)), f64x2.add(e, f64x2.splat(1)));
  const small = f64x2.sub(x, f64x2.div(f64x2.mul(f64x2.mul(x, x), x), f64x2.splat(3)));
  let t = v128.bitselect(small, general, f64x2.lt(f64x2.abs(x), f64x2.splat(1e-4)));
  t = v128.bitselect(f64x2.splat(1), t, f64x2.gt(x, f64x2.splat(20)));
  return v128.bitselect(f64x2.splat(-1), t, f64x2.lt(x, f64x2.splat(-20)));
}

/** {@link gate} in each lane. */
export function gate2(hard: i32, z: v128): v128 {
  if (hard)
    return f64x2.min(
      f64x2.splat(1.0),
      f64x2.max(f64x2.splat(0.0), f64x2.add(f64x2.mul(f64x2.splat(0.2), z), f64x2.splat(0.5))),
    );
  return f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), expd2(f64x2.neg(z))));
}

/** {@link slope} in each lane. */
export function slope2(hard: i32, z: v128, value: v128): v128 {
  if (hard) {
    const y = f64x2.add(f64x2.mul(f64x2.splat(0.2), z), f64x2.splat(0.5));
    const inside = v128.and(f64x2.ge(y, f64x2.splat(0)), f64x2.le(y, f64x2.splat(1)));
    return v128.bitselect(f64x2.splat(0.2), f64x2.splat(0), inside);
  }
  return f64x2.mul(value, f64x2.sub(f64x2.splat(1), value));
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
