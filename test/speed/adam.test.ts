import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { assertClose, random, useWasm } from "./compare";

type Gradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

before(async () => {
  await useWasm();
});

/** Run `steps` Adam updates on fresh variables and return the variables and the optimizer's weights. */
async function adamRun(fast: boolean, shapes: number[][], steps: number): Promise<Float32Array[]> {
  useFastOps(fast);
  const variables = shapes.map((s, i) => tf.variable(random(s, 10 + i), true, `adam_test_${fast}_${i}_${s.join("x")}`));
  const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
  for (let step = 0; step < steps; step++) {
    const grads: tf.NamedTensorMap = {};
    variables.forEach((v, i) => {
      grads[v.name] = random(v.shape, 100 * step + i);
    });
    optimizer.applyGradients(grads as unknown as Gradients);
    tf.dispose(Object.values(grads));
  }
  const weights = await optimizer.getWeights();
  const out = [
    ...variables.map((v) => Float32Array.from(v.dataSync())),
    ...weights.map((w) => Float32Array.from(w.tensor.dataSync())),
  ];
  optimizer.dispose();
  tf.dispose(variables);
  useFastOps(true);
  return out;
}

test("the one-pass Adam op gives the stock optimizer's variables and moments after 20 steps", async () => {
  const shapes = [[785, 100], [100], [7, 33], [1], [3]];
  const stock = await adamRun(false, shapes, 20);
  const fast = await adamRun(true, shapes, 20);
  assert.equal(fast.length, stock.length);
  assert.equal(stock.length, shapes.length * 3 + 1); // variables, iterations, m per variable, v per variable
  stock.forEach((s, i) => assertClose(fast[i], s, 1e-5, `tensor ${i}`));
  // The update really moved the weights.
  const start = random([785, 100], 10).dataSync();
  assert.ok(Math.abs(fast[0][0] - start[0]) > 1e-3);
});

test("Adam on the cpu backend (no fast op there) keeps tfjs's own update", async () => {
  await tf.setBackend("cpu");
  try {
    useFastOps(true);
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const optimizer = tf.train.adam(0.1);
    optimizer.applyGradients({ [v.name]: tf.tensor1d([1, -1, 0]) } as unknown as Gradients);
    assertClose(
      Float32Array.from(v.dataSync()),
      Float32Array.from([0.9, 2.1, 3]),
      1e-5,
      "first Adam step moves by lr·sign(g)",
    );
  } finally {
    await tf.setBackend("wasm");
  }
});

test("Adam moments that decay below the smallest normal float are stored as 0, and the weights match stock", async () => {
  // A weight whose gradient is 0 after the first step: its moments shrink by beta each step
  // and, on the stock optimizer, end up as subnormal numbers.
  const run = async (fast: boolean): Promise<Float32Array[]> => {
    useFastOps(fast);
    const v = tf.variable(tf.tensor1d([0.5, -0.5, 0.25, 1, 2]), true, `adam_ftz_${fast}`);
    const optimizer = tf.train.adam(0.001, 0.5, 0.5, 1e-7);
    type G = Parameters<tf.AdamOptimizer["applyGradients"]>[0];
    optimizer.applyGradients({ [v.name]: tf.tensor1d([1e-20, -1e-20, 3, 1e-19, 0]) } as unknown as G);
    for (let step = 0; step < 140; step++) {
      optimizer.applyGradients({ [v.name]: tf.tensor1d([0, 0, 0, 0, 0]) } as unknown as G);
    }
    const weights = await optimizer.getWeights();
    const out = [
      Float32Array.from(v.dataSync()),
      ...weights.slice(1).map((w) => Float32Array.from(w.tensor.dataSync())),
    ];
    optimizer.dispose();
    v.dispose();
    useFastOps(true);
    return out;
  };
  const stock = await run(false);
  const fast = await run(true);
  const subnormal = (x: number): boolean => x !== 0 && Math.abs(x) < 1.1754943508222875e-38;
  assert.ok([...stock[1], ...stock[2]].some(subnormal), "the stock optimizer keeps subnormal moments");
  assert.ok(![...fast[1], ...fast[2]].some(subnormal), "the fast op flushes them to 0");
  stock.forEach((s, i) => assertClose(fast[i], s, 1e-5, `tensor ${i}`));
});

/** Variables whose memory nothing else shares: the tensor they were made from is disposed. */
function loneVariables(tag: string, shapes: number[][]): tf.Variable[] {
  return shapes.map((s, i) => {
    const init = random(s, 40 + i);
    const v = tf.variable(init, true, `adam_${tag}_${i}`);
    init.dispose();
    return v;
  });
}

test("Adam updates variables in place when nothing shares their memory, with the stock optimizer's results", async () => {
  const shapes = [[784, 100], [100], [3, 5]];
  const results: Float32Array[][] = [];
  for (const fast of [false, true]) {
    useFastOps(fast);
    const variables = loneVariables(`inplace_${fast}`, shapes);
    const optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 5; step++) {
      // The first step creates the moments; later steps can update everything in place.
      const dataIds = variables.map((v) => v.dataId);
      const grads = Object.fromEntries(variables.map((v, i) => [v.name, random(v.shape, 200 + 10 * step + i)]));
      optimizer.applyGradients(grads as unknown as Gradients);
      tf.dispose(Object.values(grads));
      if (fast && step > 0) {
        variables.forEach((v, i) =>
          assert.equal(v.dataId, dataIds[i], `variable ${i} kept its memory at step ${step}`),
        );
      }
    }
    const weights = await optimizer.getWeights();
    results.push([...variables, ...weights.map((w) => w.tensor)].map((t) => Float32Array.from(t.dataSync())));
    optimizer.dispose();
    tf.dispose(variables);
  }
  useFastOps(true);
  const [stock, fast] = results;
  stock.forEach((s, i) => assertClose(fast[i], s, 1e-5, `tensor ${i}`));
});

test("Adam leaves a clone of a variable untouched: shared memory is never written in place", async () => {
  useFastOps(true);
  const [v] = loneVariables("clone", [[40, 7]]);
  const optimizer = tf.train.adam(0.1);
  const grad = (): Gradients => ({ [v.name]: tf.ones(v.shape) }) as unknown as Gradients;
  optimizer.applyGradients(grad()); // moments created
  const before = Float32Array.from(v.dataSync());
  const clone = v.clone(); // shares v's memory (tslab-dl's Identity counts a reference)
  optimizer.applyGradients(grad());
  assert.deepEqual(Float32Array.from(clone.dataSync()), before, "the clone keeps the values it was made with");
  const after = v.dataSync();
  assert.ok(
    after.every((x, i) => x < before[i]),
    "the variable itself moved against the gradient",
  );
  // Once the clone is gone the variable's memory is its own again, and updates go in place.
  clone.dispose();
  const id = v.dataId;
  optimizer.applyGradients(grad());
  assert.equal(v.dataId, id);
  optimizer.dispose();
  v.dispose();
});
