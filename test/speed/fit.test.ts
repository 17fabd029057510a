import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { DEBIAN_FASHION_MNIST_DIR, loadFashionMnist } from "../../src/data";
import { tutorialModel } from "../../bench/model";
import { assertClose, fitSeeded, useWasm } from "./compare";

before(async () => {
  await useWasm();
});

const dataPresent = fs.existsSync(path.join(DEBIAN_FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));

const shortFit = (fast: boolean, x: tf.Tensor, y: tf.Tensor, xVal: tf.Tensor, yVal: tf.Tensor) =>
  fitSeeded(fast, 7, tutorialModel, x, y, { epochs: 2, batchSize: 32, validationData: [xVal, yVal], verbose: 0 });

test("two epochs of the lesson's model on 3000 Fashion-MNIST images train the same with fast ops as with stock", async (t) => {
  if (!dataPresent) {
    t.skip(`Fashion-MNIST not found in ${DEBIAN_FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)`);
    return;
  }
  const [[images, labels]] = await loadFashionMnist({ download: false });
  const x = tf.tidy(() => images.slice(0, 3000).toFloat().div(255));
  const y = tf.tidy(() => labels.slice(0, 3000).toFloat());
  const xVal = tf.tidy(() => images.slice(3000, 1000).toFloat().div(255));
  const yVal = tf.tidy(() => labels.slice(3000, 1000).toFloat());
  tf.dispose([images, labels]);

  const stock = await shortFit(false, x, y, xVal, yVal);
  const fast = await shortFit(true, x, y, xVal, yVal);
  for (const key of ["loss", "acc", "val_loss", "val_acc"]) {
    assertClose(Float32Array.from(fast.history[key]), Float32Array.from(stock.history[key]), 1e-3, key);
  }
  stock.weights.forEach((w, i) => assertClose(fast.weights[i], w, 1e-3, `weight ${i}`));
  // And it learned: Fashion-MNIST's 10 classes at chance would be about 0.1.
  assert.ok(fast.history.val_acc[1] > 0.7, `validation accuracy ${fast.history.val_acc[1]}`);
  tf.dispose([x, y, xVal, yVal]);
});
