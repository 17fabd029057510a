/**
 * Recurrent layers over a whole sequence in one call each way, as cuDNN's RNN runs them: the
 * forward pass of SimpleRNN, LSTM or GRU over all time steps, keeping what the backward pass needs,
 * and backpropagation through time over all steps, returning the gradients of the input, the
 * kernel, the recurrent kernel and the bias. Plain loops over `Float32Array`s, in the layouts
 * tfjs keeps: input `[batch, time, features]`, kernel `[features, gates·units]`, recurrent
 * kernel `[units, gates·units]`, bias `[gates·units]`, gates in Keras's order (LSTM: i, f, c, o).
 *
 * The arithmetic follows tfjs-layers 4.22's `SimpleRNNCell`, `LSTMCell` and `GRUCell` (implementation 2:
 * one input dropout mask and one recurrent mask per sequence, the same at every step) so that a
 * fit gives tfjs's own numbers to float32 rounding.
 */

/** A gate activation the sequence ops compute: Keras's `sigmoid` or tfjs's `hardSigmoid`. */
export type GateActivation = "sigmoid" | "hardSigmoid";

/** One recurrent layer's weights and settings for a call. */
export interface SequenceWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
  units: number;
  /** LSTM's gate activation (SimpleRNN has none). */
  gate: GateActivation;
}

/** The shapes of a call: batch, time steps, input features. */
export interface SequenceShape {
  batch: number;
  steps: number;
  features: number;
}

/** What {@link forward} returns: the output, and a closure computing the gradients from the output's. */
export interface SequencePass {
  /** `[batch, steps, units]` with `returnSequences`, else `[batch, units]`. */
  output: Float32Array;
  /** The gradients from the output's; the input's only when `wantInput` (default true). */
  backward(dy: Float32Array, wantInput?: boolean): SequenceGradients;
}

/** Gradients of a call's input (null when not asked for) and weights. */
interface SequenceGradients {
  input: Float32Array | null;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
}

/** Dropout masks of one call: `[batch, features]` on the input, `[batch, units]` on the state. */
export interface SequenceMasks {
  input: Float32Array | null;
  recurrent: Float32Array | null;
}

/** C[m×n] += A[m×k]·B[k×n], row-major, with row strides. */
function gemmAdd(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  ao: number,
  lda: number,
  b: Float32Array,
  c: Float32Array,
  co: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = ao + i * lda;
    const ci = co + i * ldc;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p];
      if (v === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += v * b[bp + j];
    }
  }
}

/** C[m×n] += A[m×k]·Bᵀ, B stored [n×k]. */
function gemmAddBt(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  ao: number,
  lda: number,
  b: Float32Array,
  c: Float32Array,
  co: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = ao + i * lda;
    const ci = co + i * ldc;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      c[ci + j] += s;
    }
  }
}

/** C[k×n] += Aᵀ·B for A[m×k] and B[m×n] (rows with strides). */
function gemmAddAt(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  ao: number,
  lda: number,
  b: Float32Array,
  bo: number,
  ldb: number,
  c: Float32Array,
): void {
  for (let i = 0; i < m; i++) {
    const ai = ao + i * lda;
    const bi = bo + i * ldb;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p];
      if (v === 0) continue;
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j] += v * b[bi + j];
    }
  }
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** tfjs's hardSigmoid: clip(0.2·z + 0.5, 0, 1). */
const hardSigmoid = (z: number): number => Math.min(1, Math.max(0, 0.2 * z + 0.5));

/** The gate's value and its derivative with respect to the pre-activation z. */
function gateAt(kind: GateActivation, z: number): number {
  return kind === "sigmoid" ? sigmoid(z) : hardSigmoid(z);
}
function gateSlope(kind: GateActivation, z: number, value: number): number {
  if (kind === "sigmoid") return value * (1 - value);
  const y = 0.2 * z + 0.5;
  // tfjs's clipByValue passes the gradient where min ≤ y ≤ max, ends included.
  return y >= 0 && y <= 1 ? 0.2 : 0;
}

