/**
 * The plan's SimpleRNN, LSTM, GRU (tfjs's, reset before) and KerasGRU units (src/speed/units/recurrent.ts) against the cpu
 * backend: one training step of small models through the plan's step op (on wasm) gives the
 * loss, accuracy and every weight's gradient (kernel, recurrent kernel, bias) that tfjs's own
 * layers give on the cpu backend, on odd shapes (batch 3, 7 steps, 4 features, 5 units), with
 * and without returnSequences, bias, dropout and recurrent dropout (the same masks: the seeds
 * are drawn from the same seeded Math.random), alone and stacked above a SimpleRNN (so the
 * tested layer's input gradient reaches that layer's weights); then seeded fits through the
 * plan equal stock tfjs on the cpu backend, and explainFastPath and the plan's refusals.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { KerasGRU } from "../../src/layers/gru";
import { setRandomSeed } from "../../src/seed";
import { explainFastPath, useFastOps } from "../../src/speed";
import { modelInternals, trainingModel } from "../../src/speed/internals";
import { planFor, planModel } from "../../src/speed/plan";
import { recurrentUnits } from "../../src/speed/plan-recurrent";
import { seedCount, STEP_OP, type StepAttrs } from "../../src/speed/step-op";
import { planStepCount } from "../../src/speed/train-function";
import { assertClose, fitSeeded, type FitResult, useWasm } from "./compare";
import { values } from "./conv-grad";

before(async () => {
  await useWasm();
  useFastOps(true);
});

const [BATCH, STEPS, FEATURES, UNITS, CLASSES] = [3, 7, 4, 5, 4];

type Kind = "SimpleRNN" | "LSTM" | "GRU" | "KerasGRU";

interface LayerArgs {
  returnSequences?: boolean;
  useBias?: boolean;
  dropout?: number;
  recurrentDropout?: number;
  recurrentActivation?: "sigmoid" | "hardSigmoid";
  inputShape?: number[];
}

/** A layer of `kind` with `units` units. */
function recurrent(kind: Kind, units: number, args: LayerArgs): tf.layers.Layer {
  if (kind === "SimpleRNN") {
    const { recurrentActivation: _, ...rest } = args;
    return tf.layers.simpleRNN({ units, ...rest });
  }
  if (kind === "LSTM") return tf.layers.lstm({ units, ...args });
  if (kind === "GRU") return tf.layers.gru({ units, ...args });
  return new KerasGRU({ units, ...args });
}

/** The layers, then (if the last returns sequences) Flatten, then Dense softmax; sparse CE, accuracy. */
function model(layers: tf.layers.Layer[], sequences: boolean): tf.Sequential {
  const head = [
    ...(sequences ? [tf.layers.flatten()] : []),
    tf.layers.dense({ units: CLASSES, activation: "softmax" }),
  ];
  const m = tf.sequential({ layers: [...layers, ...head] });
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

/**
 * One training step through the plan (on wasm) and the same from tfjs's layers under
 * `tf.variableGrads` on the cpu backend: `[loss, accuracy, ...gradients]` each. Both sides draw
 * their dropout seeds from Math.random seeded with `seed`, in the order tfjs's cells draw them.
 */
async function planStepAndCpu(m: tf.Sequential, x: tf.Tensor, y: tf.Tensor, seed: number) {
  const plan = planFor(m);
  assert.ok(plan, planModel(m).reason);
  const inputs: Record<string, tf.Tensor> = { x, y };
  plan.weights.forEach((w, i) => (inputs[`w${i}`] = w.read()));
  setRandomSeed(seed);
  const noiseSeeds = plan.units.flatMap((u) => Array.from({ length: seedCount(u) }, () => String(Math.random())));
  const attrs: StepAttrs = { plan, mode: "train", noiseSeeds };
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
    setRandomSeed(seed);
    const { value, grads } = tf.variableGrads(() => {
      output = tf.keep(m.apply(x, { training: true }) as tf.Tensor);
      return tf.mean(lossFn(y, output)) as tf.Scalar;
    }, variables);
    const accuracy = tf.mean(metric(y, output as tf.Tensor));
    const cpu = [value, accuracy, ...variables.map((v) => grads[v.name])].map((t) => Float32Array.from(t.dataSync()));
    tf.dispose([value, accuracy, output as tf.Tensor, ...Object.values(grads)]);
    return { step, cpu, layers: plan.layers, seeds: noiseSeeds.length };
  } finally {
    setRandomSeed(undefined);
    await useWasm();
  }
}

