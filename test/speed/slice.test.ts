import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { random, readAll, stockAndFast, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

const CASES: { shape: number[]; begin: number[]; size: number[]; contiguous: boolean }[] = [
  { shape: [48000], begin: [32], size: [32], contiguous: true }, // a batch of fit's index array
  { shape: [100, 28, 28], begin: [7, 0, 0], size: [33, -1, -1], contiguous: true },
  { shape: [13, 7], begin: [12, 0], size: [1, 7], contiguous: true },
  { shape: [5, 1, 3], begin: [1, 0, 1], size: [1, 1, 2], contiguous: true }, // a run inside one row
  { shape: [13, 7], begin: [2, 3], size: [4, 2], contiguous: false },
  { shape: [9, 4], begin: [3, 0], size: [0, 4], contiguous: true },
];

for (const { shape, begin, size, contiguous } of CASES) {
  test(`slice of [${shape}] from [${begin}] size [${size}] (${contiguous ? "contiguous: one copy" : "strided: stock"}) equals stock, float32 and int32, gradient too`, () => {
    assert.equal(
      tf.slice_util.isSliceContinous(
        shape,
        begin,
        size.map((s, i) => (s < 0 ? shape[i] - begin[i] : s)),
      ),
      contiguous,
    );
    const { stock, fast } = stockAndFast(() => {
      const x = random(shape, shape.length + shape[0]);
      const ints = tf.range(0, x.size, 1, "int32").reshape(shape);
      const grad = tf.grad((t: tf.Tensor) => tf.slice(t, begin, size).mul(3).sum())(x);
      return [tf.slice(x, begin, size), tf.slice(ints, begin, size).toFloat(), grad];
    }, readAll);
    assert.deepEqual(fast, stock);
  });
}

test("slice of a bool tensor equals stock", () => {
  const { stock, fast } = stockAndFast(
    () => [tf.slice(tf.tensor1d([1, 0, 1, 1, 0, 0, 1]).greater(0.5), [2], [4]).toFloat()],
    readAll,
  );
  assert.deepEqual(fast, stock);
  assert.deepEqual([...fast[0]], [1, 1, 0, 0]);
});
