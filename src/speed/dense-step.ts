/**
 * One training step of a dense classifier in a single kernel call.
 *
 * For a `tf.Sequential` of `Flatten`, `Dense` (relu or linear, softmax last) and `Dropout`
 * layers compiled with `sparseCategoricalCrossentropy` (and optionally accuracy), tfjs's
 * `model.fit` builds every step from about 150 small ops, each recorded on the gradient tape
 * and each paying the engine's bookkeeping; on the WebAssembly backend that bookkeeping costs
 * more than the arithmetic. The replacement train function computes the same forward pass,
 * loss, accuracy and gradients in one kernel ({@link DENSE_STEP_KERNEL}) and hands the
 * gradients to the model's own optimizer, so optimizer state is tfjs's own. Validation and
 * `evaluate` run the same kernel without gradients, through a test loop that gives tfjs's
 * numbers bit for bit; `fit`'s batch loop is in `fit-loop.ts`. Dropout draws its noise as
 * `tf.randomUniform` does for tfjs's Dropout layer (one `Math.random()` seed per layer and
 * step, then seedrandom's alea generator, the one tfjs uses), so a seeded run
 * (`setRandomSeed`) draws the same masks either way.
 * Any model, loss, metric, backend or input it does not cover runs tfjs's own train function.
 */
import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { kernelsFor, offset, type BackendWasmLike } from "./wasm-backend";

/** The kernel's name in tfjs's registry (registered on the `wasm` backend). */
export const DENSE_STEP_KERNEL = "TslabDlDenseTrainStep";

/** One stage of the network, in order: a dense layer or a dropout. */
export type DenseStage =
  | { kind: "dense"; units: number; inputs: number; activation: "relu" | "linear" | "softmax"; bias: boolean }
  | { kind: "dropout"; rate: number };

/**
 * The kernel's attributes: the stages, whether accuracy is wanted, whether gradients are
 * (default true), and for training each dropout's noise seed, in stage order: the string
 * `tf.randomUniform` would seed its generator with (`String(layerSeed ?? Math.random())`).
 */
