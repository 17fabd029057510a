import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { setRandomSeed } from "../../src/seed";
import { useFastOps } from "../../src/speed";
import { modelInternals, trainingModel } from "../../src/speed/internals";
import { planFor, planModel } from "../../src/speed/plan";
import { STEP_OP, type StepAttrs } from "../../src/speed/step-op";
import { planStepCount } from "../../src/speed/train-function";
import { assertClose, random, useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

type LossName = "sparseCategoricalCrossentropy" | "categoricalCrossentropy" | "binaryCrossentropy" | "meanSquaredError";

function compiled(
  layers: tf.layers.Layer[],
  loss: LossName,
  optimizer: string | tf.Optimizer = "adam",
  metrics = ["accuracy"],
) {
  const model = tf.sequential({ layers });
  model.compile({ optimizer, loss, metrics });
  return model;
}

/** Targets for a loss: class numbers (one out of range), one-hot rows, or values in [0, 1]. */
function targets(loss: LossName, batch: number, width: number, seed: number): tf.Tensor {
  if (loss === "sparseCategoricalCrossentropy")
    return tf.tensor1d(
      Array.from({ length: batch }, (_, i) => (i === batch - 1 && batch > 2 ? width + 1 : (i * 7) % width)),
    );
  if (loss === "categoricalCrossentropy")
    return tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: batch }, (_, i) => (i * 5) % width),
          "int32",
        ),
        width,
      )
      .toFloat();
  return tf.tidy(() => tf.round(tf.randomUniform([batch, width], 0, 1, "float32", seed)));
}

/**
 * The loss, accuracy and gradients of one training batch from the plan's step op, and the same
 * from tfjs: the model's own layers applied under tf.variableGrads with its compiled loss and
 * metric, on stock ops.
 */
