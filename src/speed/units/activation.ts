/**
 * Element-wise activations (and softmax over each row), forward and backward as tfjs
 * computes them in float32: sigmoid's gradient `dy·(y·(1−y))`, tanh's `(1−y²)·dy`, softmax's
 * `dy·y − Σ(dy·y)·y`, relu's `dy` where `y > 0`. Used for the Activation layer and for a
 * Dense layer's activation when tfjs does not fuse it into the matrix product.
 */
import type { StepContext, Unit, UnitBuffers } from "./unit";

/** The activations the fast path runs. */
const ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "linear"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function isActivation(name: unknown): name is ActivationName {
  return (ACTIVATIONS as readonly unknown[]).includes(name);
}

const f = Math.fround;

export class ActivationUnit implements Unit {
  readonly label: string;
  readonly weights = [];
  readonly outputSize: number;

  /** `rowLength`: the softmax's axis (the last one), in floats. */
  constructor(
    readonly activation: ActivationName,
    readonly inputSize: number,
    private readonly rowLength: number,
    label?: string,
  ) {
    this.outputSize = inputSize;
    this.label = label ?? `Activation ${activation}`;
  }

  scratchFloats(): number {
    return 0;
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const { heap } = step;
    const n = step.batch * this.inputSize;
    const [x, y] = [at.input, at.output];
    switch (this.activation) {
      case "linear":
        heap.copyWithin(y, x, x + n);
        break;
      case "relu":
        for (let j = 0; j < n; j++) {
          const v = heap[x + j];
          heap[y + j] = v > 0 ? v : v !== v ? v : 0;
        }
        break;
      case "sigmoid":
        step.ops.sigmoid(n, 4 * x, 4 * y);
        break;
      case "tanh":
        for (let j = 0; j < n; j++) heap[y + j] = Math.tanh(heap[x + j]);
        break;
      case "softmax":
        softmaxRows(heap, x, y, n / this.rowLength, this.rowLength);
        break;
    }
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx === null) return;
    const { heap } = step;
    const n = step.batch * this.inputSize;
    const y = at.output;
    switch (this.activation) {
      case "linear":
        heap.copyWithin(dx, dy, dy + n);
        break;
      case "relu":
        for (let j = 0; j < n; j++) {
          const v = heap[y + j];
          heap[dx + j] = v > 0 ? heap[dy + j] : v !== v ? NaN : 0;
        }
        break;
      case "sigmoid":
        step.ops.sigmoidGrad(n, 4 * y, 4 * dy, 4 * dx);
        break;
      case "tanh":
        for (let j = 0; j < n; j++) {
          const v = heap[y + j];
          heap[dx + j] = f(1 - f(v * v)) * heap[dy + j];
        }
        break;
      case "softmax":
        softmaxBackward(heap, y, dy, dx, n / this.rowLength, this.rowLength);
        break;
    }
  }
}

/** Row-wise softmax, as tfjs-backend-wasm computes it (max subtracted, float32 result). */
function softmaxRows(heap: Float32Array, x: number, y: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const [xi, yi] = [x + r * cols, y + r * cols];
    let max = heap[xi];
    for (let j = 1; j < cols; j++) if (heap[xi + j] > max) max = heap[xi + j];
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = f(Math.exp(heap[xi + j] - max));
      heap[yi + j] = e;
      total += e;
    }
    const sum = f(total);
    for (let j = 0; j < cols; j++) heap[yi + j] = heap[yi + j] / sum;
  }
}

/** tfjs's softmax gradient: dx = dy·y − (Σ dy·y)·y, each row; dx may be dy. */
function softmaxBackward(heap: Float32Array, y: number, dy: number, dx: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const [yi, gi, oi] = [y + r * cols, dy + r * cols, dx + r * cols];
    let dot = 0;
    for (let j = 0; j < cols; j++) dot = f(dot + f(heap[gi + j] * heap[yi + j]));
    for (let j = 0; j < cols; j++) heap[oi + j] = f(heap[gi + j] * heap[yi + j]) - f(dot * heap[yi + j]);
  }
}