/**
 * The input, dropout-masked, as one `[batch·steps, features]` matrix (rows b·steps + t).
 *
 * @example
 * const xm = maskedInput(x, { batch: 2, steps: 3, features: 4 }, masks.input);
 */
export function maskedInput(x: Float32Array, shape: SequenceShape, mask: Float32Array | null): Float32Array {
  if (!mask) return x;
  const { batch, steps, features } = shape;
  const out = new Float32Array(x.length);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) {
      const row = (b * steps + t) * features;
      for (let f = 0; f < features; f++) out[row + f] = x[row + f] * mask[b * features + f];
    }
  return out;
}

/** x·W + bias for every (b, t), laid out time-major: row t·batch + b of `[steps·batch, width]`. */
function inputProjection(
  x: Float32Array,
  shape: SequenceShape,
  kernel: Float32Array,
  bias: Float32Array | null,
  width: number,
): Float32Array {
  const { batch, steps, features } = shape;
  const pre = new Float32Array(steps * batch * width);
  for (let t = 0; t < steps; t++)
    for (let b = 0; b < batch; b++) {
      const row = (t * batch + b) * width;
      if (bias) pre.set(bias, row);
      gemmAdd(1, width, features, x, (b * steps + t) * features, features, kernel, pre, row, width);
    }
  return pre;
}

/** The input's and the weights' gradients from the pre-activations' (time-major `dpre`). */
function inputGradients(
  dpre: Float32Array,
  xm: Float32Array,
  shape: SequenceShape,
  w: SequenceWeights,
  width: number,
  mask: Float32Array | null,
  recurrentKernel: Float32Array,
  wantInput: boolean,
): SequenceGradients {
  const { batch, steps, features } = shape;
  const kernel = new Float32Array(features * width);
  const input = wantInput ? new Float32Array(batch * steps * features) : null;
  const bias = w.bias ? new Float32Array(width) : null;
  for (let t = 0; t < steps; t++)
    for (let b = 0; b < batch; b++) {
      const row = (t * batch + b) * width;
      const xRow = (b * steps + t) * features;
      gemmAddAt(1, width, features, xm, xRow, features, dpre, row, width, kernel);
      if (input) gemmAddBt(1, features, width, dpre, row, width, w.kernel, input, xRow, features);
      if (bias) for (let j = 0; j < width; j++) bias[j] += dpre[row + j];
    }
  if (mask && input)
    for (let b = 0; b < batch; b++)
      for (let t = 0; t < steps; t++) {
        const row = (b * steps + t) * features;
        for (let f = 0; f < features; f++) input[row + f] *= mask[b * features + f];
      }
  return { input, kernel, recurrentKernel, bias };
}

/** Where row b of step t sits in an output (or its gradient) of all steps or the last only; −1: not there. */
function rowAt(returnSequences: boolean, shape: SequenceShape, units: number, t: number, b: number): number {
  if (returnSequences) return (b * shape.steps + t) * units;
  return t === shape.steps - 1 ? b * units : -1;
}

/**
 * Write the state of step t into the output (all steps or the last only).
 *
 * @example
 * for (let t = 0; t < steps; t++) emit(output, statesAfter(t), returnSequences, shape, units, t);
 */
export function emit(
  out: Float32Array,
  h: Float32Array,
  returnSequences: boolean,
  shape: SequenceShape,
  units: number,
  t: number,
): void {
  for (let b = 0; b < shape.batch; b++) {
    const at = rowAt(returnSequences, shape, units, t, b);
    if (at >= 0) out.set(h.subarray(b * units, (b + 1) * units), at);
  }
}

/** The state as the recurrent product sees it: dropout-masked, or itself. */
function maskedState(h: Float32Array, mask: Float32Array | null, scratch: Float32Array): Float32Array {
  if (!mask) return h;
  for (let i = 0; i < h.length; i++) scratch[i] = h[i] * mask[i];
  return scratch;
}

/**
 * SimpleRNN with tanh over a whole sequence: h_t = tanh(x_t·W + b + (h_{t−1}·m)·U).
 *
 * @example
 * const pass = simpleRnnForwardJs(x, { batch: 2, steps: 5, features: 3 }, weights, masks, false);
 * const grads = pass.backward(dy); // dy: [2, units]
 */
