/**
 * The op that runs a {@link Plan} on the WebAssembly backend in one call: the units'
 * forward passes, the loss and accuracy, and (training) the units' backward passes, which
 * write each weight's gradient. tfjs's `model.fit` builds the same step from about 150 small
 * ops, each recorded on the gradient tape and each paying the engine's bookkeeping; on the
 * WebAssembly backend that bookkeeping costs more than the arithmetic.
 */
import * as tf from "@tensorflow/tfjs";
import { asOpsFor } from "./as-ops";
import { offset, wasmBackend, type BackendWasmLike } from "./internals";
import type { Plan } from "./plan";
import { lossRows, targetWidth } from "./units/loss";
import type { StepContext, Unit, UnitBuffers } from "./units/unit";
import type { OpConfig } from "./ops/op-config";

/** The op's name in tfjs's kernel registry (registered on the `wasm` backend). */
export const STEP_OP = "TslabDlPlanStep";

/**
 * - `train`: inputs `x`, `y`, `w0`…; outputs `[loss, accuracy?, gradient of w0, …]`.
 * - `test`: the same inputs, dropout off; outputs `[loss, accuracy?]`.
 * - `predict`: inputs `x`, `w0`…; output the model's output `[batch, ...outputShape]`.
 */
export type StepMode = "train" | "test" | "predict";

export interface StepAttrs {
  plan: Plan;
  mode: StepMode;
  /** Training: each dropout unit's noise seeds ({@link seedCount} each), in unit order (`String(layerSeed ?? Math.random())`). */
  noiseSeeds?: string[];
  /** The batch as row numbers of `x` (and `y`), which then hold the whole data set: the op copies those rows itself. */
  rows?: Int32Array;
}

type OpArgs = Parameters<tf.KernelFunc>[0];