function stepAndReference(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor) {
  const plan = planFor(model);
  assert.ok(plan, planModel(model).reason);
  const inputs: Record<string, tf.Tensor> = { x, y };
  plan.weights.forEach((w, i) => (inputs[`w${i}`] = w.read()));
  const attrs: StepAttrs = { plan, mode: "train" };
  const outs = tf.engine().runKernel(STEP_OP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const step = outs.map((t) => Float32Array.from(t.dataSync()));
  useFastOps(false);
  try {
    const internals = modelInternals(trainingModel(model));
    const lossFn = internals.lossFunctions?.[0] as (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
    const metric = internals.metricsTensors?.[0]?.[0] as (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
    let output: tf.Tensor | undefined;
    const variables = plan.weights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      output = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
      return tf.mean(lossFn(y, output)) as tf.Scalar;
    }, variables);
    const accuracy = tf.mean(metric(y, output as tf.Tensor));
    const reference = [value, accuracy, ...variables.map((v) => grads[v.name])].map((t) =>
      Float32Array.from(t.dataSync()),
    );
    tf.dispose([value, accuracy, output as tf.Tensor, ...outs, ...Object.values(grads)]);
    return { step, reference };
  } finally {
    useFastOps(true);
  }
}

const CASES: { name: string; loss: LossName; batch: number; input: number[]; layers: () => tf.layers.Layer[] }[] = [
  {
    name: "the lesson's shape (relu, softmax), sparse CE, batch 32",
    loss: "sparseCategoricalCrossentropy",
    batch: 32,
    input: [28, 28],
    layers: () => [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 100, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  },
  {
    name: "sigmoid then tanh hidden layers, one without bias, categorical CE, batch 7",
    loss: "categoricalCrossentropy",
    batch: 7,
    input: [13],
    layers: () => [
      tf.layers.dense({ units: 5, activation: "sigmoid", inputShape: [13], useBias: false }),
      tf.layers.dense({ units: 9, activation: "tanh" }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  },
  {
    name: "Reshape, Activation layers, linear Dense, sigmoid output, binary CE, batch 5",
    loss: "binaryCrossentropy",
    batch: 5,
    input: [2, 6],
    layers: () => [
      tf.layers.reshape({ targetShape: [12], inputShape: [2, 6] }),
      tf.layers.dense({ units: 6 }),
      tf.layers.activation({ activation: "relu" }),
      tf.layers.dense({ units: 4 }),
      tf.layers.activation({ activation: "sigmoid" }),
    ],
  },
  {
    name: "tanh, linear output, mean squared error, batch 1",
    loss: "meanSquaredError",
    batch: 1,
    input: [6],
    layers: () => [tf.layers.dense({ units: 8, activation: "tanh", inputShape: [6] }), tf.layers.dense({ units: 3 })],
  },
];

for (const { name, loss, batch, input, layers } of CASES) {
  test(`plan step: loss, accuracy and gradients match tfjs's layers, loss and metric (${name})`, () => {
    setRandomSeed(17 + batch);
    try {
      const model = compiled(layers(), loss);
      const x = random([batch, ...input], 3 + batch);
      const width = (model.outputs[0].shape as number[])[1];
      const y = targets(loss, batch, width, 5);
      const { step, reference } = stepAndReference(model, x, y);
      assert.equal(step.length, reference.length);
      assertClose(step[0], reference[0], 1e-5, "loss");
      assertClose(step[1], reference[1], 1e-6, "accuracy");
      for (let i = 2; i < step.length; i++) assertClose(step[i], reference[i], 1e-5, `gradient ${i - 2}`);
      tf.dispose([x, y]);
      model.dispose();
    } finally {
      setRandomSeed(undefined);
    }
  });
}

test("plan step: confident softmax predictions hit the clip bounds and get tfjs's zero gradients there", () => {
  const model = compiled(
    [tf.layers.dense({ units: 3, activation: "softmax", inputShape: [4] })],
    "sparseCategoricalCrossentropy",
  );
  model.layers[0].setWeights([
    tf.tensor2d([
      [1, -1, 0],
      [-1, 1, 0],
      [0.5, 0, -0.5],
      [0, 0.2, 0.1],
    ]),
    tf.zeros([3]),
  ]);
  const x = tf.tensor2d([
    [30, -30, 20, 0],
    [-25, 40, 0, 10],
    [1, 2, 3, 4],
  ]);
  const y = tf.tensor1d([0, 2, 1]);
  const { step, reference } = stepAndReference(model, x, y);
  assert.ok(step[0][0] > 5, "saturated: a large loss from the clipped probabilities");
  for (let i = 0; i < step.length; i++) assertClose(step[i], reference[i], 1e-5, `output ${i}`);
  tf.dispose([x, y]);
  model.dispose();
});

test("models the plan covers, and the reason for each model it leaves to tfjs", () => {
  const dense = (activation: string, inputShape?: number[]) =>
    tf.layers.dense({ units: 2, activation: activation as "relu", ...(inputShape ? { inputShape } : {}) });
  const covered = [
    compiled(
      [tf.layers.flatten({ inputShape: [4, 3] }), dense("relu"), tf.layers.dropout({ rate: 0.3 }), dense("softmax")],
      "sparseCategoricalCrossentropy",
    ),
    compiled([dense("sigmoid", [3]), dense("softmax")], "categoricalCrossentropy", "sgd", []),
    compiled([dense("tanh", [3]), tf.layers.activation({ activation: "sigmoid" })], "binaryCrossentropy", "rmsprop"),
    compiled([dense("linear", [3])], "meanSquaredError", "adagrad", []),
  ];
  const left: [string, RegExp, tf.LayersModel][] = [
    [
      "L2 regularizer",
      /layer 'dense_Dense\d+' \(Dense\) has a regularizer/,
      compiled(
        [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: tf.regularizers.l2() })],
        "meanSquaredError",
      ),
    ],
    ["elu", /activation 'elu' has no fast unit yet/, compiled([dense("elu", [3])], "meanSquaredError")],
    [
      "conv",
      /\(Conv1D\) has no fast unit yet/,
      compiled(
        [tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [4, 1] }), tf.layers.flatten(), dense("softmax")],
        "sparseCategoricalCrossentropy",
      ),
    ],
    [
      "another metric",
      /its metric is not accuracy/,
      compiled([dense("softmax", [3])], "sparseCategoricalCrossentropy", "adam", ["mse"]),
    ],
    ["another loss", /its loss is not one of/, compiled([dense("softmax", [3])], "meanAbsoluteError" as LossName)],
    [
      "a frozen layer",
      /frozen/,
      (() => {
        const m = tf.sequential({
          layers: [tf.layers.dense({ units: 4, inputShape: [3], trainable: false }), dense("softmax")],
        });
        m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
        return m;
      })(),
    ],
    [
      "Dense on a rank-3 input",
      /takes a rank-3 input/,
      compiled([tf.layers.dense({ units: 2, inputShape: [3, 4] })], "meanSquaredError"),
    ],
  ];
  for (const m of covered) assert.ok(planFor(m), `covered: ${planModel(m).reason}`);
  for (const [why, pattern, m] of left) {
    assert.equal(planFor(m), null, `left to tfjs: ${why}`);
    assert.match(planModel(m).reason ?? "", pattern, why);
  }
  [...covered, ...left.map((l) => l[2])].forEach((m) => m.dispose());
});

