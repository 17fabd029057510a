/**
 * Dense: `output = input · kernel (+ bias)`, with relu fused when the layer's activation is
 * relu (tfjs fuses relu and linear into its matrix product; other activations follow as an
 * {@link ActivationUnit}, as tfjs applies them after the bias add).
 */
import type * as tf from "@tensorflow/tfjs";
import {
  gemmScratchBytes,
  GEMM_SCRATCH_BYTES,
  GEMM_SKIP_SCRATCH_BYTES,
  MATRIX_SKIP,
  MATRIX_WHOLE,
  type GemmArgs,
} from "../as-ops";
import { handOverInPlace, ownColumns, secondCoreSettings, splitWork, type HeapRun } from "../second-core";
import type { StepContext, Unit, UnitBuffers } from "./unit";

export class DenseUnit implements Unit {
  readonly label: string;
  readonly weights: readonly tf.LayerVariable[];

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    private readonly relu: boolean,
    kernel: tf.LayerVariable,
    private readonly bias: tf.LayerVariable | null,
    activation: string,
  ) {
    this.label = `Dense ${activation}`;
    this.weights = bias ? [kernel, bias] : [kernel];
  }

  scratchFloats(batch: number, training: boolean): number {
    const [k, n] = [this.inputSize, this.outputSize];
    // The products' packed A (forward: batch × k; d input: batch × n; dW's skip lists fit too).
    const packed = Math.max(gemmScratchBytes(batch, Math.max(k, n)), GEMM_SKIP_SCRATCH_BYTES) / 4;
    // Training: Wᵀ for d input.
    return training ? packed + k * n : packed;
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const { ops, batch: m } = step;
    const [k, n] = [this.inputSize, this.outputSize];
    const [w, b] = at.weights;
    const ld = 4 * n;
    const relu = this.relu ? 1 : 0;
    // Columns of output = input · kernel (+ bias) (relu), at byte addresses on either memory.
    const product = (count: number, x: number, kernel: number, y: number, scratch: number, bias: number): GemmArgs => [
      m,
      count,
      k,
      MATRIX_WHOLE,
      x,
      4 * k,
      4,
      kernel,
      ld,
      y,
      ld,
      0,
      scratch,
      bias,
      relu,
    ];
    const columns = (from: number, count: number): void => {
      const bias = this.bias ? 4 * (b + from) : 0;
      ops.gemm(...product(count, 4 * at.input, 4 * (w + from), 4 * (at.output + from), 4 * at.scratch, bias));
    };
    splitWork(step.heap, this.splitColumn(m), n, columns, (own, count) => ({
      inputs: [[at.input, m * k], [w + own, count, k, n], ...(this.bias ? [[b + own, count] as HeapRun] : [])],
      outputs: [[at.output + own, count, m, n]],
      scratch: [gemmScratchBytes(m, k)],
      // Each block starts at column `own` of its matrix's row 0, with the matrix's row stride.
      job: ([x, kernel, bias = 0], [y], [scratch]) => ({
        kind: "gemm",
        args: product(count, x, kernel, y, scratch, bias),
      }),
    }));
  }

  /**
   * The first output column the second core computes, forward and in dW, where the part pays
   * ({@link ownColumns}) and `secondCoreSettings.splitDense` allows it: `"in place"` (the
   * default) where the worker computes on tfjs's heap (on copies, a product's copies cost more
   * than half of it saves), `"always"`, `"never"`; all of them otherwise.
   */
  private splitColumn(batch: number): number {
    const n = this.outputSize;
    const { splitDense } = secondCoreSettings;
    const split = splitDense === "always" || (splitDense === "in place" && handOverInPlace());
    return split ? ownColumns(n, 2 * batch * this.inputSize) : n;
  }

  backward(step: StepContext, at: UnitBuffers, dz: number, dInput: number | null, grads: number[]): void {
    const { ops, batch } = step;
    const [k, n] = [this.inputSize, this.outputSize];
    const packed = at.scratch;
    const transposed = packed + this.scratchFloats(batch, false);
    if (this.relu) ops.reluGrad(batch * n, 4 * at.output, 4 * dz);
    if (this.bias) ops.sumRows(batch, n, 4 * dz, 4 * grads[1], 1);
    // dW = inputᵀ · dz: M = inputs, N = units, K = batch. The input's exact zeros (background
    // pixels, relu's zeros) add nothing to dW when dz is finite.
    const ld = 4 * n;
    const kind = ops.allFinite(batch * n, 4 * dz) ? MATRIX_SKIP : MATRIX_WHOLE;
    const dW = grads[0];
    // Columns of dW, at byte addresses on either memory.
    const product = (count: number, x: number, dy: number, block: number, scratch: number): GemmArgs => [
      k,
      count,
      batch,
      kind,
      x,
      4,
      4 * k,
      dy,
      ld,
      block,
      ld,
      0,
      scratch,
      0,
      0,
    ];
    const columns = (from: number, count: number): void =>
      ops.gemm(...product(count, 4 * at.input, 4 * (dz + from), 4 * (dW + from), 4 * packed));
    splitWork(step.heap, this.splitColumn(batch), n, columns, (own, count) => ({
      inputs: [
        [at.input, batch * k],
        [dz + own, count, batch, n],
      ],
      outputs: [[dW + own, count, k, n]],
      scratch: [Math.max(GEMM_SCRATCH_BYTES, GEMM_SKIP_SCRATCH_BYTES)],
      job: ([x, dy], [block], [scratch]) => ({ kind: "gemm", args: product(count, x, dy, block, scratch) }),
    }));
    if (dInput === null) return;
    // d input = dz · Wᵀ: M = batch, N = inputs, K = units; Wᵀ copied row-major first.
    ops.transpose(k, n, 4 * at.weights[0], 4 * transposed);
    ops.gemm(
      batch,
      k,
      n,
      MATRIX_WHOLE,
      4 * dz,
      4 * n,
      4,
      4 * transposed,
      4 * k,
      4 * dInput,
      4 * k,
      0,
      4 * packed,
      0,
      0,
    );
  }
}
