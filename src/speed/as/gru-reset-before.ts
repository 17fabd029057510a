/**
 * tfjs-layers 4.22's GRU (`reset_after=False`) cell over one time step, forward and backward,
 * for src/speed/as/sequence.ts's time loops, as src/speed/recurrent/sequence.ts's
 * `gruForwardJs(…, "resetBefore")` computes it, gates z, r, h, with s = h·m (the recurrent
 * dropout mask, or h itself):
 * z = σ(x_z + s·U_z), r = σ(x_r + s·U_r), hh = tanh(x_h + (r·s)·U_h), h' = z·s + (1 − z)·hh
 * (tfjs carries the masked state s, not h). Rows as src/speed/as/gru.ts's. (This file is in
 * .prettierignore: prettier does not parse decorators on functions.)
 */
import { gate, slope, tanhd } from "./activations";
import { axpy, dot, stateGradient } from "./sequence-common";

/** Byte strides of one sample's rows: its 3u gate columns, its u state columns. */
// @ts-ignore: decorator
@inline function gateBytes(u: i32): usize { return <usize>(12 * u); }
// @ts-ignore: decorator
@inline function stateBytes(u: i32): usize { return <usize>(4 * u); }

/**
 * From the step's x·W + b in `gates` [batch, 3u] and s = `src` [batch, u]: the gates z, r, hh
 * (in `gates`); in `keep`, z's and r's pre-activations, then r·s (what U_h multiplies); h' into `hn`.
 */
export function gruResetBeforeForwardStep(batch: i32, u: i32, hard: i32, recurrent: usize, src: usize, gates: usize, keep: usize, hn: usize): void {
  const gb = gateBytes(u);
  const sb = stateBytes(u);
  for (let b: usize = 0; b < <usize>batch; b++) forwardSample(u, hard, recurrent, src + b * sb, gates + b * gb, keep + b * gb, hn + b * sb);
}

/** One sample's forward step: its rows of src (sr), gates (gr), keep (kr) and hn (hr). */
// @ts-ignore: decorator
@inline function forwardSample(u: i32, hard: i32, recurrent: usize, sr: usize, gr: usize, kr: usize, hr: usize): void {
  const g = 3 * u;
  const qu = <usize>(4 * u);
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
    store<f32>(hr + oz, <f32>(z * <f64>load<f32>(sr + oz) + (1 - z) * <f64>hh));
  }
}

/**
 * One step back from the state's gradient (dh, plus the output's from `dyRow(b)`; replaced by the earlier
 * state's): the pre-activations' gradient into `dpre` [batch, 3u], U's into `dRecurrent`.
 */
export function gruResetBeforeBackwardStep(batch: i32, u: i32, hard: i32, recurrent: usize, recMask: usize, src: usize, gates: usize, keep: usize, dyStep: usize, dyStride: usize, dh: usize, dpre: usize, dRecurrent: usize): void {
  const gb = gateBytes(u);
  const sb = stateBytes(u);
  for (let b: usize = 0; b < <usize>batch; b++) {
    const dyRow = dyStep != 0 ? dyStep + b * dyStride : 0;
    const maskRow = recMask != 0 ? recMask + b * sb : 0;
    backwardSample(u, hard, recurrent, maskRow, src + b * sb, gates + b * gb, keep + b * gb, dyRow, dh + b * sb, dpre + b * gb, dRecurrent);
  }
}

/** One sample's backward step: its rows of the mask (0: none), src, gates, keep, dy (0: none), dh and dpre (d). */
// @ts-ignore: decorator
@inline function backwardSample(u: i32, hard: i32, recurrent: usize, maskRow: usize, sr: usize, gr: usize, kr: usize, dyRow: usize, dhr: usize, d: usize, dRecurrent: usize): void {
  const g = 3 * u;
  const qu = <usize>(4 * u);
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
    if (maskRow != 0) back *= <f64>load<f32>(maskRow + op);
    store<f32>(dhr + op, <f32>back);
  }
}