async function seededFit(fast: boolean, model: () => tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize: number) {
  useFastOps(fast);
  setRandomSeed(11);
  try {
    const m = model();
    const before = planStepCount();
    const ids = m.trainableWeights.map((w) => w.read().dataId);
    const history = await m.fit(x, y, { epochs: 3, batchSize, validationSplit: 0.25, verbose: 0 });
    const inPlace = m.trainableWeights.every((w, i) => w.read().dataId === ids[i]);
    const after = planStepCount();
    const steps = { train: after.train - before.train, evaluate: after.evaluate - before.evaluate };
    const weights = m.getWeights().map((w) => Float32Array.from(w.dataSync()));
    m.dispose();
    return { history: history.history as Record<string, number[]>, weights, steps, inPlace };
  } finally {
    setRandomSeed(undefined);
    useFastOps(true);
  }
}

const FITS: {
  name: string;
  loss: LossName;
  batch: number;
  input: number[];
  classes: number;
  model: () => tf.LayersModel;
}[] = [
  {
    name: "the lesson's model (relu, dropout, adam)",
    loss: "sparseCategoricalCrossentropy",
    batch: 16,
    input: [6, 5],
    classes: 4,
    model: () =>
      compiled(
        [
          tf.layers.flatten({ inputShape: [6, 5] }),
          tf.layers.dense({ units: 13, activation: "relu" }),
          tf.layers.dropout({ rate: 0.3 }),
          tf.layers.dense({ units: 7 }),
          tf.layers.dense({ units: 4, activation: "softmax" }),
        ],
        "sparseCategoricalCrossentropy",
      ),
  },
  {
    name: "the previous chapter's (Dense sigmoid, softmax, sgd)",
    loss: "sparseCategoricalCrossentropy",
    batch: 32,
    input: [6, 5],
    classes: 4,
    model: () =>
      compiled(
        [
          tf.layers.flatten({ inputShape: [6, 5] }),
          tf.layers.dense({ units: 10, activation: "sigmoid" }),
          tf.layers.dense({ units: 4, activation: "softmax" }),
        ],
        "sparseCategoricalCrossentropy",
        "sgd",
      ),
  },
  {
    name: "two relu hidden layers, rmsprop, batch 64",
    loss: "sparseCategoricalCrossentropy",
    batch: 64,
    input: [30],
    classes: 4,
    model: () =>
      compiled(
        [
          tf.layers.dense({ units: 30, activation: "relu", inputShape: [30] }),
          tf.layers.dense({ units: 10, activation: "relu" }),
          tf.layers.dense({ units: 4, activation: "softmax" }),
        ],
        "sparseCategoricalCrossentropy",
        "rmsprop",
      ),
  },
  {
    name: "tanh, Nesterov momentum, categorical CE, a functional model",
    loss: "categoricalCrossentropy",
    batch: 10,
    input: [30],
    classes: 3,
    model: () => {
      const input = tf.input({ shape: [30] });
      const hidden = tf.layers.dense({ units: 8, activation: "tanh" }).apply(input) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 3, activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
      const m = tf.model({ inputs: input, outputs: output });
      m.compile({
        optimizer: tf.train.momentum(0.05, 0.9, true),
        loss: "categoricalCrossentropy",
        metrics: ["accuracy"],
      });
      return m;
    },
  },
  {
    name: "sigmoid output, binary CE, adagrad",
    loss: "binaryCrossentropy",
    batch: 20,
    input: [30],
    classes: 2,
    model: () =>
      compiled(
        [
          tf.layers.dense({ units: 6, activation: "relu", inputShape: [30] }),
          tf.layers.dense({ units: 2, activation: "sigmoid" }),
        ],
        "binaryCrossentropy",
        tf.train.adagrad(0.1),
      ),
  },
  {
    name: "linear output, mean squared error, sgd with momentum",
    loss: "meanSquaredError",
    batch: 25,
    input: [30],
    classes: 3,
    model: () =>
      compiled(
        [tf.layers.dense({ units: 5, activation: "tanh", inputShape: [30] }), tf.layers.dense({ units: 3 })],
        "meanSquaredError",
        tf.train.momentum(0.01, 0.5),
        [],
      ),
  },
];

