/**
 * The recurrent cells' AssemblyScript kernel (src/speed/as/sequence.ts's recurrentSequence) as
 * one table: each cell's forward and backward call over a whole sequence at heap addresses,
 * and the arrays it keeps between the two. The plan's recurrent unit (units/recurrent.ts) and
 * the fused path's heap plumbing (sequence-wasm.ts) both call the kernel through it.
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

/** The arguments both passes of {@link AsOps.recurrentSequence} take after `backward`: the cell, the shapes, the forward arrays. */
function sequenceArguments(cell: number, s: CellShape, hard: number, a: CellArrays): number[] {
  const [k0 = 0, k1 = 0, k2 = 0] = a.kept;
  const shape = [cell, hard, s.batch, s.steps, s.features, s.units];
  return [...shape, a.x, a.kernel, a.recurrent, a.bias, a.recMask, a.hs, a.hm, k0, k1, k2];
}

/**
 * A cell's table entry; `cell` is its number in src/speed/as/sequence.ts. The backward pass's
 * temporaries are dpre, dh and the cell's own scratch, if any.
 */
function cellKernels(cell: number, sizes: Omit<CellKernels, "forward" | "backward">): CellKernels {
  return {
    ...sizes,
    forward: (ops, s, hard, a) =>
      ops.recurrentSequence(0, ...sequenceArguments(cell, s, hard, a), ...[0, 0, 0, 0, 0, 0, 0, 0, 0]),
    backward: (ops, s, hard, a, g) => {
      const [dpre, dh, scratch = 0] = g.temporary;
      ops.recurrentSequence(
        ...[1, ...sequenceArguments(cell, s, hard, a), g.dy, g.sequences ? 1 : 0, dpre, g.kernel, g.recurrent, g.bias],
        ...[g.input, dh, scratch],
      );
    },
  };
}

/** The cells' kernels. */
export const CELLS: Record<CellKind, CellKernels> = {
  SimpleRNN: cellKernels(0, {
    gates: 1,
    masksDrawn: 1,
    kept: () => [],
    temporary: (s) => [perStep(s, s.units), s.batch * s.units],
  }),
  LSTM: cellKernels(1, {
    gates: 4,
    masksDrawn: 4,
    // Gates and pre-activations [steps, batch, 4u]; cell states [steps + 1, batch, u]; c's gradient [batch, u].
    kept: (s) => [perStep(s, 4 * s.units), perStep(s, 4 * s.units), (s.steps + 1) * s.batch * s.units],
    temporary: (s) => [perStep(s, 4 * s.units), s.batch * s.units, s.batch * s.units],
  }),
  GRU: cellKernels(2, {
    gates: 3,
    masksDrawn: 3,
    // Gates, and z's and r's pre-activations then r·s, [steps, batch, 3u].
    kept: (s) => [perStep(s, 3 * s.units), perStep(s, 3 * s.units)],
    temporary: (s) => [perStep(s, 3 * s.units), s.batch * s.units],
  }),
  KerasGRU: cellKernels(3, {
    gates: 3,
    // KerasGRU draws one mask of each kind (src/layers/gru.ts).
    masksDrawn: 1,
    // Gates and pre-activations [steps, batch, 3u]; one step's recurrent product [batch, 3u], and its gradient.
    kept: (s) => [perStep(s, 3 * s.units), perStep(s, 3 * s.units), 3 * s.batch * s.units],
    temporary: (s) => [perStep(s, 3 * s.units), s.batch * s.units, 3 * s.batch * s.units],
  }),
};
