/**
 * `model.fit`'s epoch and batch loop for models trained by the one-op step
 * (`step-op.ts`, `train-function.ts`), without the per-batch tensor work around the step.
 *
 * tfjs's loop spends about as long per batch around the train step as the step's own
 * arithmetic on the WebAssembly backend: it slices the epoch's index tensor, casts it, gathers
 * the batch's inputs and targets into new tensors, and its `BaseLogger` callback adds each
 * batch's loss and metrics into running totals with tensor ops. This loop does the same things
 * in the same order with the same results: the same `Math.random()` shuffle, the same callback
 * list (tfjs builds it; see {@link tfjsCallbacks}) called with the same logs, validation by
 * the model's `testLoop` (for these models, the one in `train-function.ts`), and the same History. Only three things differ, none visible in results:
 * the step op copies the batch's rows itself, straight from the training data; the running
 * totals are kept as JavaScript numbers rounded to float32 after each operation, which gives
 * exactly the float32 sums tfjs's tensor ops give; and the loop is plain async code.
 *
 * Anything else (another train function, `stepsPerEpoch`, `shuffle: "batch"`, sample
 * weights, another backend) runs tfjs's own loop.
 */
import * as tf from "@tensorflow/tfjs";
import {
  callbackListPrototype,
  modelInternals,
  modelPrototype,
  compiledOptimizer,
  type CallbackListInternals,
  type FitLoop,
  type FitLoopArgs,
  type LoopLogs,
} from "./internals";
import { addWeightedFloat32, stepBatch, planOfTrainFunction, trainStep } from "./train-function";

type Logs = LoopLogs;

const proto = modelPrototype();
const stockFitLoop: FitLoop = proto.fitLoop;

/** Thrown to stop tfjs's loop once it has built its callback list, before it calls any callback. */
const CAPTURED = Symbol("tslab-dl: callback list captured");

/**
 * The callback list and History tfjs's own `fitLoop` would use for these arguments (its
 * `BaseLogger`, the callbacks registered for this verbosity, the user's callbacks, the
 * History), with its parameters set. tfjs does not export the function that builds them, so
 * this runs its loop just until it hands the list the model, and stops it there: no callback
 * has been called yet.
 */
async function tfjsCallbacks(model: tf.LayersModel, args: FitLoopArgs): Promise<CallbackListInternals> {
  const listProto = callbackListPrototype();
  const setModel = listProto.setModel;
  let captured: CallbackListInternals | undefined;
  let run: Promise<tf.History>;
  listProto.setModel = function (this: CallbackListInternals) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the list tfjs builds is reachable only as this call's receiver
    captured = this;
    throw CAPTURED;
  };
  try {
    run = stockFitLoop.apply(model, args); // runs synchronously up to setModel
  } finally {
    listProto.setModel = setModel;
  }
  try {
    await run;
  } catch (error) {
    if (error !== CAPTURED) throw error;
  }
  if (!captured) throw new Error("tslab-dl: tfjs's fit loop did not build a callback list");
  return captured;
}

/**
 * tfjs's `BaseLogger` (epoch means of the batch logs, weighted by batch size) with its totals
 * kept as numbers: each value is read once (a 4-byte copy on the WebAssembly backend) and the
 * running sum is rounded to float32 after each multiply and add, as tfjs's float32 tensor ops
 * round it; the epoch's mean is handed on as a scalar tensor, as tfjs hands it on.
 */
class Float32Logger extends tf.Callback {
  private seen = 0;
  private totals: Record<string, { total: number; tensor: boolean }> = {};

  override async onEpochBegin(): Promise<void> {
    this.seen = 0;
    this.totals = {};
  }

  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    if (logs == null) return;
    const size = logs.size == null ? 0 : (logs.size as number);
    this.seen += size;
    for (const key in logs) {
      const value = logs[key];
      const entry = (this.totals[key] ??= { total: 0, tensor: typeof value !== "number" });
      if (typeof value === "number") entry.total += value * size;
      else entry.total = addWeightedFloat32(entry.total, value.dataSync()[0], size);
    }
  }

  override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    if (logs == null) return;
    const f = Math.fround;
    for (const key of (this.params as { metrics: string[] }).metrics) {
      const entry = this.totals[key];
      if (entry == null) continue;
      logs[key] = entry.tensor ? tf.keep(tf.scalar(f(f(1 / this.seen) * entry.total))) : entry.total / this.seen;
    }
  }
}