export interface DenseStepAttrs {
  stages: DenseStage[];
  accuracy: boolean;
  gradients?: boolean;
  noiseSeeds?: string[];
  /**
   * The batch as row numbers of `x` and `y` (which then hold the whole data set): the kernel
   * copies those rows itself, as a gather would, instead of taking a batch tensor.
   */
  rows?: Int32Array;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * The kernel: inputs `x` ([B, features], float32), `y` ([B] or [B, 1] class numbers), `w0`,
 * `b0`, `w1`, … (each dense layer's kernel and, if it has one, bias). Each dropout draws
 * uniform noise shaped like its input from its seed in `noiseSeeds` (inference passes leave
 * dropouts out of `stages`). Outputs `[loss, accuracy?, dw0, db0, …]`:
 * the batch's mean loss, its mean accuracy when `accuracy` is set, and the gradient of the
 * mean loss with respect to each weight, in the order the weights came in.
 */
export const denseTrainStepWasm: tf.KernelFunc = (args: KernelArgs) => {
  const backend = args.backend as unknown as BackendWasmLike & { epsilon(): number };
  const inputs = args.inputs as unknown as Record<string, tf.TensorInfo>;
  const {
    stages,
    accuracy,
    gradients: wantGradients = true,
    noiseSeeds,
    rows,
  } = args.attrs as unknown as DenseStepAttrs;
  const kernels = kernelsFor(backend);
  if (!kernels)
    throw new Error(`${DENSE_STEP_KERNEL}: the WebAssembly backend's memory cannot be shared with tslab-dl's kernels`);
  const dropouts = stages.filter((stage) => stage.kind === "dropout").length;
  if ((noiseSeeds?.length ?? 0) < dropouts) {
    throw new Error(
      `${DENSE_STEP_KERNEL}: ${dropouts} dropout stage(s) need as many noise seeds; got ${noiseSeeds?.length ?? 0}`,
    );
  }
  const x = inputs.x;
  const y = inputs.y;
  const batch = rows ? rows.length : x.shape[0];
  const features = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (rows) {
    const count = x.shape[0];
    for (let r = 0; r < rows.length; r++) {
      if (!(rows[r] >= 0 && rows[r] < count))
        throw new Error(`${DENSE_STEP_KERNEL}: row ${rows[r]} is not in [0, ${count - 1}]`);
    }
  }

  // Outputs first: allocations may grow (and so replace) the heap's views.
  const lossOut = backend.makeOutput([], "float32");
  const accOut = accuracy ? backend.makeOutput([], "float32") : null;
  const gradOuts: tf.TensorInfo[] = [];
  // Stage i's inputs are w<n>/b<n> for the n-th dense layer, u<n> for the n-th dropout.
  const ordinal: number[] = [];
  let denseCount = 0;
  let dropoutCount = 0;
  for (const stage of stages) {
    if (stage.kind === "dense") {
      ordinal.push(denseCount++);
      if (wantGradients) {
        gradOuts.push(backend.makeOutput([stage.inputs, stage.units], "float32"));
        if (stage.bias) gradOuts.push(backend.makeOutput([stage.units], "float32"));
      }
    } else {
      ordinal.push(dropoutCount++);
    }
  }

  // Each stage's input and output width.
  const widthIn: number[] = [];
  const widthOut: number[] = [];
  let width = features;
  for (const stage of stages) {
    if (stage.kind === "dense" && stage.inputs !== width) {
      throw new Error(`${DENSE_STEP_KERNEL}: a dense layer expects ${stage.inputs} inputs but gets ${width}`);
    }
    widthIn.push(width);
    if (stage.kind === "dense") width = stage.units;
    widthOut.push(width);
  }
  const firstDense = stages.findIndex((stage) => stage.kind === "dense");
  const widest = Math.max(...widthOut); // gradients stop at the first dense layer: never input-wide
  let gemmScratch = 0;
  let transposed = 0;
  for (const stage of stages) {
    if (stage.kind !== "dense") continue;
    gemmScratch = Math.max(gemmScratch, batch * Math.max(stage.inputs, stage.units));
    transposed = Math.max(transposed, stage.inputs * stage.units);
  }
  // Scratch, in floats: each stage's output, each dropout's multipliers, two gradient
  // buffers, the packed GEMM operand and one transposed kernel.
  let floats = 2 * batch * widest + gemmScratch + transposed;
  stages.forEach((stage, i) => (floats += batch * widthOut[i] * (stage.kind === "dropout" ? 2 : 1)));
  if (rows) floats += batch * features + batch; // the batch's rows, and their row numbers
  const maxInputs = Math.max(...stages.map((stage) => (stage.kind === "dense" ? stage.inputs : 0)));
  if (wantGradients) floats += gemmScratch + maxInputs; // the skip lists of the weight gradients' products
  const scratch = backend.wasm._malloc(4 * floats);
  try {
    const heap = backend.wasm.HEAPF32;
    const at = (t: tf.TensorInfo): number => offset(backend, t) >> 2; // float index
    let next = scratch >> 2;
    const take = (n: number): number => {
      const start = next;
      next += n;
      return start;
    };
    const acts = stages.map((_, i) => take(batch * widthOut[i]));
    const mults = stages.map((stage, i) => (stage.kind === "dropout" ? take(batch * widthIn[i]) : -1));
    const gradA = take(batch * widest);
    const gradB = take(batch * widest);
    const gemmAt = take(gemmScratch);
    const transposedAt = take(transposed);
    const skipIdx = wantGradients ? take(gemmScratch) : 0;
    const skipCnt = wantGradients ? take(maxInputs) : 0;
    const xAt = rows ? take(batch * features) : at(x);
    if (rows) {
      const rowsAt = take(batch);
      backend.wasm.HEAP32.set(rows, rowsAt);
      kernels.copyRows(batch, 4 * features, 4 * at(x), 4 * rowsAt, 4 * xAt);
    }

    // Forward: acts[i] holds stage i's output.
    let cur = xAt;
    stages.forEach((stage, i) => {
      const out = acts[i];
      if (stage.kind === "dense") {
        const w = inputs[`w${ordinal[i]}`];
        const b = stage.bias ? inputs[`b${ordinal[i]}`] : null;
        const fused = stage.activation === "relu";
        // out = act(cur · W + b): M = batch, N = units, K = inputs.
        // (Plain calls: V8 calls into wasm through a slow generic path when the arguments are spread.)
        const [m, n, k, ldw] = [batch, stage.units, stage.inputs, 4 * stage.units];
        if (b)
          (fused ? kernels.gemmBiasRelu : kernels.gemmBias)(
            m,
            n,
            k,
            4 * cur,
            4 * k,
            4,
            4 * at(w),
            ldw,
            4 * out,
            ldw,
            4 * gemmAt,
            4 * at(b),
          );
        else
          (fused ? kernels.gemmRelu : kernels.gemm)(
            m,
            n,
            k,
            4 * cur,
            4 * k,
            4,
            4 * at(w),
            ldw,
            4 * out,
            ldw,
            4 * gemmAt,
          );
        if (stage.activation === "softmax") softmaxRows(heap, out, batch, stage.units);
      } else {
        dropoutForward(
          heap,
          aleaState((noiseSeeds as string[])[ordinal[i]]),
          cur,
          mults[i],
          out,
          batch * widthIn[i],
          stage.rate,
        );
      }
      cur = out;
    });

    let dz = gradA;
    const labels = batchLabels(backend, y, rows, batch);
    const { lossSum, correct } = lossRows(heap, cur, labels, dz, batch, width, backend.epsilon());
    heap[at(lossOut)] = lossSum / batch;
    if (accOut) heap[at(accOut)] = correct / batch;

    if (!wantGradients) return [lossOut, ...(accOut ? [accOut] : [])];

    // Backward, last stage first; `dz` holds d(loss)/d(stage output) on the way down.
    let spare = gradB;
    let gradIndex = gradOuts.length;
    for (let i = stages.length - 1; i >= firstDense; i--) {
      const stage = stages[i];
      const input = i === 0 ? xAt : acts[i - 1];
      if (stage.kind === "dense") {
        if (stage.activation === "relu") kernels.reluGrad(batch * stage.units, 4 * acts[i], 4 * dz);
        if (stage.bias) columnSums(heap, dz, at(gradOuts[--gradIndex]), batch, stage.units);
        // dW = inputᵀ · dz: M = inputs, N = units, K = batch.
        const dw = at(gradOuts[--gradIndex]);
        // The input's exact zeros (background pixels, relu's zeros) add nothing to dW when dz is finite.
        const [m, n, k, ld] = [stage.inputs, stage.units, batch, 4 * stage.units];
        if (allFinite(heap, dz, batch * stage.units))
          kernels.gemmSkip(m, n, k, 4 * input, 4, 4 * m, 4 * dz, ld, 4 * dw, ld, 4 * gemmAt, 4 * skipIdx, 4 * skipCnt);
        else kernels.gemm(m, n, k, 4 * input, 4, 4 * m, 4 * dz, ld, 4 * dw, ld, 4 * gemmAt);
        if (i === firstDense) break; // nothing below needs a gradient
        // d input = dz · Wᵀ: M = batch, N = inputs, K = units; Wᵀ copied row-major first.
        transpose(heap, at(inputs[`w${ordinal[i]}`]), transposedAt, stage.inputs, stage.units);
        kernels.gemm(
          batch,
          stage.inputs,
          stage.units,
          4 * dz,
          4 * stage.units,
          4,
          4 * transposedAt,
          4 * stage.inputs,
          4 * spare,
          4 * stage.inputs,
          4 * gemmAt,
        );
        [dz, spare] = [spare, dz];
      } else {
        kernels.mul_vv(batch * widthIn[i], 4 * dz, 4 * mults[i], 4 * dz);
      }
    }
  } finally {
    backend.wasm._free(scratch);
  }
  return [lossOut, ...(accOut ? [accOut] : []), ...gradOuts];
};

// The loops live in small functions of their own: V8 optimizes each once and keeps it
// optimized, where one large kernel function kept being deoptimized (branches taken only
// in training, labels of either dtype).

/**
 * Loss, accuracy and the gradient of the mean loss with respect to the softmax's input, row
 * by row, following tfjs-layers' sparseCategoricalCrossentropy: clip, renormalise, clip,
 * -log of the target's probability; a label outside [0, classes) has a zero one-hot row
 * (no loss, no gradient). Accuracy compares the label with the first largest probability.
 */
function lossRows(
  heap: Float32Array,
  probs: number,
  labels: Float32Array,
  dz: number,
  batch: number,
  classes: number,
  epsilon: number,
): { lossSum: number; correct: number } {
  const f = Math.fround;
  const lo = f(epsilon);
  const hi = f(1 - epsilon);
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < batch; r++) {
    const row = probs + r * classes;
    const label = labels[r];
    const target = Math.floor(label);
    let total = 0;
    for (let j = 0; j < classes; j++) total += Math.min(Math.max(heap[row + j], lo), hi);
    const s = f(total);
    let best = 0;
    for (let j = 1; j < classes; j++) if (heap[row + j] > heap[row + best]) best = j;
    if (best === label) correct += 1;
    const g = dz + r * classes;
    for (let j = 0; j < classes; j++) heap[g + j] = 0;
    if (target >= 0 && target < classes) {
      const q = Math.min(Math.max(heap[row + target], lo), hi);
      const ratio = f(q / s);
      const t = Math.min(Math.max(ratio, lo), hi);
      lossSum += -Math.log(t);
      // d(mean loss)/d ratio, through the second clip.
      const dRatio = ratio >= lo && ratio <= hi ? -1 / (batch * t) : 0;
      // ratio_c = q_c / s: d/dq_k = [k = c] dRatio / s - dRatio q_c / s².
      const dTotal = (-dRatio * q) / (s * s);
      let dot = 0;
      for (let j = 0; j < classes; j++) {
        const p = heap[row + j];
        const dq = (j === target ? dRatio / s : 0) + dTotal;
        const dp = p >= lo && p <= hi ? dq : 0; // the first clip
        heap[g + j] = dp;
        dot += dp * p;
      }
      // Softmax: dz = p (dp - Σ dp p).
      for (let j = 0; j < classes; j++) heap[g + j] = f(heap[row + j] * (heap[g + j] - dot));
    }
  }
  return { lossSum, correct };
}

/**
 * tfjs's dropout in float32: out = x * (floor(u + keep) / keep), with u drawn as
 * tf.randomUniform draws it: alea's next numbers from `state` (seedrandom's alea seeded with
 * the same string), in row-major order, rounded to float32. The multipliers are kept for the
 * backward pass.
 */
function dropoutForward(
  heap: Float32Array,
  state: AleaState,
  x: number,
  mult: number,
  out: number,
  n: number,
  rate: number,
): void {
  const f = Math.fround;
  // With u in [0, 1] and keep in (0, 1), u + keep is below 2: the floor is 1 when the sum reaches 1, else 0.
  const keep = f(1 - rate);
  const scale = f(1 / keep);
  let { s0, s1, s2, c } = state;
  for (let j = 0; j < n; j++) {
    // Alea's step (Baagøe's multiply-with-carry in doubles), as seedrandom computes it.
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    const m = f(f(s2) + keep) >= 1 ? scale : 0;
    heap[mult + j] = m;
    heap[out + j] = f(heap[x + j] * m);
  }
}

/** Alea's state, as seedrandom's `state()` returns it. */
interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/** The state of seedrandom's alea seeded with `seed` (its seeding hashes the string), before its first number. */
function aleaState(seed: string): AleaState {
  return seedrandom.alea(seed, { state: true }).state() as AleaState;
}

/** The batch's labels as float32: the first `batch` of `y`, or rows `rows` of `y` if given. */
function batchLabels(
  backend: BackendWasmLike,
  y: tf.TensorInfo,
  rows: Int32Array | undefined,
  batch: number,
): Float32Array {
  const at = offset(backend, y) >> 2;
  const source = y.dtype === "int32" ? backend.wasm.HEAP32 : backend.wasm.HEAPF32;
  const labels = new Float32Array(batch);
  for (let r = 0; r < batch; r++) labels[r] = source[at + (rows ? rows[r] : r)];
  return labels;
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

/** dst = srcᵀ, for a rows × cols row-major src. */
function transpose(heap: Float32Array, src: number, dst: number, rows: number, cols: number): void {
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) heap[dst + col * rows + row] = heap[src + row * cols + col];
  }
}