export function simpleRnnForwardJs(
  x: Float32Array,
  shape: SequenceShape,
  w: SequenceWeights,
  masks: SequenceMasks,
  returnSequences: boolean,
): SequencePass {
  const { batch, steps } = shape;
  const u = w.units;
  const xm = maskedInput(x, shape, masks.input);
  const states = new Float32Array((steps + 1) * batch * u); // states[0] = 0
  const pre = inputProjection(xm, shape, w.kernel, w.bias, u);
  const scratch = new Float32Array(batch * u);
  const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
  for (let t = 0; t < steps; t++) {
    const prev = maskedState(states.subarray(t * batch * u, (t + 1) * batch * u), masks.recurrent, scratch);
    const z = pre.subarray(t * batch * u, (t + 1) * batch * u);
    gemmAdd(batch, u, u, prev, 0, u, w.recurrentKernel, z, 0, u);
    const h = states.subarray((t + 1) * batch * u, (t + 2) * batch * u);
    for (let i = 0; i < batch * u; i++) h[i] = Math.tanh(z[i]);
    emit(output, h, returnSequences, shape, u, t);
  }
  return {
    output,
    backward(dy, wantInput = true) {
      const dpre = new Float32Array(steps * batch * u);
      const dU = new Float32Array(u * u);
      const dh = new Float32Array(batch * u);
      for (let t = steps - 1; t >= 0; t--) {
        const h = states.subarray((t + 1) * batch * u, (t + 2) * batch * u);
        const dz = dpre.subarray(t * batch * u, (t + 1) * batch * u);
        for (let b = 0; b < batch; b++) {
          const at = rowAt(returnSequences, shape, u, t, b);
          for (let j = 0; j < u; j++) {
            const i = b * u + j;
            const g = dh[i] + (at >= 0 ? dy[at + j] : 0);
            dz[i] = g * (1 - h[i] * h[i]);
          }
        }
        const prev = maskedState(states.subarray(t * batch * u, (t + 1) * batch * u), masks.recurrent, scratch);
        gemmAddAt(batch, u, u, prev, 0, u, dz, 0, u, dU);
        dh.fill(0);
        gemmAddBt(batch, u, u, dz, 0, u, w.recurrentKernel, dh, 0, u);
        if (masks.recurrent) for (let i = 0; i < dh.length; i++) dh[i] *= masks.recurrent[i];
      }
      return inputGradients(dpre, xm, shape, w, u, masks.input, dU, wantInput);
    },
  };
}

/**
 * LSTM with tanh over a whole sequence (gates i, f, c, o; `w.gate` for i, f and o):
 * c_t = f·c_{t−1} + i·tanh(z_c), h_t = o·tanh(c_t), z = x_t·W + b + (h_{t−1}·m)·U.
 *
 * @example
 * const pass = lstmForwardJs(x, { batch: 2, steps: 5, features: 3 }, weights, masks, true);
 * const grads = pass.backward(dy); // dy: [2, 5, units]
 */
