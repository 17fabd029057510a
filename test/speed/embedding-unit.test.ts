/**
 * The plan's Embedding unit against the cpu backend: the rows it gathers, the loss and every
 * gradient of one planned step (the table's a scatter-add over repeated ids), and a seeded fit
 * with rmsprop, on odd shapes (batch 3, 7 steps, inputDim 11, outputDim 5); float32 ids
 * (truncated as tfjs's cast truncates them) and int32 ids; and the error for an id with no row.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { explainFastPath } from "../../src";
import { setRandomSeed } from "../../src/seed";
import { useFastOps } from "../../src/speed";
import { modelInternals, trainingModel } from "../../src/speed/internals";
import { planFor, planModel } from "../../src/speed/plan";
import { STEP_OP, type StepAttrs } from "../../src/speed/step-op";
import { planStepCount } from "../../src/speed/train-function";
import { TokenIdError } from "../../src/speed/units/embedding";
import { assertClose, fitSeeded, type FitResult, useWasm } from "./compare";
import { values } from "./conv-grad";

before(async () => {
  await useWasm();
  useFastOps(true);
});

const [BATCH, STEPS, VOCAB, DIM, CLASSES] = [3, 7, 11, 5, 4];

/** Float ids with repeats (3 five times in the batch, 7 three times in a row; 8 never), both ends of the table, and fractions tfjs truncates (2.7 → 2, −0.5 → 0). */
const FLOAT_IDS = [
  [0, 3, 3, 10, 5, 2.7, 1],
  [10, 10, 2, -0.5, 7, 7, 7],
  [4, 3, 9, 3, 6, 1, 3],
];
const INT_IDS = FLOAT_IDS.map((row) => row.map(Math.trunc));

/** Embedding → Flatten → Dense softmax, sparse CE and accuracy; weights fixed from `seed`. */
function embeddingModel(seed: number, dense: tf.layers.Layer): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: STEPS, name: "emb" }),
      tf.layers.flatten(),
      dense,
    ],
  });
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  m.layers.forEach((layer, i) => {
    const w = layer.getWeights();
    layer.setWeights(w.map((t, j) => tf.tensor(values(t.size, seed + 7 * i + j), t.shape).mul(j === 0 ? 0.5 : 0.1)));
  });
  return m;
}

