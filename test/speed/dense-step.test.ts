import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { setRandomSeed } from "../../src/seed";
import { useFastKernels } from "../../src/speed";
import {
  DENSE_STEP_KERNEL,
  denseStepCount,
  planFor,
  type DenseStage,
  type DenseStepAttrs,
} from "../../src/speed/dense-step";
import { assertClose, random, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastKernels(true);
});

/**
 * The loss, accuracy and gradients the kernel returns, and the same computed with tfjs ops
 * under tf.variableGrads (the arithmetic tfjs-layers' Dense, Dropout,
 * sparseCategoricalCrossentropy and accuracy do), for one batch.
 */
function kernelAndReference(batch: number, features: number[], stages: DenseStage[], labels: number[], seed: number) {
  const x = random([batch, ...features], seed);
  const y = tf.tensor1d(labels, "float32");
  const inputs: Record<string, tf.Tensor> = { x, y };
  const weights: tf.Variable[] = [];
  const noise: tf.Tensor[] = [];
  const noiseSeeds: string[] = [];
  let width = features.reduce((a, b) => a * b, 1);
  let dense = 0;
  stages.forEach((stage, i) => {
    if (stage.kind === "dense") {
      const w = tf.variable(random([width, stage.units], seed + 10 * i + 1).mul(0.6));
      inputs[`w${dense}`] = w;
      weights.push(w);
      if (stage.bias) {
        const b = tf.variable(random([stage.units], seed + 10 * i + 2).mul(0.3));
        inputs[`b${dense}`] = b;
        weights.push(b);
      }
      dense += 1;
      width = stage.units;
    } else {
      // The kernel draws its noise from a seed, as tf.randomUniform does from the same seed.
      noise.push(tf.randomUniform([batch, width], 0, 1, "float32", seed + 10 * i + 3));
      noiseSeeds.push(String(seed + 10 * i + 3));
    }
  });
  const attrs: DenseStepAttrs = { stages, accuracy: true, noiseSeeds };
  const outs = tf
    .engine()
    .runKernel(
      DENSE_STEP_KERNEL,
      inputs as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  const kernel = outs.map((t) => Float32Array.from(t.dataSync()));

  const eps = 1e-7;
  let probs: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    let a: tf.Tensor = x.reshape([batch, -1]);
    let wi = 0;
    let ni = 0;
    for (const stage of stages) {
      if (stage.kind === "dense") {
        const w = weights[wi++];
        const b = stage.bias ? weights[wi++] : undefined;
        if (stage.activation === "softmax") {
          a = tf.softmax(b ? tf.add(tf.matMul(a, w), b) : tf.matMul(a, w));
        } else {
          a = tf.fused.matMul({ a, b: w, bias: b, activation: stage.activation });
        }
      } else {
        const keep = 1 - stage.rate;
        a = tf.mul(a, tf.div(tf.floor(tf.add(noise[ni++], keep)), keep));
      }
    }
    probs = tf.keep(a);
    const target = tf.oneHot(tf.cast(tf.floor(y), "int32"), a.shape[1] as number);
    let p = tf.clipByValue(a, eps, 1 - eps);
    p = tf.div(p, tf.sum(p, 1, true));
    p = tf.clipByValue(p, eps, 1 - eps);
    return tf.mean(tf.neg(tf.sum(tf.mul(tf.cast(target, "float32"), tf.log(p)), 1))) as tf.Scalar;
  }, weights);
  const accuracy = tf.mean(tf.cast(tf.equal(y, tf.cast(tf.argMax(probs as tf.Tensor, -1), "float32")), "float32"));
  const reference = [value, accuracy, ...weights.map((w) => grads[w.name])].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([x, y, value, accuracy, probs as tf.Tensor, ...weights, ...noise, ...outs, ...Object.values(grads)]);
  return { kernel, reference };
}

