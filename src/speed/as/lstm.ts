/**
 * LSTM over a whole sequence, forward and backward (backpropagation through time) in one call
 * each, as src/speed/recurrent/sequence.ts's `lstmForward` computes it (tfjs-layers 4.22's
 * LSTMCell: gates i, f, c, o; tanh; sigmoid or hardSigmoid gates). Layouts: x [batch, steps,
 * features] (already dropout-masked), kernel [features, 4u], recurrent kernel [u, 4u], bias [4u];
 * per step, time-major: gates and pre-activations [steps, batch, 4u], states h and c
 * [steps + 1, batch, u] (step 0 zero). SIMD runs along the 4u gate columns (always a multiple of
 * 4). exp is a table-free polynomial in f64 (the module must have no data segments).
 */

/**
 * e^x in f64 without tables: x = n·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r⁹
 * (truncation below 3e-11 relative: far under float32's 6e-8, where every result is stored).
 */
function expd(x: f64): f64 {
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

export function lstmForward(
  batch: i32,
  steps: i32,
  features: i32,
  u: i32,
  x: usize,
  kernel: usize,
  recurrent: usize,
  bias: usize,
  recMask: usize,
  hard: i32,
  gates: usize,
  zs: usize,
  hs: usize,
  cs: usize,
  hm: usize,
): void {
  const g = 4 * u;
  const rowBytes = <usize>(4 * g);
  const stateBytes = <usize>(4 * batch * u);
  memory.fill(hs, 0, stateBytes);
  memory.fill(cs, 0, stateBytes);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const z = gates + <usize>(4 * (t * batch + b) * g);
      if (bias != 0) memory.copy(z, bias, rowBytes);
      else memory.fill(z, 0, rowBytes);
      const xr = x + <usize>(4 * (b * steps + t) * features);
      for (let p = 0; p < features; p++) {
        const v = load<f32>(xr + <usize>(4 * p));
        if (v != 0) axpy(g, v, kernel + <usize>(4 * p * g), z);
      }
    }
  }
  for (let t = 0; t < steps; t++) {
    const h = hs + <usize>t * stateBytes;
    const c = cs + <usize>t * stateBytes;
    const hn = h + stateBytes;
    const cn = c + stateBytes;
    const src = maskedState(batch * u, h, recMask, hm);
    const step = gates + <usize>(4 * t * batch * g);
    for (let b = 0; b < batch; b++) {
      const z = step + <usize>(4 * b * g);
      for (let p = 0; p < u; p++) {
        const v = load<f32>(src + <usize>(4 * (b * u + p)));
        if (v != 0) axpy(g, v, recurrent + <usize>(4 * p * g), z);
      }
    }
    memory.copy(zs + <usize>(4 * t * batch * g), step, <usize>(4 * batch * g));
    for (let b = 0; b < batch; b++) {
      const z = step + <usize>(4 * b * g);
      for (let j = 0; j < u; j++) {
        const ai = z + <usize>(4 * j);
        const af = ai + <usize>(4 * u);
        const ag = af + <usize>(4 * u);
        const ao = ag + <usize>(4 * u);
        const i = gate(hard, <f64>load<f32>(ai));
        const f = gate(hard, <f64>load<f32>(af));
        const gg = tanhd(<f64>load<f32>(ag));
        const o = gate(hard, <f64>load<f32>(ao));
        store<f32>(ai, <f32>i);
        store<f32>(af, <f32>f);
        store<f32>(ag, <f32>gg);
        store<f32>(ao, <f32>o);
        const s = <usize>(4 * (b * u + j));
        const cv = <f64>(<f32>f) * <f64>load<f32>(c + s) + <f64>(<f32>i) * <f64>(<f32>gg);
        store<f32>(cn + s, <f32>cv);
        store<f32>(hn + s, <f32>(<f64>(<f32>o) * tanhd(<f64>(<f32>cv))));
      }
    }
  }
}