/** Row-wise softmax in place, as tfjs-backend-wasm computes it (max subtracted, float32 result). */
function softmaxRows(heap: Float32Array, at: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = at + r * cols;
    let max = heap[row];
    for (let j = 1; j < cols; j++) if (heap[row + j] > max) max = heap[row + j];
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.fround(Math.exp(heap[row + j] - max));
      heap[row + j] = e;
      total += e;
    }
    const sum = Math.fround(total);
    for (let j = 0; j < cols; j++) heap[row + j] = Math.fround(heap[row + j] / sum);
  }
}

/** What the replacement train function needs to know about a model, or why it cannot run it. */
export interface DensePlan {
  stages: DenseStage[];
  accuracy: boolean;
  /** Each dense layer's kernel and bias, in stage order. */
  weights: tf.LayerVariable[];
  /** Each dropout layer's seed (usually none), in stage order. */
  dropoutSeeds: (number | undefined)[];
  inputRank: number;
}

/** LayersModel's internals that the train function reads, as tfjs 4.22 names them. */
interface ModelInternals {
  lossFunctions?: unknown[];
  metricsTensors?: [unknown, number][];
  collectedTrainableWeights?: tf.LayerVariable[];
  optimizer_?: tf.Optimizer;
  inputs: tf.SymbolicTensor[];
  outputs: tf.SymbolicTensor[];
}