function disposeTensors(logs: Logs): void {
  for (const key in logs) {
    const value = logs[key];
    if (typeof value !== "number") value.dispose();
  }
}

/** How many `fit` calls this loop has run in this process (for tests). */
let runs = 0;
export function fastFitLoopRuns(): number {
  return runs;
}

const fastFitLoop: FitLoop = async function (this: tf.LayersModel, ...args: FitLoopArgs): Promise<tf.History> {
  const [
    f,
    ins,
    outLabels,
    batchSizeArg,
    epochsArg,
    ,
    ,
    valF,
    valIns,
    shuffleArg,
    ,
    initialEpochArg,
    stepsPerEpoch,
    validationSteps,
  ] = args;
  const entry = planOfTrainFunction(f);
  const plain = entry?.model === this && stepsPerEpoch == null && validationSteps == null && shuffleArg !== "batch";
  const data = plain && compiledOptimizer(this) ? stepBatch(this, entry.plan, ins) : null;
  if (!entry || !data) return stockFitLoop.apply(this, args);
  const [x, y] = data;
  runs += 1;
  const { plan } = entry;
  const model = modelInternals(this);
  const batchSize = batchSizeArg ?? 32;
  const epochs = epochsArg ?? 1;
  const shuffle = shuffleArg ?? true;
  const initialEpoch = initialEpochArg ?? 0;
  const doValidation = valF != null && valIns != null;

  const callbackList = await tfjsCallbacks(this, args);
  const logger = callbackList.callbacks[0];
  if (logger?.constructor.name === "BaseLogger") {
    const replacement = new Float32Logger();
    replacement.setParams(logger.params);
    callbackList.callbacks[0] = replacement;
  }
  callbackList.setModel(this);
  model.history = callbackList.callbacks[callbackList.callbacks.length - 1] as unknown as tf.History;
  await callbackList.onTrainBegin();
  model.stopTraining_ = false;

  const samples = x.shape[0];
  const order = Int32Array.from({ length: samples }, (_, i) => i);
  for (let epoch = initialEpoch; epoch < epochs; ++epoch) {
    await callbackList.onEpochBegin(epoch);
    const epochLogs: Logs = {};
    if (shuffle) tf.util.shuffle(order); // tfjs's own shuffle: the same Math.random() draws
    for (let batchIndex = 0, start = 0; start < samples; batchIndex++, start += batchSize) {
      const end = Math.min(start + batchSize, samples);
      const last = end === samples;
      const batchLogs: Logs = {};
      await callbackList.onBatchBegin(batchIndex, batchLogs);
      tf.tidy(() => {
        batchLogs.batch = batchIndex;
        batchLogs.size = end - start;
        const rows = order.subarray(start, end);
        // A callback may have changed the model (a layer frozen) or the backend since the last batch.
        const optimizer = compiledOptimizer(this);
        const outs =
          optimizer && stepBatch(this, plan, ins)
            ? trainStep(plan, optimizer, x, y, rows)
            : f(ins.map((t) => (t == null ? t : tf.gather(t, tf.tensor1d(rows, "int32")))) as tf.Tensor[]);
        outLabels.forEach((label, i) => {
          batchLogs[label] = outs[i];
          tf.keep(outs[i]);
        });
        if (last && doValidation) {
          const valOuts = proto.testLoop.call(this, valF, valIns, batchSize);
          outLabels.forEach((label, i) => {
            tf.keep(valOuts[i]);
            epochLogs[`val_${label}`] = valOuts[i];
          });
        }
      });
      await callbackList.onBatchEnd(batchIndex, batchLogs);
      disposeTensors(batchLogs);
      if (model.stopTraining_) break;
    }
    await callbackList.onEpochEnd(epoch, epochLogs);
    if (model.stopTraining_) break;
  }
  await callbackList.onTrainEnd();
  await model.history.syncData();
  return model.history;
};

/** Route `model.fit`'s loop through {@link fastFitLoop} (true) or tfjs's own (false). */
export function patchFitLoop(on: boolean): void {
  proto.fitLoop = on ? fastFitLoop : stockFitLoop;
}
