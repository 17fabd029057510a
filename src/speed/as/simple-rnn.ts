/**
 * SimpleRNN's cell over one time step, forward and backward, for src/speed/as/sequence.ts's
 * time loops, as src/speed/recurrent/sequence.ts's `simpleRnnForwardJs` computes it:
 * h_t = tanh(x_t·W + b + (h_{t−1}·m)·U). One gate of u columns; u need not be a multiple of 4
 * or 2 (the loops have scalar tails).
 */
import { tanhd, tanhd2 } from "./activations";
import { load2, store2 } from "./lanes";
import { stateGradient } from "./sequence-common";

/** h' = tanh(z) in place over the step's `n` floats (its pre-activations sit in h's place). */
export function simpleRnnForwardStep(n: i32, hn: usize): void {
  let i = 0;
  // Two at a time (f64x2, the same numbers as the scalar tanhd), then the odd one.
  for (; i + 2 <= n; i += 2) {
    const at = hn + <usize>(4 * i);
    store2(at, tanhd2(load2(at)));
  }
  for (; i < n; i++) {
    const at = hn + <usize>(4 * i);
    store<f32>(at, <f32>tanhd(<f64>load<f32>(at)));
  }
}

/** One step back: the pre-activations' gradient `dpre` [batch, u] from h' (`hNow`) and h's gradient (dh, plus the output's). */
export function simpleRnnBackwardStep(
  batch: i32,
  u: i32,
  hNow: usize,
  dyStep: usize,
  dyStride: usize,
  dh: usize,
  dpre: usize,
): void {
  for (let b = 0; b < batch; b++) {
    const dyRow = dyStep != 0 ? dyStep + <usize>b * dyStride : 0;
    for (let j = 0; j < u; j++) {
      const s = <usize>(4 * (b * u + j));
      const gh = stateGradient(dh + s, dyRow, <usize>(4 * j));
      const h = <f64>load<f32>(hNow + s);
      store<f32>(dpre + s, <f32>(gh * (1 - h * h)));
    }
  }
}