/** tfjs-layers' own loss and accuracy functions, found by compiling a throwaway model. */
let reference: { loss: unknown; accuracy: unknown } | undefined;
function referenceFunctions(): { loss: unknown; accuracy: unknown } {
  if (!reference) {
    // Zero initialisers: drawing from Math.random here would shift a seeded run's shuffles.
    const probe = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [1], kernelInitializer: "zeros" })],
    });
    probe.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["acc"] });
    const internals = (probe as unknown as { model: ModelInternals }).model; // a Sequential trains through its inner model
    reference = { loss: internals.lossFunctions?.[0], accuracy: internals.metricsTensors?.[0]?.[0] };
    probe.dispose();
  }
  return reference;
}

const nullish = (v: unknown): boolean => v === null || v === undefined;

/** The stages of a model this path can train, or null. */
export function planFor(model: tf.LayersModel): DensePlan | null {
  const m = model as unknown as ModelInternals;
  if (m.inputs.length !== 1 || m.outputs.length !== 1 || m.lossFunctions?.length !== 1) return null;
  const ref = referenceFunctions();
  if (m.lossFunctions[0] !== ref.loss) return null;
  const metrics = m.metricsTensors ?? [];
  if (metrics.length > 1 || (metrics.length === 1 && (metrics[0][0] !== ref.accuracy || metrics[0][1] !== 0)))
    return null;
  const inputShape = m.inputs[0].shape;
  let width = inputShape.slice(1).reduce<number>((a, b) => a * (b ?? NaN), 1);
  if (!Number.isInteger(width) || width < 1) return null;
  const stages: DenseStage[] = [];
  const weights: tf.LayerVariable[] = [];
  const dropoutSeeds: DensePlan["dropoutSeeds"] = [];
  let flattened = inputShape.length === 2;
  // A plain chain: the input layer, then each layer fed by the one before it, the last one the output.
  // (A tf.Sequential trains through such a model, held inside it.)
  const layers = model.layers as unknown as (tf.layers.Layer & { inboundNodes: { inboundLayers: unknown[] }[] })[];
  if (layers.length < 2 || layers[0].getClassName() !== "InputLayer") return null;
  if (m.outputs[0].sourceLayer !== layers[layers.length - 1]) return null;
  for (let i = 1; i < layers.length; i++) {
    const nodes = layers[i].inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1 || nodes[0].inboundLayers[0] !== layers[i - 1])
      return null;
  }
  for (const layer of layers.slice(1)) {
    const config = layer.getConfig() as Record<string, unknown>;
    const kind = layer.getClassName();
    if (!nullish(config.activityRegularizer)) return null;
    if (kind === "Flatten") {
      if (stages.length || (config.dataFormat !== undefined && config.dataFormat !== "channelsLast")) return null;
      flattened = true;
    } else if (kind === "Dropout") {
      const rate = config.rate as number;
      if (!nullish(config.noiseShape) || !(rate >= 0 && rate < 1)) return null;
      if (rate === 0) continue; // tfjs passes the input through
      stages.push({ kind: "dropout", rate });
      dropoutSeeds.push(config.seed as number | undefined);
    } else if (kind === "Dense") {
      if (!flattened || !nullish(config.kernelRegularizer) || !nullish(config.biasRegularizer)) return null;
      const activation = config.activation;
      if (activation !== "relu" && activation !== "linear" && activation !== "softmax") return null;
      const dense = layer as unknown as { kernel?: tf.LayerVariable; bias?: tf.LayerVariable | null; units: number };
      if (!dense.kernel || dense.kernel.shape[0] !== width) return null;
      stages.push({ kind: "dense", units: dense.units, inputs: width, activation, bias: !!dense.bias });
      weights.push(dense.kernel, ...(dense.bias ? [dense.bias] : []));
      width = dense.units;
    } else {
      return null;
    }
  }
  const last = stages[stages.length - 1];
  if (!last || last.kind !== "dense" || last.activation !== "softmax") return null;
  if (stages.some((s) => s !== last && s.kind === "dense" && s.activation === "softmax")) return null;
  // Every weight trainable, and nothing else trainable.
  const trainable = m.collectedTrainableWeights ?? [];
  if (trainable.length !== weights.length || trainable.some((w, i) => w !== weights[i])) return null;
  if (weights.some((w) => w.dtype !== "float32")) return null;
  return { stages, accuracy: metrics.length === 1, weights, dropoutSeeds, inputRank: inputShape.length };
}

