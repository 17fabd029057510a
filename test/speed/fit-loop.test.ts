import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { setRandomSeed } from "../../src/seed";
import { useFastOps } from "../../src/speed";
import { planFor } from "../../src/speed/plan";
import { STEP_OP, type StepAttrs } from "../../src/speed/step-op";
import { planStepCount, tfjsTestLoop } from "../../src/speed/train-function";
import { fastFitLoopRuns, patchFitLoop } from "../../src/speed/fit-loop";
import { random, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

/** A small classifier with dropout, as the lesson builds it. */
function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [4, 5] }));
  m.add(tf.layers.dense({ units: 12, activation: "relu" }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

type Event = [string, number, Record<string, unknown>?];

/**
 * Fit with tfjs's own loop (fast = false) or tslab-dl's, both with the one-op step, and
 * record every callback call with its (resolved) logs, the History and the weights.
 */
async function run(fast: boolean, fitArgs: (events: Event[], m: tf.Sequential) => tf.ModelFitArgs, n = 203) {
  patchFitLoop(fast);
  setRandomSeed(11);
  try {
    const x = random([n, 4, 5], 5);
    const y = tf.tidy(() => tf.floor(tf.randomUniform([n], 0, 3)));
    const m = model();
    const events: Event[] = [];
    const before = fastFitLoopRuns();
    const history = await m.fit(x, y, fitArgs(events, m));
    const usedFastLoop = fastFitLoopRuns() > before;
    const weights = m.getWeights().map((w) => Array.from(w.dataSync()));
    tf.dispose([x, y]);
    m.dispose();
    return { events, history: history.history, epochs: history.epoch, weights, usedFastLoop };
  } finally {
    setRandomSeed(undefined);
    patchFitLoop(true);
  }
}

function recorder(events: Event[], extra: Partial<tf.CustomCallbackArgs> = {}): tf.CustomCallbackArgs {
  return {
    onTrainBegin: async (logs) => void events.push(["trainBegin", 0, { ...logs }]),
    onEpochBegin: async (epoch, logs) => void events.push(["epochBegin", epoch, { ...logs }]),
    onBatchBegin: async (batch, logs) => void events.push(["batchBegin", batch, { ...logs }]),
    onBatchEnd: async (batch, logs) => void events.push(["batchEnd", batch, { ...logs }]),
    onEpochEnd: async (epoch, logs) => void events.push(["epochEnd", epoch, { ...logs }]),
    onTrainEnd: async (logs) => void events.push(["trainEnd", 0, { ...logs }]),
    ...extra,
  };
}

test("the fast fit loop calls callbacks with exactly tfjs's logs and trains to exactly tfjs's weights", async () => {
  const args = (events: Event[]): tf.ModelFitArgs => {
    const xVal = random([50, 4, 5], 6);
    const yVal = tf.tensor1d(Array.from({ length: 50 }, (_, i) => i % 3));
    return { epochs: 3, batchSize: 16, verbose: 0, validationData: [xVal, yVal], callbacks: recorder(events) };
  };
  const stock = await run(false, args);
  const fast = await run(true, args);
  assert.equal(stock.usedFastLoop, false);
  assert.equal(fast.usedFastLoop, true, "the fast loop ran");
  // 203 samples in batches of 16: 12 full batches and one of 11, each epoch.
  assert.equal(fast.events.filter((e) => e[0] === "batchEnd").length, 3 * 13);
  assert.deepEqual(fast.events.find((e) => e[0] === "batchEnd" && e[1] === 12)?.[2]?.size, 11);
  // Same calls, same order, the same numbers to the last bit (epoch means included).
  assert.deepEqual(fast.events, stock.events);
  assert.deepEqual(fast.history, stock.history);
  assert.deepEqual(fast.epochs, [0, 1, 2]);
  assert.deepEqual(fast.weights, stock.weights);
  assert.ok(Object.keys(fast.history).sort().join() === "acc,loss,val_acc,val_loss", Object.keys(fast.history).join());
});

test("the fast fit loop stops where tfjs's does when a callback stops training mid-epoch, and honours validationSplit and initialEpoch", async () => {
  const args = (events: Event[], m: tf.Sequential): tf.ModelFitArgs => ({
    epochs: 4,
    initialEpoch: 1,
    batchSize: 32,
    verbose: 0,
    validationSplit: 0.25,
    callbacks: recorder(events, {
      onBatchEnd: async (batch, logs) => {
        events.push(["batchEnd", batch, { ...logs }]);
        if (events.filter((e) => e[0] === "epochBegin").length === 2 && batch === 2) m.stopTraining = true;
      },
    }),
  });
  const stock = await run(false, args);
  const fast = await run(true, args);
  assert.equal(fast.usedFastLoop, true);
  assert.deepEqual(fast.events, stock.events);
  assert.deepEqual(fast.history, stock.history);
  assert.deepEqual(fast.epochs, [1, 2], "starts at initialEpoch, stops in the second epoch it runs");
  assert.deepEqual(fast.weights, stock.weights);
});

test("fits the fast loop does not cover run tfjs's own loop, with tfjs's errors", async () => {
  const batchShuffle = (events: Event[]): tf.ModelFitArgs => ({
    epochs: 1,
    verbose: 0,
    shuffle: "batch" as unknown as boolean,
    callbacks: recorder(events),
  });
  await assert.rejects(run(true, batchShuffle), /batch shuffling is not implemneted/);
  // A model the plan does not cover (an elu hidden layer) trains through tfjs's loop.
  patchFitLoop(true);
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, activation: "elu", inputShape: [3] }),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  const before = fastFitLoopRuns();
  const x = tf.ones([10, 3]);
  const y = tf.zeros([10]);
  const history = await m.fit(x, y, { epochs: 2, verbose: 0 });
  assert.equal(fastFitLoopRuns(), before);
  assert.equal(history.history.loss.length, 2);
  tf.dispose([x, y]);
  m.dispose();
});

