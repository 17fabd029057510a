import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { fastOpsInstalled, useFastOps } from "../../src/speed";
import { instantiateAsOps, MATRIX, MATRIX_SKIP } from "../../src/speed/as-ops";
import { assertClose, random, readAll, stockAndFast, useWasm } from "./compare";

const RTOL = 1e-5;

before(async () => {
  await useWasm();
  useFastOps(true);
});

test("installing replaces the matrix, gather, identity, binary, conv and pooling kernels on wasm and adds the Adam and plan-step ops", () => {
  assert.deepEqual(fastOpsInstalled(), [
    "wasm/Add",
    "wasm/BatchMatMul",
    "wasm/Conv2D",
    "wasm/Conv2DBackpropFilter",
    "wasm/Conv2DBackpropInput",
    "wasm/FusedConv2D",
    "wasm/GatherV2",
    "wasm/Identity",
    "wasm/MaxPoolGrad",
    "wasm/Multiply",
    "wasm/RealDiv",
    "wasm/Slice",
    "wasm/Sub",
    "wasm/Sum",
    "wasm/TslabDlAdam",
    "wasm/TslabDlPlanStep",
    "wasm/_FusedMatMul",
  ]);
  useFastOps(false);
  assert.deepEqual(fastOpsInstalled(), []);
  assert.equal(tf.getKernel("TslabDlAdam", "wasm"), undefined);
  useFastOps(true);
  assert.equal(fastOpsInstalled().length, 17);
});

// Sizes around the tile edges (4 rows, 8/4/1 columns) and the tutorial model's own.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 33],
  [7, 33, 1],
  [33, 100, 7],
  [32, 784, 100],
  [100, 32, 10],
  [5, 785, 13],
  [785, 32, 100],
  [4, 9, 8],
  [3, 1, 12],
];

for (const [m, k, n] of SHAPES) {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    test(`matMul ${m}x${k}·${k}x${n} (transposeA ${ta}, transposeB ${tb}): outputs and gradients match stock`, () => {
      const seed = m * 1000 + k * 10 + n;
      const { stock, fast } = stockAndFast(() => {
        const a = random(ta ? [k, m] : [m, k], seed);
        const b = random(tb ? [n, k] : [k, n], seed + 1);
        const w = random([m, n], seed + 2); // a random cotangent, so gradients are not all alike
        const y = tf.matMul(a, b, ta, tb);
        const grads = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.matMul(x, z, ta, tb).mul(w).sum())([a, b]);
        return [y, ...grads];
      }, readAll);
      assertClose(fast[0], stock[0], RTOL, "output");
      assertClose(fast[1], stock[1], RTOL, "gradient of a");
      assertClose(fast[2], stock[2], RTOL, "gradient of b");
    });
  }
}

test("batched matMul, with one side broadcast, matches stock", () => {
  const { stock, fast } = stockAndFast(
    () => [
      tf.matMul(random([3, 7, 33], 1), random([3, 33, 5], 2)),
      tf.matMul(random([2, 3, 7, 9], 3), random([1, 9, 6], 4), false, false),
      tf.matMul(random([1, 5, 6], 5), random([4, 10, 6], 6), false, true),
      tf.matMul(random([2, 6, 5], 7), random([6, 3], 8), true, false),
    ],
    readAll,
  );
  stock.forEach((s, i) => assertClose(fast[i], s, RTOL, `case ${i}`));
});

test("fused matMul with a rank-2 bias raises the stock kernel's error", () => {
  const a = random([5, 7], 1) as tf.Tensor2D;
  const b = random([7, 9], 2) as tf.Tensor2D;
  assert.throws(() => tf.fused.matMul({ a, b, bias: random([1, 9], 3) }), /rank-1 bias/);
});