/** Whether this batch can go through the kernel: backend, kernel, dtypes and shapes, and the same trainable weights as planned. */
function runnable(model: tf.LayersModel, plan: DensePlan, x: tf.Tensor, y: tf.Tensor): boolean {
  const trainable = (model as unknown as ModelInternals).collectedTrainableWeights ?? [];
  return (
    tf.getBackend() === "wasm" &&
    tf.getKernel(DENSE_STEP_KERNEL, "wasm") !== undefined &&
    x.dtype === "float32" &&
    x.rank === plan.inputRank &&
    x.shape[0] > 0 &&
    (y.dtype === "float32" || y.dtype === "int32") &&
    y.size === x.shape[0] &&
    // A layer frozen or unfrozen (and the model compiled again) since the plan was made.
    trainable.length === plan.weights.length &&
    trainable.every((w, i) => w === plan.weights[i])
  );
}

/**
 * The inputs and targets of `data` (`[x, y, ...sampleWeights]`, as tfjs's train and test
 * loops pass them) when the kernel can run `model` on them now: two tensors, no sample
 * weights, and {@link runnable}. Null sends the caller to tfjs's own code.
 */
export function kernelBatch(model: tf.LayersModel, plan: DensePlan, data: unknown): [tf.Tensor, tf.Tensor] | null {
  if (!Array.isArray(data) || data.length < 2 || !data.slice(2).every(nullish)) return null;
  const [x, y] = data as unknown[];
  return x instanceof tf.Tensor && y instanceof tf.Tensor && runnable(model, plan, x, y) ? [x, y] : null;
}