test("the plan's step op takes its batch as rows of the whole data set, and rejects rows outside it", () => {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: "softmax", inputShape: [5] })] });
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const plan = planFor(m);
  assert.ok(plan);
  const x = random([9, 5], 1);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const [w0, w1] = plan.weights.map((w) => w.read());
  const rows = Int32Array.from([7, 2, 2, 4]);
  const step = (inputs: Record<string, tf.Tensor>, attrs: Partial<StepAttrs>): tf.Tensor[] =>
    tf.engine().runKernel(STEP_OP, { ...inputs, w0, w1 }, {
      plan,
      mode: "train",
      ...attrs,
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const viaRows = step({ x, y }, { rows });
  const indices = tf.tensor1d(Array.from(rows), "int32");
  const batch = { x: tf.gather(x, indices), y: tf.gather(y, indices) };
  const viaGather = step(batch, {});
  assert.equal(viaRows.length, 4, "loss, accuracy, two gradients");
  assert.deepEqual(
    viaRows.map((t) => Array.from(t.dataSync())),
    viaGather.map((t) => Array.from(t.dataSync())),
  );
  const count = tf.memory().numTensors;
  assert.throws(() => step({ x, y }, { rows: Int32Array.from([1, 9]) }), /row 9 is not in \[0, 8\]/);
  assert.equal(tf.memory().numTensors, count, "nothing left allocated by the rejected call");
  tf.dispose([x, y, indices, batch.x, batch.y, ...viaRows, ...viaGather]);
  m.dispose();
});

test("validation and evaluate through the step op give exactly the numbers of tfjs's test loop", () => {
  setRandomSeed(5);
  try {
    const m = model();
    // Many batches, so that a sum kept in float64 instead of float32 would show.
    const x = random([2003, 4, 5], 8);
    const y = tf.tensor1d(Array.from({ length: 2003 }, (_, i) => (i * 5) % 3));
    const [loss, acc] = m.evaluate(x, y, { batchSize: 10 }) as tf.Scalar[];
    const inner = (m as unknown as { model: { testFunction: unknown } }).model; // a Sequential evaluates through its inner model
    const before = planStepCount().evaluate;
    const [stockLoss, stockAcc] = tfjsTestLoop.call(inner as unknown as tf.LayersModel, inner.testFunction, [x, y], 10);
    assert.equal(planStepCount().evaluate - before, 201, "tfjs's loop ran the step op's test function on 201 batches");
    assert.equal(loss.dataSync()[0], stockLoss.dataSync()[0]);
    assert.equal(acc.dataSync()[0], stockAcc.dataSync()[0]);
    assert.ok(loss.dataSync()[0] > 0);
    tf.dispose([x, y, loss, acc, stockLoss, stockAcc]);
    m.dispose();
  } finally {
    setRandomSeed(undefined);
  }
});