export function lstmForwardJs(
  x: Float32Array,
  shape: SequenceShape,
  w: SequenceWeights,
  masks: SequenceMasks,
  returnSequences: boolean,
): SequencePass {
  const { batch, steps } = shape;
  const u = w.units;
  const width = 4 * u;
  const xm = maskedInput(x, shape, masks.input);
  const pre = inputProjection(xm, shape, w.kernel, w.bias, width); // becomes z, then the gates' values
  const zs = new Float32Array(pre.length); // pre-activations, for hardSigmoid's slope
  const hs = new Float32Array((steps + 1) * batch * u);
  const cs = new Float32Array((steps + 1) * batch * u);
  const scratch = new Float32Array(batch * u);
  const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
  for (let t = 0; t < steps; t++) {
    const base = t * batch * u;
    const prev = maskedState(hs.subarray(base, base + batch * u), masks.recurrent, scratch);
    const z = pre.subarray(t * batch * width, (t + 1) * batch * width);
    gemmAdd(batch, width, u, prev, 0, u, w.recurrentKernel, z, 0, width);
    zs.set(z, t * batch * width);
    for (let b = 0; b < batch; b++) {
      const r = b * width;
      for (let j = 0; j < u; j++) {
        const i = gateAt(w.gate, z[r + j]);
        const f = gateAt(w.gate, z[r + u + j]);
        const g = Math.tanh(z[r + 2 * u + j]);
        const o = gateAt(w.gate, z[r + 3 * u + j]);
        z[r + j] = i;
        z[r + u + j] = f;
        z[r + 2 * u + j] = g;
        z[r + 3 * u + j] = o;
        const c = f * cs[base + b * u + j] + i * g;
        cs[base + batch * u + b * u + j] = c;
        hs[base + batch * u + b * u + j] = o * Math.tanh(c);
      }
    }
    emit(output, hs.subarray(base + batch * u, base + 2 * batch * u), returnSequences, shape, u, t);
  }
  return {
    output,
    backward(dy, wantInput = true) {
      const dpre = new Float32Array(steps * batch * width);
      const dU = new Float32Array(u * width);
      const dh = new Float32Array(batch * u);
      const dc = new Float32Array(batch * u);
      for (let t = steps - 1; t >= 0; t--) {
        const base = t * batch * u;
        const gates = pre.subarray(t * batch * width, (t + 1) * batch * width);
        const z = zs.subarray(t * batch * width, (t + 1) * batch * width);
        const dz = dpre.subarray(t * batch * width, (t + 1) * batch * width);
        for (let b = 0; b < batch; b++) {
          const at = rowAt(returnSequences, shape, u, t, b);
          const r = b * width;
          for (let j = 0; j < u; j++) {
            const s = b * u + j;
            const i = gates[r + j];
            const f = gates[r + u + j];
            const g = gates[r + 2 * u + j];
            const o = gates[r + 3 * u + j];
            const c = cs[base + batch * u + s];
            const tc = Math.tanh(c);
            const gh = dh[s] + (at >= 0 ? dy[at + j] : 0);
            const gc = gh * o * (1 - tc * tc) + dc[s];
            dz[r + j] = gc * g * gateSlope(w.gate, z[r + j], i);
            dz[r + u + j] = gc * cs[base + s] * gateSlope(w.gate, z[r + u + j], f);
            dz[r + 2 * u + j] = gc * i * (1 - g * g);
            dz[r + 3 * u + j] = gh * tc * gateSlope(w.gate, z[r + 3 * u + j], o);
            dc[s] = gc * f;
          }
        }
        const prev = maskedState(hs.subarray(base, base + batch * u), masks.recurrent, scratch);
        gemmAddAt(batch, width, u, prev, 0, u, dz, 0, width, dU);
        dh.fill(0);
        gemmAddBt(batch, u, width, dz, 0, width, w.recurrentKernel, dh, 0, u);
        if (masks.recurrent) for (let i = 0; i < dh.length; i++) dh[i] *= masks.recurrent[i];
      }
      return inputGradients(dpre, xm, shape, w, width, masks.input, dU, wantInput);
    },
  };
}

/** Which GRU: Keras's default `reset_after=True` (bias [2, 3·units]) or tfjs's `reset_after=False` cell. */
type GruVariant = "resetAfter" | "resetBefore";

/**
 * GRU with tanh over a whole sequence (gates z, r, h; `w.gate` for z and r).
 *
 * - `resetAfter` (Keras's default; bias = input bias then recurrent bias, 6·units):
 *   u = (h·m)·U + b_r, z = σ(x_z + u_z), r = σ(x_r + u_r), hh = tanh(x_h + r·u_h),
 *   h' = z·h + (1 − z)·hh.
 * - `resetBefore` (tfjs 4.22's GRUCell, whose recurrent dropout masks the state everywhere):
 *   s = h·m, z = σ(x_z + s·U_z), r = σ(x_r + s·U_r), hh = tanh(x_h + (r·s)·U_h),
 *   h' = z·s + (1 − z)·hh.
 *
 * @example
 * const pass = gruForwardJs(x, { batch: 2, steps: 5, features: 3 }, weights, masks, false, "resetAfter");
 * const grads = pass.backward(dy);
 */