test("matMul with an inner size of 0 gives zeros (as the cpu backend; stock wasm leaves memory unset), and mismatched sizes raise tfjs's error", () => {
  const { fast } = stockAndFast(() => tf.matMul(tf.ones([3, 0]), tf.ones([0, 5])), readAll);
  assert.deepEqual([...fast[0]], new Array(15).fill(0));
  assert.throws(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5])), /inner shapes/i);
});

for (const activation of ["linear", "relu", "elu"] as const) {
  for (const [m, k, n] of [
    [32, 784, 100],
    [7, 33, 1],
    [33, 100, 10],
    [1, 785, 7],
  ] as const) {
    test(`fused matMul ${m}x${k}·${k}x${n} + bias, ${activation}: outputs and gradients match stock`, () => {
      const seed = 7 * m + k + n;
      const { stock, fast } = stockAndFast(() => {
        const a = random([m, k], seed);
        const b = random([k, n], seed + 1);
        const bias = random([n], seed + 2);
        const w = random([m, n], seed + 3);
        const f = (x: tf.Tensor, z: tf.Tensor, c: tf.Tensor): tf.Tensor =>
          tf.fused
            .matMul({ a: x as tf.Tensor2D, b: z as tf.Tensor2D, bias: c, activation })
            .mul(w)
            .sum();
        const y = tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation });
        return [y, ...tf.grads(f)([a, b, bias])];
      }, readAll);
      ["output", "gradient of a", "gradient of b", "gradient of bias"].forEach((what, i) =>
        assertClose(fast[i], stock[i], RTOL, what),
      );
    });
  }
}

test("fused matMul without bias and with transposes matches stock", () => {
  const { stock, fast } = stockAndFast(
    () => [
      tf.fused.matMul({
        a: random([33, 7], 1) as tf.Tensor2D,
        b: random([9, 33], 2) as tf.Tensor2D,
        transposeA: true,
        transposeB: true,
        activation: "relu",
      }),
      tf.fused.matMul({ a: random([5, 7], 3) as tf.Tensor2D, b: random([7, 9], 4) as tf.Tensor2D }),
      tf.fused.matMul({
        a: random([5, 7], 5) as tf.Tensor2D,
        b: random([7, 9], 6) as tf.Tensor2D,
        bias: random([9], 7),
        transposeB: false,
      }),
    ],
    readAll,
  );
  stock.forEach((s, i) => assertClose(fast[i], s, RTOL, `case ${i}`));
});

test("the zero-skipping product gives exactly the plain product's numbers, for bands that are all zeros, partly zero, NaN or odd-sized", () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const k = instantiateAsOps(memory);
  const heap = new Float32Array(memory.buffer);
  // C[M,N] = Aᵀ·B with A stored [K, M] as the weight gradient reads it: M = 27 (6 bands of 4 and 3 single rows), K = 9, N = 13.
  const [m, n, kk] = [27, 13, 9];
  const [A, B, C1, C2, S] = [0, 1, 2, 3, 4].map((i) => i * 4096 * 4);
  let seed = 3;
  const next = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let t = 0; t < kk; t++) {
    for (let i = 0; i < m; i++) {
      // Rows 0–3 all zero; rows 4–11 zero in most k; -0 in row 12; a NaN in row 20; the rest dense.
      let v = next();
      if (i < 4 || (i < 12 && t % 3 !== 0)) v = 0;
      if (i === 12 && t % 2 === 0) v = -0;
      if (i === 20 && t === 5) v = NaN;
      heap[A / 4 + t * m + i] = v;
    }
  }
  for (let t = 0; t < kk * n; t++) heap[B / 4 + t] = next();
  k.gemm(m, n, kk, MATRIX, A, 4, 4 * m, B, 4 * n, C1, 4 * n, 0, S, 0, 0);
  k.gemm(m, n, kk, MATRIX_SKIP, A, 4, 4 * m, B, 4 * n, C2, 4 * n, 0, S, 0, 0);
  const plain = heap.slice(C1 / 4, C1 / 4 + m * n);
  const skipped = heap.slice(C2 / 4, C2 / 4 + m * n);
  assert.deepEqual(
    Array.from(skipped).map((v) => (v === 0 ? 0 : v)),
    Array.from(plain).map((v) => (v === 0 ? 0 : v)),
  );
  assert.ok(plain.slice(20 * n, 21 * n).every(Number.isNaN), "a NaN in A still reaches its row");
  assert.ok(
    plain.slice(0, 4 * n).every((v) => v === 0),
    "all-zero rows give zeros",
  );
});

