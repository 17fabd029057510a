/**
 * Keras's GRU (`reset_after=True`, tslab-dl's KerasGRU) cell over one time step, forward and
 * backward, for src/speed/as/sequence.ts's time loops, as src/speed/recurrent/sequence.ts's
 * `gruForwardJs(…, "resetAfter")` computes it, gates z, r, h:
 * u = (h·m)·U + b_r, z = σ(x_z + u_z), r = σ(x_r + u_r), hh = tanh(x_h + r·u_h),
 * h' = z·h + (1 − z)·hh (u's bias b_r: the second half of the layer's bias, src/speed/as/sequence.ts).
 * Rows of 3u gate columns, time-major as LSTM's.
 */
import { gate, gate2, round2, slope, slope2, tanhd, tanhd2 } from "./activations";
import { load2, store2 } from "./lanes";
import { stateGradient, stateGradient2 } from "./sequence-common";

/**
 * The step's gates into `gates` [batch, 3u] (holding x·W + b_x) from `inner` [batch, 3u] = u,
 * keeping z's and r's pre-activations and u_h in `keep`; h' from h into `hn`.
 */
export function gruForwardStep(
  batch: i32,
  u: i32,
  hard: i32,
  gates: usize,
  keep: usize,
  inner: usize,
  h: usize,
  hn: usize,
): void {
  const g = 3 * u;
  for (let b = 0; b < batch; b++) {
    const row = <usize>(4 * b * g);
    const q = inner + row;
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

/**
 * One step back from the state's gradient (dh, plus the output's from `dyRow(b)`): the pre-activations'
 * gradient into `dpre` [batch, 3u], the inner product's into `dInner` [batch, 3u], and into dh
 * the direct path through z·h (the caller adds the product's part).
 */
export function gruBackwardStep(
  batch: i32,
  u: i32,
  hard: i32,
  gates: usize,
  keep: usize,
  h: usize,
  dyStep: usize,
  dyStride: usize,
  dh: usize,
  dpre: usize,
  dInner: usize,
): void {
  const g = 3 * u;
  for (let b = 0; b < batch; b++) {
    const row = <usize>(4 * b * g);
    const gr = gates + row;
    const kr = keep + row;
    const dr0 = dpre + row;
    const di = dInner + row;
    const dyRow = dyStep != 0 ? dyStep + <usize>b * dyStride : 0;
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
}
