/** Helpers for the Keras file tests: fixtures, their expected outputs, reference images. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { tf } from "../../src/backend";
import { sharedDir } from "../helpers";

/** `../shared/fixtures/keras`, or undefined where it is absent. */
export function kerasFixtures(): string | undefined {
  const shared = sharedDir();
  const dir = shared && path.join(shared, "fixtures", "keras");
  return dir && fs.existsSync(path.join(dir, "README.md")) ? dir : undefined;
}

export const SKIP_FIXTURES =
  "needs ../shared/fixtures/keras (files written by Python Keras), absent beside this checkout: " +
  "clone the project's shared/ folder next to the repository (CI has it) to run the Keras-file tests";

const TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
export const SKIP_IMAGES = `needs ${TEST_IMAGES} (Debian package dataset-fashion-mnist)`;

/** Fashion-MNIST test images 0..n-1 as float32 /255, shape [n, 28, 28], or undefined where absent. */
export function testImages(n = 3): tf.Tensor | undefined {
  if (!fs.existsSync(TEST_IMAGES)) return undefined;
  const raw = zlib.gunzipSync(fs.readFileSync(TEST_IMAGES));
  if (raw.readUInt32BE(0) !== 0x803 || raw.readUInt32BE(8) !== 28 || raw.readUInt32BE(12) !== 28) {
    throw new Error(`${TEST_IMAGES} is not an idx3 file of 28×28 images`);
  }
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = raw[16 + i] / 255;
  return tf.tensor(x, [n, 28, 28]);
}

/** What the fixtures README records for one file. */
export interface FixtureExpectation {
  argmax: number[];
  probabilities: number[][];
}

/** Parse the expected argmax and probabilities of every fixture from the README. */
export function fixtureExpectations(dir: string): Map<string, FixtureExpectation> {
  const text = fs.readFileSync(path.join(dir, "README.md"), "utf8");
  const out = new Map<string, FixtureExpectation>();
  for (const section of text.split(/^## /m).slice(1)) {
    const name = section.split("\n")[0].trim();
    const argmax = /argmax: \[([^\]]*)\]/.exec(section);
    const probs = [...section.matchAll(/^\s+- \[([0-9., ]+)\]\s*$/gm)].map((m) => m[1].split(",").map(Number));
    if (argmax && probs.length) out.set(name, { argmax: argmax[1].split(",").map(Number), probabilities: probs });
  }
  return out;
}

/** The README prints 6 decimals of values accurate to 1e-5. */
export const FIXTURE_TOLERANCE = 1e-5 + 5e-7;

/** Largest absolute difference between two equal-length number lists. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Predictions of a model as nested arrays. */
export function predict(model: tf.LayersModel, x: tf.Tensor): number[][] {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
}

/** The lesson's MLP with the layer names of the tf.keras 2.9 fixture (so layouts can be compared name for name). */
export function lessonMlp(
  names = ["flatten_7", "dense_14", "dropout_1", "dense_15"],
  modelName = "sequential_7",
): tf.Sequential {
  const model = tf.sequential({ name: modelName });
  model.add(tf.layers.flatten({ inputShape: [28, 28], name: names[0] }));
  model.add(tf.layers.dense({ units: 100, activation: "relu", name: names[1] }));
  model.add(tf.layers.dropout({ rate: 0.3, name: names[2] }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: names[3] }));
  return model;
}

/** All weights of a model, as plain arrays (to check that a failed load changed nothing). */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/** Chapter 9's fixtures: tf.keras 2.14 recurrent models, their vocabulary, and whether the input is one-hot. */
export const CH9_MODELS = [
  { key: "simplernn", vocabulary: 300, oneHot: true },
  { key: "lstm", vocabulary: 500, oneHot: false },
  { key: "gru", vocabulary: 500, oneHot: false },
] as const;

/** The README's reference token sequences for chapter 9 ([3, 100], pre-padded with zeros), one-hot where asked. */
export function ch9Input(vocabulary: number, oneHot: boolean): tf.Tensor {
  const starts = [0, 20, 60];
  const tokens = starts.map((start, i) =>
    Array.from({ length: 100 }, (_, t) =>
      t < start ? 0 : 1 + ((i * 37 + t * 11 + ((t * t) % 13)) % (vocabulary - 1)),
    ),
  );
  return tf.tidy(() => {
    const ids = tf.tensor2d(tokens, [3, 100], "int32");
    return oneHot ? tf.oneHot(ids, vocabulary).toFloat() : ids.toFloat();
  });
}

/** The chapter-9 outputs the README records ("  - gru: [0.348779, …]"). */
export function ch9Expectations(dir: string): Map<string, number[]> {
  const text = fs.readFileSync(path.join(dir, "README.md"), "utf8");
  const out = new Map<string, number[]>();
  for (const m of text.matchAll(/^\s+- (simplernn|lstm|gru): \[([0-9., ]+)\]\s*$/gm)) {
    out.set(m[1], m[2].split(",").map(Number));
  }
  return out;
}
