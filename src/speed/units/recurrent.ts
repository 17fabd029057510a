/**
 * SimpleRNN, LSTM and both GRUs (Keras's reset_after, tslab-dl's KerasGRU; tfjs's reset-before
 * GRU) as units of the plan: the whole sequence in one AssemblyScript call forward and one
 * backward (backpropagation through time inside the kernel, src/speed/as/simple-rnn.ts,
 * lstm.ts, gru.ts, gru-reset-before.ts), at the plan's heap
 * addresses, as cuDNN runs an RNN. Input `[steps, features]` per sample, output `[units]` (the
 * last state) or `[steps, units]` (`returnSequences`).
 *
 * The cells differ only in their kernels and the arrays those keep between the passes, so one
 * class runs all four from a table ({@link CELLS}); the fused path (recurrent/sequence-wasm.ts)
 * calls the same table. Dropout masks are drawn as tfjs-layers 4.22's cells draw them (one
 * `tf.dropout` of ones per gate at the first step, only the first mask of each kind used), so
 * a seeded fit drops the same inputs and states either way.
 */
import type * as tf from "@tensorflow/tfjs";
import type { AsOps } from "../as-ops";
import type { GateActivation } from "../recurrent/sequence";
import { writeDropoutMask } from "./dropout";
import type { StepContext, Unit, UnitBuffers } from "./unit";

/** The layer types with a cell in {@link CELLS}: tfjs's SimpleRNN, LSTM and GRU (reset_after false), tslab-dl's KerasGRU. */
export type CellKind = "SimpleRNN" | "LSTM" | "GRU" | "KerasGRU";

/** One call's sizes. */
interface CellShape {
  batch: number;
  steps: number;
  features: number;
  units: number;
}

/** Byte addresses of one forward call's arrays (0: none). */
interface CellArrays {
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
interface CellKernels {
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

/** How {@link explainFastPath} names each cell: Keras's GRU is "GRU", tfjs's the reset-before one. */
const LABELS: Record<CellKind, string> = {
  SimpleRNN: "SimpleRNN",
  LSTM: "LSTM",
  GRU: "GRU (reset before)",
  KerasGRU: "GRU",
};

/** A recurrent layer's settings the unit needs. */
interface RecurrentSettings {
  kind: CellKind;
  steps: number;
  features: number;
  units: number;
  returnSequences: boolean;
  /** The gates' activation (LSTM, GRU; SimpleRNN has none). */
  gate: GateActivation;
  /** Input and recurrent dropout rates (active in training when in (0, 1), as tfjs's cells). */
  dropout: number;
  recurrentDropout: number;
}

const active = (rate: number): boolean => rate > 0 && rate < 1;

/** Float offsets (from the unit's scratch) of everything one call keeps. */
interface Layout {
  /** The dropout-masked input, its mask, the recurrent mask: -1 where not drawn. */
  x: number;
  inputMask: number;
  recurrentMask: number;
  hs: number;
  hm: number;
  kept: number[];
  temporary: number[];
  floats: number;
}

/**
 * One recurrent layer of a plan: the cell's forward kernel over the whole sequence, then its
 * output (the last state or every step's) copied out of the states; backward, the cell's
 * backpropagation through time writing the weights' gradients (and the input's, unless the
 * layer is the first).
 *
 * @example
 * new RecurrentUnit({ kind: "LSTM", steps: 100, features: 16, units: 8, returnSequences: false,
 *   gate: "sigmoid", dropout: 0, recurrentDropout: 0 }, kernel, recurrentKernel, bias);
 */
export class RecurrentUnit implements Unit {
  readonly label: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly weights: readonly tf.LayerVariable[];
  readonly seed?: { layerSeed: number | undefined; count: number };
  private readonly cell: CellKernels;

  constructor(
    private readonly settings: RecurrentSettings,
    kernel: tf.LayerVariable,
    recurrentKernel: tf.LayerVariable,
    private readonly bias: tf.LayerVariable | null,
  ) {
    const { kind, steps, features, units, returnSequences } = settings;
    this.cell = CELLS[kind];
    this.inputSize = steps * features;
    this.outputSize = returnSequences ? steps * units : units;
    this.label = `${LABELS[kind]} ${units}${returnSequences ? " all steps" : ""}`;
    this.weights = bias ? [kernel, recurrentKernel, bias] : [kernel, recurrentKernel];
    // The cell's draws: every input mask, then every recurrent one (tfjs's cells have no seed of their own).
    const count = this.cell.masksDrawn * (Number(active(settings.dropout)) + Number(active(settings.recurrentDropout)));
    if (count > 0) this.seed = { layerSeed: undefined, count };
  }

  private shape(batch: number): CellShape {
    const { steps, features, units } = this.settings;
    return { batch, steps, features, units };
  }

