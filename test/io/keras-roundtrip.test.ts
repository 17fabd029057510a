/**
 * Models saved here as .h5 (whole and weights), .weights.h5 and .keras reload
 * here with identical predictions, settings and compile state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import {
  loadModelH5,
  loadModelKeras,
  loadWeightsH5,
  loadWeightsKeras3,
  saveModelH5,
  saveModelKeras,
  saveWeightsH5,
  saveWeightsKeras3,
} from "../../src/io/keras";
import { readZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { lessonMlp, predict } from "./keras-helpers";

const dir = tempDir("tslab-dl-keras-rt-");

/** Give every weight distinct random values (BatchNormalization's variance kept positive). */
function randomize(model: tf.LayersModel, seed: number): void {
  const values = model.layers.flatMap((l) =>
    l.weights.map((w, i) => {
      const t = tf.randomUniform(w.shape as number[], -0.5, 0.5, "float32", seed + i);
      return w.originalName.endsWith("moving_variance") ? t.abs().add(0.5) : t;
    }),
  );
  model.layers.forEach((l) => {
    const n = l.weights.length;
    l.setWeights(values.splice(0, n));
  });
}

function cnn(): tf.Sequential {
  const m = tf.sequential({ name: "cnn" });
  m.add(tf.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784], name: "to_image" }));
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", name: "conv" }));
  m.add(tf.layers.batchNormalization({ name: "bn", momentum: 0.9, epsilon: 1e-3 }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: "pool" }));
  m.add(tf.layers.conv2d({ filters: 2, kernelSize: [3, 3], strides: 2, activation: "linear", name: "conv2" }));
  m.add(tf.layers.activation({ activation: "tanh", name: "act" }));
  m.add(tf.layers.flatten({ name: "flat" }));
  m.add(tf.layers.dropout({ rate: 0.25, name: "drop" }));
  m.add(
    tf.layers.dense({
      units: 10,
      activation: "softmax",
      kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
      name: "out",
    }),
  );
  return m;
}

function functional(): tf.LayersModel {
  const input = tf.input({ shape: [6], name: "features" });
  const h = tf.layers.dense({ units: 5, activation: "relu", name: "hidden" }).apply(input) as tf.SymbolicTensor;
  const n = tf.layers.batchNormalization({ name: "norm" }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "sigmoid", name: "scores" }).apply(n) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "scorer" });
}

function sameWeights(a: tf.LayersModel, b: tf.LayersModel): void {
  const wa = a.getWeights();
  const wb = b.getWeights();
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => {
    assert.deepEqual(w.shape, wb[i].shape);
    assert.deepEqual(
      Array.from(w.dataSync()),
      Array.from(wb[i].dataSync()),
      `weight ${i} (${a.weights[i].originalName}) bit for bit`,
    );
  });
}

const mlpInput = tf.randomUniform([4, 28, 28], 0, 1, "float32", 7);

test("the lesson's model round-trips through .h5 (whole model) with identical predictions and compile settings", async () => {
  const model = lessonMlp();
  randomize(model, 1);
  model.compile({ optimizer: tf.train.adam(0.002), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const file = path.join(dir, "model-whole.h5");
  await saveModelH5(model, file);
  const loaded = await loadModelH5(file);
  assert.deepEqual(predict(loaded, mlpInput), predict(model, mlpInput));
  sameWeights(model, loaded);
  assert.deepEqual(
    loaded.layers.map((l) => l.name),
    model.layers.map((l) => l.name),
  );
  assert.equal(loaded.optimizer.getClassName(), "Adam");
  assert.equal((loaded.optimizer.getConfig() as { learningRate: number }).learningRate, 0.002);
  assert.equal(loaded.loss, "sparseCategoricalCrossentropy");
  // no temporary file is left beside the saved one
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.includes("tmp")),
    [],
  );
});