test("the relu-gradient and row-copy ops: tfjs's relu gradient (NaN for NaN, 0 at or below 0) and rows copied in order, odd sizes included", () => {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const k = instantiateAsOps(memory);
  const heap = new Float32Array(memory.buffer);
  const ints = new Int32Array(memory.buffer);
  const y = [1, -1, 0, -0, NaN, 2e-40, -3, 5, Infinity, -Infinity, 0.5];
  const dy = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, Infinity];
  heap.set(y, 0);
  heap.set(dy, 64);
  k.reluGrad(y.length, 0, 4 * 64);
  const expected = y.map((v, i) => (v > 0 ? dy[i] : Number.isNaN(v) ? NaN : 0));
  assert.deepEqual(Array.from(heap.slice(64, 64 + y.length)), expected);
  // Rows 3, 0, 3 and 1 of a 5 × 7 matrix (28 bytes a row: one vector and three floats).
  const src = 1000;
  for (let i = 0; i < 35; i++) heap[src + i] = i + 0.25;
  ints.set([3, 0, 3, 1], 2000);
  k.copyRows(4, 28, 4 * src, 4 * 2000, 4 * 3000);
  const rows = [3, 0, 3, 1].flatMap((r) => Array.from({ length: 7 }, (_, c) => r * 7 + c + 0.25));
  assert.deepEqual(Array.from(heap.slice(3000, 3000 + 28)), rows);
});

test("the sigmoid ops: the forward pass equals 1 / (1 + Math.exp(−x)) rounded to float32 and the gradient dy·(y·(1 − y)) in float32, specials and odd sizes included", () => {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const k = instantiateAsOps(memory);
  const heap = new Float32Array(memory.buffer);
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30, 88.7, -88.7, 103.9, -103.9, 750, -750, 3.4e38];
  const x = new Float32Array([...specials, ...Array.from(randomFloats(4099, 11), (v) => 24 * v)]);
  const n = x.length;
  heap.set(x, 0);
  k.sigmoid(n, 0, 4 * 8192);
  const y = heap.slice(8192, 8192 + n);
  const expected = Float32Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
  let differing = 0;
  for (let i = 0; i < n; i++) {
    if (Object.is(y[i], expected[i])) continue;
    differing++;
    // The table-free exp is within about 1e-13 of Math.exp: a float32 result may round the other way, by one ulp.
    assert.ok(
      Math.abs(y[i] - expected[i]) <= 1.2e-7 * Math.abs(expected[i]),
      `sigmoid(${x[i]}) = ${y[i]}, expected ${expected[i]}`,
    );
  }
  assert.ok(differing <= 2, `${differing} of ${n} sigmoids differ from Math.exp's by an ulp`);
  const dy = randomFloats(n, 12);
  heap.set(dy, 16384);
  k.sigmoidGrad(n, 4 * 8192, 4 * 16384, 4 * 24576);
  const f = Math.fround;
  const grad = Float32Array.from(y, (v, i) => dy[i] * f(v * f(1 - v)));
  assert.deepEqual(heap.slice(24576, 24576 + n), grad);
  // In place (dx = dy), as the activation unit calls it.
  k.sigmoidGrad(n, 4 * 8192, 4 * 16384, 4 * 16384);
  assert.deepEqual(heap.slice(16384, 16384 + n), grad);
});

function randomFloats(n: number, seed: number): Float32Array {
  const t = random([n], seed);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}