/** The optimizer `model` was compiled with, if any. */
export function optimizerOf(model: tf.LayersModel): tf.Optimizer | undefined {
  return (model as unknown as ModelInternals).optimizer_;
}

/** The kernel's `w<n>` and `b<n>` inputs: each dense layer's current kernel and bias. */
function weightInputs(plan: DensePlan): Record<string, tf.Tensor> {
  const inputs: Record<string, tf.Tensor> = {};
  let w = 0;
  plan.stages
    .filter((stage) => stage.kind === "dense")
    .forEach((stage, n) => {
      inputs[`w${n}`] = plan.weights[w++].read();
      if (stage.bias) inputs[`b${n}`] = plan.weights[w++].read();
    });
  return inputs;
}

type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];
type MakeTrainFunction = () => TrainFunction;
const proto = tf.LayersModel.prototype as unknown as { makeTrainFunction: MakeTrainFunction };
const stockMakeTrainFunction: MakeTrainFunction = proto.makeTrainFunction;

/** How many training and inference (validation, `evaluate`) batches the one-kernel path has run in this process. */
const steps = { train: 0, evaluate: 0 };
export function denseStepCount(): { train: number; evaluate: number } {
  return { ...steps };
}

/**
 * One training step through the kernel: forward, loss, accuracy and gradients, which then go
 * to the model's optimizer. `rows`, if given, picks the batch out of `x` and `y`. Returns the
 * batch's loss and (if the model has it) accuracy, as the stock train function does.
 */
