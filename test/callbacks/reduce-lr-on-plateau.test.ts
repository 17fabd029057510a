import assert from "node:assert/strict";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { useFastOps } from "../../src/speed";
import {
  EarlyStopping,
  LearningRateScheduler,
  learningRate,
  ReduceLROnPlateau,
  type ReduceLROnPlateauArgs,
  setLearningRate,
  withSchedule,
  ExponentialDecay,
} from "../../src/callbacks";
import { setRandomSeed } from "../../src/seed";
import { captureConsole } from "../helpers";

function tinyModel(lr = 0.1, optimizer: tf.Optimizer = tf.train.adam(lr)): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: "zeros" }));
  model.compile({ optimizer, loss: "meanSquaredError" });
  return model;
}

/** Drive callbacks as `fit` does through scripted epoch logs; returns each epoch's logs and rate after it. */
async function run(callbacks: tf.Callback[], series: Array<{ [key: string]: number }>, model = tinyModel()) {
  for (const cb of callbacks) cb.setModel(model);
  model.stopTraining = false;
  for (const cb of callbacks) await cb.onTrainBegin();
  const logged: Array<{ [key: string]: number }> = [];
  const rates: number[] = [];
  for (let epoch = 0; epoch < series.length; epoch++) {
    const logs = { ...series[epoch] };
    for (const cb of callbacks) await cb.onEpochBegin(epoch);
    for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
    logged.push(logs);
    rates.push(learningRate(model.optimizer));
    if (model.stopTraining) break;
  }
  for (const cb of callbacks) await cb.onTrainEnd();
  return { logged, rates, model };
}

const losses = (...v: number[]) => v.map((val_loss) => ({ val_loss, loss: 1 }));
const plateau = (args: ReduceLROnPlateauArgs, ...v: number[]) => run([new ReduceLROnPlateau(args)], losses(...v));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

test("ReduceLROnPlateau multiplies the rate by factor after `patience` epochs without improvement", async () => {
  const { rates } = await plateau({ patience: 2, factor: 0.5 }, 0.5, 0.4, 0.45, 0.46, 0.47, 0.48);
  assert.deepEqual(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025]);
});

test("ReduceLROnPlateau logs the rate each epoch trained with as learning_rate", async () => {
  const { logged } = await plateau({ patience: 1, factor: 0.5 }, 0.5, 0.6, 0.7);
  assert.deepEqual(
    logged.map((l) => l.learning_rate),
    [0.1, 0.1, 0.05],
  );
});

test("ReduceLROnPlateau: minDelta (default 1e-4) sets how much counts as an improvement", async () => {
  const small = await plateau({ patience: 1, factor: 0.5 }, 0.5, 0.49995, 0.4999);
  assert.deepEqual(small.rates, [0.1, 0.05, 0.025], "a gain of 5e-5 is not an improvement at minDelta 1e-4");
  const zero = await plateau({ patience: 1, factor: 0.5, minDelta: 0 }, 0.5, 0.49995, 0.4999);
  assert.deepEqual(zero.rates, [0.1, 0.1, 0.1]);
});

test("ReduceLROnPlateau cooldown: epochs right after a reduction do not count", async () => {
  const { rates } = await plateau({ patience: 1, factor: 0.5, cooldown: 2 }, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6);
  // As Keras: reduced at epoch 1, counter 2; epoch 2 counts it down to 1 and is skipped; epoch 3
  // counts it down to 0 and is counted again, so it reduces; the same at epochs 4 and 5.
  assert.deepEqual(rates, [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]);
});

test("ReduceLROnPlateau never goes below minLr, and stops reducing once there", async () => {
  const { rates, logged } = await captureConsole(() =>
    plateau({ patience: 1, factor: 0.1, minLr: 0.005, verbose: 1 }, 1, 2, 2, 2, 2),
  ).then(({ result, logs }) => ({ ...result, logged: logs }));
  assert.deepEqual(rates, [0.1, 0.1 * 0.1, 0.005, 0.005, 0.005]);
  assert.equal(logged.length, 2, "one message per reduction, none once at minLr");
  assert.match(logged[0], /^\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0\.01\d*\.$/);
});