function assertStepMatchesCpu(step: Float32Array[], cpu: Float32Array[], what: string): void {
  assert.equal(step.length, cpu.length, `${what}: outputs`);
  assertClose(step[0], cpu[0], 1e-5, `${what}: loss`);
  assertClose(step[1], cpu[1], 1e-6, `${what}: accuracy`);
  for (let i = 2; i < step.length; i++) {
    assert.ok(
      cpu[i].some((v) => v !== 0),
      `${what}: gradient ${i - 2} is all zeros on cpu (the case tests nothing)`,
    );
    assertClose(step[i], cpu[i], 2e-5, `${what}: gradient ${i - 2}`);
  }
}

/** Non-zero biases and scaled weights, so every weight reaches the loss as a trained layer's would. */
function setWeights(m: tf.Sequential, seed: number): void {
  m.layers.forEach((layer, i) => {
    const w = layer.getWeights();
    if (w.length === 0) return;
    const scaled = w.map((t, j) => tf.tensor(values(t.size, seed + 7 * i + j), t.shape).mul(j === 2 ? 0.3 : 0.6));
    layer.setWeights(scaled);
    tf.dispose(scaled);
  });
}

interface Case {
  kind: Kind;
  args: LayerArgs;
  /** Below the tested layer: a SimpleRNN(6) returning sequences. */
  stacked: boolean;
  /** 67 features, mostly zeros (one-hot-like: the kernels' wide-input path), instead of 4. */
  wide?: boolean;
}

/** Features of a wide case: at least the kernels' WIDE_INPUT (64), and not a multiple of 4. */
const WIDE_FEATURES = 67;

/** `c`'s input: FEATURES dense values, or WIDE_FEATURES of which about one in eight is nonzero (some negative). */
function caseInput(c: Case, seed: number): tf.Tensor3D {
  const features = c.wide ? WIDE_FEATURES : FEATURES;
  const v = values(BATCH * STEPS * features, seed);
  const x = c.wide ? v.map((e) => (Math.abs(e) > 0.88 ? e : 0)) : v;
  return tf.tensor3d(x, [BATCH, STEPS, features]);
}

const CASES: Case[] = [];
for (const kind of ["SimpleRNN", "LSTM", "GRU", "KerasGRU"] as const) {
  for (const returnSequences of [false, true]) CASES.push({ kind, args: { returnSequences }, stacked: false });
  CASES.push({ kind, args: { useBias: false }, stacked: true });
  CASES.push({ kind, args: { returnSequences: true, dropout: 0.3, recurrentDropout: 0.2 }, stacked: true });
  CASES.push({ kind, args: { dropout: 0.25 }, stacked: false });
  CASES.push({ kind, args: { recurrentDropout: 0.4 }, stacked: true });
  if (kind !== "SimpleRNN") CASES.push({ kind, args: { recurrentActivation: "hardSigmoid" }, stacked: true });
  CASES.push({
    kind,
    args: { returnSequences: true, dropout: 0.3, recurrentDropout: 0.2 },
    stacked: false,
    wide: true,
  });
  CASES.push({ kind, args: {}, stacked: false, wide: true });
}

for (const c of CASES) {
  const name = `${c.kind} ${JSON.stringify(c.args)}${c.stacked ? ", above a SimpleRNN" : ""}${c.wide ? `, ${WIDE_FEATURES} sparse features` : ""}`;
  test(`recurrent unit: loss, accuracy and the kernel, recurrent kernel and bias gradients of a planned step equal the cpu backend's (${name})`, async () => {
    const first = { inputShape: [STEPS, c.wide ? WIDE_FEATURES : FEATURES] };
    const layers = c.stacked
      ? [recurrent("SimpleRNN", 6, { ...first, returnSequences: true }), recurrent(c.kind, UNITS, c.args)]
      : [recurrent(c.kind, UNITS, { ...first, ...c.args })];
    const m = model(layers, c.args.returnSequences === true);
    setWeights(m, 70);
    const x = caseInput(c, 71);
    const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => (i * 3) % CLASSES));
    const { step, cpu, layers: planned, seeds } = await planStepAndCpu(m, x, y, 72);
    const label = { SimpleRNN: "SimpleRNN", LSTM: "LSTM", GRU: "GRU (reset before)", KerasGRU: "GRU" }[c.kind];
    assert.equal(planned[c.stacked ? 1 : 0].startsWith(`${label} ${UNITS}`), true, planned.join(", "));
    // tfjs's cells draw one mask per gate (KerasGRU one) for each kind of dropout.
    const perKind = { SimpleRNN: 1, LSTM: 4, GRU: 3, KerasGRU: 1 }[c.kind];
    const kinds = Number((c.args.dropout ?? 0) > 0) + Number((c.args.recurrentDropout ?? 0) > 0);
    assert.equal(seeds, perKind * kinds, "noise seeds drawn");
    assertStepMatchesCpu(step, cpu, name);
    tf.dispose([x, y]);
    m.dispose();
  });
}

