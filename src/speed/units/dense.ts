/**
 * Dense: `output = input · kernel (+ bias)`, with relu fused when the layer's activation is
 * relu (tfjs fuses relu and linear into its matrix product; other activations follow as an
 * {@link ActivationUnit}, as tfjs applies them after the bias add).
 */
import type * as tf from "@tensorflow/tfjs";
import { gemmScratchBytes, GEMM_SKIP_SCRATCH_BYTES, MATRIX_SKIP, MATRIX_WHOLE } from "../as-ops";
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
    const bias = this.bias ? 4 * b : 0;
    ops.gemm(
      m,
      n,
      k,
      MATRIX_WHOLE,
      4 * at.input,
      4 * k,
      4,
      4 * w,
      ld,
      4 * at.output,
      ld,
      0,
      4 * at.scratch,
      bias,
      this.relu ? 1 : 0,
    );
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
    if (ops.allFinite(batch * n, 4 * dz))
      ops.gemm(k, n, batch, MATRIX_SKIP, 4 * at.input, 4, 4 * k, 4 * dz, ld, 4 * grads[0], ld, 0, 4 * packed, 0, 0);
    else ops.gemm(k, n, batch, MATRIX_WHOLE, 4 * at.input, 4, 4 * k, 4 * dz, ld, 4 * grads[0], ld, 0, 4 * packed, 0, 0);
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