const SHAPES: { name: string; batch: number; features: number[]; stages: DenseStage[] }[] = [
  {
    name: "the lesson's model (784 → 100 relu → dropout 0.3 → 10 softmax), batch 32",
    batch: 32,
    features: [28, 28],
    stages: [
      { kind: "dense", units: 100, inputs: 784, activation: "relu", bias: true },
      { kind: "dropout", rate: 0.3 },
      { kind: "dense", units: 10, inputs: 100, activation: "softmax", bias: true },
    ],
  },
  {
    name: "odd sizes, two hidden layers, dropout on the input, one layer without bias, batch 7",
    batch: 7,
    features: [13],
    stages: [
      { kind: "dropout", rate: 0.5 },
      { kind: "dense", units: 5, inputs: 13, activation: "relu", bias: false },
      { kind: "dense", units: 9, inputs: 5, activation: "linear", bias: true },
      { kind: "dropout", rate: 0.2 },
      { kind: "dense", units: 3, inputs: 9, activation: "softmax", bias: true },
    ],
  },
  {
    name: "softmax regression only, batch 1",
    batch: 1,
    features: [3, 2],
    stages: [{ kind: "dense", units: 4, inputs: 6, activation: "softmax", bias: true }],
  },
];

for (const { name, batch, features, stages } of SHAPES) {
  test(`one-kernel train step: loss, accuracy and gradients match tfjs's ops (${name})`, () => {
    const classes = (stages[stages.length - 1] as { units: number }).units;
    // Labels include one out of range (tfjs's one-hot gives it a zero row: no loss, no gradient).
    const labels = Array.from({ length: batch }, (_, i) =>
      i === batch - 1 && batch > 2 ? classes + 1 : (i * 7) % classes,
    );
    const { kernel, reference } = kernelAndReference(batch, features, stages, labels, 17 + batch);
    assert.equal(kernel.length, reference.length);
    assertClose(kernel[0], reference[0], 1e-5, "loss");
    assert.deepEqual(Array.from(kernel[1]), Array.from(reference[1]), "accuracy");
    for (let i = 2; i < kernel.length; i++) assertClose(kernel[i], reference[i], 1e-5, `gradient ${i - 2}`);
  });
}

test("one-kernel train step: confident predictions hit the clip bounds and get tfjs's zero gradients there", () => {
  const stages: DenseStage[] = [{ kind: "dense", units: 3, inputs: 4, activation: "softmax", bias: true }];
  // Large weights saturate the softmax: probabilities of exactly 0 and 1 after float32 rounding.
  const x = tf.tensor2d([
    [30, -30, 20, 0],
    [-25, 40, 0, 10],
    [1, 2, 3, 4],
  ]);
  const w = tf.variable(
    tf.tensor2d([
      [1, -1, 0],
      [-1, 1, 0],
      [0.5, 0, -0.5],
      [0, 0.2, 0.1],
    ]),
  );
  const b = tf.variable(tf.zeros([3]));
  const y = tf.tensor1d([0, 2, 1]);
  const outs = tf
    .engine()
    .runKernel(
      DENSE_STEP_KERNEL,
      { x, y, w0: w, b0: b } as unknown as tf.NamedTensorMap,
      { stages, accuracy: false } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  assert.equal(outs.length, 3, "loss and two gradients (no accuracy asked for)");
  const { value, grads } = tf.variableGrads(() => {
    let p = tf.clipByValue(tf.softmax(tf.add(tf.matMul(x, w), b)), 1e-7, 1 - 1e-7);
    p = tf.clipByValue(tf.div(p, tf.sum(p, 1, true)), 1e-7, 1 - 1e-7);
    return tf.mean(tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(y, "int32"), 3).toFloat(), tf.log(p)), 1))) as tf.Scalar;
  }, [w, b]);
  assertClose(Float32Array.from(outs[0].dataSync()), Float32Array.from(value.dataSync()), 1e-5, "loss");
  assertClose(
    Float32Array.from(outs[1].dataSync()),
    Float32Array.from(grads[w.name].dataSync()),
    1e-5,
    "kernel gradient",
  );
  assertClose(
    Float32Array.from(outs[2].dataSync()),
    Float32Array.from(grads[b.name].dataSync()),
    1e-5,
    "bias gradient",
  );
  tf.dispose([x, w, b, y, value, ...outs, ...Object.values(grads)]);
});