/**
 * The gradients from the output's (`dy`: [batch, steps, u] when `sequences`, else [batch, u]):
 * dpre [steps, batch, 4u] (the pre-activations'), dKernel [features, 4u], dRecurrent [u, 4u],
 * dBias [4u] (0: none) and dx [batch, steps, features] (0: not wanted; the caller applies the
 * input's dropout mask). `dh`, `dc`, `hm` are [batch, u] of scratch.
 */
export function lstmBackward(
  batch: i32,
  steps: i32,
  features: i32,
  u: i32,
  x: usize,
  kernel: usize,
  recurrent: usize,
  recMask: usize,
  hard: i32,
  gates: usize,
  zs: usize,
  hs: usize,
  cs: usize,
  dy: usize,
  sequences: i32,
  dpre: usize,
  dKernel: usize,
  dRecurrent: usize,
  dBias: usize,
  dx: usize,
  dh: usize,
  dc: usize,
  hm: usize,
): void {
  const g = 4 * u;
  const stateBytes = <usize>(4 * batch * u);
  memory.fill(dh, 0, stateBytes);
  memory.fill(dc, 0, stateBytes);
  memory.fill(dRecurrent, 0, <usize>(4 * u * g));
  memory.fill(dKernel, 0, <usize>(4 * features * g));
  if (dBias != 0) memory.fill(dBias, 0, <usize>(4 * g));
  for (let t = steps - 1; t >= 0; t--) {
    const cPrev = cs + <usize>t * stateBytes;
    const cNow = cPrev + stateBytes;
    const step = <usize>(4 * t * batch * g);
    for (let b = 0; b < batch; b++) {
      const r = step + <usize>(4 * b * g);
      for (let j = 0; j < u; j++) {
        const s = <usize>(4 * (b * u + j));
        const q = <usize>(4 * j);
        const qu = <usize>(4 * u);
        const i = <f64>load<f32>(gates + r + q);
        const f = <f64>load<f32>(gates + r + q + qu);
        const gg = <f64>load<f32>(gates + r + q + 2 * qu);
        const o = <f64>load<f32>(gates + r + q + 3 * qu);
        const tc = tanhd(<f64>load<f32>(cNow + s));
        let gh = <f64>load<f32>(dh + s);
        if (sequences) gh += <f64>load<f32>(dy + <usize>(4 * ((b * steps + t) * u + j)));
        else if (t == steps - 1) gh += <f64>load<f32>(dy + s);
        const gc = gh * o * (1 - tc * tc) + <f64>load<f32>(dc + s);
        const d = dpre + r;
        store<f32>(d + q, <f32>(gc * gg * slope(hard, <f64>load<f32>(zs + r + q), i)));
        store<f32>(d + q + qu, <f32>(gc * <f64>load<f32>(cPrev + s) * slope(hard, <f64>load<f32>(zs + r + q + qu), f)));
        store<f32>(d + q + 2 * qu, <f32>(gc * i * (1 - gg * gg)));
        store<f32>(d + q + 3 * qu, <f32>(gh * tc * slope(hard, <f64>load<f32>(zs + r + q + 3 * qu), o)));
        store<f32>(dc + s, <f32>(gc * f));
      }
    }
    const src = maskedState(batch * u, hs + <usize>t * stateBytes, recMask, hm);
    for (let b = 0; b < batch; b++) {
      const dz = dpre + step + <usize>(4 * b * g);
      for (let p = 0; p < u; p++) {
        const v = load<f32>(src + <usize>(4 * (b * u + p)));
        if (v != 0) axpy(g, v, dz, dRecurrent + <usize>(4 * p * g));
        let back = dot(g, dz, recurrent + <usize>(4 * p * g));
        if (recMask != 0) back *= load<f32>(recMask + <usize>(4 * (b * u + p)));
        store<f32>(dh + <usize>(4 * (b * u + p)), back);
      }
    }
  }
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
