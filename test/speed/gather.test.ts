import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { random, readAll, stockAndFast, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

for (const shape of [[1], [7], [33, 1], [100, 28, 28], [785, 3], [5, 0]]) {
  // No gradient to compare: tfjs's wasm backend has no UnsortedSegmentSum, which gather's gradient needs.
  test(`gather along axis 0 of a [${shape}] tensor equals stock`, () => {
    const rows = shape[0];
    const picks = [0, rows - 1, Math.floor(rows / 2), 0, rows - 1, Math.floor(rows / 3)];
    const { stock, fast } = stockAndFast(() => {
      const x = random(shape, rows);
      const indices = tf.tensor1d(picks, "int32");
      return [tf.gather(x, indices)];
    }, readAll);
    assert.deepEqual(fast, stock);
  });
}

test("gather of int32 rows with 2-D indices equals stock", () => {
  const { stock, fast } = stockAndFast(
    () => [
      tf
        .gather(
          tf.range(0, 60, 1, "int32").reshape([20, 3]),
          tf.tensor2d(
            [
              [3, 19],
              [0, 7],
              [7, 7],
            ],
            [3, 2],
            "int32",
          ),
        )
        .toFloat(),
    ],
    readAll,
  );
  assert.deepEqual(fast, stock);
  assert.deepEqual([...fast[0].slice(0, 6)], [9, 10, 11, 57, 58, 59]);
});

test("gather along other axes and with batch dims still runs (stock) and matches", () => {
  const { stock, fast } = stockAndFast(
    () => [
      tf.gather(random([4, 5, 6], 1), tf.tensor1d([4, 0, 2], "int32"), 1),
      tf.gather(
        random([3, 5], 2),
        tf.tensor2d(
          [
            [1, 0],
            [4, 4],
            [2, 3],
          ],
          [3, 2],
          "int32",
        ),
        1,
        1,
      ),
    ],
    readAll,
  );
  assert.deepEqual(fast, stock);
});

test("gather with an index out of range raises the stock kernel's error", () => {
  const x = random([5, 2], 1);
  assert.throws(() => tf.gather(x, tf.tensor1d([1, 5], "int32")), /GatherV2: the index value 5 is not in \[0, 4\]/);
  assert.throws(() => tf.gather(x, tf.tensor1d([-1], "int32")), /GatherV2: the index value -1 is not in \[0, 4\]/);
});
