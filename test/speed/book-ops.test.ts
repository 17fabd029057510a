/**
 * Every model of the book's chapters 7–9 trains on the default backend: each kernel its training
 * step calls (listed by running the step on the cpu backend under `tf.profile`) is registered on
 * wasm, `UnsortedSegmentSum` (the gradient of an Embedding's `gather`) included; and a seeded fit
 * of each chapter-9 model on wasm equals the same fit on the cpu backend.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { KerasGRU } from "../../src/layers/gru";
import { installFastOps } from "../../src/speed";
import { setRandomSeed } from "../../src/seed";
import { planStepCount } from "../../src/speed/train-function";
import { assertClose, useWasm } from "./compare";
import { values } from "./conv-grad";

/** A book model at a small size: its layers, and an input batch for them. */
interface BookModel {
  name: string;
  layers: () => tf.layers.Layer[];
  input: (batch: number) => tf.Tensor;
  loss: string;
  classes: number;
}

const SEQ = 7;
const VOCAB = 11;

/** Token ids in [0, VOCAB) as floats, pre-padded with zeros as padSequences pads. */
function tokens(batch: number, seed: number): tf.Tensor {
  const ids = Array.from(values(batch * SEQ, seed), (v, i) =>
    i % SEQ < (i / SEQ) % 3 ? 0 : Math.floor(((v + 1) / 2) * VOCAB) % VOCAB,
  );
  return tf.tensor2d(ids, [batch, SEQ]);
}

const embedding = (): tf.layers.Layer => tf.layers.embedding({ inputDim: VOCAB, outputDim: 4, inputLength: SEQ });
const sigmoidOut = (): tf.layers.Layer => tf.layers.dense({ units: 1, activation: "sigmoid" });

const CHAPTER_9: BookModel[] = [
  {
    name: "9-2 SimpleRNN on one-hot words",
    layers: () => [tf.layers.simpleRNN({ units: 5, inputShape: [SEQ, VOCAB] }), sigmoidOut()],
    input: (batch) => tf.tidy(() => tf.oneHot(tokens(batch, 3).toInt(), VOCAB).toFloat()),
    loss: "binaryCrossentropy",
    classes: 2,
  },
  {
    name: "9-2 Embedding, SimpleRNN",
    layers: () => [embedding(), tf.layers.simpleRNN({ units: 5 }), sigmoidOut()],
    input: (batch) => tokens(batch, 4),
    loss: "binaryCrossentropy",
    classes: 2,
  },
  {
    name: "9-3 Embedding, LSTM",
    layers: () => [embedding(), tf.layers.lstm({ units: 5 }), sigmoidOut()],
    input: (batch) => tokens(batch, 5),
    loss: "binaryCrossentropy",
    classes: 2,
  },
  {
    name: "9-3 Embedding, LSTM with dropout and recurrent dropout",
    layers: () => [embedding(), tf.layers.lstm({ units: 5, dropout: 0.3, recurrentDropout: 0.3 }), sigmoidOut()],
    input: (batch) => tokens(batch, 6),
    loss: "binaryCrossentropy",
    classes: 2,
  },
  {
    name: "9-3 Embedding, two stacked LSTMs (returnSequences)",
    layers: () => [
      embedding(),
      tf.layers.lstm({ units: 5, dropout: 0.3, returnSequences: true }),
      tf.layers.lstm({ units: 5, dropout: 0.3 }),
      sigmoidOut(),
    ],
    input: (batch) => tokens(batch, 7),
    loss: "binaryCrossentropy",
    classes: 2,
  },
  {
    name: "9-3 Embedding, GRU (Keras's default reset_after: KerasGRU)",
    layers: () => [embedding(), new KerasGRU({ units: 5, dropout: 0.2 }), sigmoidOut()],
    input: (batch) => tokens(batch, 9),
    loss: "binaryCrossentropy",
    classes: 2,
  },
  {
    name: "9-3 Embedding, GRU (reset_after false)",
    layers: () => [embedding(), tf.layers.gru({ units: 5 }), sigmoidOut()],
    input: (batch) => tokens(batch, 8),
    loss: "binaryCrossentropy",
    classes: 2,
  },
];

