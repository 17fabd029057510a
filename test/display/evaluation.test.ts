import assert from "node:assert/strict";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { evaluate, Evaluation, mimeBundleOf } from "../../src/display";

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 3, inputShape: [2], activation: "softmax" }));
  m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

test("evaluate returns model.evaluate's numbers with the metric names, and leaks no tensor", async () => {
  await init({ verbose: false });
  const m = model();
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const y = tf.tensor1d([0, 1, 2]);
  const expected = (m.evaluate(x, y) as tf.Scalar[]).map((t) => t.dataSync()[0]);
  const before = tf.memory().numTensors;
  const result = evaluate(m, x, y);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(result instanceof Evaluation);
  assert.deepEqual([...result], expected);
  assert.deepEqual(result.names, ["loss", "acc"]);
  const [loss, accuracy] = result;
  assert.deepEqual(result.toObject(), { loss, acc: accuracy });
  assert.equal(Array.isArray(result.map((v) => v * 2)), true);
  const bundle = mimeBundleOf(result)!;
  assert.equal(bundle["text/plain"], `[${expected[0]}, ${expected[1]}]  (loss, acc)`);
  assert.match(String(bundle["text/html"]), /<th[^>]*>loss<\/th><th[^>]*>acc<\/th>/);
  assert.match(String(bundle["text/html"]), new RegExp(`>${Number(expected[0].toPrecision(4))}<`));
});

test("an array of scalar tensors (model.evaluate's result) displays as a list of numbers", () => {
  const bundle = mimeBundleOf([tf.scalar(0.25), tf.scalar(0.875)]);
  assert.deepEqual(bundle, { "text/plain": "[0.25, 0.875]" });
  assert.match(
    String(mimeBundleOf([tf.scalar(1), tf.tensor1d([1, 2])])?.["text/plain"]),
    /^Array of 2 tensors:\n/,
    "a longer tensor is not a scalar: the array shows as tensors",
  );
  assert.equal(mimeBundleOf([]), undefined);
});
