/**
 * The unit of the fast path's plan: one layer type's forward and backward pass, in the
 * shape Caffe and Darknet give their layers. A network is a list of units (`plan.ts`); one
 * op call (`step-op.ts`) runs the list forward, the loss, and the list backward, on
 * the WebAssembly backend's heap, where the tensors already are.
 *
 * Memory is addressed in float32 elements of the heap (`heap[at + i]`); every activation is
 * `[batch, ...shape]`, row-major (channels-last for images), so Flatten and Reshape are
 * free and have no unit. A convolution or pooling unit plugs in by implementing this
 * interface with its own `shape`s.
 */
import type * as tf from "@tensorflow/tfjs";
import type { AsOps } from "../as-ops";

/** What every unit of one op call shares. */
export interface StepContext {
  heap: Float32Array;
  ops: AsOps;
  batch: number;
  /** Whether this is a training pass (dropout active, gradients wanted). */
  training: boolean;
  /** Whether the batch is int32 (token ids); only a unit that {@link Unit.takesIds} is ever handed one. */
  inputInt32?: boolean;
  /** The batch's row numbers in the data (when the step copied them out), for errors that name a sample. */
  rows?: Int32Array;
}

/** Where one unit's data lives for this call, as float indices into `heap`. */
export interface UnitBuffers {
  /** `[batch, inputSize]`: the unit below's output (or the batch). */
  input: number;
  /** `[batch, outputSize]`. */
  output: number;
  /** Each of the unit's weights, in the order of {@link Unit.weights}. */
  weights: number[];
  /** {@link Unit.scratchFloats} floats of the unit's own, kept from forward to backward. */
  scratch: number;
  /** Dropout's noise seed for this step (the string `tf.randomUniform` would seed alea with): `seeds[0]`. */
  seed?: string;
  /** All of the unit's noise seeds for this step ({@link Unit.seed}'s `count` of them), in the order tfjs draws them. */
  seeds?: string[];
}

/** One layer type, planned for one layer of a model. */
export interface Unit {
  /** How {@link explainFastPath} names it: "Dense relu", "Dropout 0.3". */
  readonly label: string;
  /** Floats per sample in and out. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** The layer's trainable weights, in the order tfjs trains them. */
  readonly weights: readonly tf.LayerVariable[];
  /**
   * Whether it draws noise seeds per training step (dropout): `count` (default 1) `Math.random()`s
   * each, in unit order, as many as tfjs's layer draws (a recurrent cell draws one per gate).
   */
  readonly seed?: { layerSeed: number | undefined; count?: number };
  /** Its input is token ids, float32 or int32, straight from the batch (Embedding): the plan's first unit only. */
  readonly takesIds?: boolean;
  /** Runs only in training; inference passes the input on unchanged (dropout). */
  readonly trainingOnly?: boolean;
  /** Scratch floats this unit needs for a batch of `batch` rows. */
  scratchFloats(batch: number, training: boolean): number;
  forward(step: StepContext, at: UnitBuffers): void;
  /**
   * Given d(loss)/d(output) at `dOutput` (the unit may overwrite it), write each weight's
   * gradient at `grads` (same order as `weights`) and d(loss)/d(input) at `dInput`, unless
   * `dInput` is null (nothing below needs it).
   */
  backward(step: StepContext, at: UnitBuffers, dOutput: number, dInput: number | null, grads: number[]): void;
}
