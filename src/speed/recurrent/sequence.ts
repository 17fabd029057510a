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

/** A sequence op: one layer type's forward pass over a whole sequence. */
export type SequenceForward = (
  x: Float32Array,
  shape: SequenceShape,
  w: SequenceWeights,
  masks: SequenceMasks,
  returnSequences: boolean,
) => SequencePass;

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

/** c[co..co + n) += v·b[bo..bo + n). */
function addScaled(n: number, v: number, b: Float32Array, bo: number, c: Float32Array, co: number): void {
  for (let j = 0; j < n; j++) c[co + j] += v * b[bo + j];
}

/**
 * C += A·B for A[m×k] (rows from `ao`), B[k×n] (from `bo`) and C[m×n] (rows from `co`);
 * `form` "AtB": C[k×n] += Aᵀ·B for B[m×n]; "ABt": C[m×n] += A·Bᵀ, B stored [n×k]. "AB" and
 * "AtB" skip A's zeros and add C's rows in order of p; "ABt" sums each dot product first.
 */
function gemmAdd(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  c: Float32Array,
  co: number,
  form: "AB" | "AtB" | "ABt" = "AB",
): void {
  if (form === "ABt") {
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[ao + i * k + p] * b[bo + j * k + p];
        c[co + i * n + j] += sum;
      }
    return;
  }
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const v = a[ao + i * k + p];
      if (v === 0) continue;
      if (form === "AtB") addScaled(n, v, b, bo + i * n, c, co + p * n);
      else addScaled(n, v, b, bo + p * n, c, co + i * n);
    }
}

/**
 * Back through the state's product z += s·U: dU += sᵀ·dz, and `ds` = dz·Uᵀ (times the
 * recurrent mask, where given), for `batch` rows of `width` gate columns.
 */
function backThroughProduct(
  batch: number,
  u: number,
  width: number,
  s: Float32Array,
  dz: Float32Array,
  rk: Float32Array,
  dU: Float32Array,
  mask: Float32Array | null,
  ds: Float32Array,
): void {
  gemmAdd(batch, width, u, s, 0, dz, 0, dU, 0, "AtB");
  ds.fill(0);
  gemmAdd(batch, u, width, dz, 0, rk, 0, ds, 0, "ABt");
  if (mask) for (let i = 0; i < ds.length; i++) ds[i] *= mask[i];
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
      gemmAdd(1, width, features, x, (b * steps + t) * features, kernel, 0, pre, row);
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
      gemmAdd(1, width, features, xm, xRow, dpre, row, kernel, 0, "AtB");
      if (input) gemmAdd(1, features, width, dpre, row, w.kernel, 0, input, xRow, "ABt");
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

/**
 * d(loss)/d(h_t) of every (sample, unit) into `gh`, in float64 as the cells use it: what the
 * later steps sent back (dh) plus the output's own gradient at step t, if the output has step t.
 */
function stateGradients(
  dh: Float32Array,
  dy: Float32Array,
  returnSequences: boolean,
  shape: SequenceShape,
  u: number,
  t: number,
  gh: Float64Array,
): void {
  for (let b = 0; b < shape.batch; b++) {
    const at = rowAt(returnSequences, shape, u, t, b);
    for (let j = 0; j < u; j++) gh[b * u + j] = dh[b * u + j] + (at >= 0 ? dy[at + j] : 0);
  }
}

/**
 * What a backward pass fills as it goes: the pre-activations' gradient dpre [steps, batch,
 * width] (time-major), the recurrent kernel's dU [u, width], the state's dh [batch, u], and
 * room for one step's {@link stateGradients}, gh.
 */
interface BackwardArrays {
  dpre: Float32Array;
  dU: Float32Array;
  dh: Float32Array;
  gh: Float64Array;
}

/**
 * Back through time: for t = steps − 1 … 0, step t's {@link stateGradients} into `gh`, then
 * `cell(t, dz)`, which fills dz (step t's rows of dpre) and sends the state's gradient back
 * into dh for step t − 1. Returns what it filled.
 */
function backThroughTime(
  shape: SequenceShape,
  u: number,
  width: number,
  dy: Float32Array,
  returnSequences: boolean,
  cell: (t: number, dz: Float32Array, arrays: BackwardArrays) => void,
): BackwardArrays {
  const { batch, steps } = shape;
  const arrays: BackwardArrays = {
    dpre: new Float32Array(steps * batch * width),
    dU: new Float32Array(u * width),
    dh: new Float32Array(batch * u),
    gh: new Float64Array(batch * u),
  };
  for (let t = steps - 1; t >= 0; t--) {
    stateGradients(arrays.dh, dy, returnSequences, shape, u, t, arrays.gh);
    cell(t, atStep(arrays.dpre, t, batch * width), arrays);
  }
  return arrays;
}

/**
 * `body(s, r)` for every sample b and unit j, in that order: s = b·u + j, the index of its
 * state, and r = b·width + j, of its first gate column (gate q at r + q·u).
 */
function eachUnit(batch: number, u: number, width: number, body: (s: number, r: number) => void): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < u; j++) body(b * u + j, b * width + j);
}

