/**
 * keras.* layers start from Keras's initial weights: Glorot-uniform kernels (flat within
 * ±sqrt(6 / (fan_in + fan_out))), zero biases, orthogonal recurrent kernels, embeddings
 * uniform in ±0.05; the caller's initializer wins. tfjs's own Dense draws a bell (Glorot normal).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { keras } from "../../src";

/** The fraction of `values` in each of 10 equal bins over [-bound, bound]. */
function histogram(values: Float32Array | number[], bound: number): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const v of values) bins[Math.min(9, Math.max(0, Math.floor(((v + bound) / (2 * bound)) * 10)))]++;
  return bins.map((b) => b / values.length);
}

function weightsOf(layer: tf.layers.Layer, inputShape: number[]): Float32Array[] {
  layer.apply(tf.input({ shape: inputShape }));
  return layer.getWeights().map((w) => w.dataSync() as Float32Array);
}

function assertFlat(values: Float32Array, bound: number, tolerance: number, what: string): void {
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(max <= bound, `${what}: every value within ±${bound.toFixed(4)} (found ${max.toFixed(4)})`);
  const bins = histogram(values, bound);
  assert.ok(
    bins.every((b) => Math.abs(b - 0.1) < tolerance),
    `${what}: each tenth of the range holds about a tenth of the values; found ${bins.map((b) => b.toFixed(3)).join(" ")}`,
  );
}

test("Dense's kernel is Glorot uniform (flat within the bound) and its bias zero; tfjs's own dense is bell-shaped", () => {
  const [kernel, bias] = weightsOf(keras.layers.Dense(200), [300]);
  const bound = Math.sqrt(6 / (300 + 200));
  assertFlat(kernel, bound, 0.01, "keras Dense kernel");
  assert.ok(
    bias.every((v) => v === 0),
    "zero bias",
  );

  const [tfjsKernel] = weightsOf(tf.layers.dense({ units: 200 }), [300]);
  const bins = histogram(tfjsKernel, bound);
  assert.ok(
    bins[4] > 0.13 && bins[0] < 0.07,
    `tfjs's dense (Glorot normal) is bell-shaped: ${bins.map((b) => b.toFixed(3)).join(" ")}`,
  );
});

test("Conv2D's kernel is Glorot uniform over its receptive field and its bias zero", () => {
  const [kernel, bias] = weightsOf(keras.layers.Conv2D(64, 3), [8, 8, 16]);
  assert.equal(kernel.length, 3 * 3 * 16 * 64);
  assertFlat(kernel, Math.sqrt(6 / (9 * 16 + 9 * 64)), 0.02, "keras Conv2D kernel");
  assert.ok(bias.every((v) => v === 0));
});

test("LSTM: Glorot-uniform input kernel, orthogonal recurrent kernel, forget-gate bias 1, sigmoid gates", () => {
  const layer = keras.layers.LSTM(32);
  const [kernel, recurrent, bias] = weightsOf(layer, [5, 50]);
  assertFlat(kernel, Math.sqrt(6 / (50 + 4 * 32)), 0.02, "LSTM input kernel");
  // recurrent is [32, 128]: orthogonal rows, so U·Uᵀ = I.
  const u = tf.tensor2d(recurrent, [32, 128]);
  const gram = tf.matMul(u, u, false, true).sub(tf.eye(32)).abs().max().dataSync()[0];
  assert.ok(gram < 1e-4, `recurrent kernel orthogonal: max |U·Uᵀ − I| = ${gram}`);
  const gates = [0, 1, 2, 3].map((g) => [...bias.slice(32 * g, 32 * (g + 1))]);
  assert.deepEqual(
    gates.map((g) => [...new Set(g)]),
    [[0], [1], [0], [0]],
    "bias zero except the forget gate's, 1 (Keras's unit_forget_bias)",
  );
  assert.equal((layer.getConfig() as { recurrentActivation: string }).recurrentActivation, "sigmoid");
});

test("SimpleRNN and GRU (both forms) start from Glorot-uniform input kernels and zero biases", () => {
  for (const layer of [keras.layers.SimpleRNN(64), keras.layers.GRU(32), keras.layers.GRU(32, { resetAfter: false })]) {
    const [kernel, , bias] = weightsOf(layer, [5, 100]);
    const outputs = kernel.length / 100;
    assertFlat(kernel, Math.sqrt(6 / (100 + outputs)), 0.02, `${layer.getClassName()} input kernel`);
    assert.ok(
      bias.every((v) => v === 0),
      `${layer.getClassName()} zero bias`,
    );
  }
  assert.equal(keras.layers.GRU(4).getClassName(), "KerasGRU");
  assert.equal(keras.layers.GRU(4, { resetAfter: false }).getClassName(), "GRU");
});

test("Embedding's vectors are uniform in ±0.05", () => {
  const [embeddings] = weightsOf(keras.layers.Embedding(1000, 16), [10]);
  assertFlat(embeddings, 0.05, 0.01, "embeddings");
});

test("an initializer the caller gives wins over Keras's", () => {
  const [kernel, bias] = weightsOf(
    keras.layers.Dense(3, { kernelInitializer: "ones", biasInitializer: tf.initializers.constant({ value: 2 }) }),
    [4],
  );
  assert.deepEqual([...kernel], new Array(12).fill(1));
  assert.deepEqual([...bias], [2, 2, 2]);
});