export function gruForwardJs(
  x: Float32Array,
  shape: SequenceShape,
  w: SequenceWeights,
  masks: SequenceMasks,
  returnSequences: boolean,
  variant: GruVariant,
): SequencePass {
  const { batch, steps } = shape;
  const u = w.units;
  const width = 3 * u;
  const after = variant === "resetAfter";
  const xm = maskedInput(x, shape, masks.input);
  const inputBias = w.bias ? w.bias.subarray(0, width) : null;
  const recurrentBias = w.bias && after ? w.bias.subarray(width, 2 * width) : null;
  const pre = inputProjection(xm, shape, w.kernel, inputBias, width); // becomes z, r, hh
  const zs = new Float32Array(pre.length); // z and r pre-activations; then u_h (after) or r·s (before)
  const hs = new Float32Array((steps + 1) * batch * u);
  const scratch = new Float32Array(batch * u);
  const inner = new Float32Array(batch * width);
  const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
  const rk = w.recurrentKernel;
  for (let t = 0; t < steps; t++) {
    const base = t * batch * u;
    const h = hs.subarray(base, base + batch * u);
    const s = maskedState(h, masks.recurrent, scratch);
    const g = pre.subarray(t * batch * width, (t + 1) * batch * width);
    const keep = zs.subarray(t * batch * width, (t + 1) * batch * width);
    inner.fill(0);
    if (after) {
      for (let b = 0; b < batch; b++) if (recurrentBias) inner.set(recurrentBias, b * width);
      gemmAdd(batch, width, u, s, 0, u, rk, inner, 0, width);
    } else {
      // s·U for the z and r columns only: U is [u, 3u], rows of stride 3u.
      for (let b = 0; b < batch; b++)
        for (let p = 0; p < u; p++) {
          const v = s[b * u + p];
          if (v === 0) continue;
          for (let j = 0; j < 2 * u; j++) inner[b * width + j] += v * rk[p * width + j];
        }
    }
    for (let b = 0; b < batch; b++) {
      const r0 = b * width;
      for (let j = 0; j < 2 * u; j++) {
        const zj = g[r0 + j] + inner[r0 + j];
        keep[r0 + j] = zj;
        g[r0 + j] = gateAt(w.gate, zj);
      }
    }
    if (after) {
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < u; j++) {
          const i = b * width + 2 * u + j;
          keep[i] = inner[i];
          g[i] = Math.tanh(g[i] + g[b * width + u + j] * inner[i]);
        }
    } else {
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < u; j++) keep[b * width + 2 * u + j] = g[b * width + u + j] * s[b * u + j]; // r·s
      for (let b = 0; b < batch; b++)
        for (let p = 0; p < u; p++) {
          const v = keep[b * width + 2 * u + p];
          if (v === 0) continue;
          for (let j = 0; j < u; j++) g[b * width + 2 * u + j] += v * rk[p * width + 2 * u + j];
        }
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < u; j++) g[b * width + 2 * u + j] = Math.tanh(g[b * width + 2 * u + j]);
    }
    const next = hs.subarray(base + batch * u, base + 2 * batch * u);
    const carried = after ? h : s;
    for (let b = 0; b < batch; b++)
      for (let j = 0; j < u; j++) {
        const z = g[b * width + j];
        next[b * u + j] = z * carried[b * u + j] + (1 - z) * g[b * width + 2 * u + j];
      }
    emit(output, next, returnSequences, shape, u, t);
  }
  return {
    output,
    backward(dy, wantInput = true) {
      const dpre = new Float32Array(steps * batch * width);
      const dU = new Float32Array(u * width);
      const dRecurrentBias = recurrentBias ? new Float32Array(width) : null;
      const dh = new Float32Array(batch * u);
      const dInner = new Float32Array(batch * width);
      const ds = new Float32Array(batch * u);
      for (let t = steps - 1; t >= 0; t--) {
        const base = t * batch * u;
        const h = hs.subarray(base, base + batch * u);
        const gates = pre.subarray(t * batch * width, (t + 1) * batch * width);
        const keep = zs.subarray(t * batch * width, (t + 1) * batch * width);
        const dx = dpre.subarray(t * batch * width, (t + 1) * batch * width);
        const s = maskedState(h, masks.recurrent, scratch);
        const carried = after ? h : s;
        ds.fill(0);
        dInner.fill(0);
        for (let b = 0; b < batch; b++) {
          const at = rowAt(returnSequences, shape, u, t, b);
          const r0 = b * width;
          for (let j = 0; j < u; j++) {
            const i = b * u + j;
            const z = gates[r0 + j];
            const r = gates[r0 + u + j];
            const hh = gates[r0 + 2 * u + j];
            const gh = dh[i] + (at >= 0 ? dy[at + j] : 0);
            const dz = gh * (carried[i] - hh) * gateSlope(w.gate, keep[r0 + j], z);
            const da = gh * (1 - z) * (1 - hh * hh);
            dx[r0 + j] = dz;
            dx[r0 + 2 * u + j] = da;
            dInner[r0 + j] = dz;
            if (after) {
              const uh = keep[r0 + 2 * u + j];
              const dr = da * uh * gateSlope(w.gate, keep[r0 + u + j], r);
              dx[r0 + u + j] = dr;
              dInner[r0 + u + j] = dr;
              dInner[r0 + 2 * u + j] = da * r;
              dh[i] = gh * z; // the direct path through z·h; the products' part is added below
            } else {
              ds[i] += gh * z; // the direct path through z·s; r's and the products' parts follow
            }
          }
        }
        if (!after) {
          // d(r·s)[b, p] = Σ_j da[b, j]·U_h[p, j]; dU_h += (r·s)ᵀ·da.
          for (let b = 0; b < batch; b++)
            for (let p = 0; p < u; p++) {
              let acc = 0;
              for (let j = 0; j < u; j++) acc += dx[b * width + 2 * u + j] * rk[p * width + 2 * u + j];
              const r = gates[b * width + u + p];
              const dr = acc * s[b * u + p] * gateSlope(w.gate, keep[b * width + u + p], r);
              dx[b * width + u + p] = dr;
              dInner[b * width + u + p] = dr;
              ds[b * u + p] += acc * r;
              const rs = keep[b * width + 2 * u + p];
              if (rs !== 0) for (let j = 0; j < u; j++) dU[p * width + 2 * u + j] += rs * dx[b * width + 2 * u + j];
            }
          // The z and r columns: dU_{z,r} += sᵀ·dInner, ds += dInner·U_{z,r}ᵀ.
          for (let b = 0; b < batch; b++)
            for (let p = 0; p < u; p++) {
              const v = s[b * u + p];
              let acc = 0;
              for (let j = 0; j < 2 * u; j++) {
                const d = dInner[b * width + j];
                if (v !== 0) dU[p * width + j] += v * d;
                acc += d * rk[p * width + j];
              }
              ds[b * u + p] += acc;
            }
          for (let i = 0; i < batch * u; i++) dh[i] = masks.recurrent ? ds[i] * masks.recurrent[i] : ds[i];
        } else {
          gemmAddAt(batch, width, u, s, 0, u, dInner, 0, width, dU);
          if (dRecurrentBias)
            for (let b = 0; b < batch; b++) for (let j = 0; j < width; j++) dRecurrentBias[j] += dInner[b * width + j];
          ds.fill(0);
          gemmAddBt(batch, u, width, dInner, 0, width, rk, ds, 0, u);
          for (let i = 0; i < batch * u; i++) dh[i] += masks.recurrent ? ds[i] * masks.recurrent[i] : ds[i];
        }
      }
      const grads = inputGradients(dpre, xm, shape, { ...w, bias: inputBias }, width, masks.input, dU, wantInput);
      if (grads.bias && dRecurrentBias) {
        const bias = new Float32Array(2 * width);
        bias.set(grads.bias, 0);
        bias.set(dRecurrentBias, width);
        grads.bias = bias;
      }
      return grads;
    },
  };
}
