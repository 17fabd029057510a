/**
 * SimpleRNN with tanh over a whole sequence, forward and backward (backpropagation through time)
 * in one call each, as src/speed/recurrent/sequence.ts's `simpleRnnForward` computes it:
 * h_t = tanh(x_t·W + b + (h_{t−1}·m)·U). Layouts as src/speed/as/lstm.ts's with one gate of u
 * columns; u need not be a multiple of 4 (the row loops have scalar tails). x comes with its
 * dropout mask applied; a one-hot input's zeros are skipped.
 */
import {
  clearGradients,
  inputGradients,
  load2,
  outputGradientRow,
  projectInputs,
  recurrentGradients,
  recurrentProduct,
  stateGradient,
  store2,
  tanhd,
  tanhd2,
} from "./sequence-common";

export function simpleRnnForward(
  batch: i32,
  steps: i32,
  features: i32,
  u: i32,
  x: usize,
  kernel: usize,
  recurrent: usize,
  bias: usize,
  recMask: usize,
  hs: usize,
  hm: usize,
): void {
  const stateBytes = <usize>(4 * batch * u);
  memory.fill(hs, 0, stateBytes);
  // Every step's x·W + b straight into its state's place (hs[t + 1], time-major like the other sequence ops' pre-activations).
  projectInputs(batch, steps, features, u, x, kernel, bias, hs + stateBytes);
  for (let t = 0; t < steps; t++) {
    const h = hs + <usize>t * stateBytes;
    const hn = h + stateBytes;
    recurrentProduct(batch, u, u, recurrent, h, recMask, hm, hn);
    // Two at a time (f64x2, the same numbers as the scalar tanhd), then the odd one.
    const n = batch * u;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const at = hn + <usize>(4 * i);
      store2(at, tanhd2(load2(at)));
    }
    for (; i < n; i++) {
      const at = hn + <usize>(4 * i);
      store<f32>(at, <f32>tanhd(<f64>load<f32>(at)));
    }
  }
}

/**
 * The gradients from the output's (`dy`: [batch, steps, u] when `sequences`, else [batch, u]):
 * dpre [steps, batch, u] (scratch), dKernel [features, u], dRecurrent [u, u], dBias [u] (0: none),
 * dx [batch, steps, features] (0: not wanted; the caller applies the input's dropout mask);
 * `dh` and `hm` are [batch, u] of scratch.
 */
export function simpleRnnBackward(
  batch: i32,
  steps: i32,
  features: i32,
  u: i32,
  x: usize,
  kernel: usize,
  recurrent: usize,
  recMask: usize,
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
  const stateBytes = <usize>(4 * batch * u);
  clearGradients(batch, features, u, u, u, dh, dKernel, dRecurrent, dBias);
  for (let t = steps - 1; t >= 0; t--) {
    const hNow = hs + <usize>(t + 1) * stateBytes;
    const step = dpre + <usize>t * stateBytes;
    for (let b = 0; b < batch; b++) {
      const dyRow = outputGradientRow(dy, sequences, steps, u, t, b);
      for (let j = 0; j < u; j++) {
        const s = <usize>(4 * (b * u + j));
        const gh = stateGradient(dh + s, dyRow, <usize>(4 * j));
        const h = <f64>load<f32>(hNow + s);
        store<f32>(step + s, <f32>(gh * (1 - h * h)));
      }
    }
    recurrentGradients(batch, u, u, hs + <usize>t * stateBytes, recMask, hm, step, recurrent, dRecurrent, dh, 0);
  }
  inputGradients(batch, steps, features, u, x, kernel, dpre, dKernel, dBias, dx);
}
