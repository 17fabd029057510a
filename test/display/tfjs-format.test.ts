import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { mimeBundleOf, tensorText, modelSummaryHTML } from "../../src/display";

test("a small tensor prints its dtype, shape and every value, aligned like NumPy", () => {
  const t = tf.tensor2d([
    [1, 2.5, -3],
    [4, 5, 6],
  ]);
  assert.equal(
    String(mimeBundleOf(t)?.["text/plain"]),
    "tf.Tensor float32 [2, 3]\n[[ 1.0,  2.5, -3.0],\n [ 4.0,  5.0,  6.0]]",
  );
  t.dispose();
});

test("whole floats print with a trailing dot, ints without, scalars bare", () => {
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.tensor1d([1, 2, 3], "int32");
  const s = tf.scalar(0.12345678);
  assert.equal(tensorText(a), "tf.Tensor float32 [3]\n[1., 2., 3.]");
  assert.equal(tensorText(b), "tf.Tensor int32 [3]\n[1, 2, 3]");
  assert.equal(tensorText(s), "tf.Tensor float32 []\n0.1235");
  tf.dispose([a, b, s]);
});

test("a tensor over 1000 values is summarised with ... on every long axis, reading only the edges", () => {
  const t = tf.range(0, 40 * 30).reshape([40, 30]);
  const text = tensorText(t as unknown as Parameters<typeof tensorText>[0]);
  const lines = text.split("\n");
  assert.equal(lines[0], "tf.Tensor float32 [40, 30]");
  assert.equal(lines[1], "[[   0.,    1.,    2., ...,   27.,   28.,   29.],");
  assert.equal(lines[4], " ...,");
  assert.equal(lines[7], " [1170., 1171., 1172., ..., 1197., 1198., 1199.]]");
  assert.equal(lines.length, 8);
  t.dispose();
});

test("a 3-D tensor separates its blocks with a blank line, as NumPy", () => {
  const t = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], "int32");
  assert.equal(tensorText(t), "tf.Tensor int32 [2, 2, 2]\n[[[1, 2],\n  [3, 4]],\n\n [[5, 6],\n  [7, 8]]]");
  t.dispose();
});

test("a disposed tensor says so instead of failing", () => {
  const t = tf.tensor1d([1, 2]);
  t.dispose();
  assert.equal(String(mimeBundleOf(t)?.["text/plain"]), "tf.Tensor float32 [2] (disposed)");
});

test("NaN and infinities print as nan and inf", () => {
  const t = tf.tensor1d([NaN, Infinity, -Infinity, 0.5]);
  assert.equal(tensorText(t), "tf.Tensor float32 [4]\n[ nan,  inf, -inf,  0.5]");
  t.dispose();
});

function lessonModel() {
  const model = tf.sequential({ name: "lesson" });
  model.add(tf.layers.flatten({ inputShape: [28, 28], name: "flatten" }));
  model.add(tf.layers.dense({ units: 100, activation: "relu", name: "dense" }));
  model.add(tf.layers.dropout({ rate: 0.3, name: "dropout" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: "dense_1" }));
  return model;
}

test("a model's summary is an HTML table with Layer (type), Output Shape, Param # and totals, Dropout included", () => {
  const model = lessonModel();
  const html = String(mimeBundleOf(model)?.["text/html"]);
  assert.equal(html, modelSummaryHTML(model as unknown as Parameters<typeof modelSummaryHTML>[0]));
  assert.match(html, /<th[^>]*>Layer \(type\)<\/th><th[^>]*>Output Shape<\/th><th[^>]*>Param #<\/th>/);
  const rows = [...html.matchAll(/<tr><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)].map(
    (m) => m.slice(1),
  );
  assert.deepEqual(rows, [
    ["flatten (Flatten)", "(None, 784)", "0"],
    ["dense (Dense)", "(None, 100)", "78,500"],
    ["dropout (Dropout)", "(None, 100)", "0"],
    ["dense_1 (Dense)", "(None, 10)", "1,010"],
  ]);
  assert.match(html, /Total params<\/td><td[^>]*>79,510</);
  assert.match(html, /Trainable params<\/td><td[^>]*>79,510</);
  assert.match(html, /Non-trainable params<\/td><td[^>]*>0</);
  model.dispose();
});

test("a model's text/plain is laid out as Keras's summary", () => {
  const model = lessonModel();
  const text = String(mimeBundleOf(model)?.["text/plain"]);
  assert.equal(
    text,
    [
      'Model: "lesson"',
      "_".repeat(65),
      " Layer (type)                 Output Shape              Param #",
      "=".repeat(65),
      " flatten (Flatten)            (None, 784)               0",
      "",
      " dense (Dense)                (None, 100)               78500",
      "",
      " dropout (Dropout)            (None, 100)               0",
      "",
      " dense_1 (Dense)              (None, 10)                1010",
      "=".repeat(65),
      "Total params: 79,510",
      "Trainable params: 79,510",
      "Non-trainable params: 0",
      "_".repeat(65),
    ].join("\n"),
  );
  model.dispose();
});
