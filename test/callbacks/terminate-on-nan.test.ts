import assert from "node:assert/strict";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { LambdaCallback, NaNLossError, TerminateOnNaN } from "../../src/callbacks";
import { captureConsole } from "../helpers";

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 1, inputShape: [1] }));
  m.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
  return m;
}

/** Targets that are finite for the first `finite` samples, then NaN: the loss turns NaN at that batch. */
function data(finite: number, n = 8): [tf.Tensor, tf.Tensor] {
  const y = Array.from({ length: n }, (_, i) => (i < finite ? i : NaN));
  return [tf.tensor2d(y.map((_, i) => [i])), tf.tensor2d(y.map((v) => [v]))];
}

test("TerminateOnNaN stops at the first batch with a NaN loss, and the other callbacks still end training", async () => {
  await init({ verbose: false });
  const [x, y] = data(4);
  const seen: string[] = [];
  const spy = new LambdaCallback({
    onBatchEnd: (batch) => void seen.push(`batch ${batch}`),
    onEpochEnd: (epoch) => void seen.push(`epoch ${epoch}`),
    onTrainEnd: () => void seen.push("end"),
  });
  const { logs } = await captureConsole(() =>
    model().fit(x, y, { epochs: 5, batchSize: 2, shuffle: false, verbose: 0, callbacks: [new TerminateOnNaN(), spy] }),
  );
  assert.deepEqual(logs, ["Batch 2: Invalid loss, terminating training"]);
  assert.deepEqual(seen, ["batch 0", "batch 1", "batch 2", "epoch 0", "end"]);
});

test("TerminateOnNaN also stops on an infinite loss, and never on finite ones", async () => {
  const cb = new TerminateOnNaN();
  const m = model();
  m.stopTraining = false;
  cb.setModel(m);
  await captureConsole(async () => {
    await cb.onBatchEnd(0, { loss: 1e30 });
    assert.equal(m.stopTraining, false);
    await cb.onBatchEnd(1, { loss: tf.scalar(Infinity) });
  });
  assert.equal(m.stopTraining, true);
});

test("TerminateOnNaN with raiseError throws NaNLossError and skips onTrainEnd", async () => {
  const [x, y] = data(2);
  let ended = false;
  const spy = new LambdaCallback({ onTrainEnd: () => void (ended = true) });
  await assert.rejects(
    model().fit(x, y, {
      epochs: 2,
      batchSize: 2,
      shuffle: false,
      verbose: 0,
      callbacks: [new TerminateOnNaN({ raiseError: true }), spy],
    }),
    (e: unknown) =>
      e instanceof NaNLossError && /NaN or Inf loss encountered at batch 1\. Loss value: NaN/.test(e.message),
  );
  assert.equal(ended, false);
});

test("LambdaCallback calls each function with 0-based indices and numeric logs; keys it adds reach the History", async () => {
  await init({ verbose: false });
  const calls: string[] = [];
  const cb = new LambdaCallback({
    onTrainBegin: () => void calls.push("train begin"),
    onEpochBegin: (epoch) => void calls.push(`epoch ${epoch} begin`),
    onBatchBegin: (batch) => void calls.push(`batch ${batch} begin`),
    onBatchEnd: (batch, logs) => void calls.push(`batch ${batch} end ${typeof logs.loss}`),
    onEpochEnd: async (epoch, logs) => {
      calls.push(`epoch ${epoch} end ${typeof logs.loss}`);
      logs.doubled = logs.loss * 2;
    },
    onTrainEnd: () => void calls.push("train end"),
  });
  const [x, y] = data(4, 4);
  const history = await model().fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [cb] });
  assert.deepEqual(calls, [
    "train begin",
    "epoch 0 begin",
    "batch 0 begin",
    "batch 0 end number",
    "batch 1 begin",
    "batch 1 end number",
    "epoch 0 end number",
    "epoch 1 begin",
    "batch 0 begin",
    "batch 0 end number",
    "batch 1 begin",
    "batch 1 end number",
    "epoch 1 end number",
    "train end",
  ]);
  const loss = history.history.loss as number[];
  assert.deepEqual(history.history.doubled, [loss[0] * 2, loss[1] * 2]);
  assert.throws(() => new LambdaCallback({ onEpochEnd: 3 as never }), /onEpochEnd must be a function, got number/);
});