test("a recurrent unit's inference (predict) gives the cpu backend's outputs, dropout off", async () => {
  const m = model(
    [recurrent("LSTM", UNITS, { inputShape: [STEPS, FEATURES], dropout: 0.5, recurrentDropout: 0.5 })],
    false,
  );
  setWeights(m, 80);
  const x = tf.tensor3d(values(BATCH * STEPS * FEATURES, 81), [BATCH, STEPS, FEATURES]);
  const plan = planFor(m);
  assert.ok(plan, planModel(m).reason);
  const inputs: Record<string, tf.Tensor> = { x };
  plan.weights.forEach((w, i) => (inputs[`w${i}`] = w.read()));
  const attrs: StepAttrs = { plan, mode: "predict" };
  const out = tf.engine().runKernel(STEP_OP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const planned = Float32Array.from(out[0].dataSync());
  tf.dispose(out);
  await tf.setBackend("cpu");
  const cpu = tf.tidy(() => Float32Array.from((m.predict(x) as tf.Tensor).dataSync()));
  await useWasm();
  assertClose(planned, cpu, 1e-5, "predict");
  tf.dispose(x);
  m.dispose();
});

/** Same losses, metrics (per epoch) and final weights, within `rtol` of each array's scale. */
function assertSameFit(actual: FitResult, expected: FitResult, what: string, rtol: number): void {
  assert.deepEqual(Object.keys(actual.history).sort(), Object.keys(expected.history).sort());
  for (const key of Object.keys(expected.history))
    assertClose(
      Float32Array.from(actual.history[key]),
      Float32Array.from(expected.history[key]),
      rtol,
      `${what}: ${key}`,
    );
  assert.equal(actual.weights.length, expected.weights.length);
  expected.weights.forEach((w, i) => assertClose(actual.weights[i], w, rtol, `${what}: weight ${i}`));
}

/** A seeded fit through the plan on wasm (every batch through the step op) and stock tfjs's on the cpu backend. */
async function plannedAndCpu(build: () => tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batches: number) {
  const args: tf.ModelFitArgs = { epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 0 };
  await useWasm();
  const probe = build();
  assert.ok(planFor(probe), planModel(probe).reason);
  probe.dispose();
  const before = planStepCount();
  const planned = await fitSeeded(true, 9, build, x, y, args);
  assert.equal(planStepCount().train - before.train, 2 * batches, "training batches through the step op");
  await tf.setBackend("cpu");
  try {
    const cpu = await fitSeeded(false, 9, build, x, y, args);
    return { planned, cpu };
  } finally {
    await useWasm();
  }
}

test("a seeded fit of SimpleRNN(8) on one-hot sequences (20 steps × 30 tokens) through the plan equals stock tfjs on the cpu backend", async () => {
  const [count, steps, tokens] = [48, 20, 30];
  const ids = values(count * steps, 91).map((v) => Math.floor(((v + 1) / 2) * tokens));
  const x = tf.tidy(() => tf.oneHot(tf.tensor1d(ids, "int32"), tokens).toFloat().reshape([count, steps, tokens]));
  const y = tf.tensor2d(
    Array.from({ length: count }, (_, i) => ids[i * steps + steps - 1] % 2),
    [count, 1],
  );
  const build = (): tf.LayersModel => {
    const m = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ units: 8, inputShape: [steps, tokens] }),
        tf.layers.dense({ units: 1, activation: "sigmoid" }),
      ],
    });
    m.compile({ optimizer: tf.train.rmsprop(1e-2), loss: "binaryCrossentropy", metrics: ["accuracy"] });
    return m;
  };
  const { planned, cpu } = await plannedAndCpu(build, x, y, 3);
  assertSameFit(planned, cpu, "SimpleRNN planned vs cpu", 1e-4);
  tf.dispose([x, y]);
});

