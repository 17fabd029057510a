/**
 * The recurrent layers over a whole sequence, forward and backward (backpropagation through
 * time) in one call each, as cuDNN's RNN runs them: the time loops all cells share, around each
 * cell's step (simple-rnn.ts, lstm.ts, gru.ts, gru-reset-before.ts). Layouts: x [batch, steps,
 * features] (already dropout-masked), kernel [features, g], recurrent kernel [u, g], bias [g]
 * (Keras's GRU: [2g]) or 0, g = the cell's gate columns; time-major, the gates and
 * pre-activations [steps, batch, g], the states hs [steps + 1, batch, u] (step 0 zero).
 */
import { gruBackwardStep, gruForwardStep } from "./gru";
import { gruResetBeforeBackwardStep, gruResetBeforeForwardStep } from "./gru-reset-before";
import { lstmBackwardStep, lstmForwardStep } from "./lstm";
import {
  accumulateRows,
  clearGradients,
  inputGradients,
  inputTimesKernel,
  maskedState,
  outputGradientStep,
  recurrentGradients,
  recurrentProduct,
} from "./sequence-common";
import { simpleRnnBackwardStep, simpleRnnForwardStep } from "./simple-rnn";

/** `cell`: the numbers src/speed/recurrent/cells.ts passes. */
const SIMPLE_RNN = 0;
const LSTM = 1;
/** tfjs's GRU (reset_after false). */
const GRU = 2;
/** Keras's GRU (reset_after true, tslab-dl's KerasGRU). */
const KERAS_GRU = 3;

/**
 * One pass of `cell` over the sequence: forward (`backward` 0) or backward (1). Both passes take
 * the same arrays, the cell's own in k0..k2 (LSTM: gates, pre-activations, cell states; GRU:
 * gates, what the backward pass keeps; Keras's GRU also one step's recurrent product
 * [batch, 3u]); `hard` 1 makes the gates tfjs's hardSigmoid. Backward only: dy [batch, steps, u]
 * when `sequences`, else [batch, u]; dpre [steps, batch, g] of scratch; dKernel, dRecurrent,
 * dBias (0: none) and dx [batch, steps, features] (0: not wanted; the caller applies the input's
 * dropout mask); `dh` [batch, u] and `scratch` (LSTM: c's gradient [batch, u]; Keras's GRU: the
 * recurrent product's [batch, 3u]) of scratch.
 */
export function recurrentSequence(
  backward: i32,
  cell: i32,
  hard: i32,
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
  k0: usize,
  k1: usize,
  k2: usize,
  dy: usize,
  sequences: i32,
  dpre: usize,
  dKernel: usize,
  dRecurrent: usize,
  dBias: usize,
  dx: usize,
  dh: usize,
  scratch: usize,
): void {
  const g = (cell == SIMPLE_RNN ? 1 : cell == LSTM ? 4 : 3) * u;
  const stateBytes = <usize>(4 * batch * u);
  if (!backward) {
    memory.fill(hs, 0, stateBytes);
    if (cell == LSTM) memory.fill(k2, 0, stateBytes);
    // x·W + b for every (step, sample) row, x's zeros skipped (one-hot inputs); SimpleRNN's
    // straight into its states' places (hs[t + 1]). No bias: the sums start from zeros.
    const pre = cell == SIMPLE_RNN ? hs + stateBytes : k0;
    for (let t = 0; t < steps; t++)
      for (let b = 0; b < batch; b++) {
        const z = pre + <usize>(4 * (t * batch + b) * g);
        if (bias == 0) memory.fill(z, 0, <usize>(4 * g));
        inputTimesKernel(features, g, x + <usize>(4 * (b * steps + t) * features), kernel, bias != 0 ? bias : z, z);
      }
    for (let t = 0; t < steps; t++) {
      const h = hs + <usize>t * stateBytes;
      const hn = h + stateBytes;
      const rows = <usize>(4 * t * batch * g);
      if (cell == SIMPLE_RNN) {
        recurrentProduct(batch, u, u, recurrent, h, recMask, hm, hn);
        simpleRnnForwardStep(batch * u, hn);
      } else if (cell == LSTM) {
        recurrentProduct(batch, u, g, recurrent, h, recMask, hm, k0 + rows);
        lstmForwardStep(batch, u, hard, k0 + rows, k1 + rows, k2 + <usize>t * stateBytes, hn);
      } else if (cell == KERAS_GRU) {
        const rowBytes = <usize>(4 * g);
        for (let b = 0; b < batch; b++) {
          const q = k2 + <usize>b * rowBytes;
          if (bias != 0) memory.copy(q, bias + rowBytes, rowBytes);
          else memory.fill(q, 0, rowBytes);
        }
        recurrentProduct(batch, u, g, recurrent, h, recMask, hm, k2);
        gruForwardStep(batch, u, hard, k0 + rows, k1 + rows, k2, h, hn);
      } else {
        const src = maskedState(batch * u, h, recMask, hm);
        gruResetBeforeForwardStep(batch, u, hard, recurrent, src, k0 + rows, k1 + rows, hn);
      }
    }
    return;
  }
  clearGradients(batch, features, u, g, cell == KERAS_GRU ? 2 * g : g, dh, dKernel, dRecurrent, dBias);
  if (cell == LSTM) memory.fill(scratch, 0, stateBytes);
  // Sample b's output gradient at step t starts at dyStep + b·dyStride.
  const dyStride = <usize>(4 * (sequences ? steps * u : u));
  for (let t = steps - 1; t >= 0; t--) {
    const h = hs + <usize>t * stateBytes;
    const rows = <usize>(4 * t * batch * g);
    const dyStep = outputGradientStep(dy, sequences, steps, u, t);
    const dz = dpre + rows;
    if (cell == SIMPLE_RNN) {
      simpleRnnBackwardStep(batch, u, h + stateBytes, dyStep, dyStride, dh, dz);
      recurrentGradients(batch, u, g, h, recMask, hm, dz, recurrent, dRecurrent, dh, 0);
    } else if (cell == LSTM) {
      lstmBackwardStep(
        batch,
        u,
        hard,
        k0 + rows,
        k1 + rows,
        k2 + <usize>t * stateBytes,
        dyStep,
        dyStride,
        dh,
        scratch,
        dz,
      );
      recurrentGradients(batch, u, g, h, recMask, hm, dz, recurrent, dRecurrent, dh, 0);
    } else if (cell == KERAS_GRU) {
      gruBackwardStep(batch, u, hard, k0 + rows, k1 + rows, h, dyStep, dyStride, dh, dz, scratch);
      if (dBias != 0) accumulateRows(batch, g, 0, 0, scratch, dBias + <usize>(4 * g));
      recurrentGradients(batch, u, g, h, recMask, hm, scratch, recurrent, dRecurrent, dh, 1);
    } else {
      const src = maskedState(batch * u, h, recMask, hm);
      gruResetBeforeBackwardStep(
        batch,
        u,
        hard,
        recurrent,
        recMask,
        src,
        k0 + rows,
        k1 + rows,
        dyStep,
        dyStride,
        dh,
        dz,
        dRecurrent,
      );
    }
  }
  inputGradients(batch, steps, features, g, x, kernel, dpre, dKernel, dBias, dx);
}
