/**
 * `model.fit`'s train function, its validation and `model.evaluate`'s test function and test
 * loop, and `model.predict`'s loop, for models with a {@link Plan}: each batch runs as one
 * {@link STEP_OP} call, and training hands the gradients to the model's own optimizer
 * (whose update runs in place; see `optimizers.ts`). Dropout draws its seed as tfjs's
 * Dropout layer does (one `Math.random()` per layer and step unless the layer has a seed),
 * so a seeded run draws the same masks either way. Any model, loss, metric, backend or input
 * the plan does not cover runs tfjs's own functions.
 */
import * as tf from "@tensorflow/tfjs";
import {
  modelInternals,
  modelPrototype,
  compiledOptimizer,
  type PredictLoop,
  type TestFunction,
  type TestLoop,
  type TrainFunction,
} from "./internals";
import { planFor, type Plan } from "./plan";
import { seedCount, STEP_OP, type StepAttrs, type StepMode } from "./step-op";
import { targetWidth } from "./units/loss";

const proto = modelPrototype();
const stock = {
  makeTrainFunction: proto.makeTrainFunction,
  makeTestFunction: proto.makeTestFunction,
  testLoop: proto.testLoop,
  predictLoop: proto.predictLoop,
};
/** tfjs's own `testLoop`, for tests that compare the two. */
export const tfjsTestLoop: TestLoop = stock.testLoop;

/** How many training, inference (validation, `evaluate`) and predict batches the plan's step op has run in this process. */
const steps = { train: 0, evaluate: 0, predict: 0 };
export function planStepCount(): { train: number; evaluate: number; predict: number } {
  return { ...steps };
}

const nullish = (v: unknown): boolean => v === null || v === undefined;

function stepOpReady(): boolean {
  return tf.getBackend() === "wasm" && tf.getKernel(STEP_OP, "wasm") !== undefined;
}

/** Whether the step op can run `model`'s plan on `x` (and `y`) now: backend, dtypes, shapes, and the same trainable weights as planned. */
function runnable(model: tf.LayersModel, plan: Plan, x: tf.Tensor, y: tf.Tensor | null): boolean {
  const trainable = modelInternals(model).collectedTrainableWeights ?? [];
  const outputs = plan.units[plan.units.length - 1].outputSize;
  return (
    stepOpReady() &&
    // Token ids may come as int32 to a plan whose first unit takes ids (Embedding).
    (x.dtype === "float32" || (x.dtype === "int32" && plan.units[0].takesIds === true)) &&
    x.rank === plan.inputRank &&
    x.shape[0] > 0 &&
    x.size === x.shape[0] * plan.inputSize &&
    (y === null ||
      ((y.dtype === "float32" || y.dtype === "int32") && y.size === x.shape[0] * targetWidth(plan, outputs))) &&
    // A layer frozen or unfrozen (and the model compiled again) since the plan was made.
    trainable.length === plan.weights.length &&
    trainable.every((w, i) => w === plan.weights[i])
  );
}

/**
 * The inputs and targets of `data` (`[x, y, ...sampleWeights]`, as tfjs's train and test
 * loops pass them) when the step op can run `model` on them now: two tensors, no sample
 * weights, and {@link runnable}. Null sends the caller to tfjs's own code.
 */
export function stepBatch(model: tf.LayersModel, plan: Plan, data: unknown): [tf.Tensor, tf.Tensor] | null {
  if (!Array.isArray(data) || data.length < 2 || !data.slice(2).every(nullish)) return null;
  const [x, y] = data as unknown[];
  return x instanceof tf.Tensor && y instanceof tf.Tensor && runnable(model, plan, x, y) ? [x, y] : null;
}