export function trainStep(
  plan: DensePlan,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  rows?: Int32Array,
): tf.Scalar[] {
  steps.train += 1;
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = { x, y, ...weightInputs(plan) };
    // Dropout noise: the seeds tfjs's Dropout layers would draw, in the same order.
    const noiseSeeds = plan.dropoutSeeds.map((seed) => String(seed ?? Math.random()));
    const attrs: DenseStepAttrs = {
      stages: plan.stages,
      accuracy: plan.accuracy,
      noiseSeeds,
      ...(rows ? { rows } : {}),
    };
    const outs = tf
      .engine()
      .runKernel(
        DENSE_STEP_KERNEL,
        inputs as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    const [loss, ...rest] = outs;
    const metrics = plan.accuracy ? [rest.shift() as tf.Scalar] : [];
    optimizer.applyGradients(plan.weights.map((w, i) => ({ name: (w.read() as tf.Variable).name, tensor: rest[i] })));
    return [loss as tf.Scalar, ...metrics];
  });
}

/** The train functions this module made, with the model and plan each runs (see `fit-loop.ts`). */
const denseTrainFunctions = new WeakMap<TrainFunction, { model: tf.LayersModel; plan: DensePlan }>();

/** The model and plan behind a train function from the patched `makeTrainFunction`, or undefined for any other function. */
export function denseTrainFunctionPlan(f: unknown): { model: tf.LayersModel; plan: DensePlan } | undefined {
  return typeof f === "function" ? denseTrainFunctions.get(f as TrainFunction) : undefined;
}

function fastMakeTrainFunction(this: tf.LayersModel): TrainFunction {
  const stock = stockMakeTrainFunction.call(this);
  const model = this;
  const plan = planFor(model);
  if (!plan) return stock;
  const train = (data: tf.Tensor[]): tf.Scalar[] => {
    const batch = kernelBatch(model, plan, data);
    const optimizer = optimizerOf(model);
    return batch && optimizer ? trainStep(plan, optimizer, ...batch) : stock(data);
  };
  denseTrainFunctions.set(train, { model, plan });
  return train;
}

type TestFunction = (data: tf.Tensor[]) => tf.Scalar[];
const testProto = tf.LayersModel.prototype as unknown as { makeTestFunction: () => void; testFunction: TestFunction };
const stockMakeTestFunction = testProto.makeTestFunction;

/** Validation and `evaluate` batches (inference: no dropout, no gradients) through the same kernel. */
function fastMakeTestFunction(this: tf.LayersModel): void {
  stockMakeTestFunction.call(this);
  const model = this as unknown as { testFunction: TestFunction };
  const stock = model.testFunction;
  const plan = planFor(this);
  if (!plan) return;
  const test = (data: tf.Tensor[]): tf.Scalar[] => {
    const batch = kernelBatch(this, plan, data);
    return batch ? testStep(plan, ...batch) : stock(data);
  };
  model.testFunction = test;
  denseTestFunctions.set(test, { model: this, plan });
}