for (const { name, loss, batch, input, classes, model } of FITS) {
  test(`model.fit through the plan trains as tfjs does: same losses, metrics and weights after 3 seeded epochs (${name})`, async () => {
    const x = random([203, ...input], 3);
    const y =
      loss === "sparseCategoricalCrossentropy"
        ? tf.tidy(() => tf.floor(tf.randomUniform([203], 0, classes, "float32", 4)))
        : targets(loss, 203, classes, 4);
    const stock = await seededFit(false, model, x, y, batch);
    const fast = await seededFit(true, model, x, y, batch);
    assert.deepEqual(stock.steps, { train: 0, evaluate: 0 });
    assert.deepEqual(
      fast.steps,
      { train: 3 * Math.ceil(152 / batch), evaluate: 3 * Math.ceil(51 / batch) },
      "every batch ran the step op",
    );
    assert.deepEqual(Object.keys(fast.history).sort(), Object.keys(stock.history).sort());
    for (const key of Object.keys(stock.history)) {
      assertClose(Float32Array.from(fast.history[key]), Float32Array.from(stock.history[key]), 1e-5, key);
    }
    stock.weights.forEach((w, i) => assertClose(fast.weights[i], w, 1e-5, `weight ${i}`));
    tf.dispose([x, y]);
  });
}

test("model.fit with sample weights, or on another backend, runs tfjs's own step", async () => {
  const x = random([40, 3], 5);
  const y = tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 2));
  const model = compiled(
    [tf.layers.dense({ units: 2, activation: "softmax", inputShape: [3] })],
    "sparseCategoricalCrossentropy",
  );
  let before = planStepCount();
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, classWeight: { 0: 1, 1: 3 } });
  assert.equal(planStepCount().train - before.train, 0, "class weights become sample weights: tfjs's step");
  await tf.setBackend("cpu");
  try {
    before = planStepCount();
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.equal(planStepCount().train - before.train, 0, "cpu backend: tfjs's step");
  } finally {
    await tf.setBackend("wasm");
  }
  before = planStepCount();
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.equal(planStepCount().train - before.train, 5, "back on wasm: the step op");
  model.dispose();
  tf.dispose([x, y]);
});

test("model.evaluate and model.predict through the step op give tfjs's numbers", () => {
  const x = random([77, 12], 8);
  const y = tf.tensor1d(Array.from({ length: 77 }, (_, i) => (i * 5) % 3));
  const run = (fast: boolean) => {
    useFastOps(fast);
    setRandomSeed(3);
    try {
      const m = compiled(
        [
          tf.layers.dense({ units: 9, activation: "sigmoid", inputShape: [12] }),
          tf.layers.dropout({ rate: 0.5 }), // inference: no dropout
          tf.layers.dense({ units: 3, activation: "softmax" }),
        ],
        "sparseCategoricalCrossentropy",
      );
      const before = planStepCount();
      const [loss, acc] = m.evaluate(x, y, { batchSize: 10 }) as tf.Scalar[];
      const predicted = m.predict(x, { batchSize: 20 }) as tf.Tensor;
      const after = planStepCount();
      const result = {
        loss: loss.dataSync()[0],
        acc: acc.dataSync()[0],
        predicted: Float32Array.from(predicted.dataSync()),
        shape: predicted.shape,
        batches: [after.evaluate - before.evaluate, after.predict - before.predict],
      };
      tf.dispose([loss, acc, predicted]);
      m.dispose();
      return result;
    } finally {
      setRandomSeed(undefined);
      useFastOps(true);
    }
  };
  const stock = run(false);
  const fast = run(true);
  assert.deepEqual(stock.batches, [0, 0]);
  assert.deepEqual(fast.batches, [8, 4]);
  assertClose(Float32Array.of(fast.loss), Float32Array.of(stock.loss), 1e-5, "loss");
  assert.equal(fast.acc, stock.acc);
  assert.deepEqual(fast.shape, [77, 3]);
  assertClose(fast.predicted, stock.predicted, 1e-5, "predictions");
  tf.dispose([x, y]);
});

test("the plan's path leaks no tensors: fit, evaluate and predict leave tfjs's tensor count where it was", async () => {
  const model = compiled(
    [
      tf.layers.flatten({ inputShape: [6, 5] }),
      tf.layers.dense({ units: 13, activation: "tanh" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 4, activation: "softmax" }),
    ],
    "sparseCategoricalCrossentropy",
    "rmsprop",
  );
  const x = random([101, 6, 5], 9);
  const y = tf.tidy(() => tf.floor(tf.randomUniform([101], 0, 4, "float32", 10)));
  const round = async () => {
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, validationSplit: 0.2 });
    tf.dispose(model.evaluate(x, y) as tf.Scalar[]);
    tf.dispose(model.predict(x) as tf.Tensor);
  };
  await round(); // the optimizer creates its slots once
  const before = planStepCount();
  const counted = tf.memory().numTensors;
  await round();
  await round();
  assert.equal(tf.memory().numTensors, counted);
  assert.ok(planStepCount().train - before.train > 0, "the step op ran");
  model.dispose();
  tf.dispose([x, y]);
});