function lessonLikeModel(
  layers: tf.layers.Layer[],
  loss = "sparseCategoricalCrossentropy",
  metrics: string[] = ["accuracy"],
): tf.Sequential {
  const model = tf.sequential({ layers });
  model.compile({ optimizer: "adam", loss, metrics });
  return model;
}

test("models the one-kernel step covers, and models it leaves to tfjs", () => {
  const inner = (m: tf.Sequential): tf.LayersModel => (m as unknown as { model: tf.LayersModel }).model;
  const covered = [
    lessonLikeModel([
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 100, activation: "relu" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ]),
    lessonLikeModel(
      [tf.layers.dense({ units: 10, activation: "softmax", inputShape: [784] })],
      "sparseCategoricalCrossentropy",
      [],
    ),
  ];
  const left = {
    "sigmoid hidden layer": lessonLikeModel([
      tf.layers.dense({ units: 4, activation: "sigmoid", inputShape: [3] }),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ]),
    "categorical (one-hot) loss": lessonLikeModel(
      [tf.layers.dense({ units: 2, activation: "softmax", inputShape: [3] })],
      "categoricalCrossentropy",
    ),
    "L2 regularizer": lessonLikeModel([
      tf.layers.dense({ units: 2, activation: "softmax", inputShape: [3], kernelRegularizer: tf.regularizers.l2() }),
    ]),
    "frozen layer": (() => {
      const m = tf.sequential({
        layers: [
          tf.layers.dense({ units: 4, activation: "relu", inputShape: [3], trainable: false }),
          tf.layers.dense({ units: 2, activation: "softmax" }),
        ],
      });
      m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
      return m;
    })(),
    "no softmax at the end": lessonLikeModel([tf.layers.dense({ units: 2, activation: "linear", inputShape: [3] })]),
    convolution: lessonLikeModel([
      tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [4, 1] }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ]),
    "a metric other than accuracy": lessonLikeModel(
      [tf.layers.dense({ units: 2, activation: "softmax", inputShape: [3] })],
      "sparseCategoricalCrossentropy",
      ["mse"],
    ),
  };
  for (const m of covered)
    assert.ok(planFor(inner(m)), `covered: ${m.layers.map((l) => l.getClassName()).join(" → ")}`);
  for (const [why, m] of Object.entries(left)) assert.equal(planFor(inner(m)), null, `left to tfjs: ${why}`);
  [...covered, ...Object.values(left)].forEach((m) => m.dispose());
});

async function seededFit(fast: boolean, model: () => tf.Sequential, x: tf.Tensor, y: tf.Tensor) {
  useFastKernels(fast);
  setRandomSeed(11);
  try {
    const m = model();
    const before = denseStepCount();
    const history = await m.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    const steps = {
      train: denseStepCount().train - before.train,
      evaluate: denseStepCount().evaluate - before.evaluate,
    };
    const weights = m.getWeights().map((w) => Float32Array.from(w.dataSync()));
    m.dispose();
    return { history: history.history as Record<string, number[]>, weights, steps };
  } finally {
    setRandomSeed(undefined);
    useFastKernels(true);
  }
}