/** One inference batch (no dropout, no gradients): `[loss, accuracy?]`; `rows`, if given, picks the batch out of `x` and `y`. */
function testStep(plan: DensePlan, x: tf.Tensor, y: tf.Tensor, rows?: Int32Array): tf.Scalar[] {
  steps.evaluate += 1;
  const inputs = { x, y, ...weightInputs(plan) };
  const stages = plan.stages.filter((stage) => stage.kind === "dense");
  const attrs: DenseStepAttrs = { stages, accuracy: plan.accuracy, gradients: false, ...(rows ? { rows } : {}) };
  return tf
    .engine()
    .runKernel(
      DENSE_STEP_KERNEL,
      inputs as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Scalar[];
}

/**
 * `total + value·weight` rounded to float32 after the multiply and after the add: what tfjs's
 * loops compute with `add(total, mul(value, weight))` on float32 scalars, without the tensors.
 */
export function addWeightedFloat32(total: number, value: number, weight: number): number {
  return Math.fround(total + Math.fround(value * weight));
}

/** The test functions the patched `makeTestFunction` made, with the model and plan each runs. */
const denseTestFunctions = new WeakMap<TestFunction, { model: tf.LayersModel; plan: DensePlan }>();

type TestLoop = (f: unknown, ins: unknown, batchSize?: number, verbose?: number, steps?: number) => tf.Scalar[];
const stockTestLoop = (testProto as unknown as { testLoop: TestLoop }).testLoop;
/** tfjs's own `testLoop`, for tests that compare the two. */
export const tfjsTestLoop: TestLoop = stockTestLoop;

/**
 * tfjs's `testLoop` (validation in `fit`, and `evaluate`) for this module's test functions:
 * the same batches, each through the kernel straight from the data's rows (no slice, cast
 * and gather tensors per batch), and the same weighted mean, kept as a number rounded to
 * float32 after each multiply, add and the final division, as tfjs's float32 ops round it.
 */
function fastTestLoop(this: tf.LayersModel, ...args: Parameters<TestLoop>): tf.Scalar[] {
  const [f, ins, batchSize, verbose, stepCount] = args;
  const entry = typeof f === "function" ? denseTestFunctions.get(f as TestFunction) : undefined;
  const plain =
    entry?.model === this && stepCount == null && !((verbose ?? 0) > 0) && batchSize != null && batchSize >= 1;
  const batch = plain ? kernelBatch(this, entry.plan, ins) : null;
  if (!entry || !batch || batchSize == null) return stockTestLoop.apply(this, args);
  const [x, y] = batch;
  const samples = x.shape[0];
  const rows = Int32Array.from({ length: samples }, (_, i) => i);
  const totals = entry.plan.accuracy ? [0, 0] : [0];
  for (let start = 0; start < samples; start += batchSize) {
    const end = Math.min(start + batchSize, samples);
    const outs = testStep(entry.plan, x, y, rows.subarray(start, end));
    outs.forEach((out, i) => (totals[i] = addWeightedFloat32(totals[i], out.dataSync()[0], end - start)));
    tf.dispose(outs);
  }
  return totals.map((total) => tf.scalar(Math.fround(total / samples)));
}

/**
 * Route `model.fit`'s training steps, its validation and `model.evaluate` through
 * {@link DENSE_STEP_KERNEL} (`true`) or tfjs's own functions (`false`).
 */
export function patchTrainFunction(on: boolean): void {
  proto.makeTrainFunction = on ? fastMakeTrainFunction : stockMakeTrainFunction;
  testProto.makeTestFunction = on ? fastMakeTestFunction : stockMakeTestFunction;
  (testProto as unknown as { testLoop: TestLoop }).testLoop = on ? fastTestLoop : stockTestLoop;
}
