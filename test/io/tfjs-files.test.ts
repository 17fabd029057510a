import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { formatOf, loadModel, loadWeights, ModelFileError, saveModel, saveWeights } from "../../src/io";
import { modelFn, tempDir } from "../helpers";

const input = tf.randomUniform([3, 28, 28], 0, 1, "float32", 5);

function predict(model: tf.LayersModel): Float32Array {
  return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
}

function compiled(): tf.Sequential {
  const model = modelFn(tf.layers.dropout({ rate: 0.3 }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

test("the format follows the path: one switch for every save and load", () => {
  assert.equal(formatOf("best-model.h5"), "keras-h5");
  assert.equal(formatOf("x.HDF5"), "keras-h5");
  assert.equal(formatOf("model.weights.h5"), "keras-weights-h5");
  assert.equal(formatOf("model.keras"), "keras");
  assert.equal(formatOf("file://out/my-model"), "tfjs");
  assert.equal(formatOf("out/model.json"), "tfjs");
});

test("saveModel/loadModel round trip in a folder gives identical predictions and keeps the compile config", async () => {
  const dir = tempDir();
  const model = compiled();
  await saveModel(model, path.join(dir, "whole"));
  const files = fs.readdirSync(path.join(dir, "whole")).sort();
  assert.equal(files.length, 2);
  assert.equal(files[0], "model.json");
  assert.match(files[1], /^weights-[0-9a-f]{12}\.bin$/);
  const loaded = await loadModel(path.join(dir, "whole"));
  assert.deepEqual(predict(loaded), predict(model));
  assert.deepEqual(
    loaded.layers.map((l) => l.getClassName()),
    ["Flatten", "Dense", "Dropout", "Dense"],
  );
  const json = JSON.parse(fs.readFileSync(path.join(dir, "whole", "model.json"), "utf8"));
  assert.equal(json.trainingConfig.loss, "sparse_categorical_crossentropy");
  assert.ok(loaded.optimizer, "the reloaded model is compiled, as after Keras's load_model");
});

test("saving again replaces the weights file and leaves no stale or temporary files", async () => {
  const dir = tempDir();
  const target = path.join(dir, "m");
  await saveModel(compiled(), target);
  await saveModel(compiled(), target);
  assert.equal(fs.readdirSync(target).length, 2);
});

test("a .json path keeps the model file and its weights side by side", async () => {
  const dir = tempDir();
  const model = compiled();
  await saveModel(model, path.join(dir, "net.json"));
  assert.ok(fs.readdirSync(dir).some((f) => /^net\.weights-[0-9a-f]{12}\.bin$/.test(f)));
  assert.deepEqual(predict(await loadModel(path.join(dir, "net.json"))), predict(model));
});

test("saveWeights/loadWeights restore weights into a freshly built model", async () => {
  const dir = tempDir();
  const model = compiled();
  await saveWeights(model, path.join(dir, "w"));
  const fresh = compiled();
  assert.notDeepEqual(predict(fresh), predict(model));
  await loadWeights(fresh, path.join(dir, "w"));
  assert.deepEqual(predict(fresh), predict(model));
});

test("model.save('file://…') and tf.loadLayersModel('file://…/model.json') work without tfjs-node", async () => {
  const dir = tempDir();
  const model = compiled();
  await model.save(`file://${path.join(dir, "m")}`);
  const loaded = await tf.loadLayersModel(`file://${path.join(dir, "m", "model.json")}`);
  assert.deepEqual(predict(loaded), predict(model));
});

test("bad input: a missing model says what was expected", async () => {
  const dir = tempDir();
  await assert.rejects(
    loadModel(path.join(dir, "nothing")),
    (e: Error) =>
      e instanceof ModelFileError &&
      /nothing\/model.json: not found; expected a TensorFlow.js model.json/.test(e.message),
  );
});

test("bad input: a truncated model.json is reported as invalid JSON", async () => {
  const dir = tempDir();
  await saveModel(compiled(), path.join(dir, "m"));
  const json = path.join(dir, "m", "model.json");
  fs.writeFileSync(json, fs.readFileSync(json, "utf8").slice(0, 100));
  await assert.rejects(loadModel(path.join(dir, "m")), /model.json: is not valid JSON .*is the file truncated\?/);
  fs.writeFileSync(json, JSON.stringify({ hello: 1 }));
  await assert.rejects(loadModel(path.join(dir, "m")), /has no "modelTopology" object/);
});

test("bad input: a truncated or missing weights file, and the model's weights stay untouched", async () => {
  const dir = tempDir();
  await saveWeights(compiled(), path.join(dir, "w"));
  const bin = fs.readdirSync(path.join(dir, "w")).find((f) => f.endsWith(".bin")) as string;
  const binPath = path.join(dir, "w", bin);
  fs.writeFileSync(binPath, fs.readFileSync(binPath).subarray(0, 1000));
  const target = compiled();
  const before = predict(target);
  await assert.rejects(
    loadWeights(target, path.join(dir, "w")),
    (e: Error) =>
      e instanceof ModelFileError &&
      /weights data has 1000 bytes, but the manifest in model.json describes 318040; the file is truncated/.test(
        e.message,
      ),
  );
  assert.deepEqual(predict(target), before);
  fs.rmSync(binPath);
  await assert.rejects(loadWeights(target, path.join(dir, "w")), /weights file named in model.json is missing/);
  assert.deepEqual(predict(target), before);
});

test("bad input: weights of another architecture are refused, naming the mismatch, weights untouched", async () => {
  const dir = tempDir();
  const other = tf.sequential();
  other.add(tf.layers.flatten({ inputShape: [28, 28] }));
  other.add(tf.layers.dense({ units: 50, activation: "relu" }));
  other.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  await saveWeights(other, path.join(dir, "other"));
  const target = compiled();
  const before = predict(target);
  await assert.rejects(
    loadWeights(target, path.join(dir, "other")),
    /weight 0 \(.*kernel\) has shape \[784,50\], but the model's .*kernel has shape \[784,100\]/,
  );
  assert.deepEqual(predict(target), before);
  const small = tf.sequential();
  small.add(tf.layers.dense({ units: 1, inputShape: [4] }));
  await saveWeights(small, path.join(dir, "small"));
  await assert.rejects(
    loadWeights(target, path.join(dir, "small")),
    /holds 2 weight arrays, but the model has 4 .*build the same architecture/,
  );
  assert.deepEqual(predict(target), before);
});

test("bad input: the wrong call for a file kind says which call to use", async () => {
  const model = compiled();
  await assert.rejects(saveModel(model, "x.weights.h5"), /holds weights only: use saveWeights/);
  await assert.rejects(loadModel("x.weights.h5"), /build the model, then loadWeights/);
  await assert.rejects(saveWeights(model, "x.keras"), /holds a whole model: use saveModel/);
});

test("a loaded model's predict returns one tensor (typed, no cast); a model with two outputs refuses it and answers predictAll", async () => {
  const dir = tempDir();
  const one = await loadModel(await saved(compiled(), path.join(dir, "one")));
  const y: tf.Tensor = one.predict(input);
  assert.deepEqual(y.shape, [3, 10]);
  assert.equal(one.predictAll(input).length, 1);

  const x = tf.input({ shape: [4] });
  const two = tf.model({
    inputs: x,
    outputs: [tf.layers.dense({ units: 2 }).apply(x), tf.layers.dense({ units: 3 }).apply(x)] as tf.SymbolicTensor[],
  });
  const loaded = await loadModel(await saved(two, path.join(dir, "two")));
  assert.throws(() => loaded.predict(tf.ones([1, 4])), /has 2 outputs .*Use predictAll\(x\)/);
  assert.deepEqual(
    loaded.predictAll(tf.ones([1, 4])).map((t) => t.shape),
    [
      [1, 2],
      [1, 3],
    ],
  );
});

async function saved(model: tf.LayersModel, where: string): Promise<string> {
  await saveModel(model, where);
  return where;
}