test("model.fit through the one-kernel step trains as tfjs does: same losses, accuracies and weights after 3 seeded epochs", async () => {
  const x = random([203, 6, 5], 3);
  const y = tf.tidy(() => tf.floor(tf.randomUniform([203], 0, 4, "float32", 4)));
  const model = () =>
    lessonLikeModel([
      tf.layers.flatten({ inputShape: [6, 5] }),
      tf.layers.dense({ units: 13, activation: "relu" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 7 }),
      tf.layers.dense({ units: 4, activation: "softmax" }),
    ]);
  const stock = await seededFit(false, model, x, y);
  const fast = await seededFit(true, model, x, y);
  assert.deepEqual(stock.steps, { train: 0, evaluate: 0 });
  assert.deepEqual(
    fast.steps,
    { train: 3 * Math.ceil(152 / 16), evaluate: 3 * Math.ceil(51 / 16) },
    "every training and validation batch ran the kernel",
  );
  for (const key of ["loss", "acc", "val_loss", "val_acc"]) {
    assertClose(Float32Array.from(fast.history[key]), Float32Array.from(stock.history[key]), 1e-5, key);
  }
  stock.weights.forEach((w, i) => assertClose(fast.weights[i], w, 1e-5, `weight ${i}`));
  tf.dispose([x, y]);
});

test("model.fit with sample weights, or on another backend, runs tfjs's own step", async () => {
  const x = random([40, 3], 5);
  const y = tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 2));
  const model = lessonLikeModel([tf.layers.dense({ units: 2, activation: "softmax", inputShape: [3] })]);
  let before = denseStepCount();
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, classWeight: { 0: 1, 1: 3 } });
  assert.equal(denseStepCount().train - before.train, 0, "class weights become sample weights: tfjs's step");
  await tf.setBackend("cpu");
  try {
    before = denseStepCount();
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.equal(denseStepCount().train - before.train, 0, "cpu backend: tfjs's step");
  } finally {
    await tf.setBackend("wasm");
  }
  before = denseStepCount();
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.equal(denseStepCount().train - before.train, 5, "back on wasm: the kernel");
  model.dispose();
  tf.dispose([x, y]);
});

test("model.evaluate through the kernel gives tfjs's loss and accuracy", () => {
  const x = random([77, 12], 8);
  const y = tf.tensor1d(Array.from({ length: 77 }, (_, i) => (i * 5) % 3));
  const run = (fast: boolean) => {
    useFastKernels(fast);
    setRandomSeed(3);
    try {
      const m = lessonLikeModel([
        tf.layers.dense({ units: 9, activation: "relu", inputShape: [12] }),
        tf.layers.dropout({ rate: 0.5 }), // inference: no dropout
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ]);
      const before = denseStepCount().evaluate;
      const [loss, acc] = m.evaluate(x, y, { batchSize: 10 }) as tf.Scalar[];
      const result = { loss: loss.dataSync()[0], acc: acc.dataSync()[0], batches: denseStepCount().evaluate - before };
      tf.dispose([loss, acc]);
      m.dispose();
      return result;
    } finally {
      setRandomSeed(undefined);
      useFastKernels(true);
    }
  };
  const stock = run(false);
  const fast = run(true);
  assert.equal(stock.batches, 0);
  assert.equal(fast.batches, 8);
  assertClose(Float32Array.of(fast.loss), Float32Array.of(stock.loss), 1e-5, "loss");
  assert.equal(fast.acc, stock.acc);
  tf.dispose([x, y]);
});

test("the one-kernel path leaks no tensors: fit and evaluate leave tfjs's tensor count where it was", async () => {
  const model = lessonLikeModel([
    tf.layers.flatten({ inputShape: [6, 5] }),
    tf.layers.dense({ units: 13, activation: "relu" }),
    tf.layers.dropout({ rate: 0.3 }),
    tf.layers.dense({ units: 4, activation: "softmax" }),
  ]);
  const x = random([101, 6, 5], 9);
  const y = tf.tidy(() => tf.floor(tf.randomUniform([101], 0, 4, "float32", 10)));
  const round = async () => {
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, validationSplit: 0.2 });
    tf.dispose(model.evaluate(x, y) as tf.Scalar[]);
  };
  await round(); // the optimizer creates its moments once
  const before = denseStepCount();
  const counted = tf.memory().numTensors;
  await round();
  await round();
  assert.equal(tf.memory().numTensors, counted);
  assert.ok(denseStepCount().train - before.train > 0, "the kernel ran");
  model.dispose();
  tf.dispose([x, y]);
});