const planStepWasm: tf.KernelFunc = (args: OpArgs) => {
  const backend = wasmBackend(args.backend);
  const inputs = args.inputs as unknown as Record<string, tf.TensorInfo>;
  const { plan, mode, noiseSeeds, rows } = args.attrs as unknown as StepAttrs;
  const ops = asOpsFor(backend);
  if (!ops) throw new Error(`${STEP_OP}: the WebAssembly backend's memory cannot be shared with tslab-dl's ops`);
  const training = mode === "train";
  const x = inputs.x;
  const count = x.shape[0];
  const batch = rows ? rows.length : count;
  if (rows) {
    for (let r = 0; r < rows.length; r++) {
      if (!(rows[r] >= 0 && rows[r] < count)) throw new Error(`${STEP_OP}: row ${rows[r]} is not in [0, ${count - 1}]`);
    }
  }
  const units = training ? plan.units : plan.units.filter((unit) => !unit.trainingOnly);
  const seeded = units.reduce((n, unit) => n + seedCount(unit), 0);
  if (training && (noiseSeeds?.length ?? 0) < seeded)
    throw new Error(`${STEP_OP}: ${seeded} noise seed(s) needed by the dropout units; got ${noiseSeeds?.length ?? 0}`);

  // Outputs first: allocations may grow (and so replace) the heap's views.
  const outs: tf.TensorInfo[] = [];
  if (mode === "predict") outs.push(backend.makeOutput([batch, ...plan.outputShape], "float32"));
  else {
    outs.push(backend.makeOutput([], "float32"));
    if (plan.accuracy) outs.push(backend.makeOutput([], "float32"));
  }
  const gradOuts = training ? plan.weights.map((w) => backend.makeOutput([...w.shape] as number[], "float32")) : [];

  const firstWeighted = units.findIndex((unit) => unit.weights.length > 0);
  let gradWidth = 0;
  units.forEach((unit, i) => {
    gradWidth = Math.max(gradWidth, unit.outputSize, i > firstWeighted ? unit.inputSize : 0);
  });
  const outputs = plan.units[plan.units.length - 1].outputSize;
  const width = targetWidth(plan, outputs);
  let floats = 0;
  for (const unit of units) floats += batch * unit.outputSize + unit.scratchFloats(batch, training);
  if (training) floats += 2 * batch * gradWidth;
  if (rows) floats += batch * plan.inputSize + batch; // the batch's rows, and their row numbers
  const scratch = backend.wasm._malloc(4 * floats);
  let done = false;
  try {
    const heap = backend.wasm.HEAPF32;
    const at = (t: tf.TensorInfo): number => offset(backend, t) >> 2;
    let next = scratch >> 2;
    const take = (n: number): number => {
      next += n;
      return next - n;
    };
    let input = rows ? take(batch * plan.inputSize) : at(x);
    if (rows) {
      const rowsAt = take(batch);
      backend.wasm.HEAP32.set(rows, rowsAt);
      ops.copyRows(batch, 4 * plan.inputSize, 4 * at(x), 4 * rowsAt, 4 * input);
    }
    const step: StepContext = { heap, ops, batch, training, inputInt32: x.dtype === "int32", rows };
    let weightIndex = 0;
    let seedIndex = 0;
    const buffers: UnitBuffers[] = units.map((unit, i) => {
      const last = i === units.length - 1;
      const output = last && mode === "predict" ? at(outs[0]) : take(batch * unit.outputSize);
      const weights = unit.weights.map(() => at(inputs[`w${weightIndex++}`]));
      const count = training ? seedCount(unit) : 0;
      const seeds = count > 0 ? (noiseSeeds as string[]).slice(seedIndex, seedIndex + count) : undefined;
      seedIndex += count;
      const scratchAt = take(unit.scratchFloats(batch, training));
      const b: UnitBuffers = { input, output, weights, scratch: scratchAt, seed: seeds?.[0], seeds };
      input = output;
      return b;
    });
    units.forEach((unit, i) => unit.forward(step, buffers[i]));
    done = mode === "predict";
    if (done) return outs;

    const dA = training ? take(batch * gradWidth) : -1;
    const dB = training ? take(batch * gradWidth) : -1;
    const targets = batchTargets(backend, inputs.y, rows, batch, width);
    const { loss, accuracy } = lossRows(
      plan,
      heap,
      input,
      targets,
      training ? dA : null,
      batch,
      outputs,
      backend.epsilon(),
    );
    heap[at(outs[0])] = loss / batch;
    if (plan.accuracy) heap[at(outs[1])] = accuracy / batch;
    done = !training;
    if (done) return outs;

    // Backward, last unit first; `dz` holds d(loss)/d(unit output) on the way down.
    let [dz, spare] = [dA, dB];
    let gradIndex = gradOuts.length;
    for (let i = units.length - 1; i >= firstWeighted; i--) {
      const unit = units[i];
      gradIndex -= unit.weights.length;
      const grads = unit.weights.map((_, j) => at(gradOuts[gradIndex + j]));
      unit.backward(step, buffers[i], dz, i === firstWeighted ? null : spare, grads);
      [dz, spare] = [spare, dz];
    }
    done = true;
    return [...outs, ...gradOuts];
  } finally {
    backend.wasm._free(scratch);
    // A unit threw (an Embedding's bad token id): no tensor will ever hold the outputs.
    if (!done) for (const out of [...outs, ...gradOuts]) backend.disposeData(out.dataId);
  }
};

/** How many noise seeds `unit` takes per training step. */
export function seedCount(unit: Unit): number {
  return unit.seed ? (unit.seed.count ?? 1) : 0;
}

export const planStepConfig: OpConfig = {
  kernelName: STEP_OP,
  backendName: "wasm",
  role: "add",
  kernelFunc: planStepWasm,
};

/** The batch's targets as float32 rows of `width`: the first `batch` rows of `y`, or rows `rows`. */
function batchTargets(
  backend: BackendWasmLike,
  y: tf.TensorInfo,
  rows: Int32Array | undefined,
  batch: number,
  width: number,
): Float32Array {
  const at = offset(backend, y) >> 2;
  const source = y.dtype === "int32" ? backend.wasm.HEAP32 : backend.wasm.HEAPF32;
  const targets = new Float32Array(batch * width);
  for (let r = 0; r < batch; r++) {
    const from = at + (rows ? rows[r] : r) * width;
    for (let j = 0; j < width; j++) targets[r * width + j] = source[from + j];
  }
  return targets;
}