/** One training step through the plan's op on wasm, and tfjs's layers under `tf.variableGrads` on cpu: `[loss, accuracy, ...gradients]` each. */
async function planStepAndCpu(m: tf.Sequential, x: tf.Tensor, y: tf.Tensor) {
  const plan = planFor(m);
  assert.ok(plan, planModel(m).reason);
  const inputs: Record<string, tf.Tensor> = { x, y };
  plan.weights.forEach((w, i) => (inputs[`w${i}`] = w.read()));
  const attrs: StepAttrs = { plan, mode: "train" };
  const outs = tf.engine().runKernel(STEP_OP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const step = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  await tf.setBackend("cpu");
  try {
    const internals = modelInternals(trainingModel(m));
    const lossFn = internals.lossFunctions?.[0] as (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
    const metric = internals.metricsTensors?.[0]?.[0] as (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
    let output: tf.Tensor | undefined;
    const variables = plan.weights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      output = tf.keep(m.apply(x, { training: true }) as tf.Tensor);
      return tf.mean(lossFn(y, output)) as tf.Scalar;
    }, variables);
    const accuracy = tf.mean(metric(y, output as tf.Tensor));
    const cpu = [value, accuracy, ...variables.map((v) => grads[v.name])].map((t) => Float32Array.from(t.dataSync()));
    tf.dispose([value, accuracy, output as tf.Tensor, ...Object.values(grads)]);
    return { step, cpu, layers: plan.layers };
  } finally {
    await useWasm();
  }
}

for (const dtype of ["float32", "int32"] as const) {
  test(`Embedding unit: a planned step's loss, accuracy, table gradient (repeated ids summed) and Dense gradients equal the cpu backend's (${dtype} ids)`, async () => {
    const m = embeddingModel(40, tf.layers.dense({ units: CLASSES, activation: "softmax" }));
    const x = tf.tensor2d(dtype === "float32" ? FLOAT_IDS : INT_IDS, [BATCH, STEPS], dtype);
    const y = tf.tensor1d([1, 3, 0]);
    const { step, cpu, layers } = await planStepAndCpu(m, x, y);
    assert.deepEqual(layers, ["Embedding 11×5", "Flatten", "Dense softmax"]);
    assert.equal(step.length, cpu.length);
    assertClose(step[0], cpu[0], 1e-5, "loss");
    assertClose(step[1], cpu[1], 1e-6, "accuracy");
    for (let i = 2; i < step.length; i++) assertClose(step[i], cpu[i], 1e-5, `gradient ${i - 2}`);
    // The table's gradient: rows of ids that occur are non-zero, the others exactly zero.
    const used = new Set(INT_IDS.flat());
    for (let row = 0; row < VOCAB; row++) {
      const grad = step[2].subarray(row * DIM, (row + 1) * DIM);
      if (used.has(row))
        assert.ok(
          grad.some((v) => v !== 0),
          `row ${row} occurs: non-zero gradient`,
        );
      else
        assert.ok(
          grad.every((v) => v === 0),
          `row ${row} does not occur: zero gradient`,
        );
    }
    assert.equal(used.size < VOCAB, true, "some row does not occur (the case tests the zeroing)");
    tf.dispose([x, y]);
    m.dispose();
  });
}

test("Embedding unit: predict through the plan gives each token's row of the table, as the cpu backend does (float and int32 ids)", async () => {
  // Dense with the identity kernel and no bias: its output is the embedding's output, exactly.
  const identity = tf.layers.dense({ units: STEPS * DIM, useBias: false });
  const m = embeddingModel(50, identity);
  identity.setWeights([tf.eye(STEPS * DIM)]);
  const table = m.layers[0].getWeights()[0].arraySync() as number[][];
  const expected = Float32Array.from(INT_IDS.flatMap((row) => row.flatMap((id) => table[id])));
  for (const dtype of ["float32", "int32"] as const) {
    const x = tf.tensor2d(dtype === "float32" ? FLOAT_IDS : INT_IDS, [BATCH, STEPS], dtype);
    const before = planStepCount().predict;
    const planned = m.predict(x, { batchSize: 2 }) as tf.Tensor;
    assert.equal(planStepCount().predict - before, 2, `${dtype}: two batches through the plan`);
    assert.deepEqual(Float32Array.from(planned.dataSync()), expected, `${dtype}: the gathered rows`);
    await tf.setBackend("cpu");
    try {
      const stock = m.predict(x) as tf.Tensor;
      assert.deepEqual(Float32Array.from(stock.dataSync()), expected, `${dtype}: cpu's rows`);
      stock.dispose();
    } finally {
      await useWasm();
    }
    tf.dispose([x, planned]);
  }
  m.dispose();
});

/** Embedding(50, 4) → Flatten → Dense(1, sigmoid), binary CE, accuracy, rmsprop. */
function sentimentModel(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 50, outputDim: 4, inputLength: 6 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  m.compile({ optimizer: "rmsprop", loss: "binaryCrossentropy", metrics: ["accuracy"] });
  return m;
}

/** 40 sequences of 6 ids in [0, 50), labelled by whether low ids outnumber high ones. */
function sentimentData(dtype: "float32" | "int32"): [tf.Tensor, tf.Tensor] {
  const ids = Array.from(values(40 * 6, 71), (v) => Math.floor(((v + 1) / 2) * 50));
  const labels = Array.from({ length: 40 }, (_, i) => {
    const row = ids.slice(6 * i, 6 * i + 6);
    return row.filter((id) => id < 25).length > 3 ? 1 : 0;
  });
  return [tf.tensor2d(ids, [40, 6], dtype), tf.tensor2d(labels, [40, 1])];
}

async function sentimentFit(backend: "cpu" | "wasm", dtype: "float32" | "int32"): Promise<FitResult> {
  if (backend === "wasm") await useWasm();
  else await tf.setBackend("cpu");
  const [x, y] = sentimentData(dtype);
  try {
    return await fitSeeded(true, 13, sentimentModel, x, y, {
      epochs: 3,
      batchSize: 16,
      validationSplit: 0.2,
      verbose: 0,
    });
  } finally {
    tf.dispose([x, y]);
    await useWasm();
  }
}

test("a seeded fit of Embedding(50, 4) → Flatten → Dense(1, sigmoid) with rmsprop takes the planned path on wasm and equals stock tfjs on the cpu backend: losses, accuracies, weights", async () => {
  const before = planStepCount();
  const planned = await sentimentFit("wasm", "float32");
  const after = planStepCount();
  // 32 training samples in batches of 16, 8 validation samples in one batch; three epochs.
  assert.deepEqual(
    { train: after.train - before.train, evaluate: after.evaluate - before.evaluate },
    { train: 3 * 2, evaluate: 3 * 1 },
  );
  const cpu = await sentimentFit("cpu", "float32");
  for (const key of ["loss", "acc", "val_loss", "val_acc"])
    assertClose(Float32Array.from(planned.history[key]), Float32Array.from(cpu.history[key]), 1e-5, key);
  cpu.weights.forEach((w, i) => assertClose(planned.weights[i], w, 1e-5, `weight ${i}`));
  // The fit moved the table: comparing two untrained models would prove nothing.
  setRandomSeed(13);
  const fresh = sentimentModel();
  const untrained = Float32Array.from(fresh.getWeights()[0].dataSync());
  fresh.dispose();
  setRandomSeed(undefined);
  assert.ok(
    untrained.some((v, i) => Math.abs(v - planned.weights[0][i]) > 1e-3),
    "the table moved",
  );
  // int32 ids take the same path to the same bits.
  const int32 = await sentimentFit("wasm", "int32");
  assert.deepEqual(int32, planned);
  assert.equal(planStepCount().train - after.train, 3 * 2, "the int32 fit ran the planned step");
});

test("explainFastPath says an Embedding → Flatten → Dense model is planned", () => {
  const m = sentimentModel();
  assert.equal(
    explainFastPath(m),
    "fast path: 3 layers planned (Embedding 50×4, Flatten, Dense sigmoid), rmsprop, binary CE, accuracy",
  );
  m.dispose();
});

test("an Embedding id with no row throws a TokenIdError naming the layer, the id, its sample and step, and inputDim, before the step runs; stock tfjs refuses it too", async () => {
  const m = embeddingModel(60, tf.layers.dense({ units: CLASSES, activation: "softmax" }));
  const tableBefore = Float32Array.from(m.layers[0].getWeights()[0].dataSync());
  const cases: [string, number, "float32" | "int32"][] = [
    ["11", VOCAB, "float32"],
    ["11", VOCAB, "int32"],
    ["-1", -1, "float32"],
    ["-3", -3, "int32"],
    ["NaN", NaN, "float32"],
  ];
  for (const [shown, id, dtype] of cases) {
    const ids = INT_IDS.map((row) => [...row]);
    ids[2][4] = id;
    const x = tf.tensor2d(ids, [BATCH, STEPS], dtype);
    const y = tf.tensor1d([1, 3, 0]);
    const buffers = tf.backend().numDataIds();
    const message = new RegExp(
      `^Embedding layer 'emb': token id ${shown} at sample 2, step 4 of the input is not in \\[0, 11\\) \\(inputDim 11\\)`,
    );
    await assert.rejects(
      m.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 }),
      (e: Error) => e instanceof TokenIdError && message.test(e.message),
      `fit, ${dtype} id ${shown}`,
    );
    // Predict in batches of 2: the bad sample is row 0 of the second batch, named by its sample number.
    assert.throws(
      () => m.predict(x, { batchSize: 2 }),
      (e: Error) => e instanceof TokenIdError && message.test(e.message),
      `predict, ${dtype} id ${shown}`,
    );
    assert.equal(tf.backend().numDataIds(), buffers, `${dtype} id ${shown}: the step's outputs were freed`);
    tf.dispose([x, y]);
  }
  assert.deepEqual(Float32Array.from(m.layers[0].getWeights()[0].dataSync()), tableBefore, "the table is untouched");
  // Stock tfjs (cpu) throws its GatherV2 error for the same out-of-range ids.
  await tf.setBackend("cpu");
  try {
    const ids = INT_IDS.map((row) => [...row]);
    ids[2][4] = VOCAB;
    const x = tf.tensor2d(ids, [BATCH, STEPS]);
    assert.throws(() => m.predict(x), /GatherV2: the index value 11 is not in \[0, 10\]/);
    x.dispose();
  } finally {
    await useWasm();
  }
  m.dispose();
});