const IMAGES = (batch: number, shape: number[], seed: number): tf.Tensor =>
  tf.tensor(values(batch * shape.reduce((a, b) => a * b, 1), seed), [batch, ...shape]);

const CHAPTERS_7_8: BookModel[] = [
  {
    name: "7-1 Dense softmax",
    layers: () => [tf.layers.dense({ units: 3, activation: "softmax", inputShape: [12] })],
    input: (batch) => IMAGES(batch, [12], 1),
    loss: "sparseCategoricalCrossentropy",
    classes: 3,
  },
  {
    name: "7-2/7-3 Flatten, Dense relu, Dropout, Dense softmax",
    layers: () => [
      tf.layers.flatten({ inputShape: [4, 3] }),
      tf.layers.dense({ units: 6, activation: "sigmoid" }),
      tf.layers.dense({ units: 5, activation: "relu" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
    input: (batch) => IMAGES(batch, [4, 3], 2),
    loss: "sparseCategoricalCrossentropy",
    classes: 3,
  },
  {
    name: "8-2 CNN: Conv2D, MaxPooling2D, AveragePooling2D, Dense",
    layers: () => [
      tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: "relu", padding: "same", inputShape: [6, 6, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", padding: "same" }),
      tf.layers.averagePooling2d({ poolSize: 3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, activation: "relu" }),
      tf.layers.dropout({ rate: 0.4 }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
    input: (batch) => IMAGES(batch, [6, 6, 1], 3),
    loss: "sparseCategoricalCrossentropy",
    classes: 3,
  },
];

function build(book: BookModel): tf.Sequential {
  const model = tf.sequential({ layers: book.layers() });
  model.compile({ optimizer: tf.train.rmsprop(1e-2), loss: book.loss, metrics: ["accuracy"] });
  return model;
}

function targets(book: BookModel, batch: number, seed: number): tf.Tensor {
  const labels = Array.from(values(batch, seed), (v) => Math.floor(((v + 1) / 2) * book.classes) % book.classes);
  return book.classes === 2 ? tf.tensor2d(labels, [batch, 1]) : tf.tensor1d(labels);
}

/** The kernels one training step of `book` runs, by name, found by running it on the cpu backend. */
async function trainingTfjsKernels(book: BookModel): Promise<string[]> {
  await tf.setBackend("cpu");
  const model = build(book);
  const x = book.input(3);
  const y = targets(book, 3, 9);
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  model.dispose();
  tf.dispose([x, y]);
  // Op scopes (customGrad's `fusedMatMul__op`) show in the profile too; kernels are what cpu registers.
  return [...new Set(profile.kernelNames)].filter((name) => tf.getKernel(name, "cpu") !== undefined).sort();
}

test("every kernel a training step of a book model (chapters 7–9) calls is registered on wasm", async () => {
  await useWasm();
  installFastOps();
  const missing: string[] = [];
  for (const book of [...CHAPTERS_7_8, ...CHAPTER_9]) {
    const names = await trainingTfjsKernels(book);
    console.log(`# ${book.name}: ${names.join(" ")}`);
    assert.ok(names.length > 10, `${book.name}: the profile lists its kernels (${names.length})`);
    for (const name of names) if (!tf.getKernel(name, "wasm")) missing.push(`${book.name}: ${name}`);
  }
  assert.ok(
    (await trainingTfjsKernels(CHAPTER_9[1])).includes("UnsortedSegmentSum"),
    "an Embedding's gradient is an UnsortedSegmentSum",
  );
  await useWasm();
  assert.deepEqual(missing, [], "kernels a book model needs that wasm does not register");
});

test("UnsortedSegmentSum on wasm equals the cpu backend's: repeated ids, ids never used, ids out of range, int32 data", async () => {
  const cases: Array<{ x: tf.Tensor; ids: number[]; segments: number }> = [
    { x: tf.tensor(values(7 * 5, 1), [7, 5]), ids: [3, 0, 3, 3, 1, 0, 5], segments: 6 },
    { x: tf.tensor(values(6 * 2 * 3, 2), [6, 2, 3]), ids: [0, 0, 0, 1, 1, 0], segments: 4 },
    { x: tf.tensor(values(5, 3), [5]), ids: [4, 2, 2, 0, 4], segments: 5 },
    {
      x: tf.tensor(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [3, 2],
        "int32",
      ),
      ids: [1, 1, 0],
      segments: 2,
    },
  ];
  const run = async (backend: string): Promise<Float32Array[]> => {
    if (backend === "wasm") await useWasm();
    else await tf.setBackend(backend);
    return cases.map(({ x, ids, segments }) => {
      const onBackend = tf.tensor(x.dataSync(), x.shape, x.dtype);
      const out = tf.unsortedSegmentSum(onBackend, tf.tensor1d(ids, "int32"), segments);
      assert.deepEqual(out.shape, [segments, ...x.shape.slice(1)]);
      // TensorFlow keeps the data's dtype; tfjs's cpu backend turns int32 into float32.
      if (backend === "wasm") assert.equal(out.dtype, x.dtype);
      return Float32Array.from(out.dataSync());
    });
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  cpu.forEach((expected, i) => assertClose(wasm[i], expected, 1e-6, `case ${i}`));
  // Segment 2 of the first case has no row: zeros, not stale memory.
  assert.deepEqual([...wasm[0].slice(10, 15)], [0, 0, 0, 0, 0]);
  assert.equal(tf.getKernel("UnsortedSegmentSum", "wasm")?.backendName, "wasm");
});

interface FitResult {
  history: Record<string, number[]>;
  weights: Float32Array[];
}

/** Three seeded epochs of `book` on 20 fixed samples (batch 6: a short last batch), validation included. */
async function seededFit(book: BookModel, backend: "cpu" | "wasm"): Promise<FitResult> {
  if (backend === "wasm") await useWasm();
  else await tf.setBackend("cpu");
  setRandomSeed(17);
  try {
    const model = build(book);
    const x = book.input(20);
    const y = targets(book, 20, 10);
    const vx = book.input(6);
    const vy = targets(book, 6, 11);
    const before = planStepCount();
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 6,
      validationData: [vx, vy],
      shuffle: false,
      verbose: 0,
    });
    // On wasm every chapter-9 model is planned: 3 epochs of 4 batches (20 samples by 6), each through the step op.
    if (backend === "wasm")
      assert.equal(planStepCount().train - before.train, 12, `${book.name}: batches through the plan`);
    const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
    model.dispose();
    tf.dispose([x, y, vx, vy]);
    return { history: history.history as Record<string, number[]>, weights };
  } finally {
    setRandomSeed(undefined);
  }
}

for (const book of CHAPTER_9) {
  test(`a seeded fit of ${book.name} on wasm equals the cpu backend's: losses, metrics and weights`, async () => {
    const cpu = await seededFit(book, "cpu");
    const wasm = await seededFit(book, "wasm");
    for (const key of ["loss", "acc", "val_loss", "val_acc"])
      assertClose(Float32Array.from(wasm.history[key]), Float32Array.from(cpu.history[key]), 1e-4, key);
    assert.equal(wasm.weights.length, cpu.weights.length);
    cpu.weights.forEach((w, i) => assertClose(wasm.weights[i], w, 1e-4, `weight ${i}`));
    setRandomSeed(17);
    const untrained = build(book);
    const first = Float32Array.from(untrained.getWeights()[0].dataSync());
    untrained.dispose();
    setRandomSeed(undefined);
    assert.ok(
      first.some((v, i) => Math.abs(v - wasm.weights[0][i]) > 1e-5),
      "the fit moved the first layer's weights (an Embedding's through its scatter-add)",
    );
  });
}
