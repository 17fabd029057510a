import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { assertClose, random, readAll, stockAndFast, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

const OPS = {
  add: (a: tf.Tensor, b: tf.Tensor) => tf.add(a, b),
  sub: (a: tf.Tensor, b: tf.Tensor) => tf.sub(a, b),
  mul: (a: tf.Tensor, b: tf.Tensor) => tf.mul(a, b),
  div: (a: tf.Tensor, b: tf.Tensor) => tf.div(a, b),
};

// Same shapes, scalars either side, trailing broadcasts, and broadcasts the fast path hands back to stock.
const PAIRS: [number[], number[]][] = [
  [[1], [1]],
  [[7], [7]],
  [
    [33, 100],
    [33, 100],
  ],
  [[785, 7], []],
  [[], [785, 7]],
  [[32, 10], [10]],
  [[10], [32, 10]],
  [
    [3, 33, 7],
    [1, 7],
  ],
  [
    [32, 1],
    [32, 10],
  ],
  [
    [2, 1, 5],
    [1, 3, 1],
  ],
  [[1], [7, 33]],
  [[0, 4], [4]],
];

for (const [name, op] of Object.entries(OPS)) {
  for (const [sa, sb] of PAIRS) {
    test(`${name} of [${sa}] and [${sb}] equals stock exactly, and so do its gradients`, () => {
      const seed = sa.length * 31 + sb.length;
      const { stock, fast } = stockAndFast(() => {
        const a = random(sa, seed);
        // Keep divisors away from 0 so the comparison is about the ops, not about infinities.
        const b = name === "div" ? tf.add(random(sb, seed + 1), 2) : random(sb, seed + 1);
        const y = op(a, b);
        const w = random(y.shape, seed + 2);
        return [y, ...tf.grads((x: tf.Tensor, z: tf.Tensor) => op(x, z).mul(w).sum())([a, b])];
      }, readAll);
      assert.deepEqual(fast[0], stock[0]);
      assertClose(fast[1], stock[1], 1e-5, "gradient of a");
      assertClose(fast[2], stock[2], 1e-5, "gradient of b");
    });
  }
}

test("int32 arithmetic still runs the stock kernels and gives integers", () => {
  const { stock, fast } = stockAndFast(
    () => [tf.add(tf.tensor1d([1, 2, 2147483647], "int32"), tf.tensor1d([1, 1, 1], "int32")).toFloat()],
    readAll,
  );
  assert.deepEqual(fast, stock);
});

test("identity shares memory safely: a variable's kept value survives assign and dispose", () => {
  const v = tf.variable(tf.tensor1d([1, 2, 3]));
  const kept = tf.clone(v); // Identity
  v.assign(tf.tensor1d([4, 5, 6]));
  assert.deepEqual([...kept.dataSync()], [1, 2, 3]);
  v.dispose();
  assert.deepEqual([...kept.dataSync()], [1, 2, 3]);
  const before = tf.memory().numTensors;
  kept.dispose();
  assert.equal(tf.memory().numTensors, before - 1);
});

test("identity of a string tensor is left to the stock kernel", () => {
  const s = tf.tensor1d(["a", "bc"], "string");
  assert.deepEqual(tf.clone(s).dataSync(), s.dataSync());
});

const SUMS: [number[], number | number[], boolean][] = [
  [[32, 100], 0, false],
  [[32, 10], 1, true],
  [[32, 10], -1, false],
  [[7], 0, false],
  [[1, 33], [0], true],
  [[3, 5, 7], [0, 1], false],
  [[3, 5, 7], [1, 2], true],
  [[785, 3], [0, 1], false],
  [[3, 5, 7], [0, 2], false], // not contiguous: stock
];

for (const [shape, axis, keepDims] of SUMS) {
  test(`sum of [${shape}] over axis ${JSON.stringify(axis)} (keepDims ${keepDims}) equals stock bit for bit, gradient too`, () => {
    const { stock, fast } = stockAndFast(() => {
      const x = random(shape, shape.length * 7 + shape[0]);
      const y = tf.sum(x, axis, keepDims);
      const w = random(y.shape, 5);
      return [
        y,
        tf.tensor1d(y.shape.length ? y.shape : [0]).toFloat(),
        ...tf.grads((t: tf.Tensor) => tf.sum(t, axis, keepDims).mul(w).sum())([x]),
      ];
    }, readAll);
    assert.deepEqual(fast, stock);
  });
}

test("sums over an empty axis are 0 (as on the cpu backend; stock wasm leaves the memory unset)", () => {
  const { stock, fast } = stockAndFast(() => [tf.sum(tf.zeros([4, 0]), 0), tf.sum(tf.zeros([0, 3]), 0)], readAll);
  assert.deepEqual(fast[0], stock[0]);
  assert.deepEqual([...fast[1]], [0, 0, 0]);
});