  private layout(batch: number, training: boolean): Layout {
    const s = this.shape(batch);
    const { dropout, recurrentDropout } = this.settings;
    let floats = 0;
    const take = (n: number): number => {
      floats += n;
      return floats - n;
    };
    const masked = training && active(dropout);
    const x = masked ? take(batch * this.inputSize) : -1;
    const inputMask = masked ? take(batch * s.features) : -1;
    const recurrentMask = training && active(recurrentDropout) ? take(batch * s.units) : -1;
    const hs = take((s.steps + 1) * batch * s.units);
    const hm = take(batch * s.units);
    const kept = this.cell.kept(s).map(take);
    const temporary = training ? this.cell.temporary(s).map(take) : [];
    return { x, inputMask, recurrentMask, hs, hm, kept, temporary, floats };
  }

  scratchFloats(batch: number, training: boolean): number {
    return this.layout(batch, training).floats;
  }

  /** The forward call's arrays at byte addresses. */
  private arrays(at: UnitBuffers, l: Layout): CellArrays {
    const bytes = (offset: number): number => (offset < 0 ? 0 : 4 * (at.scratch + offset));
    const [kernel, recurrent, bias] = at.weights;
    return {
      x: l.x < 0 ? 4 * at.input : bytes(l.x),
      kernel: 4 * kernel,
      recurrent: 4 * recurrent,
      bias: this.bias ? 4 * bias : 0,
      recMask: bytes(l.recurrentMask),
      hs: bytes(l.hs),
      hm: bytes(l.hm),
      kept: l.kept.map(bytes),
    };
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const { heap, batch, training } = step;
    const s = this.shape(batch);
    const l = this.layout(batch, training);
    const { dropout, recurrentDropout, returnSequences } = this.settings;
    const seeds = at.seeds ?? [];
    if (l.x >= 0 || l.recurrentMask >= 0) {
      if (seeds.length < (this.seed?.count ?? 0))
        throw new Error(`${this.label}: a training step needs ${this.seed?.count} noise seeds, got ${seeds.length}`);
    }
    if (l.x >= 0) {
      const mask = at.scratch + l.inputMask;
      writeDropoutMask(heap, seeds[0], mask, batch * s.features, dropout);
      maskRows(heap, at.input, mask, at.scratch + l.x, batch, s.steps, s.features);
    }
    if (l.recurrentMask >= 0) {
      // The first recurrent mask follows all of the cell's input masks.
      const first = l.x >= 0 ? this.cell.masksDrawn : 0;
      writeDropoutMask(heap, seeds[first], at.scratch + l.recurrentMask, batch * s.units, recurrentDropout);
    }
    this.cell.forward(step.ops, s, this.hard(), this.arrays(at, l));
    emitStates(heap, at.scratch + l.hs, at.output, s, returnSequences);
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dInput: number | null, grads: number[]): void {
    const { heap, batch } = step;
    const s = this.shape(batch);
    const l = this.layout(batch, true);
    const [kernel, recurrent, bias] = grads;
    this.cell.backward(step.ops, s, this.hard(), this.arrays(at, l), {
      dy: 4 * dy,
      sequences: this.settings.returnSequences,
      temporary: l.temporary.map((offset) => 4 * (at.scratch + offset)),
      kernel: 4 * kernel,
      recurrent: 4 * recurrent,
      bias: this.bias ? 4 * bias : 0,
      input: dInput === null ? 0 : 4 * dInput,
    });
    // d(x·mask)/dx = mask, in place.
    if (dInput !== null && l.x >= 0)
      maskRows(heap, dInput, at.scratch + l.inputMask, dInput, batch, s.steps, s.features);
  }

  private hard(): number {
    return this.settings.gate === "hardSigmoid" ? 1 : 0;
  }
}

/** out[b, t, f] = x[b, t, f] · mask[b, f] (float indices; `out` may be `x`). */
function maskRows(
  heap: Float32Array,
  x: number,
  mask: number,
  out: number,
  batch: number,
  steps: number,
  features: number,
): void {
  for (let b = 0; b < batch; b++) {
    const m = mask + b * features;
    for (let t = 0; t < steps; t++) {
      const row = (b * steps + t) * features;
      for (let f = 0; f < features; f++) heap[out + row + f] = heap[x + row + f] * heap[m + f];
    }
  }
}

/**
 * The layer's output from the states `hs` ([steps + 1, batch, units], time-major, float index):
 * the last state `[batch, units]`, or every step's `[batch, steps, units]`.
 */
function emitStates(heap: Float32Array, hs: number, out: number, s: CellShape, sequences: boolean): void {
  const { batch, steps, units } = s;
  const state = batch * units;
  if (!sequences) {
    heap.copyWithin(out, hs + steps * state, hs + (steps + 1) * state);
    return;
  }
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const from = hs + (t + 1) * state + b * units;
      heap.copyWithin(out + (b * steps + t) * units, from, from + units);
    }
  }
}
