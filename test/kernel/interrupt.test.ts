import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  InterruptError,
  interruptTraining,
  trainingInProgress,
  watchLoadedTfjs,
  watchTfjsLayers,
} from "../../kernel/interrupt";

before(async () => {
  await tf.setBackend("cpu");
});

function tinyModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: "adam", loss: "meanSquaredError" });
  return model;
}

test("the watcher is registered once per loaded copy of tfjs-layers", () => {
  watchLoadedTfjs();
  assert.equal(watchLoadedTfjs(), 0, "already watched");
  assert.equal(watchTfjsLayers(require("@tensorflow/tfjs-layers")), false);
});

test("an interrupt stops a running fit at a batch end with InterruptError; the weights stay usable", async () => {
  watchLoadedTfjs();
  const model = tinyModel();
  const xs = tf.randomNormal([256, 4]);
  const ys = tf.randomNormal([256, 1]);
  const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
  let batches = 0;
  let sawRunning = false;
  const fit = model.fit(xs, ys, {
    epochs: 10_000,
    batchSize: 8,
    verbose: 0,
    callbacks: {
      onBatchEnd: async () => {
        batches++;
        if (batches === 5) {
          sawRunning = trainingInProgress();
          assert.equal(interruptTraining(), true);
        }
      },
    },
  });
  await assert.rejects(
    fit,
    (e: unknown) => e instanceof InterruptError && /interrupted by the kernel at epoch 1, batch 6/.test(e.message),
  );
  assert.ok(sawRunning);
  assert.equal(batches, 5, "stopped at the next batch end, before later callbacks of that batch");
  assert.equal(trainingInProgress(), false);
  const now = model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.ok(now.every((w) => w.every(Number.isFinite)));
  assert.ok(
    now.some((w, i) => w.some((v, j) => v !== initial[i][j])),
    "the completed batches trained the model",
  );
  const history = await model.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0 });
  assert.equal(history.history.loss.length, 2, "the model trains again after an interrupt");
});

test("an interrupt with no fit running affects no later fit", async () => {
  watchLoadedTfjs();
  assert.equal(interruptTraining(), false);
  const model = tinyModel();
  const history = await model.fit(tf.randomNormal([32, 4]), tf.randomNormal([32, 1]), {
    epochs: 3,
    batchSize: 8,
    verbose: 0,
  });
  assert.equal(history.history.loss.length, 3);
});