/** Step t's rows of a time-major array of `n` floats a step. */
const atStep = (a: Float32Array, t: number, n: number): Float32Array => a.subarray(t * n, (t + 1) * n);

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
export const simpleRnnForwardJs: SequenceForward = (x, shape, w, masks, returnSequences) => {
  const { batch, steps } = shape;
  const u = w.units;
  const xm = maskedInput(x, shape, masks.input);
  const states = new Float32Array((steps + 1) * batch * u); // states[0] = 0
  const pre = inputProjection(xm, shape, w.kernel, w.bias, u);
  const scratch = new Float32Array(batch * u);
  const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
  for (let t = 0; t < steps; t++) {
    const prev = maskedState(atStep(states, t, batch * u), masks.recurrent, scratch);
    const z = atStep(pre, t, batch * u);
    gemmAdd(batch, u, u, prev, 0, w.recurrentKernel, 0, z, 0);
    const h = atStep(states, t + 1, batch * u);
    for (let i = 0; i < batch * u; i++) h[i] = Math.tanh(z[i]);
    emit(output, h, returnSequences, shape, u, t);
  }
  return {
    output,
    backward(dy, wantInput = true) {
      const { dpre, dU } = backThroughTime(shape, u, u, dy, returnSequences, (t, dz, { dU, dh, gh }) => {
        const h = atStep(states, t + 1, batch * u);
        for (let i = 0; i < batch * u; i++) dz[i] = gh[i] * (1 - h[i] * h[i]);
        const prev = maskedState(atStep(states, t, batch * u), masks.recurrent, scratch);
        backThroughProduct(batch, u, u, prev, dz, w.recurrentKernel, dU, masks.recurrent, dh);
      });
      return inputGradients(dpre, xm, shape, w, u, masks.input, dU, wantInput);
    },
  };
};

/**
 * LSTM with tanh over a whole sequence (gates i, f, c, o; `w.gate` for i, f and o):
 * c_t = f·c_{t−1} + i·tanh(z_c), h_t = o·tanh(c_t), z = x_t·W + b + (h_{t−1}·m)·U.
 *
 * @example
 * const pass = lstmForwardJs(x, { batch: 2, steps: 5, features: 3 }, weights, masks, true);
 * const grads = pass.backward(dy); // dy: [2, 5, units]
 */
