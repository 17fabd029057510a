import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { random, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

const OPTIMIZERS: [string, () => tf.Optimizer][] = [
  ["sgd", () => tf.train.sgd(0.05)],
  ["momentum", () => tf.train.momentum(0.05, 0.9)],
  ["nesterov momentum", () => tf.train.momentum(0.05, 0.8, true)],
  ["rmsprop", () => tf.train.rmsprop(0.01)],
  ["rmsprop with momentum", () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6)],
  ["adagrad", () => tf.train.adagrad(0.1)],
  ["adam", () => tf.train.adam(0.01)],
];

/** 20 steps of `make()` on two variables with fixed gradients; the variables and every slot afterwards, and whether memory stayed put. */
function run(fast: boolean, make: () => tf.Optimizer, tag: string) {
  useFastOps(fast);
  try {
    const shapes = [[5, 7], [13]];
    const variables = shapes.map((s, i) =>
      tf.tidy(() => tf.variable(random(s, 20 + i), true, `opt_${tag}_${fast}_${i}`)),
    );
    const ids = variables.map((v) => v.dataId);
    const optimizer = make();
    for (let step = 0; step < 20; step++) {
      tf.tidy(() =>
        optimizer.applyGradients(
          variables.map((v, i) => ({
            name: v.name,
            tensor: random(shapes[i], 100 * step + i).mul(step % 3 === 0 ? 5 : 0.2),
          })),
        ),
      );
    }
    const inPlace = variables.every((v, i) => v.dataId === ids[i]);
    const slots = optimizer.getWeights();
    return Promise.resolve(slots).then((weights) => {
      const values = [...variables, ...weights.map((w) => w.tensor)].map((t) => Array.from(t.dataSync()));
      variables.forEach((v) => v.dispose());
      optimizer.dispose();
      return { values, inPlace, names: weights.map((w) => w.name.replace(/_(true|false)_/, "_")) };
    });
  } finally {
    useFastOps(true);
  }
}

for (const [name, make] of OPTIMIZERS) {
  test(`${name} updates in place with exactly the stock optimizer's variables and slots after 20 steps`, async () => {
    const stock = await run(false, make, name.replace(/ /g, "_"));
    const fast = await run(true, make, name.replace(/ /g, "_"));
    assert.equal(stock.inPlace, false, "tfjs assigns new tensors");
    assert.equal(fast.inPlace, true, "the fast update writes over the variables' own memory");
    assert.deepEqual(fast.names, stock.names, "the same slots, under the same names");
    assert.deepEqual(fast.values, stock.values);
  });
}

test("an optimizer leaves a clone of a variable untouched and runs tfjs's update instead", () => {
  const v = tf.variable(tf.tensor1d([1, 2, 3]), true, "opt_clone_v");
  const snapshot = tf.clone(v); // shares v's memory
  const optimizer = tf.train.rmsprop(0.1);
  tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.ones([3]) }]));
  assert.deepEqual(Array.from(snapshot.dataSync()), [1, 2, 3]);
  assert.notDeepEqual(Array.from(v.dataSync()), [1, 2, 3]);
  tf.dispose([v, snapshot]);
  optimizer.dispose();
});
