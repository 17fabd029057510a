/**
 * Keras's GRU (`reset_after=True`, tslab-dl's KerasGRU) over a whole sequence, forward and
 * backward (backpropagation through time) in one call each, as src/speed/recurrent/sequence.ts's
 * `gruForward(…, "resetAfter")` computes it, gates z, r, h:
 * u = (h·m)·U + b_r, z = σ(x_z + u_z), r = σ(x_r + u_r), hh = tanh(x_h + r·u_h),
 * h' = z·h + (1 − z)·hh. Layouts as src/speed/as/lstm.ts's with 3u gate columns; `bias` holds
 * the input bias then the recurrent bias (6u), or is 0.
 */
import {
  clearGradients,
  accumulateRows,
  gate,
  gate2,
  inputGradients,
  load2,
  outputGradientRow,
  projectInputs,
  recurrentGradients,
  recurrentProduct,
  stateGradient,
  stateGradient2,
  round2,
  slope,
  slope2,
  store2,
  tanhd,
  tanhd2,
} from "./sequence-common";

export function gruForward(
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
  inner: usize,
): void {
  const g = 3 * u;
  const rowBytes = <usize>(4 * g);
  const stateBytes = <usize>(4 * batch * u);
  memory.fill(hs, 0, stateBytes);
  projectInputs(batch, steps, features, g, x, kernel, bias, gates);
  for (let t = 0; t < steps; t++) {
    const h = hs + <usize>t * stateBytes;
    const hn = h + stateBytes;
    for (let b = 0; b < batch; b++) {
      const q = inner + <usize>(4 * b * g);
      if (bias != 0) memory.copy(q, bias + rowBytes, rowBytes);
      else memory.fill(q, 0, rowBytes);
    }
    recurrentProduct(batch, u, g, recurrent, h, recMask, hm, inner);
    for (let b = 0; b < batch; b++) {
      const q = inner + <usize>(4 * b * g);
      const row = <usize>(4 * (t * batch + b) * g);
      const gr = gates + row;
      const kr = keep + row;
      let j = 0;
      // Two state columns at a time (f64x2, the same numbers as the scalar loop below), then the odd one.
      for (; j + 2 <= u; j += 2) {
        const oz = <usize>(4 * j);
        const or = oz + <usize>(4 * u);
        const oh = or + <usize>(4 * u);
        const zz = f64x2.add(load2(gr + oz), load2(q + oz));
        const zr = f64x2.add(load2(gr + or), load2(q + or));
        const uh = load2(q + oh);
        const zv = round2(gate2(hard, zz));
        const rv = round2(gate2(hard, zr));
        const hh = round2(tanhd2(f64x2.add(load2(gr + oh), f64x2.mul(rv, uh))));
        store2(kr + oz, zz);
        store2(kr + or, zr);
        store2(kr + oh, uh);
        store2(gr + oz, zv);
        store2(gr + or, rv);
        store2(gr + oh, hh);
        const s = <usize>(4 * (b * u + j));
        store2(hn + s, f64x2.add(f64x2.mul(zv, load2(h + s)), f64x2.mul(f64x2.sub(f64x2.splat(1), zv), hh)));
      }
      for (; j < u; j++) {
        const oz = <usize>(4 * j);
        const or = oz + <usize>(4 * u);
        const oh = or + <usize>(4 * u);
        const zz = <f64>load<f32>(gr + oz) + <f64>load<f32>(q + oz);
        const zr = <f64>load<f32>(gr + or) + <f64>load<f32>(q + or);
        const uh = load<f32>(q + oh);
        const zv = <f32>gate(hard, zz);
        const rv = <f32>gate(hard, zr);
        const hh = <f32>tanhd(<f64>load<f32>(gr + oh) + <f64>rv * <f64>uh);
        store<f32>(kr + oz, <f32>zz);
        store<f32>(kr + or, <f32>zr);
        store<f32>(kr + oh, uh);
        store<f32>(gr + oz, zv);
        store<f32>(gr + or, rv);
        store<f32>(gr + oh, hh);
        const s = <usize>(4 * (b * u + j));
        store<f32>(hn + s, <f32>(<f64>zv * <f64>load<f32>(h + s) + (1 - <f64>zv) * <f64>hh));
      }
    }
  }
}

