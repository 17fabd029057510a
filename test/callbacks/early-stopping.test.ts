import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { EarlyStopping, type EarlyStoppingArgs } from "../../src/callbacks";
import { init } from "../../src/backend";
import { loadFashionMnist, trainTestSplit } from "../../src/data";
import { setRandomSeed } from "../../src/seed";
import { captureConsole, hasFashionMnist, modelFn } from "../helpers";

/** A one-weight model whose weight we set to the epoch number, so restored weights name their epoch. */
function tinyModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: "zeros" }));
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  return model;
}

function weightOf(model: tf.LayersModel): number {
  return model.getWeights()[0].dataSync()[0];
}

/**
 * Drive the callback as `fit` does, through a scripted sequence of epoch logs.
 * At the start of epoch e the model's weight is set to e.
 */
async function run(
  args: EarlyStoppingArgs,
  series: Array<{ [key: string]: number }>,
  callback = new EarlyStopping(args),
  model = tinyModel(),
): Promise<{ cb: EarlyStopping; model: tf.Sequential; epochsRun: number }> {
  callback.setModel(model);
  model.stopTraining = false;
  await callback.onTrainBegin();
  let epochsRun = 0;
  for (let epoch = 0; epoch < series.length; epoch++) {
    tf.tidy(() => model.setWeights([tf.tensor2d([[epoch]])]));
    epochsRun++;
    await callback.onEpochEnd(epoch, series[epoch]);
    if (model.stopTraining) break;
  }
  await callback.onTrainEnd();
  return { cb: callback, model, epochsRun };
}

const losses = (...v: number[]) => v.map((val_loss) => ({ val_loss, loss: 1 }));

test("stops after `patience` epochs without improvement; stoppedEpoch and bestEpoch are 0-based", async () => {
  const { cb, epochsRun } = await run({ patience: 2 }, losses(0.5, 0.4, 0.45, 0.46, 0.3, 0.2));
  assert.equal(epochsRun, 4);
  assert.equal(cb.stoppedEpoch, 3);
  assert.equal(cb.bestEpoch, 1);
  assert.equal(cb.best, 0.4);
});

test("patience 0 stops at the first epoch without improvement, but never at epoch 0", async () => {
  const { cb } = await run({ patience: 0 }, losses(0.5, 0.6, 0.1));
  assert.equal(cb.stoppedEpoch, 1);
  const nan = await run({ patience: 0 }, losses(NaN, 0.5));
  assert.equal(nan.cb.stoppedEpoch, 0, "epoch 0 never stops, even when its value is not an improvement");
  assert.equal(nan.epochsRun, 2);
});

test("stoppedEpoch stays 0 when training runs to the end", async () => {
  const { cb, epochsRun } = await run({ patience: 2 }, losses(0.5, 0.4, 0.3, 0.2));
  assert.equal(epochsRun, 4);
  assert.equal(cb.stoppedEpoch, 0);
});

test("minDelta: changes smaller than minDelta are no improvement", async () => {
  const { cb } = await run({ patience: 1, minDelta: 0.05 }, losses(0.5, 0.47, 0.46, 0.3));
  assert.equal(cb.stoppedEpoch, 1);
  assert.equal(cb.bestEpoch, 0);
});

test("restoreBestWeights restores the best epoch's weights when stopping early", async () => {
  const { cb, model } = await run({ patience: 2, restoreBestWeights: true }, losses(0.5, 0.3, 0.4, 0.45, 0.1));
  assert.equal(cb.stoppedEpoch, 3);
  assert.equal(weightOf(model), 1);
});

test("restoreBestWeights also restores when training runs to the end (Keras 3)", async () => {
  const { model } = await run({ patience: 5, restoreBestWeights: true }, losses(0.5, 0.2, 0.4, 0.45));
  assert.equal(weightOf(model), 1);
});

test("baseline: without beating it, waiting never resets, so training stops at the first setback", async () => {
  const series = losses(0.5, 0.4, 0.45, 0.2);
  const withBaseline = await run({ patience: 2, baseline: 0.1 }, series);
  assert.equal(withBaseline.cb.stoppedEpoch, 2);
  assert.equal(withBaseline.cb.bestEpoch, 1);
  const without = await run({ patience: 2 }, series);
  assert.equal(without.cb.stoppedEpoch, 0);
  const beaten = await run({ patience: 1, baseline: 0.45 }, losses(0.5, 0.4, 0.3, 0.2));
  assert.equal(beaten.cb.stoppedEpoch, 0);
});

test("startFromEpoch: epochs before it are not monitored", async () => {
  const { cb } = await run({ patience: 0, startFromEpoch: 2 }, losses(0.1, 0.9, 0.8, 0.7, 0.75));
  assert.equal(cb.stoppedEpoch, 4);
  assert.equal(cb.bestEpoch, 3);
});

