/**
 * Dense: `output = input · kernel (+ bias)`, with relu fused when the layer's activation is
 * relu (tfjs fuses relu and linear into its matrix product; other activations follow as an
 * {@link ActivationUnit}, as tfjs applies them after the bias add).
 */
import type * as tf from "@tensorflow/tfjs";
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
    const packed = batch * Math.max(k, n); // the GEMM's packed A
    // Training: Wᵀ for d input, and the skip lists of dW's product (indices and counts).
    return training ? packed + k * n + packed + k : packed;
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const { ops, batch: m } = step;
    const [k, n] = [this.inputSize, this.outputSize];
    const [w, b] = at.weights;
    const ld = 4 * n;
    // (Plain calls: V8 calls into wasm through a slow generic path when arguments are spread.)
    if (this.bias)
      (this.relu ? ops.gemmBiasRelu : ops.gemmBias)(
        m,
        n,
        k,
        4 * at.input,
        4 * k,
        4,
        4 * w,
        ld,
        4 * at.output,
        ld,
        4 * at.scratch,
        4 * b,
      );
    else
      (this.relu ? ops.gemmRelu : ops.gemm)(
        m,
        n,
        k,
        4 * at.input,
        4 * k,
        4,
        4 * w,
        ld,
        4 * at.output,
        ld,
        4 * at.scratch,
      );
  }

  backward(step: StepContext, at: UnitBuffers, dz: number, dInput: number | null, grads: number[]): void {
    const { heap, ops, batch } = step;
    const [k, n] = [this.inputSize, this.outputSize];
    const packed = at.scratch;
    const transposed = packed + batch * Math.max(k, n);
    const skipIdx = transposed + k * n;
    const skipCnt = skipIdx + batch * Math.max(k, n);
    if (this.relu) ops.reluGrad(batch * n, 4 * at.output, 4 * dz);
    if (this.bias) columnSums(heap, dz, grads[1], batch, n);
    // dW = inputᵀ · dz: M = inputs, N = units, K = batch. The input's exact zeros (background
    // pixels, relu's zeros) add nothing to dW when dz is finite.
    const ld = 4 * n;
    if (allFinite(heap, dz, batch * n))
      ops.gemmSkip(
        k,
        n,
        batch,
        4 * at.input,
        4,
        4 * k,
        4 * dz,
        ld,
        4 * grads[0],
        ld,
        4 * packed,
        4 * skipIdx,
        4 * skipCnt,
      );
    else ops.gemm(k, n, batch, 4 * at.input, 4, 4 * k, 4 * dz, ld, 4 * grads[0], ld, 4 * packed);
    if (dInput === null) return;
    // d input = dz · Wᵀ: M = batch, N = inputs, K = units; Wᵀ copied row-major first.
    step.asOps.transpose(k, n, 4 * at.weights[0], 4 * transposed);
    ops.gemm(batch, k, n, 4 * dz, 4 * n, 4, 4 * transposed, 4 * k, 4 * dInput, 4 * k, 4 * packed);
  }
}

/** Whether n floats from `at` are all finite. */
function allFinite(heap: Float32Array, at: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (!Number.isFinite(heap[at + j])) return false;
  return true;
}

/** Column sums of a rows × cols matrix, each added in row order. */
function columnSums(heap: Float32Array, at: number, out: number, rows: number, cols: number): void {
  const totals = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = at + r * cols;
    for (let j = 0; j < cols; j++) totals[j] += heap[row + j];
  }
  for (let j = 0; j < cols; j++) heap[out + j] = totals[j];
}