test("the lesson's model round-trips through .h5 weights, .weights.h5 and .keras", async () => {
  const model = lessonMlp(["flat", "hidden", "drop", "out"], "lesson");
  randomize(model, 2);
  model.compile({ optimizer: "rmsprop", loss: "categoricalCrossentropy", metrics: ["acc"] });
  const expected = predict(model, mlpInput);

  await saveWeightsH5(model, path.join(dir, "model-weights.h5"));
  const fromH5 = lessonMlp(["a", "b", "c", "d"]);
  await loadWeightsH5(fromH5, path.join(dir, "model-weights.h5"));
  assert.deepEqual(predict(fromH5, mlpInput), expected);

  await saveWeightsKeras3(model, path.join(dir, "model.weights.h5"));
  const fromK3 = lessonMlp(["e", "f", "g", "h"]);
  await loadWeightsKeras3(fromK3, path.join(dir, "model.weights.h5"));
  assert.deepEqual(predict(fromK3, mlpInput), expected);

  await saveModelKeras(model, path.join(dir, "model.keras"));
  const entries = readZip(fs.readFileSync(path.join(dir, "model.keras")));
  assert.deepEqual([...entries.keys()], ["metadata.json", "config.json", "model.weights.h5"]);
  const config = JSON.parse(entries.get("config.json")!.toString());
  assert.equal(config.class_name, "Sequential");
  assert.equal(config.module, "keras");
  assert.deepEqual(config.compile_config.metrics, ["accuracy"]);
  assert.equal(config.compile_config.loss, "categorical_crossentropy");
  assert.equal(config.compile_config.optimizer.class_name, "RMSprop");
  const fromKeras = await loadModelKeras(path.join(dir, "model.keras"));
  assert.deepEqual(predict(fromKeras, mlpInput), expected);
  assert.equal(fromKeras.optimizer.getClassName(), "RMSProp");
});

test("a CNN with Reshape, Conv2D, BatchNormalization, MaxPooling2D, Activation, Dropout and an L2 regularizer round-trips", async () => {
  const model = cnn();
  randomize(model, 3);
  const x = tf.randomUniform([3, 784], 0, 1, "float32", 11);
  const expected = predict(model, x);
  for (const [name, save, load] of [
    ["cnn.h5", saveModelH5, loadModelH5],
    ["cnn.keras", saveModelKeras, loadModelKeras],
  ] as const) {
    const file = path.join(dir, name);
    await save(model, file);
    const loaded = await load(file);
    assert.deepEqual(predict(loaded, x), expected, `${name}: predictions`);
    sameWeights(model, loaded);
    assert.deepEqual(
      loaded.layers.map((l) => l.getClassName()),
      model.layers.map((l) => l.getClassName()),
    );
    const conv = loaded.getLayer("conv").getConfig() as { padding: string; activation: string; kernelSize: number[] };
    assert.equal(conv.padding, "same");
    assert.equal(conv.activation, "relu");
    const conv2 = loaded.getLayer("conv2").getConfig() as { strides: number[] };
    assert.deepEqual(conv2.strides, [2, 2]);
    const bn = loaded.getLayer("bn").getConfig() as { momentum: number; epsilon: number };
    assert.equal(bn.momentum, 0.9);
    const out = loaded.getLayer("out").getConfig() as { kernelRegularizer: { config: { l2: number } } };
    assert.ok(Math.abs(out.kernelRegularizer.config.l2 - 0.01) < 1e-9, `${name}: L2 factor kept`);
    assert.equal((loaded.getLayer("drop").getConfig() as { rate: number }).rate, 0.25);
  }
  for (const [name, save, load] of [
    ["cnn-weights.h5", saveWeightsH5, loadWeightsH5],
    ["cnn.weights.h5", saveWeightsKeras3, loadWeightsKeras3],
  ] as const) {
    const file = path.join(dir, name);
    await save(model, file);
    const fresh = cnn();
    await load(fresh, file);
    assert.deepEqual(predict(fresh, x), expected, `${name}: predictions`);
  }
});

test("a functional model round-trips through .h5 and .keras", async () => {
  const model = functional();
  randomize(model, 4);
  const x = tf.randomUniform([5, 6], -1, 1, "float32", 13);
  const expected = predict(model, x);
  for (const [name, save, load] of [
    ["functional.h5", saveModelH5, loadModelH5],
    ["functional.keras", saveModelKeras, loadModelKeras],
  ] as const) {
    const file = path.join(dir, name);
    await save(model, file);
    const loaded = await load(file);
    assert.deepEqual(predict(loaded, x), expected, `${name}: predictions`);
    assert.deepEqual(
      loaded.layers.map((l) => l.name),
      ["features", "hidden", "norm", "scores"],
    );
    assert.deepEqual(loaded.inputs[0].shape, [null, 6]);
  }
  const file = path.join(dir, "functional.weights.h5");
  await saveWeightsKeras3(model, file);
  const fresh = functional();
  await loadWeightsKeras3(fresh, file);
  assert.deepEqual(predict(fresh, x), expected);
});

test("saving over an existing file replaces it whole (written to a temporary name, then renamed)", async () => {
  const file = path.join(dir, "overwrite.h5");
  fs.writeFileSync(file, "old contents");
  const model = lessonMlp();
  await saveModelH5(model, file);
  const loaded = await loadModelH5(file);
  assert.deepEqual(predict(loaded, mlpInput), predict(model, mlpInput));
});
