/**
 * The plan's Conv2D, MaxPooling2D and AveragePooling2D units against the cpu backend: one training step of small
 * models through the plan's step op (on wasm) gives the loss, accuracy and every weight's
 * gradient that tfjs's own layers, loss and metric give on the cpu backend, on odd shapes
 * (batch 3, 7×5 images, 3 channels in, 5 filters; kernels 3, 2 and 3×2; strides 1 and 2;
 * same and valid padding; pools of 2 and 3, overlapping, with ties). Each tested layer sits
 * above a first convolution, so its input gradient reaches that convolution's filter gradient.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { cnnModel } from "../../bench/cnn-model";
import { keras } from "../../src";
import { useFastOps } from "../../src/speed";
import { modelInternals, trainingModel } from "../../src/speed/internals";
import { planFor, planModel } from "../../src/speed/plan";
import { STEP_OP, type StepAttrs } from "../../src/speed/step-op";
import { assertClose, useWasm } from "./compare";
import { values } from "./conv-grad";

before(async () => {
  await useWasm();
  useFastOps(true);
});

const BATCH = 3;
const IMAGE: [number, number, number] = [7, 5, 3];
const CLASSES = 4;

/** A model: `first` (a convolution), the layers under test, Flatten, Dense softmax; sparse CE, accuracy. */
function model(first: tf.layers.Layer, tested: tf.layers.Layer[]): tf.Sequential {
  const m = tf.sequential({
    layers: [first, ...tested, tf.layers.flatten(), tf.layers.dense({ units: CLASSES, activation: "softmax" })],
  });
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

/** Labels 0..CLASSES−1 for the batch. */
const labels = (): tf.Tensor => tf.tensor1d(Array.from({ length: BATCH }, (_, i) => (i * 3) % CLASSES));

/**
 * One training step through the plan (on wasm) and the same from tfjs's layers under
 * `tf.variableGrads` on the cpu backend: `[loss, accuracy, ...gradients]` each.
 */
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

function assertStepMatchesCpu(step: Float32Array[], cpu: Float32Array[], what: string): void {
  assert.equal(step.length, cpu.length, `${what}: outputs`);
  assertClose(step[0], cpu[0], 1e-5, `${what}: loss`);
  assertClose(step[1], cpu[1], 1e-6, `${what}: accuracy`);
  for (let i = 2; i < step.length; i++) {
    assert.ok(
      cpu[i].some((v) => v !== 0),
      `${what}: gradient ${i - 2} is all zeros on cpu (the case tests nothing)`,
    );
    assertClose(step[i], cpu[i], 1e-5, `${what}: gradient ${i - 2}`);
  }
}

interface ConvCase {
  kernel: number | [number, number];
  strides: number | [number, number];
  padding: "same" | "valid";
  activation: "relu" | "linear" | "sigmoid" | "tanh";
  useBias: boolean;
  /** Channels out of the first convolution (the tested one's input): 3 packs the whole patch matrix, 6 band by band. */
  channels: number;
}

const CONV_CASES: ConvCase[] = [
  { kernel: 3, strides: 1, padding: "same", activation: "relu", useBias: true, channels: 3 },
  { kernel: 3, strides: 2, padding: "valid", activation: "linear", useBias: false, channels: 3 },
  { kernel: 2, strides: 1, padding: "valid", activation: "sigmoid", useBias: true, channels: 6 },
  { kernel: 2, strides: 2, padding: "same", activation: "relu", useBias: false, channels: 6 },
  { kernel: [3, 2], strides: [2, 1], padding: "same", activation: "tanh", useBias: true, channels: 3 },
  { kernel: 1, strides: 1, padding: "valid", activation: "relu", useBias: true, channels: 6 },
];

for (const c of CONV_CASES) {
  const name = `kernel ${c.kernel}, strides ${c.strides}, ${c.padding}, ${c.activation}${c.useBias ? ", bias" : ""}, ${c.channels} channels in`;
  test(`Conv2D unit: loss, accuracy and the filter, bias and input gradients of a planned step equal the cpu backend's (${name})`, async () => {
    const m = model(
      tf.layers.conv2d({ filters: c.channels, kernelSize: 2, padding: "same", inputShape: IMAGE, activation: "relu" }),
      [
        tf.layers.conv2d({
          filters: 5,
          kernelSize: c.kernel,
          strides: c.strides,
          padding: c.padding,
          activation: c.activation,
          useBias: c.useBias,
        }),
      ],
    );
    // Non-zero biases, so the bias reaches the loss as a trained layer's would.
    m.layers.forEach((layer, i) => {
      const w = layer.getWeights();
      layer.setWeights(w.map((t, j) => tf.tensor(values(t.size, 40 + 7 * i + j), t.shape).mul(j === 0 ? 0.5 : 0.1)));
    });
    const x = tf.tensor4d(values(BATCH * 7 * 5 * 3, 31), [BATCH, ...IMAGE]);
    const y = labels();
    const { step, cpu, layers } = await planStepAndCpu(m, x, y);
    assert.equal(layers[1].startsWith("Conv2D"), true, layers.join(", "));
    assertStepMatchesCpu(step, cpu, name);
    tf.dispose([x, y]);
    m.dispose();
  });
}

interface PoolCase {
  poolSize: number | [number, number];
  strides?: number | [number, number];
  padding: "same" | "valid";
  /** Channels of the pooled images: 4 (one vector of lanes), 6 (a vector and two scalar lanes), 3 (scalar lanes). */
  channels: number;
  /** relu before the pool (ties at 0), or linear (windows of negative values). */
  relu: boolean;
}

const POOL_CASES: PoolCase[] = [
  { poolSize: 2, padding: "valid", channels: 4, relu: true },
  { poolSize: 2, padding: "same", channels: 6, relu: false },
  { poolSize: 3, strides: 2, padding: "same", channels: 3, relu: false },
  { poolSize: 3, strides: 1, padding: "valid", channels: 6, relu: true },
  { poolSize: [2, 3], strides: [1, 2], padding: "same", channels: 4, relu: false },
];

/** Values in {−1, −½, 0, ½, 1}: a 1×1 convolution of them with kernel entries in {−1, −½, ½, 1} is exact, with many ties. */
function coarse(count: number, seed: number, levels: number[]): Float32Array {
  return Float32Array.from(values(count, seed), (v) => levels[Math.floor(((v + 1) / 2) * levels.length)]);
}

for (const c of POOL_CASES) {
  const name = `pool ${c.poolSize}, strides ${c.strides ?? "= pool"}, ${c.padding}, ${c.channels} channels, ${c.relu ? "relu before" : "negative windows"}`;
  test(`MaxPooling2D unit: a planned step routes each gradient to the first maximum of its window, ties included, as the cpu backend does (${name})`, async () => {
    const first = tf.layers.conv2d({
      filters: c.channels,
      kernelSize: 1,
      inputShape: IMAGE,
      activation: c.relu ? "relu" : "linear",
      useBias: false,
    });
    const m = model(first, [
      tf.layers.maxPooling2d({ poolSize: c.poolSize, strides: c.strides, padding: c.padding }),
      tf.layers.conv2d({ filters: 5, kernelSize: 2, padding: "same", activation: "relu" }),
    ]);
    first.setWeights([tf.tensor4d(coarse(3 * c.channels, 50, [-1, -0.5, 0.5, 1]), [1, 1, 3, c.channels])]);
    const x = tf.tensor4d(coarse(BATCH * 7 * 5 * 3, 51, [-1, -0.5, 0, 0.5, 1]), [BATCH, ...IMAGE]);
    const y = labels();
    // The case has ties: some window of the pooled images holds its maximum twice.
    const pooled = tf.tidy(() => first.apply(x) as tf.Tensor4D);
    assert.ok(hasTie(pooled, c), "a window with a tied maximum");
    pooled.dispose();
    const { step, cpu, layers } = await planStepAndCpu(m, x, y);
    assert.equal(layers[1].startsWith("MaxPooling2D"), true, layers.join(", "));
    assertStepMatchesCpu(step, cpu, name);
    tf.dispose([x, y]);
    m.dispose();
  });
}

const AVERAGE_CASES: Omit<PoolCase, "relu">[] = [
  { poolSize: 2, padding: "valid", channels: 4 },
  { poolSize: 3, strides: 2, padding: "same", channels: 6 },
  { poolSize: [1, 2], padding: "same", channels: 3 },
  { poolSize: 3, strides: 1, padding: "valid", channels: 4 },
];

for (const c of AVERAGE_CASES) {
  const name = `pool ${c.poolSize}, strides ${c.strides ?? "= pool"}, ${c.padding}, ${c.channels} channels`;
  test(`AveragePooling2D unit: a planned step gives the cpu backend's loss, accuracy and gradients, windows cut by same padding included (${name})`, async () => {
    const m = model(
      tf.layers.conv2d({ filters: c.channels, kernelSize: 2, padding: "same", inputShape: IMAGE, activation: "relu" }),
      [
        tf.layers.averagePooling2d({ poolSize: c.poolSize, strides: c.strides, padding: c.padding }),
        tf.layers.conv2d({ filters: 5, kernelSize: 2, padding: "same", activation: "relu" }),
      ],
    );
    const x = tf.tensor4d(values(BATCH * 7 * 5 * 3, 61), [BATCH, ...IMAGE]);
    const y = labels();
    const { step, cpu, layers } = await planStepAndCpu(m, x, y);
    assert.equal(layers[1].startsWith("AveragePooling2D"), true, layers.join(", "));
    assertStepMatchesCpu(step, cpu, name);
    tf.dispose([x, y]);
    m.dispose();
  });
}

/** Whether some (valid) window of `images` has its maximum at two positions in some channel. */
function hasTie(images: tf.Tensor4D, c: PoolCase): boolean {
  const [b, h, w, ch] = images.shape;
  const v = images.dataSync();
  const [ph, pw] = Array.isArray(c.poolSize) ? c.poolSize : [c.poolSize, c.poolSize];
  for (let n = 0; n < b; n++)
    for (let i = 0; i + ph <= h; i++)
      for (let j = 0; j + pw <= w; j++)
        for (let k = 0; k < ch; k++) {
          const window: number[] = [];
          for (let di = 0; di < ph; di++)
            for (let dj = 0; dj < pw; dj++) window.push(v[((n * h + i + di) * w + j + dj) * ch + k]);
          const top = Math.max(...window);
          if (window.filter((e) => e === top).length > 1) return true;
        }
  return false;
}

test("the 8-2 CNN's layers and Keras's Conv2D and MaxPooling2D get a plan; dilated, elu and regularized convolutions do not, with the reason", () => {
  const cnn = cnnModel();
  assert.deepEqual(planModel(cnn).plan?.layers, [
    "Conv2D 3×3 relu",
    "MaxPooling2D 2×2",
    "Conv2D 3×3 relu",
    "MaxPooling2D 2×2",
    "Flatten",
    "Dense relu",
    "Dropout 0.4",
    "Dense softmax",
  ]);
  cnn.dispose();
  const kerasCnn = keras.Sequential([
    keras.layers.Conv2D(8, 3, { activation: "relu", padding: "same", inputShape: [12, 12, 1] }),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(10, { activation: "softmax" }),
  ]);
  kerasCnn.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  assert.ok(planFor(kerasCnn), planModel(kerasCnn).reason);
  kerasCnn.dispose();
  const refused: [RegExp, tf.layers.Layer][] = [
    [
      /\(Conv2D\) has dilation rate 2×2 \(the fast path convolves undilated only\)/,
      tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, inputShape: [6, 6, 1] }),
    ],
    [
      /\(Conv2D\): activation 'elu' has no fast unit yet/,
      tf.layers.conv2d({ filters: 2, kernelSize: 2, activation: "elu", inputShape: [6, 6, 1] }),
    ],
    [
      /\(Conv2D\) has a regularizer/,
      tf.layers.conv2d({ filters: 2, kernelSize: 2, kernelRegularizer: tf.regularizers.l2(), inputShape: [6, 6, 1] }),
    ],
  ];
  for (const [reason, layer] of refused) {
    const m = tf.sequential({
      layers: [layer, tf.layers.flatten(), tf.layers.dense({ units: 2, activation: "softmax" })],
    });
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    assert.equal(planFor(m), null);
    assert.match(planModel(m).reason ?? "", reason);
    m.dispose();
  }
});
