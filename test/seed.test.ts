import assert from "node:assert/strict";
import { test } from "node:test";
import { init, tf } from "../src/backend";
import { setRandomSeed } from "../src/seed";
import { modelFn } from "./helpers";

async function firstFitWeights(seed: number): Promise<number[]> {
  setRandomSeed(seed);
  const model = modelFn(tf.layers.dropout({ rate: 0.3 }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  const x = tf.tidy(() => tf.linspace(0, 1, 64 * 784).reshape([64, 28, 28]));
  const y = tf.tidy(() => tf.range(0, 64).mod(10).cast("float32"));
  await model.fit(x, y, { epochs: 2, batchSize: 16, shuffle: true, verbose: 0 });
  return Array.from(model.getWeights()[0].dataSync().slice(0, 50));
}

test("setRandomSeed makes initialisation, dropout and shuffling repeatable; another seed differs", async () => {
  await init({ verbose: false });
  const a = await firstFitWeights(42);
  const b = await firstFitWeights(42);
  const c = await firstFitWeights(43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  setRandomSeed(undefined);
});

test("bad input: a seed that is not a 32-bit unsigned integer", () => {
  assert.throws(() => setRandomSeed(-1), /seed must be an integer from 0 to 2\*\*32-1, got -1/);
  assert.throws(() => setRandomSeed(1.5), /got 1.5/);
});