function runStep(plan: Plan, mode: StepMode, inputs: Record<string, tf.Tensor>, rows?: Int32Array): tf.Tensor[] {
  plan.weights.forEach((w, i) => (inputs[`w${i}`] = w.read()));
  const attrs: StepAttrs = { plan, mode, ...(rows ? { rows } : {}) };
  // Dropout noise: the seeds tfjs's Dropout layers and recurrent cells would draw, in the same order.
  if (mode === "train")
    attrs.noiseSeeds = plan.units.flatMap((u) =>
      Array.from({ length: seedCount(u) }, () => String(u.seed?.layerSeed ?? Math.random())),
    );
  return tf
    .engine()
    .runKernel(STEP_OP, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
}

/**
 * One training step through the step op: forward, loss, accuracy and gradients, which then go
 * to the model's optimizer. `rows`, if given, picks the batch out of `x` and `y`. Returns the
 * batch's loss and (if the model has it) accuracy, as the stock train function does.
 */
export function trainStep(
  plan: Plan,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  rows?: Int32Array,
): tf.Scalar[] {
  steps.train += 1;
  return tf.tidy(() => {
    const [loss, ...rest] = runStep(plan, "train", { x, y }, rows);
    const metrics = plan.accuracy ? [rest.shift() as tf.Scalar] : [];
    optimizer.applyGradients(plan.weights.map((w, i) => ({ name: (w.read() as tf.Variable).name, tensor: rest[i] })));
    return [loss as tf.Scalar, ...metrics];
  });
}

/** One inference batch (no dropout, no gradients): `[loss, accuracy?]`; `rows`, if given, picks the batch out of `x` and `y`. */
function testStep(plan: Plan, x: tf.Tensor, y: tf.Tensor, rows?: Int32Array): tf.Scalar[] {
  steps.evaluate += 1;
  return runStep(plan, "test", { x, y }, rows) as tf.Scalar[];
}

/** The train functions this module made, with the model and plan each runs (see `fit-loop.ts`). */
const trainFunctions = new WeakMap<TrainFunction, { model: tf.LayersModel; plan: Plan }>();
/** The test functions this module made, with the model and plan each runs. */
const testFunctions = new WeakMap<TestFunction, { model: tf.LayersModel; plan: Plan }>();

/** The model and plan behind a train function from the patched `makeTrainFunction`, or undefined for any other function. */
export function planOfTrainFunction(f: unknown): { model: tf.LayersModel; plan: Plan } | undefined {
  return typeof f === "function" ? trainFunctions.get(f as TrainFunction) : undefined;
}

function fastMakeTrainFunction(this: tf.LayersModel): TrainFunction {
  const tfjsTrain = stock.makeTrainFunction.call(this);
  const plan = planFor(this);
  if (!plan) return tfjsTrain;
  const train = (data: tf.Tensor[]): tf.Scalar[] => {
    const batch = stepBatch(this, plan, data);
    const optimizer = compiledOptimizer(this);
    return batch && optimizer ? trainStep(plan, optimizer, ...batch) : tfjsTrain(data);
  };
  trainFunctions.set(train, { model: this, plan });
  return train;
}

function fastMakeTestFunction(this: tf.LayersModel): void {
  stock.makeTestFunction.call(this);
  const internals = modelInternals(this);
  const tfjsTest = internals.testFunction;
  const plan = planFor(this);
  if (!plan) return;
  const test = (data: tf.Tensor[]): tf.Scalar[] => {
    const batch = stepBatch(this, plan, data);
    return batch ? testStep(plan, ...batch) : tfjsTest(data);
  };
  internals.testFunction = test;
  testFunctions.set(test, { model: this, plan });
}

/**
 * `total + value·weight` rounded to float32 after the multiply and after the add: what tfjs's
 * loops compute with `add(total, mul(value, weight))` on float32 scalars, without the tensors.
 */
export function addWeightedFloat32(total: number, value: number, weight: number): number {
  return Math.fround(total + Math.fround(value * weight));
}

/**
 * tfjs's `testLoop` (validation in `fit`, and `evaluate`) for this module's test functions:
 * the same batches, each through the step op straight from the data's rows (no slice, cast
 * and gather tensors per batch), and the same weighted mean, kept as a number rounded to
 * float32 after each multiply, add and the final division, as tfjs's float32 ops round it.
 */
const fastTestLoop: TestLoop = function (this: tf.LayersModel, ...args) {
  const [f, ins, batchSize, verbose, stepCount] = args;
  const entry = typeof f === "function" ? testFunctions.get(f as TestFunction) : undefined;
  const plain =
    entry?.model === this && stepCount == null && !((verbose ?? 0) > 0) && batchSize != null && batchSize >= 1;
  const batch = plain ? stepBatch(this, entry.plan, ins) : null;
  if (!entry || !batch || batchSize == null) return stock.testLoop.apply(this, args);
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
};

/** `model.predict`'s loop: each batch's forward pass through the step op, then one concat. */
const fastPredictLoop: PredictLoop = function (this: tf.LayersModel, ...args) {
  const [ins, batchSize = 32, verbose] = args;
  const x = Array.isArray(ins) ? (ins.length === 1 ? ins[0] : null) : ins;
  const plan = x && !verbose && batchSize >= 1 ? planFor(this) : null;
  if (!x || !plan || !runnable(this, plan, x, null)) return stock.predictLoop.apply(this, args);
  return tf.tidy(() => {
    const samples = x.shape[0];
    const rows = Int32Array.from({ length: samples }, (_, i) => i);
    const batches: tf.Tensor[] = [];
    for (let start = 0; start < samples; start += batchSize) {
      steps.predict += 1;
      batches.push(runStep(plan, "predict", { x }, rows.subarray(start, Math.min(start + batchSize, samples)))[0]);
    }
    return batches.length === 1 ? batches[0] : tf.concat(batches, 0);
  });
};

/**
 * Route `model.fit`'s training steps, its validation, `model.evaluate` and `model.predict`
 * through {@link STEP_OP} (`true`) or tfjs's own functions (`false`).
 */
export function patchTrainFunction(on: boolean): void {
  proto.makeTrainFunction = on ? fastMakeTrainFunction : stock.makeTrainFunction;
  proto.makeTestFunction = on ? fastMakeTestFunction : stock.makeTestFunction;
  proto.testLoop = on ? fastTestLoop : stock.testLoop;
  proto.predictLoop = on ? fastPredictLoop : stock.predictLoop;
}
