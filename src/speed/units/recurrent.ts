/**
 * SimpleRNN, LSTM and both GRUs (Keras's reset_after, tslab-dl's KerasGRU; tfjs's reset-before
 * GRU) as units of the plan: the whole sequence in one AssemblyScript call forward and one
 * backward (backpropagation through time inside the kernel, src/speed/as/sequence.ts), at the
 * plan's heap addresses, as cuDNN runs an RNN. Input `[steps, features]` per sample, output
 * `[units]` (the last state) or `[steps, units]` (`returnSequences`).
 *
 * The cells differ only in their kernels and the arrays those keep between the passes, so one
 * class runs all four from a table (recurrent/cells.ts); the fused path (recurrent/sequence-wasm.ts)
 * calls the same table. Dropout masks are drawn as tfjs-layers 4.22's cells draw them (one
 * `tf.dropout` of ones per gate at the first step, only the first mask of each kind used), so
 * a seeded fit drops the same inputs and states either way.
 */
import type * as tf from "@tensorflow/tfjs";
import { type CellArrays, type CellKernels, type CellKind, type CellShape, CELLS } from "../recurrent/cells";
import type { GateActivation } from "../recurrent/sequence";
import { writeDropoutMask } from "./dropout";
import type { StepContext, Unit, UnitBuffers } from "./unit";

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
      writeDropoutMask(step, seeds[0], mask, batch * s.features, dropout);
      maskRows(heap, at.input, mask, at.scratch + l.x, batch, s.steps, s.features);
    }
    if (l.recurrentMask >= 0) {
      // The first recurrent mask follows all of the cell's input masks.
      const first = l.x >= 0 ? this.cell.masksDrawn : 0;
      writeDropoutMask(step, seeds[first], at.scratch + l.recurrentMask, batch * s.units, recurrentDropout);
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
