import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { DatasetError, splitSizes, trainTestSplit } from "../../src/data";
import { MT19937 } from "../../src/data/mt19937";

function numpyAvailable(): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import numpy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("permutation matches NumPy's RandomState(seed).permutation bit for bit", (t) => {
  // Recorded from NumPy (also re-checked live below when NumPy is present).
  assert.deepEqual(Array.from(new MT19937(42).permutation(10)), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  assert.deepEqual(Array.from(new MT19937(42).permutation(60000).slice(0, 5)), [12628, 37730, 39991, 8525, 8279]);
  if (!numpyAvailable()) return t.skip("NumPy (/usr/bin/python3) not installed: live comparison skipped");
  const py = execFileSync("/usr/bin/python3", [
    "-c",
    "import numpy as np, json; print(json.dumps([np.random.RandomState(s).permutation(n).tolist() for s, n in [(0, 1000), (7, 70001), (4294967295, 33)]]))",
  ]).toString();
  const expected = JSON.parse(py) as number[][];
  const cases: Array<[number, number]> = [
    [0, 1000],
    [7, 70001],
    [4294967295, 33],
  ];
  cases.forEach(([seed, n], i) => assert.deepEqual(Array.from(new MT19937(seed).permutation(n)), expected[i]));
});

test("sizes round like scikit-learn: ceil for a fractional test size", () => {
  assert.deepEqual(splitSizes(60000, 0.2), { nTrain: 48000, nTest: 12000 });
  assert.deepEqual(splitSizes(10), { nTrain: 7, nTest: 3 }); // default test_size 0.25 → ceil(2.5)
  assert.deepEqual(splitSizes(7, 0.33), { nTrain: 4, nTest: 3 }); // ceil(2.31)
  assert.deepEqual(splitSizes(10, 3), { nTrain: 7, nTest: 3 });
  assert.deepEqual(splitSizes(10, undefined, 0.55), { nTrain: 5, nTest: 5 }); // floor(5.5)
  assert.deepEqual(splitSizes(10, 0.2, 0.5), { nTrain: 5, nTest: 2 });
});

test("returns [xTrain, xTest, yTrain, yTest] with rows chosen as scikit-learn chooses them", () => {
  const x = tf.range(0, 10).reshape([10, 1]);
  const y = tf.range(100, 110);
  const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.25, randomState: 42 });
  // permutation(10) with seed 42 = [8 1 5 0 7 2 9 4 3 6]: test = first 3, train = the rest.
  assert.deepEqual(Array.from(xTest.dataSync()), [8, 1, 5]);
  assert.deepEqual(Array.from(xTrain.dataSync()), [0, 7, 2, 9, 4, 3, 6]);
  assert.deepEqual(Array.from(yTest.dataSync()), [108, 101, 105]);
  assert.deepEqual(Array.from(yTrain.dataSync()), [100, 107, 102, 109, 104, 103, 106]);
  assert.deepEqual(xTrain.shape, [7, 1]);
});

test("is deterministic for a given randomState and works on arrays", () => {
  const x = Array.from({ length: 50 }, (_, i) => `s${i}`);
  const y = Array.from({ length: 50 }, (_, i) => i);
  const a = trainTestSplit(x, y, { testSize: 0.2, randomState: 3 });
  const b = trainTestSplit(x, y, { testSize: 0.2, randomState: 3 });
  const c = trainTestSplit(x, y, { testSize: 0.2, randomState: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[1], c[1]);
  assert.equal(a[0].length, 40);
  assert.equal(a[1].length, 10);
  a[1].forEach((s, i) => assert.equal(s, `s${a[3][i]}`));
});

test("shuffle: false keeps order: train first, test last", () => {
  const [xTrain, xTest] = trainTestSplit([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], { testSize: 2, shuffle: false });
  assert.deepEqual(xTrain, [1, 2, 3]);
  assert.deepEqual(xTest, [4, 5]);
});

test("bad input: different sample counts and sizes out of range are clear errors", () => {
  assert.throws(
    () => trainTestSplit([1, 2, 3], [1, 2], {}),
    (e: Error) => e instanceof DatasetError && /same number of samples; found x: 3, y: 2/.test(e.message),
  );
  assert.throws(
    () => trainTestSplit([1, 2, 3], [1, 2, 3], { testSize: 1.5 }),
    /testSize=1.5 should be either positive/,
  );
  assert.throws(() => trainTestSplit([1, 2, 3], [1, 2, 3], { testSize: 3 }), /smaller than the number of samples 3/);
  assert.throws(() => splitSizes(10, 0.6, 0.6), /testSize \+ trainSize = 1.2/);
  assert.throws(() => splitSizes(2, 0.9), /train set would be empty/);
});
