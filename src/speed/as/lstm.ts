/**
 * LSTM's cell over one time step, forward and backward, for src/speed/as/sequence.ts's time
 * loops, as src/speed/recurrent/sequence.ts's `lstmForwardJs` computes it (tfjs-layers 4.22's
 * LSTMCell: gates i, f, c, o; tanh; sigmoid or hardSigmoid gates). Layouts, time-major: gates
 * and pre-activations [steps, batch, 4u], states h and c [steps + 1, batch, u] (step 0 zero);
 * the arguments are one step's rows.
 */

import { gate, gate2, round2, slope, slope2, tanhd, tanhd2 } from "./activations";
import { load2, store2 } from "./lanes";
import { stateGradient, stateGradient2 } from "./sequence-common";

/**
 * The gates from their pre-activations `z` [batch, 4u] (x·W + b + (h·m)·U, overwritten; a copy
 * kept in `zs` for the slopes), and the states c' = f·c + i·g, h' = o·tanh(c') from c (c' follows
 * it) into `hn`.
 */
export function lstmForwardStep(batch: i32, u: i32, hard: i32, z: usize, zs: usize, c: usize, hn: usize): void {
  const g = 4 * u;
  const cn = c + <usize>(4 * batch * u);
  memory.copy(zs, z, <usize>(4 * batch * g));
  for (let b = 0; b < batch; b++) {
    const zb = z + <usize>(4 * b * g);
    let j = 0;
    // Two state columns at a time (f64x2, the same numbers as the scalar loop below), then the odd one.
    for (; j + 2 <= u; j += 2) {
      const ai = zb + <usize>(4 * j);
      const af = ai + <usize>(4 * u);
      const ag = af + <usize>(4 * u);
      const ao = ag + <usize>(4 * u);
      const i = round2(gate2(hard, load2(ai)));
      const f = round2(gate2(hard, load2(af)));
      const gg = round2(tanhd2(load2(ag)));
      const o = round2(gate2(hard, load2(ao)));
      store2(ai, i);
      store2(af, f);
      store2(ag, gg);
      store2(ao, o);
      const s = <usize>(4 * (b * u + j));
      const cv = round2(f64x2.add(f64x2.mul(f, load2(c + s)), f64x2.mul(i, gg)));
      store2(cn + s, cv);
      store2(hn + s, f64x2.mul(o, tanhd2(cv)));
    }
    for (; j < u; j++) {
      const ai = zb + <usize>(4 * j);
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

/**
 * One step back: from h's gradient (dh, plus the output's from `dyRow(b)`) and c's (`dc`, from
 * the later step; replaced by the earlier state's), the pre-activations' gradient into `dpre`
 * [batch, 4u]. `gates`, `zs` are the step's rows as forward left them, `cPrev` its c (c' follows).
 */
export function lstmBackwardStep(
  batch: i32,
  u: i32,
  hard: i32,
  gates: usize,
  zs: usize,
  cPrev: usize,
  dyStep: usize,
  dyStride: usize,
  dh: usize,
  dc: usize,
  dpre: usize,
): void {
  const g = 4 * u;
  const cNow = cPrev + <usize>(4 * batch * u);
  for (let b = 0; b < batch; b++) {
    const r = <usize>(4 * b * g);
    const dyRow = dyStep != 0 ? dyStep + <usize>b * dyStride : 0;
    let j = 0;
    // Two state columns at a time (f64x2, the same numbers as the scalar loop below), then the odd one.
    for (; j + 2 <= u; j += 2) {
      const s = <usize>(4 * (b * u + j));
      const q = <usize>(4 * j);
      const qu = <usize>(4 * u);
      const i = load2(gates + r + q);
      const f = load2(gates + r + q + qu);
      const gg = load2(gates + r + q + 2 * qu);
      const o = load2(gates + r + q + 3 * qu);
      const tc = tanhd2(load2(cNow + s));
      const gh = stateGradient2(dh + s, dyRow, q);
      const one = f64x2.splat(1);
      const gc = f64x2.add(f64x2.mul(f64x2.mul(gh, o), f64x2.sub(one, f64x2.mul(tc, tc))), load2(dc + s));
      const d = dpre + r;
      store2(d + q, f64x2.mul(f64x2.mul(gc, gg), slope2(hard, load2(zs + r + q), i)));
      store2(d + q + qu, f64x2.mul(f64x2.mul(gc, load2(cPrev + s)), slope2(hard, load2(zs + r + q + qu), f)));
      store2(d + q + 2 * qu, f64x2.mul(f64x2.mul(gc, i), f64x2.sub(one, f64x2.mul(gg, gg))));
      store2(d + q + 3 * qu, f64x2.mul(f64x2.mul(gh, tc), slope2(hard, load2(zs + r + q + 3 * qu), o)));
      store2(dc + s, f64x2.mul(gc, f));
    }
    for (; j < u; j++) {
      const s = <usize>(4 * (b * u + j));
      const q = <usize>(4 * j);
      const qu = <usize>(4 * u);
      const i = <f64>load<f32>(gates + r + q);
      const f = <f64>load<f32>(gates + r + q + qu);
      const gg = <f64>load<f32>(gates + r + q + 2 * qu);
      const o = <f64>load<f32>(gates + r + q + 3 * qu);
      const tc = tanhd(<f64>load<f32>(cNow + s));
      const gh = stateGradient(dh + s, dyRow, q);
      const gc = gh * o * (1 - tc * tc) + <f64>load<f32>(dc + s);
      const d = dpre + r;
      store<f32>(d + q, <f32>(gc * gg * slope(hard, <f64>load<f32>(zs + r + q), i)));
      store<f32>(d + q + qu, <f32>(gc * <f64>load<f32>(cPrev + s) * slope(hard, <f64>load<f32>(zs + r + q + qu), f)));
      store<f32>(d + q + 2 * qu, <f32>(gc * i * (1 - gg * gg)));
      store<f32>(d + q + 3 * qu, <f32>(gh * tc * slope(hard, <f64>load<f32>(zs + r + q + 3 * qu), o)));
      store<f32>(dc + s, <f32>(gc * f));
    }
  }
}
