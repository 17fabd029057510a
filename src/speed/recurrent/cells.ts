/**
 * The recurrent cells' AssemblyScript kernels (src/speed/as/simple-rnn.ts, lstm.ts, gru.ts,
 * gru-reset-before.ts) as one table: each cell's forward and backward call over a whole
 * sequence at heap addresses, and the arrays it keeps between the two. The plan's recurrent
 * unit (units/recurrent.ts) and the fused path's heap plumbing (sequence-wasm.ts) both call
 * the kernels through it.
 */
import type { AsOps } from "../as-ops";

/** The layer types with a cell in {@link CELLS}: tfjs's SimpleRNN, LSTM and GRU (reset_after false), tslab-dl's KerasGRU. */
export type CellKind = "SimpleRNN" | "LSTM" | "GRU" | "KerasGRU";

/** One call's sizes. */
export interface CellShape {
  batch: number;
  steps: number;
  features: number;
  units: number;
}

/** Byte addresses of one forward call's arrays (0: none). */
export interface CellArrays {
  /** `[batch, steps, features]`, dropout mask already applied. */
  x: number;
  kernel: number;
  recurrent: number;
  bias: number;
  /** `[batch, units]`: the recurrent dropout mask, or 0. */
  recMask: number;
  /** `[steps + 1, batch, units]`: the states, step 0 zero (the kernels write it). */
  hs: number;
  /** `[batch, units]` of scratch: the masked state. */
  hm: number;
  /** The cell's own arrays, {@link CellKernels.kept}'s sizes, kept from forward to backward. */
  kept: number[];
}

/** Byte addresses of one backward call's arrays (0: none). */
interface CellGradientArrays {
  /** d(loss)/d(output): `[batch, steps, units]` when `sequences`, else `[batch, units]`. */
  dy: number;
  sequences: boolean;
  /** {@link CellKernels.temporary}'s sizes of scratch. */
  temporary: number[];
  kernel: number;
  recurrent: number;
  /** The bias's gradient, or 0 where the layer has none. */
  bias: number;
  /** `[batch, steps, features]`, or 0: the input's gradient is not wanted (the kernel then skips it). */
  input: number;
}

/** One cell type's kernels and the scratch they take. */
export interface CellKernels {
  /** Gate columns per unit: the kernel is `[features, gates·units]`. */
  gates: number;
  /** Masks tfjs's cell draws for each kind of dropout (one `Math.random()` each), of which it uses the first. */
  masksDrawn: number;
  /** Floats of each array the forward pass writes and the backward pass reads. */
  kept(s: CellShape): number[];
  /** Floats of each array the backward pass uses as scratch. */
  temporary(s: CellShape): number[];
  forward(ops: AsOps, s: CellShape, hard: number, a: CellArrays): void;
  backward(ops: AsOps, s: CellShape, hard: number, a: CellArrays, g: CellGradientArrays): void;
}

const perStep = (s: CellShape, columns: number): number => s.steps * s.batch * columns;

/** The three cells' kernels (argument orders: src/speed/as-ops.ts). */
export const CELLS: Record<CellKind, CellKernels> = {
  SimpleRNN: {
    gates: 1,
    masksDrawn: 1,
    kept: () => [],
    temporary: (s) => [perStep(s, s.units), s.batch * s.units],
    forward: (ops, s, _hard, a) =>
      ops.simpleRnnForward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.bias, a.recMask, a.hs, a.hm],
      ),
    backward: (ops, s, _hard, a, g) => {
      const [dpre, dh] = g.temporary;
      ops.simpleRnnBackward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.recMask, a.hs, g.dy],
        ...[g.sequences ? 1 : 0, dpre, g.kernel, g.recurrent, g.bias, g.input, dh, a.hm],
      );
    },
  },
  LSTM: {
    gates: 4,
    masksDrawn: 4,
    // Gates and pre-activations [steps, batch, 4u]; cell states [steps + 1, batch, u].
    kept: (s) => [perStep(s, 4 * s.units), perStep(s, 4 * s.units), (s.steps + 1) * s.batch * s.units],
    temporary: (s) => [perStep(s, 4 * s.units), s.batch * s.units, s.batch * s.units],
    forward: (ops, s, hard, a) => {
      const [gates, zs, cs] = a.kept;
      ops.lstmForward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.bias, a.recMask, hard],
        ...[gates, zs, a.hs, cs, a.hm],
      );
    },
    backward: (ops, s, hard, a, g) => {
      const [gates, zs, cs] = a.kept;
      const [dpre, dh, dc] = g.temporary;
      ops.lstmBackward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.recMask, hard, gates, zs, a.hs, cs],
        ...[g.dy, g.sequences ? 1 : 0, dpre, g.kernel, g.recurrent, g.bias, g.input, dh, dc, a.hm],
      );
    },
  },
  GRU: {
    gates: 3,
    masksDrawn: 3,
    // Gates, and z's and r's pre-activations then r·s, [steps, batch, 3u].
    kept: (s) => [perStep(s, 3 * s.units), perStep(s, 3 * s.units)],
    temporary: (s) => [perStep(s, 3 * s.units), s.batch * s.units],
    forward: (ops, s, hard, a) => {
      const [gates, keep] = a.kept;
      ops.gruResetBeforeForward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.bias, a.recMask, hard],
        ...[gates, keep, a.hs, a.hm],
      );
    },
    backward: (ops, s, hard, a, g) => {
      const [gates, keep] = a.kept;
      const [dpre, dh] = g.temporary;
      ops.gruResetBeforeBackward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.recMask, hard, gates, keep, a.hs],
        ...[g.dy, g.sequences ? 1 : 0, dpre, g.kernel, g.recurrent, g.bias, g.input, dh, a.hm],
      );
    },
  },
  KerasGRU: {
    gates: 3,
    // KerasGRU draws one mask of each kind (src/layers/gru.ts).
    masksDrawn: 1,
    // Gates and pre-activations [steps, batch, 3u]; one step's recurrent product [batch, 3u].
    kept: (s) => [perStep(s, 3 * s.units), perStep(s, 3 * s.units), 3 * s.batch * s.units],
    temporary: (s) => [perStep(s, 3 * s.units), s.batch * s.units, 3 * s.batch * s.units],
    forward: (ops, s, hard, a) => {
      const [gates, keep, inner] = a.kept;
      ops.gruForward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.bias, a.recMask, hard],
        ...[gates, keep, a.hs, a.hm, inner],
      );
    },
    backward: (ops, s, hard, a, g) => {
      const [gates, keep] = a.kept;
      const [dpre, dh, dInner] = g.temporary;
      ops.gruBackward(
        ...[s.batch, s.steps, s.features, s.units, a.x, a.kernel, a.recurrent, a.recMask, hard, gates, keep, a.hs],
        ...[g.dy, g.sequences ? 1 : 0, dpre, g.kernel, g.recurrent, g.bias, g.input, dh, a.hm, dInner],
      );
    },
  },
};