export const lstmForwardJs: SequenceForward = (x, shape, w, masks, returnSequences) => {
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
    const prev = maskedState(atStep(hs, t, batch * u), masks.recurrent, scratch);
    const z = atStep(pre, t, batch * width);
    gemmAdd(batch, width, u, prev, 0, w.recurrentKernel, 0, z, 0);
    zs.set(z, t * batch * width);
    eachUnit(batch, u, width, (s, r) => {
      const i = gateAt(w.gate, z[r]);
      const f = gateAt(w.gate, z[r + u]);
      const g = Math.tanh(z[r + 2 * u]);
      const o = gateAt(w.gate, z[r + 3 * u]);
      z[r] = i;
      z[r + u] = f;
      z[r + 2 * u] = g;
      z[r + 3 * u] = o;
      const c = f * cs[base + s] + i * g;
      cs[base + batch * u + s] = c;
      hs[base + batch * u + s] = o * Math.tanh(c);
    });
    emit(output, atStep(hs, t + 1, batch * u), returnSequences, shape, u, t);
  }
  return {
    output,
    backward(dy, wantInput = true) {
      const dc = new Float32Array(batch * u);
      const { dpre, dU } = backThroughTime(shape, u, width, dy, returnSequences, (t, dz, { dU, dh, gh: ghs }) => {
        const base = t * batch * u;
        const gates = atStep(pre, t, batch * width);
        const z = atStep(zs, t, batch * width);
        eachUnit(batch, u, width, (s, r) => {
          const i = gates[r];
          const f = gates[r + u];
          const g = gates[r + 2 * u];
          const o = gates[r + 3 * u];
          const c = cs[base + batch * u + s];
          const tc = Math.tanh(c);
          const gh = ghs[s];
          const gc = gh * o * (1 - tc * tc) + dc[s];
          dz[r] = gc * g * gateSlope(w.gate, z[r], i);
          dz[r + u] = gc * cs[base + s] * gateSlope(w.gate, z[r + u], f);
          dz[r + 2 * u] = gc * i * (1 - g * g);
          dz[r + 3 * u] = gh * tc * gateSlope(w.gate, z[r + 3 * u], o);
          dc[s] = gc * f;
        });
        const prev = maskedState(atStep(hs, t, batch * u), masks.recurrent, scratch);
        backThroughProduct(batch, u, width, prev, dz, w.recurrentKernel, dU, masks.recurrent, dh);
      });
      return inputGradients(dpre, xm, shape, w, width, masks.input, dU, wantInput);
    },
  };
};

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
    const h = atStep(hs, t, batch * u);
    const s = maskedState(h, masks.recurrent, scratch);
    const g = atStep(pre, t, batch * width);
    const keep = atStep(zs, t, batch * width);
    inner.fill(0);
    if (after) {
      for (let b = 0; b < batch; b++) if (recurrentBias) inner.set(recurrentBias, b * width);
      gemmAdd(batch, width, u, s, 0, rk, 0, inner, 0);
    } else {
      // s·U for the z and r columns only: U is [u, 3u], rows of stride 3u.
      for (let b = 0; b < batch; b++)
        for (let p = 0; p < u; p++) {
          const v = s[b * u + p];
          if (v === 0) continue;
          addScaled(2 * u, v, rk, p * width, inner, b * width);
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
          addScaled(u, v, rk, p * width + 2 * u, g, b * width + 2 * u);
        }
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < u; j++) g[b * width + 2 * u + j] = Math.tanh(g[b * width + 2 * u + j]);
    }
    const next = atStep(hs, t + 1, batch * u);
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
      const dRecurrentBias = recurrentBias ? new Float32Array(width) : null;
      const dInner = new Float32Array(batch * width);
      const ds = new Float32Array(batch * u);
      const { dpre, dU } = backThroughTime(shape, u, width, dy, returnSequences, (t, dx, { dU, dh, gh: ghs }) => {
        const h = atStep(hs, t, batch * u);
        const gates = atStep(pre, t, batch * width);
        const keep = atStep(zs, t, batch * width);
        const s = maskedState(h, masks.recurrent, scratch);
        const carried = after ? h : s;
        ds.fill(0);
        dInner.fill(0);
        eachUnit(batch, u, width, (i, r0) => {
          const z = gates[r0];
          const r = gates[r0 + u];
          const hh = gates[r0 + 2 * u];
          const gh = ghs[i];
          const dz = gh * (carried[i] - hh) * gateSlope(w.gate, keep[r0], z);
          const da = gh * (1 - z) * (1 - hh * hh);
          dx[r0] = dz;
          dx[r0 + 2 * u] = da;
          dInner[r0] = dz;
          if (after) {
            const uh = keep[r0 + 2 * u];
            const dr = da * uh * gateSlope(w.gate, keep[r0 + u], r);
            dx[r0 + u] = dr;
            dInner[r0 + u] = dr;
            dInner[r0 + 2 * u] = da * r;
            dh[i] = gh * z; // the direct path through z·h; the products' part is added below
          } else {
            ds[i] += gh * z; // the direct path through z·s; r's and the products' parts follow
          }
        });
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
              if (rs !== 0) addScaled(u, rs, dx, b * width + 2 * u, dU, p * width + 2 * u);
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
          backThroughProduct(batch, u, width, s, dInner, rk, dU, null, ds);
          if (dRecurrentBias)
            for (let b = 0; b < batch; b++) for (let j = 0; j < width; j++) dRecurrentBias[j] += dInner[b * width + j];
          for (let i = 0; i < batch * u; i++) dh[i] += masks.recurrent ? ds[i] * masks.recurrent[i] : ds[i];
        }
      });
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