for (const kind of ["LSTM", "GRU", "KerasGRU"] as const) {
  test(`a seeded fit of ${kind}(8) on float sequences, with dropout and recurrent dropout, through the plan equals stock tfjs on the cpu backend`, async () => {
    const [count, steps, features] = [48, 12, 3];
    const x = tf.tensor3d(values(count * steps * features, 93), [count, steps, features]);
    const y = tf.tensor1d(Array.from(values(count, 94), (v) => Math.floor((v + 1) * 1.5)));
    const build = (): tf.LayersModel => {
      const m = tf.sequential({
        layers: [
          recurrent(kind, 8, { inputShape: [steps, features], dropout: 0.2, recurrentDropout: 0.1 }),
          tf.layers.dense({ units: 3, activation: "softmax" }),
        ],
      });
      m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
      return m;
    };
    const { planned, cpu } = await plannedAndCpu(build, x, y, 3);
    assertSameFit(planned, cpu, `${kind} planned vs cpu`, 1e-4);
    tf.dispose([x, y]);
  });
}

test("explainFastPath says a stacked recurrent model is planned, naming each layer", () => {
  const m = tf.sequential({
    layers: [
      tf.layers.lstm({ units: 6, returnSequences: true, inputShape: [10, 3] }),
      tf.layers.gru({ units: 5, returnSequences: true }),
      new KerasGRU({ units: 4 }),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  m.compile({ optimizer: "rmsprop", loss: "binaryCrossentropy", metrics: ["accuracy"] });
  assert.equal(
    explainFastPath(m),
    "fast path: 4 layers planned (LSTM 6 all steps, GRU (reset before) 5 all steps, GRU 4, Dense sigmoid), rmsprop, binary CE, accuracy",
  );
  m.dispose();
});

test("the plan refuses recurrent layers its kernels do not model, naming the layer and the setting", () => {
  const input = { inputShape: [5, 3] };
  const refused: [RegExp, () => tf.layers.Layer[]][] = [
    [/'r' \(GRU\) runs backwards/, () => [tf.layers.gru({ units: 2, name: "r", goBackwards: true, ...input })]],
    [
      /'r' \(LSTM\) is stateful/,
      () => [tf.layers.lstm({ units: 2, name: "r", stateful: true, batchInputShape: [4, 5, 3] })],
    ],
    [
      /'r' \(SimpleRNN\) runs backwards/,
      () => [tf.layers.simpleRNN({ units: 2, name: "r", goBackwards: true, ...input })],
    ],
    [/'r' \(LSTM\) is unrolled/, () => [tf.layers.lstm({ units: 2, name: "r", unroll: true, ...input })]],
    [
      /'r' \(SimpleRNN\): activation 'relu' has no fast kernel/,
      () => [tf.layers.simpleRNN({ units: 2, name: "r", activation: "relu", ...input })],
    ],
    [
      /'r' \(LSTM\): recurrent activation 'tanh' has no fast kernel/,
      () => [tf.layers.lstm({ units: 2, name: "r", recurrentActivation: "tanh", ...input })],
    ],
    [
      /'r' \(KerasGRU\) has a regularizer/,
      () => [new KerasGRU({ units: 2, name: "r", kernelRegularizer: tf.regularizers.l2(), ...input })],
    ],
    [
      /'r' \(LSTM\) has a constraint/,
      () => [tf.layers.lstm({ units: 2, name: "r", recurrentConstraint: tf.constraints.nonNeg(), ...input })],
    ],
  ];
  for (const [reason, layers] of refused) {
    const m = tf.sequential({ layers: [...layers(), tf.layers.dense({ units: 1, activation: "sigmoid" })] });
    m.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    const result = planModel(m);
    assert.equal(result.plan, undefined, `${reason}: planned`);
    assert.match(result.reason ?? "", reason);
    m.dispose();
  }
  // A mask from an Embedding below (through a Dropout, which passes it on): the recurrent case
  // itself, as the plan reaches it once the layers below have units.
  const m = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 5, maskZero: true, name: "e" }),
      tf.layers.dropout({ rate: 0.1 }),
      tf.layers.simpleRNN({ units: 2, name: "r" }),
    ],
  });
  const layer = m.getLayer("r") as tf.layers.Layer & { getConfig(): Record<string, unknown> };
  const where = "layer 'r' (SimpleRNN)";
  assert.equal(
    recurrentUnits(layer, layer.getConfig(), where, [5, 3]),
    "layer 'r' (SimpleRNN) is fed a mask by 'e' (masking is not supported by the fast path)",
  );
  m.dispose();
  // returnState (a Sequential cannot hold it: two outputs).
  const stateful = tf.layers.gru({ units: 2, name: "s", returnState: true }) as tf.layers.Layer & {
    getConfig(): Record<string, unknown>;
  };
  assert.equal(
    recurrentUnits(stateful, stateful.getConfig(), "layer 's' (GRU)", [5, 3]),
    "layer 's' (GRU) returns its state (returnState)",
  );
});
