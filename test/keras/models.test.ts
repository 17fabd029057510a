/**
 * keras.Sequential and keras.Model: predict typed tf.Tensor without a cast (this file compiles
 * only if it is), a functional model over a layer's output as in the book's 8-3, the fast path
 * taking a keras-built dense model, and a keras-built model saved and reloaded in tfjs's format.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { explainFastPath, keras, loadModel, saveModel } from "../../src";
import { tempDir } from "../helpers";

function conv(): ReturnType<typeof keras.Sequential> {
  return keras.Sequential([
    keras.layers.Conv2D(4, { kernelSize: 3, activation: "relu", padding: "same", inputShape: [6, 6, 1] }),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(3, { activation: "softmax" }),
  ]);
}

test("a Sequential's predict and a functional model's over layers[0].output are tf.Tensor, no cast", () => {
  const model = conv();
  const x = tf.randomUniform([2, 6, 6, 1]);
  // Compile-time assertions: these lines type-check only if predict returns tf.Tensor.
  const p: tf.Tensor = model.predict(x);
  const acti = keras.Model(model.inputs, model.layers[0].output);
  const maps: tf.Tensor = acti.predict(x);
  assert.deepEqual(p.shape, [2, 3]);
  assert.deepEqual(maps.shape, [2, 6, 6, 4]);
  const byObject: tf.Tensor = keras.Model({ inputs: model.inputs, outputs: model.layers[1].output }).predict(x);
  assert.deepEqual(byObject.shape, [2, 3, 3, 4]);
});

test("a functional model with two outputs refuses predict, naming predictAll, which returns both", () => {
  const inputs = keras.Input({ shape: [4] });
  const a = keras.layers.Dense(2).apply(inputs) as tf.SymbolicTensor;
  const b = keras.layers.Dense(3).apply(inputs) as tf.SymbolicTensor;
  const model = keras.Model(inputs, [a, b]);
  const x = tf.ones([5, 4]);
  assert.throws(() => model.predict(x), /has 2 outputs .*Use predictAll\(x\)/);
  assert.deepEqual(
    model.predictAll(x).map((t) => t.shape),
    [
      [5, 2],
      [5, 3],
    ],
  );
});

test("the fast path plans a keras-built dense model compiled with adam", async () => {
  await init({ verbose: false });
  const model = keras.Sequential([
    keras.layers.Flatten({ inputShape: [28, 28] }),
    keras.layers.Dense(100, { activation: "relu" }),
    keras.layers.Dropout(0.3),
    keras.layers.Dense(10, { activation: "softmax" }),
  ]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  assert.match(
    explainFastPath(model),
    /^fast path: 4 layers planned \(Flatten, Dense relu, Dropout 0.3, Dense softmax\), adam, sparse CE, accuracy$/,
  );
});

test("a keras-built model saved in tfjs's format reloads with its names, classes and weights", async () => {
  keras.backend.clearSession();
  const model = conv();
  model.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const file = path.join(tempDir(), "model");
  await saveModel(model, file);
  const loaded = await loadModel(file);
  assert.deepEqual(
    loaded.layers.map((l) => [l.name, l.getClassName()]),
    [
      ["conv2d", "Conv2D"],
      ["max_pooling2d", "MaxPooling2D"],
      ["flatten", "Flatten"],
      ["dense", "Dense"],
    ],
  );
  const x = tf.randomUniform([2, 6, 6, 1]);
  const diff = tf
    .sub(model.predict(x), loaded.predict(x) as tf.Tensor)
    .abs()
    .max()
    .dataSync()[0];
  assert.equal(diff, 0);
});