test("ReduceLROnPlateau mode auto maximizes accuracy; mode max overrides a loss", async () => {
  const acc = await run(
    [new ReduceLROnPlateau({ monitor: "val_accuracy", patience: 1, factor: 0.5 })],
    [{ val_acc: 0.5 }, { val_acc: 0.7 }, { val_acc: 0.6 }],
  );
  assert.deepEqual(acc.rates, [0.1, 0.1, 0.05]);
  const max = await plateau({ mode: "max", patience: 1, factor: 0.5 }, 0.5, 0.6, 0.4);
  assert.deepEqual(max.rates, [0.1, 0.1, 0.05]);
});

test("ReduceLROnPlateau: an unknown monitor warns with the available keys and changes nothing", async () => {
  const { result, warnings } = await captureConsole(() => plateau({ monitor: "val_los", patience: 0 }, 0.5, 0.6));
  assert.deepEqual(result.rates, [0.1, 0.1]);
  assert.match(
    warnings[0],
    /Learning rate reduction is conditioned on metric `val_los` which is not available\. Available metrics are: val_loss,loss,learning_rate/,
  );
});

test("ReduceLROnPlateau rejects factor >= 1 and warns on an unknown mode", async () => {
  assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), /does not support a factor >= 1\.0\. Received factor=1/);
  const { warnings } = await captureConsole(() => new ReduceLROnPlateau({ mode: "up" as never }));
  assert.match(warnings[0], /ReduceLROnPlateau mode up is unknown, fallback to auto mode/);
});

test("ReduceLROnPlateau state resets when training begins, so an instance can be reused", async () => {
  const cb = new ReduceLROnPlateau({ patience: 2, factor: 0.5 });
  await run([cb], losses(0.1, 0.5));
  assert.equal(cb.wait, 1);
  const again = await run([cb], losses(0.9, 0.8, 0.7));
  assert.equal(cb.best, 0.7, "the best of the first run does not carry over");
  assert.deepEqual(again.rates, [0.1, 0.1, 0.1]);
});

test("ReduceLROnPlateau with EarlyStopping: the rate drops on plateaus, and training stops when even that does not help", async () => {
  const reduce = new ReduceLROnPlateau({ patience: 1, factor: 0.5 });
  const stop = new EarlyStopping({ patience: 3, restoreBestWeights: true });
  const { rates, logged } = await run([reduce, stop], losses(0.5, 0.4, 0.41, 0.35, 0.36, 0.37, 0.38, 0.2));
  // epoch 2: no gain → halve; epoch 3 improves; epochs 4, 5, 6 do not: halve at 4 and 5 (patience 1),
  // EarlyStopping's third epoch without improvement (6) stops training.
  assert.deepEqual(rates, [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125, 0.00625]);
  assert.equal(stop.stoppedEpoch, 6);
  assert.equal(stop.bestEpoch, 3);
  assert.equal(logged.length, 7);
  assert.deepEqual(
    logged.map((l) => l.learning_rate),
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.0125],
  );
});

test("setLearningRate changes the rate of every tfjs optimizer with one (sgd keeps its cached scalar in step)", () => {
  const optimizers = [
    tf.train.sgd(0.1),
    tf.train.momentum(0.1, 0.9),
    tf.train.adam(0.1),
    tf.train.adamax(0.1),
    tf.train.rmsprop(0.1),
    tf.train.adagrad(0.1),
    tf.train.adadelta(0.1),
  ];
  for (const optimizer of optimizers) {
    setLearningRate(optimizer, 0.025);
    assert.equal(learningRate(optimizer), 0.025, optimizer.getClassName());
  }
  // SGD's update uses a cached -lr scalar: check a real step uses the new rate.
  const sgd = tf.train.sgd(1);
  setLearningRate(sgd, 0.5);
  const w = tf.variable(tf.scalar(1));
  sgd.applyGradients({ [w.name]: tf.scalar(1) });
  assert.equal(w.dataSync()[0], 0.5);
});

