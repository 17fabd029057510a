import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { mimeBundleOf, tensorText } from "../../src/display";

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

test("an array of tensors shows one line each: shape, dtype and the first values", () => {
  const x = tf.range(0, 2000 * 3).reshape([2000, 3]);
  const y = tf.tensor1d([9, 0, 0, 3], "int32");
  const text = String(mimeBundleOf([x, y])?.["text/plain"]);
  const lines = text.split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[0], "Array of 2 tensors:");
  assert.match(lines[1], /^\[0\] tf\.Tensor float32 \[2000, 3\] {2}\[\[ {3}0\., {4}1\., {4}2\.\], /);
  assert.ok(lines[1].endsWith(" ..."), lines[1]);
  assert.ok(lines[1].length < 120, `one short line, got ${lines[1].length} characters`);
  assert.equal(lines[2], "[1] tf.Tensor int32 [4]  [9, 0, 0, 3]");
  tf.dispose([x, y]);
});

test("an optimizer shows one line with its settings under Keras's names", () => {
  const cases: Array<[import("@tensorflow/tfjs").Optimizer, string]> = [
    [tf.train.sgd(0.1), "<SGD learning_rate=0.1, iterations=0>"],
    [tf.train.momentum(0.01, 0.9, true), "<SGD learning_rate=0.01, momentum=0.9, nesterov=True, iterations=0>"],
    [
      tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
      "<RMSprop learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False, iterations=0>",
    ],
    [
      tf.train.adam(0.001, 0.9, 0.999, 1e-7),
      "<Adam learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, iterations=0>",
    ],
    [tf.train.adagrad(0.001), "<Adagrad learning_rate=0.001, initial_accumulator_value=0.1, iterations=0>"],
  ];
  for (const [optimizer, text] of cases) assert.deepEqual(mimeBundleOf(optimizer), { "text/plain": text });
});

test("an optimizer's line counts the steps it has taken", () => {
  const v = tf.variable(tf.scalar(3));
  const sgd = tf.train.sgd(0.5);
  sgd.minimize(() => v.square() as import("@tensorflow/tfjs").Scalar);
  sgd.minimize(() => v.square() as import("@tensorflow/tfjs").Scalar);
  assert.equal(mimeBundleOf(sgd)?.["text/plain"], "<SGD learning_rate=0.5, iterations=2>");
  v.dispose();
});
