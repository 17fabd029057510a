import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { cnnModel } from "../../bench/cnn-model";
import { loadFashionMnist } from "../../src/data";
import { setRandomSeed } from "../../src/seed";
import { planStepCount } from "../../src/speed/train-function";
import { assertClose, fitSeeded, type FitResult, useWasm } from "./compare";
import { hasFashionMnist } from "../helpers";
import { values } from "./conv-grad";

/** A small conv net touching every conv and pool kernel: both paddings, strides 1 and 2, max and average pooling. */
function smallConvNet(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", padding: "same", inputShape: [9, 7, 2] }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 6, kernelSize: [2, 3], strides: 2, padding: "valid", useBias: false }));
  model.add(tf.layers.averagePooling2d({ poolSize: [1, 2], padding: "same" }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 8, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** Two seeded epochs of {@link smallConvNet} on 40 fixed samples (batch 16: a short last batch). */
async function seededFit(backend: "cpu" | "wasm", fast: boolean): Promise<FitResult> {
  if (backend === "wasm") await useWasm();
  else await tf.setBackend("cpu");
  const x = tf.tensor4d(values(40 * 9 * 7 * 2, 21), [40, 9, 7, 2]);
  const y = tf.tensor1d(Array.from(values(40, 22), (v) => Math.floor((v + 1) * 1.5)));
  try {
    return await fitSeeded(fast, 11, smallConvNet, x, y, {
      epochs: 3,
      batchSize: 16,
      validationSplit: 0.2,
      verbose: 0,
    });
  } finally {
    tf.dispose([x, y]);
    await useWasm();
  }
}

/**
 * Losses, metrics and weights within `rtol` of the tensor's scale: float32 rounding (another
 * summation order, fused multiply-add or not) that Adam's steps carry along.
 */
function assertSameFit(actual: FitResult, expected: FitResult, what: string, rtol = 1e-4, weightAbs = 0): void {
  for (const key of ["loss", "acc", "val_loss", "val_acc"]) {
    assertClose(
      Float32Array.from(actual.history[key]),
      Float32Array.from(expected.history[key]),
      rtol,
      `${what}: ${key}`,
    );
  }
  assert.equal(actual.weights.length, expected.weights.length);
  expected.weights.forEach((w, i) => {
    if (weightAbs === 0) assertClose(actual.weights[i], w, rtol, `${what}: weight ${i}`);
    else {
      let worst = 0;
      w.forEach((v, j) => (worst = Math.max(worst, Math.abs(actual.weights[i][j] - v))));
      assert.ok(worst <= weightAbs, `${what}: weight ${i} differs by ${worst} > ${weightAbs}`);
    }
  });
}

test("a seeded fit of a small conv net on wasm (fast ops) equals the cpu backend's: losses, metrics, weights", async () => {
  const cpu = await seededFit("cpu", true);
  const wasm = await seededFit("wasm", true);
  assertSameFit(wasm, cpu, "wasm vs cpu");
  // The fit moved the weights: a comparison of two untrained models would prove nothing.
  const untrained = await (async () => {
    setRandomSeed(11);
    const m = smallConvNet();
    const w = m.getWeights().map((t) => Float32Array.from(t.dataSync()));
    m.dispose();
    setRandomSeed(undefined);
    return w;
  })();
  assert.ok(
    untrained[0].some((v, i) => Math.abs(v - wasm.weights[0][i]) > 1e-4),
    "first conv's kernel unchanged",
  );
});

test("a seeded fit of a small conv net gives the same losses, metrics and weights with the fast ops as without", async () => {
  const stock = await seededFit("wasm", false);
  const fast = await seededFit("wasm", true);
  assertSameFit(fast, stock, "fast vs stock");
});

for (const optimizer of ["sgd", "adam"]) {
  test(`a seeded fit of the next chapter's CNN (${optimizer}) on 256 Fashion-MNIST images gives the same losses, metrics and weights with the fast ops as with stock`, async (t) => {
    if (!hasFashionMnist) {
      t.skip("Debian's dataset-fashion-mnist is not installed");
      return;
    }
    await useWasm();
    const [[images, labels]] = await loadFashionMnist({ download: false });
    const x = tf.tidy(() => images.slice(0, 256).toFloat().div(255).reshape([256, 28, 28, 1]));
    const y = tf.tidy(() => labels.slice(0, 256).toFloat());
    tf.dispose([images, labels]);
    const run = (fast: boolean): Promise<FitResult> =>
      fitSeeded(fast, 5, () => cnnModel(optimizer), x, y, {
        epochs: 2,
        batchSize: 32,
        validationSplit: 0.25,
        verbose: 0,
      });
    const stock = await run(false);
    const fast = await run(true);
    if (optimizer === "sgd") assertSameFit(fast, stock, "CNN (sgd) fast vs stock", 1e-4);
    else {
      // Conv filter gradients sum 25 088 terms in another order (XNNPACK's vs ours); where a weight's
      // gradient nearly cancels, float32 rounding can flip the sign of Adam's normalised step (about
      // lr = 1e-3) for it. So with adam: losses and metrics to 1e-3 (as the lesson's model in
      // fit.test.ts), each weight within a few such steps; sgd above holds weights to 1e-4.
      assertSameFit(fast, stock, "CNN (adam) fast vs stock", 1e-3, 5e-3);
    }
    tf.dispose([x, y]);
  });
}

/**
 * The cpu backend trains the CNN at tens of seconds per step here, so this fit is short: 96
 * images, 64 to train on (two batches) and 32 to validate, two epochs. Adam (the lesson's);
 * with sgd the planned path is held to 1e-4 of stock tfjs on wasm above.
 */
test("a seeded fit of the 8-2 CNN on 96 Fashion-MNIST images takes the planned path on wasm and equals stock tfjs on the cpu backend: losses, accuracies per epoch, final weights", async (t) => {
  if (!hasFashionMnist) {
    t.skip("Debian's dataset-fashion-mnist is not installed");
    return;
  }
  const [[images, labels]] = await loadFashionMnist({ download: false });
  const run = async (backend: "cpu" | "wasm"): Promise<FitResult> => {
    if (backend === "wasm") await useWasm();
    else await tf.setBackend("cpu");
    const x = tf.tidy(() => images.slice(0, 96).toFloat().div(255).reshape([96, 28, 28, 1]));
    const y = tf.tidy(() => labels.slice(0, 96).toFloat());
    try {
      return await fitSeeded(true, 5, () => cnnModel(), x, y, {
        epochs: 2,
        batchSize: 32,
        validationSplit: 1 / 3,
        verbose: 0,
      });
    } finally {
      tf.dispose([x, y]);
      await useWasm();
    }
  };
  const before = planStepCount();
  const planned = await run("wasm");
  const after = planStepCount();
  // Every batch through the plan's step op: two training batches and one validation batch per epoch.
  assert.deepEqual(
    { train: after.train - before.train, evaluate: after.evaluate - before.evaluate },
    { train: 2 * 2, evaluate: 2 * 1 },
  );
  const cpu = await run("cpu");
  tf.dispose([images, labels]);
  // The tolerances of fast vs stock above: Adam's normalised steps carry the float32 rounding of
  // filter gradients summed in another order (the cpu backend's loops vs our blocked products).
  assertSameFit(planned, cpu, "CNN (adam) planned vs cpu", 1e-3, 5e-3);
  assert.ok(planned.history.loss[1] < planned.history.loss[0], "the loss fell");
});