/**
 * The gradients from the output's (`dy`: [batch, steps, u] when `sequences`, else [batch, u]):
 * dpre [steps, batch, 3u] (scratch), dKernel [features, 3u], dRecurrent [u, 3u], dBias [6u]
 * (0: none), dx [batch, steps, features] (0: not wanted; the caller applies the input's dropout
 * mask); `dh`, `hm` are [batch, u] and `dInner` [batch, 3u] of scratch.
 */
export function gruBackward(
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
  dInner: usize,
): void {
  const g = 3 * u;
  const stateBytes = <usize>(4 * batch * u);
  clearGradients(batch, features, u, g, 2 * g, dh, dKernel, dRecurrent, dBias);
  for (let t = steps - 1; t >= 0; t--) {
    const h = hs + <usize>t * stateBytes;
    for (let b = 0; b < batch; b++) {
      const row = <usize>(4 * (t * batch + b) * g);
      const gr = gates + row;
      const kr = keep + row;
      const dr0 = dpre + row;
      const di = dInner + <usize>(4 * b * g);
      const dyRow = outputGradientRow(dy, sequences, steps, u, t, b);
      let j = 0;
      // Two state columns at a time (f64x2, the same numbers as the scalar loop below), then the odd one.
      for (; j + 2 <= u; j += 2) {
        const oz = <usize>(4 * j);
        const or = oz + <usize>(4 * u);
        const oh = or + <usize>(4 * u);
        const s = <usize>(4 * (b * u + j));
        const one = f64x2.splat(1);
        const z = load2(gr + oz);
        const r = load2(gr + or);
        const hh = load2(gr + oh);
        const gh = stateGradient2(dh + s, dyRow, oz);
        const dz = f64x2.mul(f64x2.mul(gh, f64x2.sub(load2(h + s), hh)), slope2(hard, load2(kr + oz), z));
        const da = f64x2.mul(f64x2.mul(gh, f64x2.sub(one, z)), f64x2.sub(one, f64x2.mul(hh, hh)));
        const drr = f64x2.mul(f64x2.mul(da, load2(kr + oh)), slope2(hard, load2(kr + or), r));
        store2(dr0 + oz, dz);
        store2(dr0 + or, drr);
        store2(dr0 + oh, da);
        store2(di + oz, dz);
        store2(di + or, drr);
        store2(di + oh, f64x2.mul(da, r));
        store2(dh + s, f64x2.mul(gh, z));
      }
      for (; j < u; j++) {
        const oz = <usize>(4 * j);
        const or = oz + <usize>(4 * u);
        const oh = or + <usize>(4 * u);
        const s = <usize>(4 * (b * u + j));
        const z = <f64>load<f32>(gr + oz);
        const r = <f64>load<f32>(gr + or);
        const hh = <f64>load<f32>(gr + oh);
        const gh = stateGradient(dh + s, dyRow, oz);
        const dz = gh * (<f64>load<f32>(h + s) - hh) * slope(hard, <f64>load<f32>(kr + oz), z);
        const da = gh * (1 - z) * (1 - hh * hh);
        const drr = da * <f64>load<f32>(kr + oh) * slope(hard, <f64>load<f32>(kr + or), r);
        store<f32>(dr0 + oz, <f32>dz);
        store<f32>(dr0 + or, <f32>drr);
        store<f32>(dr0 + oh, <f32>da);
        store<f32>(di + oz, <f32>dz);
        store<f32>(di + or, <f32>drr);
        store<f32>(di + oh, <f32>(da * r));
        store<f32>(dh + s, <f32>(gh * z));
      }
    }
    if (dBias != 0) accumulateRows(batch, g, 0, 0, dInner, dBias + <usize>(4 * g));
    recurrentGradients(batch, u, g, h, recMask, hm, dInner, recurrent, dRecurrent, dh, 1);
  }
  inputGradients(batch, steps, features, g, x, kernel, dpre, dKernel, dBias, dx);
}
