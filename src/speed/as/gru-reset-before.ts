/**
 * tfjs-layers 4.22's GRU (`reset_after=False`) over a whole sequence, forward and backward
 * (backpropagation through time) in one call each, as src/speed/recurrent/sequence.ts's
 * `gruForward(…, "resetBefore")` computes it, gates z, r, h, with s = h·m (the recurrent
 * dropout mask, or h itself):
 * z = σ(x_z + s·U_z), r = σ(x_r + s·U_r), hh = tanh(x_h + (r·s)·U_h), h' = z·s + (1 − z)·hh
 * (tfjs carries the masked state s, not h). Layouts as src/speed/as/gru.ts's; `bias` is the one
 * input bias [3u], or 0.
 */
import {
  axpy,
  clearGradients,
  dot,
  gate,
  inputGradients,
  maskedState,
  outputGradientRow,
  projectInputs,
  slope,
  stateGradient,
  tanhd,
} from "./sequence-common";

/**
 * gates [steps, batch, 3u]: z, r, hh; keep [steps, batch, 3u]: z's and r's pre-activations,
 * then r·s (what U_h multiplies); hs [steps + 1, batch, u]; hm [batch, u] of scratch.
 */
export function gruResetBeforeForward(
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
  keep: usize,
  hs: usize,
  hm: usize,
): void {
  const g = 3 * u;
  const qu = <usize>(4 * u);
  const stateBytes = <usize>(4 * batch * u);
  memory.fill(hs, 0, stateBytes);
  projectInputs(batch, steps, features, g, x, kernel, bias, gates);
  for (let t = 0; t < steps; t++) {
    const hn = hs + <usize>(t + 1) * stateBytes;
    const src = maskedState(batch * u, hs + <usize>t * stateBytes, recMask, hm);
    for (let b = 0; b < batch; b++) {
      const row = <usize>(4 * (t * batch + b) * g);
      const gr = gates + row;
      const kr = keep + row;
      const sr = src + <usize>(4 * b * u);
      // z's and r's columns: s·U's first 2u.
      for (let p = 0; p < u; p++) {
        const v = load<f32>(sr + <usize>(4 * p));
        if (v != 0) axpy(2 * u, v, recurrent + <usize>(4 * p * g), gr);
      }
      for (let j = 0; j < u; j++) {
        const oz = <usize>(4 * j);
        const zz = load<f32>(gr + oz);
        const zr = load<f32>(gr + qu + oz);
        store<f32>(kr + oz, zz);
        store<f32>(kr + qu + oz, zr);
        const rv = <f32>gate(hard, <f64>zr);
        store<f32>(gr + oz, <f32>gate(hard, <f64>zz));
        store<f32>(gr + qu + oz, rv);
        store<f32>(kr + 2 * qu + oz, rv * load<f32>(sr + oz));
      }
      // hh's columns: x_h + (r·s)·U_h.
      for (let p = 0; p < u; p++) {
        const v = load<f32>(kr + 2 * qu + <usize>(4 * p));
        if (v != 0) axpy(u, v, recurrent + <usize>(4 * (p * g + 2 * u)), gr + 2 * qu);
      }
      for (let j = 0; j < u; j++) {
        const oz = <usize>(4 * j);
        const hh = <f32>tanhd(<f64>load<f32>(gr + 2 * qu + oz));
        store<f32>(gr + 2 * qu + oz, hh);
        const z = <f64>load<f32>(gr + oz);
        store<f32>(hn + <usize>(4 * b * u) + oz, <f32>(z * <f64>load<f32>(sr + oz) + (1 - z) * <f64>hh));
      }
    }
  }
}

/**
 * The gradients from the output's (`dy`: [batch, steps, u] when `sequences`, else [batch, u]):
 * dpre [steps, batch, 3u] (scratch), dKernel [features, 3u], dRecurrent [u, 3u], dBias [3u]
 * (0: none), dx [batch, steps, features] (0: not wanted; the caller applies the input's dropout
 * mask); `dh`, `hm` are [batch, u] of scratch.
 */
export function gruResetBeforeBackward(
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
  keep: usize,
  hs: usize,
  dy: usize,
  sequences: i32,
  dpre: usize,
  dKernel: usize,
  dRecurrent: usize,
  dBias: usize,
  dx: usize,
  dh: usize,
  hm: usize,
): void {
  const g = 3 * u;
  const qu = <usize>(4 * u);
  const stateBytes = <usize>(4 * batch * u);
  clearGradients(batch, features, u, g, g, dh, dKernel, dRecurrent, dBias);
  for (let t = steps - 1; t >= 0; t--) {
    const src = maskedState(batch * u, hs + <usize>t * stateBytes, recMask, hm);
    for (let b = 0; b < batch; b++) {
      const row = <usize>(4 * (t * batch + b) * g);
      const gr = gates + row;
      const kr = keep + row;
      const d = dpre + row;
      const sr = src + <usize>(4 * b * u);
      const dhr = dh + <usize>(4 * b * u);
      const dyRow = outputGradientRow(dy, sequences, steps, u, t, b);
      // dz, d(hh's pre-activation), and the direct path through z·s into s's gradient (in dh).
      for (let j = 0; j < u; j++) {
        const oz = <usize>(4 * j);
        const z = <f64>load<f32>(gr + oz);
        const hh = <f64>load<f32>(gr + 2 * qu + oz);
        const gh = stateGradient(dhr + oz, dyRow, oz);
        store<f32>(d + oz, <f32>(gh * (<f64>load<f32>(sr + oz) - hh) * slope(hard, <f64>load<f32>(kr + oz), z)));
        store<f32>(d + 2 * qu + oz, <f32>(gh * (1 - z) * (1 - hh * hh)));
        store<f32>(dhr + oz, <f32>(gh * z));
      }
      // Through (r·s)·U_h: d(r·s) = da·U_hᵀ gives dr and s's part r·d(r·s); dU_h += (r·s)ᵀ·da.
      for (let p = 0; p < u; p++) {
        const op = <usize>(4 * p);
        const q = <f64>dot(u, d + 2 * qu, recurrent + <usize>(4 * (p * g + 2 * u)));
        const r = <f64>load<f32>(gr + qu + op);
        const dr = q * <f64>load<f32>(sr + op) * slope(hard, <f64>load<f32>(kr + qu + op), r);
        store<f32>(d + qu + op, <f32>dr);
        store<f32>(dhr + op, <f32>(<f64>load<f32>(dhr + op) + q * r));
        const rs = load<f32>(kr + 2 * qu + op);
        if (rs != 0) axpy(u, rs, d + 2 * qu, dRecurrent + <usize>(4 * (p * g + 2 * u)));
      }
      // Through s·U_zr: dU_zr += sᵀ·[dz, dr]; s's part [dz, dr]·U_zrᵀ; then the mask (h's gradient).
      for (let p = 0; p < u; p++) {
        const op = <usize>(4 * p);
        const sp = load<f32>(sr + op);
        if (sp != 0) axpy(2 * u, sp, d, dRecurrent + <usize>(4 * p * g));
        let back = <f64>load<f32>(dhr + op) + <f64>dot(2 * u, d, recurrent + <usize>(4 * p * g));
        if (recMask != 0) back *= <f64>load<f32>(recMask + <usize>(4 * b * u) + op);
        store<f32>(dhr + op, <f32>back);
      }
    }
  }
  inputGradients(batch, steps, features, g, x, kernel, dpre, dKernel, dBias, dx);
}