test("Embedding plans alone only: maskZero, a regularizer, a constraint, a rank-3 input or a place after another layer sends the model to stock tfjs, with the reason", () => {
  const embedding = (extra: Partial<Parameters<typeof tf.layers.embedding>[0]>, inputShape: number[] = [STEPS]) =>
    tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputShape, ...extra });
  const refused: [RegExp, tf.layers.Layer[]][] = [
    [/'e1' \(Embedding\) has maskZero: true/, [embedding({ maskZero: true, name: "e1" })]],
    [/'e2' \(Embedding\) has a regularizer/, [embedding({ embeddingsRegularizer: tf.regularizers.l2(), name: "e2" })]],
    [/'e3' \(Embedding\) has a constraint/, [embedding({ embeddingsConstraint: tf.constraints.nonNeg(), name: "e3" })]],
    [/'e5' \(Embedding\) takes a rank-3 input/, [embedding({ name: "e5" }, [STEPS, 2])]],
    [
      /'e6' \(Embedding\) does not take the model's input/,
      [tf.layers.dense({ units: STEPS, inputShape: [3] }), embedding({ name: "e6", inputShape: undefined })],
    ],
  ];
  for (const [reason, layers] of refused) {
    const m = tf.sequential({
      layers: [...layers, tf.layers.flatten(), tf.layers.dense({ units: 2, activation: "softmax" })],
    });
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    assert.equal(planFor(m), null);
    assert.match(planModel(m).reason ?? "", reason);
    m.dispose();
  }
});
