/**
 * Real files written by Python Keras (../shared/fixtures/keras) load here and
 * predict what the fixtures README records: Fashion-MNIST test images 0, 1, 2
 * for the image models, the README's token sequences for chapter 9's recurrent
 * models. One table row per file; each row says what the file exercises.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { loadModelH5, loadWeightsH5, loadWeightsKeras3 } from "../../src/io/keras";
import {
  CH9_MODELS,
  ch9Expectations,
  ch9Input,
  FIXTURE_TOLERANCE,
  fixtureExpectations,
  kerasFixtures,
  lessonMlp,
  maxAbsDiff,
  predict,
  SKIP_FIXTURES,
  SKIP_IMAGES,
  testImages,
} from "./keras-helpers";

const dir = kerasFixtures();
const images = testImages(3);
const skip = !dir ? SKIP_FIXTURES : !images ? SKIP_IMAGES : undefined;

function checkPredictions(file: string, model: tf.LayersModel, x: tf.Tensor): number {
  const expected = fixtureExpectations(dir!).get(file);
  assert.ok(expected, `the fixtures README records ${file}`);
  const probs = predict(model, x);
  assert.deepEqual(
    probs.map((row) => row.indexOf(Math.max(...row))),
    expected.argmax,
    `${file}: predicted classes`,
  );
  const diff = maxAbsDiff(probs.flat(), expected.probabilities.flat());
  assert.ok(diff <= FIXTURE_TOLERANCE, `${file}: max |p - expected| = ${diff} > ${FIXTURE_TOLERANCE}`);
  return diff;
}

function layerSummary(model: tf.LayersModel): string[] {
  return model.layers.map((l) => `${l.getClassName()} ${JSON.stringify(l.outputShape)}`);
}

const MLP_LAYERS = ["Flatten [null,784]", "Dense [null,100]", "Dropout [null,100]", "Dense [null,10]"];

/** One whole-model `.h5` written by Python Keras, and what loading it must give. */
interface WholeModelRow {
  file: string;
  what: string;
  layers: string[];
  names?: string[];
  /** The image models' input: [3, 28, 28], or with a channel axis. */
  channels?: boolean;
  /** The optimizer the training config restores (tfjs's class name) and its settings in tfjs's words. */
  optimizer: string;
  optimizerConfig?: { [k: string]: number | boolean };
  /** evaluate() on the three images works without compile and classifies them all right. */
  evaluates?: boolean;
}

const WHOLE_MODELS: WholeModelRow[] = [
  {
    file: "tfkeras2.9.0_mlp_fashion_whole.h5",
    what: "tf.keras 2.9 (variable-length strings, InputLayer with batch_input_shape)",
    layers: MLP_LAYERS,
    names: ["flatten_7", "dense_14", "dropout_1", "dense_15"],
    optimizer: "Adam",
    evaluates: true,
  },
  {
    file: "keras2.3.1-standalone_cnn_mnist_whole.h5",
    what: "standalone Keras 2.3.1 CNN (fixed-length strings, no InputLayer)",
    layers: [
      "Conv2D [null,26,26,32]",
      "MaxPooling2D [null,13,13,32]",
      "Conv2D [null,11,11,64]",
      "MaxPooling2D [null,5,5,64]",
      "Conv2D [null,3,3,64]",
      "Flatten [null,576]",
      "Dense [null,64]",
      "Dense [null,10]",
    ],
    channels: true,
    optimizer: "RMSProp",
  },
  {
    file: "keras3.10.0_mlp_fashion_whole_legacyh5.h5",
    what: "Keras 3.10 legacy .h5 (batch_shape, DTypePolicy dtypes, weight names without :0)",
    layers: MLP_LAYERS,
    names: ["flatten_5", "dense_10", "dropout_1", "dense_11"],
    optimizer: "Adam",
  },
  {
    file: "tfkeras2.11.0_book_cnn_whole.h5",
    what: "the book's 8-2 checkpoint, tf.keras 2.11 (optimizer Custom>Adam)",
    layers: [
      "Conv2D [null,28,28,32]",
      "MaxPooling2D [null,14,14,32]",
      "Conv2D [null,14,14,64]",
      "MaxPooling2D [null,7,7,64]",
      "Flatten [null,3136]",
      "Dense [null,100]",
      "Dropout [null,100]",
      "Dense [null,10]",
    ],
    channels: true,
    optimizer: "Adam",
    optimizerConfig: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    evaluates: true,
  },
];