/** Fit a small dense classifier (the shape tslab-dl's fast path trains) and return its weights after each epoch. */
async function fitWeights(
  callbacks: Array<tf.Callback | tf.CustomCallback>,
  optimizer: tf.Optimizer,
  epochs = 3,
): Promise<Float32Array[]> {
  setRandomSeed(3);
  const x = tf.randomUniform([64, 4, 4]);
  const y = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 3),
    "float32",
  );
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [4, 4] }));
  model.add(tf.layers.dense({ units: 8, activation: "relu" }));
  model.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const snapshots: Float32Array[] = [];
  const record = new tf.CustomCallback({
    onEpochEnd: async () => void snapshots.push(model.getWeights()[0].dataSync().slice() as Float32Array),
  });
  await model.fit(x, y, { epochs, batchSize: 16, verbose: 0, callbacks: [...callbacks, record] });
  return snapshots;
}

for (const fast of [true, false]) {
  test(`a rate set by a callback takes effect from the next batch (Adam, fast ops ${fast ? "on" : "off"})`, async () => {
    await init({ verbose: false, fastOps: fast });
    try {
      // Rate 0 from epoch 1 on: Adam then leaves the weights exactly as they are.
      const frozen = await fitWeights(
        [new LearningRateScheduler((epoch, lr) => (epoch >= 1 ? 0 : lr))],
        tf.train.adam(0.05),
      );
      assert.notDeepEqual(frozen[0], new Float32Array(frozen[0].length));
      assert.deepEqual(frozen[1], frozen[0]);
      assert.deepEqual(frozen[2], frozen[0]);
      const moving = await fitWeights([], tf.train.adam(0.05));
      assert.deepEqual(moving[0], frozen[0], "same seed, same first epoch");
      assert.notDeepEqual(moving[1], moving[0]);
    } finally {
      useFastOps(true);
    }
  });

  test(`withSchedule sets the rate before every step from the optimizer's step count (fast ops ${fast ? "on" : "off"})`, async () => {
    await init({ verbose: false, fastOps: fast });
    try {
      const optimizer = withSchedule(tf.train.adam(), new ExponentialDecay(0.05, 4, 0.5));
      const seen: number[] = [];
      const probe = new tf.CustomCallback({ onBatchEnd: async () => void seen.push(learningRate(optimizer)) });
      await fitWeights([probe], optimizer, 2);
      // 64 samples / 16 = 4 steps per epoch; the rate used at step s is 0.05 * 0.5^(s/4).
      assert.equal(optimizer.iterations, 8);
      seen.forEach((lr, step) => assert.ok(close(lr, 0.05 * 0.5 ** (step / 4)), `step ${step}: ${lr}`));
      // And it is the rate the update used: a scheduled run equals a run whose rate a callback sets per batch.
      const scheduled = await fitWeights([], withSchedule(tf.train.adam(), new ExponentialDecay(0.05, 4, 0.5)), 2);
      const manual = tf.train.adam(0.05);
      let step = 0;
      const setter = new tf.CustomCallback({
        onBatchBegin: async () => void setLearningRate(manual, 0.05 * 0.5 ** (step++ / 4)),
      });
      const byHand = await fitWeights([setter], manual, 2);
      assert.deepEqual(scheduled, byHand);
    } finally {
      useFastOps(true);
    }
  });
}

test("ReduceLROnPlateau and LearningRateScheduler refuse an optimizer that follows a schedule", async () => {
  const model = tinyModel(0.1, withSchedule(tf.train.adam(), new ExponentialDecay(0.1, 10, 0.9)));
  await assert.rejects(
    run([new ReduceLROnPlateau({ patience: 0 })], losses(0.5, 0.6), model),
    /follows a learning-rate schedule/,
  );
  await assert.rejects(run([new LearningRateScheduler((_, lr) => lr)], losses(0.5), model), /not settable/);
});

test("LearningRateScheduler sets schedule(epoch, lr) at each epoch's start and logs it; a non-number is an error", async () => {
  const { result, logs } = await captureConsole(() =>
    run([new LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr / 2), { verbose: 1 })], losses(1, 1, 1, 1)),
  );
  assert.deepEqual(result.rates, [0.1, 0.1, 0.05, 0.025]);
  assert.deepEqual(
    result.logged.map((l) => l.learning_rate),
    [0.1, 0.1, 0.05, 0.025],
  );
  assert.equal(logs[2], "\nEpoch 3: LearningRateScheduler setting learning rate to 0.05.");
  await assert.rejects(
    run([new LearningRateScheduler(() => NaN)], losses(1)),
    /output of the schedule function should be a finite number\. Got: NaN at epoch 0/,
  );
});
