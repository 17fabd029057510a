/**
 * KerasGRU computes Keras's GRU with reset_after=True (checked here against a
 * float64 reference written from Keras 3's GRUCell.call, and in
 * io/keras-fixtures against a real tf.keras file), and tfjs differentiates it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { KerasGRU } from "../../src/layers/gru";
import { setRandomSeed } from "../../src/seed";

/** Deterministic pseudo-random numbers in [-0.5, 0.5). */
function numbers(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Keras's GRU step by step in float64: x [b][t][f], W [f][3u], U [u][3u], bias [2][3u]. */
function reference(x: number[][][], W: number[][], U: number[][], bias: number[][], u: number): number[][][] {
  return x.map((seq) => {
    let h = new Array<number>(u).fill(0);
    return seq.map((xt) => {
      const mx = Array.from({ length: 3 * u }, (_, j) => bias[0][j] + xt.reduce((a, v, k) => a + v * W[k][j], 0));
      const mh = Array.from({ length: 3 * u }, (_, j) => bias[1][j] + h.reduce((a, v, k) => a + v * U[k][j], 0));
      h = h.map((hp, j) => {
        const z = sigmoid(mx[j] + mh[j]);
        const r = sigmoid(mx[u + j] + mh[u + j]);
        const hh = Math.tanh(mx[2 * u + j] + r * mh[2 * u + j]);
        return z * hp + (1 - z) * hh;
      });
      return h;
    });
  });
}

function chunk<T>(a: T[], size: number): T[][] {
  return Array.from({ length: a.length / size }, (_, i) => a.slice(i * size, (i + 1) * size));
}

test("KerasGRU matches Keras's reset_after=True equations, last state and whole sequence", () => {
  const [b, t, f, u] = [2, 5, 3, 4];
  const x = chunk(chunk(numbers(b * t * f, 1), f), t);
  const W = chunk(numbers(f * 3 * u, 2), 3 * u);
  const U = chunk(numbers(u * 3 * u, 3), 3 * u);
  const bias = chunk(numbers(2 * 3 * u, 4), 3 * u);
  const expected = reference(x, W, U, bias, u);
  for (const returnSequences of [false, true]) {
    const layer = new KerasGRU({ units: u, returnSequences });
    const out = tf.tidy(() => {
      layer.apply(tf.zeros([1, t, f]));
      layer.setWeights([tf.tensor(W), tf.tensor(U), tf.tensor(bias)]);
      return (layer.apply(tf.tensor(x)) as tf.Tensor).arraySync();
    });
    const want = returnSequences ? expected : expected.map((seq) => seq[t - 1]);
    const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
    const diff = Math.max(...flat(out).map((v, i) => Math.abs(v - flat(want)[i])));
    assert.ok(diff < 1e-6, `returnSequences ${returnSequences}: max diff ${diff}`);
    assert.deepEqual(layer.computeOutputShape([null, t, f]), returnSequences ? [null, t, u] : [null, u]);
  }
});

test("KerasGRU trains: every weight gets a gradient and fit lowers the loss", async () => {
  // Seeded: from an unlucky random start 15 epochs moved the loss by only 9% (a flaky threshold).
  setRandomSeed(3);
  const model = tf.sequential();
  model.add(new KerasGRU({ units: 4, inputShape: [6, 3] }));
  model.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy" });
  const x = tf.tensor3d(chunk(chunk(numbers(16 * 6 * 3, 7), 3), 6));
  const y = tf.tensor2d(
    chunk(
      numbers(16, 8).map((v) => (v > 0 ? 1 : 0)),
      1,
    ),
  );
  const gru = model.layers[0];
  const { grads } = tf.variableGrads(() =>
    tf.losses.sigmoidCrossEntropy(y, (model.apply(x) as tf.Tensor).clipByValue(1e-6, 1 - 1e-6)),
  );
  for (const w of gru.trainableWeights) {
    const g = grads[w.name] ?? grads[w.originalName];
    assert.ok(g, `a gradient for ${w.name}`);
    assert.ok(g.abs().sum().dataSync()[0] > 0, `${w.name}'s gradient is not zero`);
  }
  const history = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
  setRandomSeed(undefined);
  const loss = history.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0] * 0.9, `loss ${loss[0]} → ${loss[loss.length - 1]}`);
});

test("KerasGRU drops units only in training, and predicts the same with dropout off", () => {
  const layer = new KerasGRU({ units: 8, dropout: 0.5, recurrentDropout: 0.5 });
  const x = tf.tensor3d(chunk(chunk(numbers(2 * 4 * 5, 9), 5), 4));
  const infer1 = (layer.apply(x) as tf.Tensor).arraySync();
  const infer2 = (layer.apply(x, { training: false }) as tf.Tensor).arraySync();
  assert.deepEqual(infer1, infer2);
  const trained = (layer.apply(x, { training: true }) as tf.Tensor).arraySync();
  assert.notDeepEqual(trained, infer1);
});

test("KerasGRU survives tfjs's own model format (registered class, settings rebuilt)", async () => {
  const model = tf.sequential();
  model.add(
    new KerasGRU({
      units: 3,
      inputShape: [4, 2],
      returnSequences: true,
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
    }),
  );
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(
      async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }),
    ),
  );
  const again = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.equal(again.layers[0].getClassName(), KerasGRU.className);
  const x = tf.tensor3d([chunk(numbers(4 * 2, 11), 2)]);
  assert.deepEqual((again.predict(x) as tf.Tensor).arraySync(), (model.predict(x) as tf.Tensor).arraySync());
  // Every setting, the seeded initializer among them, comes back as it was saved.
  // (tfjs writes an unset seed as undefined, and reads it back as null: the same setting.)
  const settings = (l: tf.layers.Layer): string => JSON.stringify(l.getConfig(), (_k, v) => v ?? undefined);
  assert.equal(settings(again.layers[0]), settings(model.layers[0]));
  assert.equal((again.layers[0].getConfig().kernelInitializer as { config: { seed: number } }).config.seed, 1);
});