for (const row of WHOLE_MODELS) {
  test(
    `${row.what}: ${row.file} loads, predicts the README's outputs, and restores its optimizer`,
    { skip },
    async () => {
      const model = await loadModelH5(path.join(dir!, row.file));
      assert.deepEqual(layerSummary(model), row.layers);
      if (row.names)
        assert.deepEqual(
          model.layers.map((l) => l.name),
          row.names,
        );
      const x = row.channels ? images!.reshape([3, 28, 28, 1]) : images!;
      const diff = checkPredictions(row.file, model, x);
      console.log(`${row.file}: max abs diff ${diff.toExponential(2)}`);
      assert.equal(model.optimizer?.getClassName(), row.optimizer, "the training config compiles the model");
      if (row.optimizerConfig) {
        const config = model.optimizer.getConfig() as { [k: string]: number | boolean };
        for (const [k, v] of Object.entries(row.optimizerConfig)) {
          assert.ok(Math.abs(Number(config[k]) - Number(v)) < 1e-9, `optimizer ${k}: ${config[k]}, stored ${v}`);
        }
      }
      if (row.evaluates) {
        const evaluated = model.evaluate(x, tf.tensor1d([9, 2, 1], "float32")) as tf.Scalar[];
        assert.equal(evaluated.length, 2, "loss and accuracy");
        assert.ok(evaluated[0].dataSync()[0] < 0.5, `loss ${evaluated[0].dataSync()[0]}`);
        assert.equal(evaluated[1].dataSync()[0], 1, "all three images classified right");
      }
    },
  );
}

for (const { key, vocabulary, oneHot } of CH9_MODELS) {
  const file = `tfkeras2.14.0_ch9_${key}-model.h5`;
  test(
    `chapter 9's ${key} checkpoint (tf.keras 2.14, Custom>RMSprop) loads compiled, predicts the README's outputs, evaluates and trains`,
    { skip: dir ? undefined : SKIP_FIXTURES },
    async () => {
      const model = await loadModelH5(path.join(dir!, file));
      const expected = ch9Expectations(dir!).get(key);
      assert.ok(expected, `the fixtures README records ${key}'s outputs`);
      const x = ch9Input(vocabulary, oneHot);
      const probs = predict(model, x).map((r) => r[0]);
      const diff = maxAbsDiff(probs, expected);
      console.log(`${file}: ${JSON.stringify(probs.map((p) => +p.toFixed(6)))}, max abs diff ${diff.toExponential(2)}`);
      assert.ok(diff <= FIXTURE_TOLERANCE, `${file}: max |p - expected| = ${diff} > ${FIXTURE_TOLERANCE}`);
      assert.equal(model.optimizer?.getClassName(), "RMSProp", "Custom>RMSprop restores RMSprop");
      const config = model.optimizer.getConfig() as { learningRate: number; decay: number; epsilon: number };
      assert.ok(Math.abs(config.learningRate - 1e-4) < 1e-9, `stored learning rate 1e-4, found ${config.learningRate}`);
      assert.equal(config.decay, 0.9, "rho");
      assert.equal(config.epsilon, 1e-7);
      const evaluated = model.evaluate(x, tf.tensor2d([[1], [0], [0]])) as tf.Scalar[];
      assert.equal(evaluated.length, 2, "loss and accuracy without compile");
      assert.ok(Number.isFinite(evaluated[0].dataSync()[0]));
      // The loaded model trains as loaded: one step of the restored RMSprop moves the recurrent weights.
      const recurrent = model.layers.find((l) => l.weights.length === 3)!;
      const before = recurrent.getWeights().map((w) => Array.from(w.dataSync()));
      await model.fit(x, tf.tensor2d([[1], [0], [0]]), { epochs: 1, batchSize: 3, verbose: 0 });
      const after = recurrent.getWeights().map((w) => Array.from(w.dataSync()));
      before.forEach((w, i) => assert.ok(maxAbsDiff(w, after[i]) > 0, `${recurrent.weights[i].name} changed in fit`));
    },
  );
}

/** A weights file written by Python Keras, loaded into the lesson's model built with other layer names. */
interface WeightsRow {
  file: string;
  /** The test's name: what the file is and how it matches the model's layers. */
  what: string;
  load: (model: tf.LayersModel, file: string) => Promise<void>;
  names: string[];
}

const WEIGHTS_FILES: WeightsRow[] = [
  {
    file: "tfkeras2.9.0_mlp_fashion_weights.h5",
    what: "tf.keras 2.9 save_weights .h5 loads into the lesson's model (matched by layer order, not name)",
    load: loadWeightsH5,
    names: ["f", "hidden", "drop", "out"],
  },
  {
    file: "tfkeras2.9.0_mlp_fashion_whole.h5",
    what: "a whole-model .h5 also serves as a weights file, as in Keras's load_weights",
    load: loadWeightsH5,
    names: ["a", "b", "c", "d"],
  },
  {
    file: "keras3.10.0_mlp_fashion.weights.h5",
    what: "Keras 3.10 .weights.h5 (layers/<class>/vars/0,1) loads into the lesson's model",
    load: loadWeightsKeras3,
    names: ["f", "hidden", "drop", "out"],
  },
];

for (const row of WEIGHTS_FILES) {
  test(row.what, { skip }, async () => {
    const model = lessonMlp(row.names);
    await row.load(model, path.join(dir!, row.file));
    const diff = checkPredictions(row.file, model, images!);
    console.log(`${row.file}: max abs diff ${diff.toExponential(2)}`);
  });
}
