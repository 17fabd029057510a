/**
 * Embedding: each token id of the `[batch, steps]` input picks its row of the
 * `[inputDim, outputDim]` table, so the output is `[batch, steps, outputDim]`. tfjs's layer
 * casts the ids to int32 (truncating toward zero) and gathers; its gradient is the
 * `UnsortedSegmentSum` of d(output) into a dense zeroed table, which this unit writes the same
 * way: zero, then each token's row of d(output) added into its id's row, tokens in order. Ids
 * are not differentiable, so there is no input gradient; the unit must take the model's input.
 *
 * Ids outside [0, inputDim) (after truncation; NaN included) throw a {@link TokenIdError}
 * before any row is read, as stock tfjs's `GatherV2` throws for them on the cpu and wasm
 * backends (stock's cast turns NaN into row 0, and wraps ids of 2³¹ and more; the plan refuses
 * those too).
 */
import type * as tf from "@tensorflow/tfjs";
import type { StepContext, Unit, UnitBuffers } from "./unit";

/** A token id that names no row of an Embedding layer's table. */
export class TokenIdError extends RangeError {
  override name = "TokenIdError";
}

export class EmbeddingUnit implements Unit {
  readonly label: string;
  readonly weights: readonly tf.LayerVariable[];
  readonly takesIds = true;
  readonly inputSize: number;
  readonly outputSize: number;

  constructor(
    private readonly layerName: string,
    private readonly steps: number,
    private readonly inputDim: number,
    private readonly outputDim: number,
    table: tf.LayerVariable,
  ) {
    this.label = `Embedding ${inputDim}×${outputDim}`;
    this.weights = [table];
    this.inputSize = steps;
    this.outputSize = steps * outputDim;
  }

  /** The batch's ids as int32 row numbers, kept from forward to backward. */
  scratchFloats(batch: number): number {
    return batch * this.steps;
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const { ops, batch } = step;
    const tokens = batch * this.steps;
    const bad = ops.tokenRows(tokens, 4 * at.input, step.inputInt32 ? 1 : 0, this.inputDim, 4 * at.scratch);
    if (bad >= 0) throw this.badId(step, at, bad);
    ops.copyRows(tokens, 4 * this.outputDim, 4 * at.weights[0], 4 * at.scratch, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dOutput: number, _dInput: number | null, grads: number[]): void {
    const { heap, ops, batch } = step;
    heap.fill(0, grads[0], grads[0] + this.inputDim * this.outputDim);
    ops.scatterAddRows(batch * this.steps, this.outputDim, 4 * dOutput, 4 * at.scratch, 4 * grads[0]);
  }

  private badId(step: StepContext, at: UnitBuffers, position: number): TokenIdError {
    const raw = at.input + position;
    const id = step.inputInt32 ? new Int32Array(step.heap.buffer, step.heap.byteOffset)[raw] : step.heap[raw];
    const row = Math.floor(position / this.steps);
    const sample = step.rows ? step.rows[row] : row;
    return new TokenIdError(
      `Embedding layer '${this.layerName}': token id ${id} at sample ${sample}, step ${position % this.steps} ` +
        `of the input is not in [0, ${this.inputDim}) (inputDim ${this.inputDim}); ` +
        `ids must be integers from 0 to ${this.inputDim - 1}: map unknown tokens to a reserved id, or raise inputDim`,
    );
  }
}