test("mode auto maximizes accuracy under either spelling", async () => {
  const keras = await run(
    { monitor: "val_accuracy", patience: 1 },
    [0.5, 0.7, 0.6, 0.65].map((v) => ({ val_acc: v })),
  );
  assert.equal(keras.cb.stoppedEpoch, 2);
  assert.equal(keras.cb.best, 0.7);
  const tfjs = await run(
    { monitor: "val_acc", patience: 1 },
    [0.5, 0.7, 0.6].map((v) => ({ val_accuracy: v })),
  );
  assert.equal(tfjs.cb.stoppedEpoch, 2);
});

test("mode max and min override the name", async () => {
  const { cb } = await run({ monitor: "val_loss", mode: "max", patience: 0 }, losses(0.5, 0.6, 0.4));
  assert.equal(cb.stoppedEpoch, 2);
});

test("an unknown monitor warns, listing the available keys, and never stops", async () => {
  const { result, warnings } = await captureConsole(() =>
    run({ monitor: "val_los", patience: 0 }, losses(0.5, 0.6, 0.7)),
  );
  assert.equal(result.cb.stoppedEpoch, 0);
  assert.equal(result.epochsRun, 3);
  assert.equal(warnings.length, 3);
  assert.match(
    warnings[0],
    /Early stopping conditioned on metric `val_los` which is not available\. Available metrics are: val_loss,loss/,
  );
});

test("an unknown mode warns and falls back to auto; an undecidable auto monitor is an error", async () => {
  const { warnings } = await captureConsole(() => new EarlyStopping({ mode: "sideways" as never }));
  assert.match(warnings[0], /EarlyStopping mode sideways is unknown, fallback to auto mode/);
  await assert.rejects(run({ monitor: "val_widget" }, [{ val_widget: 1 }]), /Pass mode: "max".*or mode: "min"/);
});

test("verbose 1 says when it stops and which epoch it restores (1-based, as Keras prints)", async () => {
  const { logs } = await captureConsole(() =>
    run({ patience: 1, verbose: 1, restoreBestWeights: true }, losses(0.5, 0.3, 0.4, 0.5)),
  );
  assert.deepEqual(logs, ["Epoch 3: early stopping", "Restoring model weights from the end of the best epoch: 2."]);
});

test("an instance can be reused: state resets when training begins", async () => {
  const cb = new EarlyStopping({ patience: 1 });
  await run({}, losses(0.1, 0.5, 0.6), cb);
  assert.equal(cb.stoppedEpoch, 1);
  const second = await run({}, losses(0.9, 0.8, 0.7, 0.6), cb);
  assert.equal(second.cb.stoppedEpoch, 0);
  assert.equal(second.cb.best, 0.6);
});

test("restoreBestWeights does not leak tensors", async () => {
  const model = tinyModel();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++)
    await run({ patience: 2, restoreBestWeights: true }, losses(0.5, 0.3, 0.4, 0.45, 0.1), undefined, model);
  // One new tensor: the model's weight value held by the final setWeights (the older ones were released).
  assert.ok(tf.memory().numTensors - before <= 1, `leaked ${tf.memory().numTensors - before} tensors`);
});

test(
  "in a real fit on Fashion-MNIST it stops early and restores exactly the best epoch's weights",
  { skip: !hasFashionMnist && "Debian's dataset-fashion-mnist is not installed" },
  async () => {
    await init({ verbose: false });
    setRandomSeed(7);
    const [[images, labels]] = await loadFashionMnist({ download: false });
    const x = tf.tidy(() => images.slice(0, 1500).div(255));
    const y = labels.slice(0, 1500);
    const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, y, { testSize: 0.2, randomState: 42 });
    images.dispose();
    labels.dispose();
    const model = modelFn();
    model.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const snapshots: Float32Array[] = [];
    const record = new tf.CustomCallback({
      onEpochEnd: async () => void snapshots.push(model.getWeights()[0].dataSync() as Float32Array),
    });
    const cb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const history = await model.fit(xTrain, yTrain, {
      epochs: 25,
      batchSize: 32,
      verbose: 0,
      validationData: [xVal, yVal],
      callbacks: [record, cb],
    });
    const valLoss = history.history.val_loss as number[];
    const best = valLoss.indexOf(Math.min(...valLoss));
    assert.ok(valLoss.length < 25, `expected an early stop, ran ${valLoss.length} epochs`);
    assert.equal(cb.stoppedEpoch, valLoss.length - 1);
    assert.equal(cb.stoppedEpoch - cb.bestEpoch, 2, "stopped two epochs after the best (patience 2)");
    assert.equal(cb.bestEpoch, best);
    assert.deepEqual(model.getWeights()[0].dataSync(), snapshots[best]);
    const restored = model.evaluate(xVal, yVal) as tf.Scalar[];
    assert.ok(
      Math.abs(restored[0].dataSync()[0] - valLoss[best]) < 1e-4,
      "the restored model has the best validation loss",
    );
  },
);
