import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { cnnModel } from "../../bench/cnn-model";
import { explainFastPath, useFastOps } from "../../src";
import { useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

test("explainFastPath names the planned layers, the optimizer and the loss of a model on the fast path", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 100, activation: "relu" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  assert.equal(
    explainFastPath(model),
    "fast path: 4 layers planned (Flatten, Dense relu, Dropout 0.3, Dense softmax), adam, sparse CE, accuracy",
  );
  model.dispose();
});

test("explainFastPath reports the 8-2 CNN as planned, each of its layers a unit", () => {
  const model = cnnModel();
  assert.equal(
    explainFastPath(model),
    "fast path: 8 layers planned (Conv2D 3×3 relu, MaxPooling2D 2×2, Conv2D 3×3 relu, MaxPooling2D 2×2, Flatten, " +
      "Dense relu, Dropout 0.4, Dense softmax), adam, sparse CE, accuracy",
  );
  model.dispose();
});

test("explainFastPath names the layer that sends a model to stock tfjs, and says which ops still apply", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, inputShape: [8, 8, 1], name: "conv2d_1" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
  assert.equal(
    explainFastPath(model),
    "stock tfjs: layer 'conv2d_1' (Conv2D) has dilation rate 2×2 (the fast path convolves undilated only); " +
      "tslab-dl's ops (matrix products, Adam, conv) still apply on wasm",
  );
  model.dispose();
});

test("explainFastPath names the recurrent layers that run each sequence as one op", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6, name: "embedding" }),
      tf.layers.lstm({ units: 3, returnSequences: true, name: "lstm" }),
      tf.layers.gru({ units: 3, name: "gru" }),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  model.compile({ optimizer: "rmsprop", loss: "binaryCrossentropy" });
  assert.equal(
    explainFastPath(model),
    "stock tfjs: layer 'lstm' (LSTM) has no fast unit yet; tslab-dl's ops (matrix products, Adam, conv) still apply on wasm, and 'lstm' (LSTM), 'gru' (GRU) run each sequence as one op each way",
  );
  model.dispose();
});

test("explainFastPath says when the optimizer keeps tfjs's own update, and when the backend is not wasm", async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: "sigmoid", inputShape: [3] })] });
  model.compile({ optimizer: tf.train.adamax(0.01), loss: "binaryCrossentropy" });
  assert.equal(
    explainFastPath(model),
    "fast path: 1 layer planned (Dense sigmoid), Adamax (tfjs's own update), binary CE",
  );
  await tf.setBackend("cpu");
  try {
    assert.match(
      explainFastPath(model),
      /^fast path \(on the wasm backend; the current backend is 'cpu', which runs stock tfjs\)/,
    );
  } finally {
    await tf.setBackend("wasm");
  }
  model.dispose();
});
