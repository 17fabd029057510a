/**
 * Real files written by Python Keras (../shared/fixtures/keras) load here and
 * predict what the fixtures README records for Fashion-MNIST test images 0, 1, 2.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { loadModelH5, loadWeightsH5, loadWeightsKeras3 } from "../../src/io/keras";
import {
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

test(
  "tf.keras 2.9 whole-model .h5 (variable-length strings, InputLayer with batch_input_shape) loads and predicts",
  { skip },
  async () => {
    const file = "tfkeras2.9.0_mlp_fashion_whole.h5";
    const model = await loadModelH5(path.join(dir!, file));
    assert.deepEqual(layerSummary(model), [
      "Flatten [null,784]",
      "Dense [null,100]",
      "Dropout [null,100]",
      "Dense [null,10]",
    ]);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["flatten_7", "dense_14", "dropout_1", "dense_15"],
    );
    assert.deepEqual(model.inputs[0].shape, [null, 28, 28]);
    assert.equal((model.layers[2].getConfig() as { rate: number }).rate, 0.3);
    const diff = checkPredictions(file, model, images!);
    console.log(`${file}: max abs diff ${diff.toExponential(2)}`);
    // training_config (Adam, sparse categorical crossentropy, accuracy) compiles the model as Keras does
    assert.equal(model.optimizer.getClassName(), "Adam");
    const evaluated = model.evaluate(images!, tf.tensor1d([9, 2, 1], "float32")) as tf.Scalar[];
    assert.equal(evaluated.length, 2, "loss and accuracy");
    assert.equal(evaluated[1].dataSync()[0], 1, "all three images classified right");
  },
);

test("standalone Keras 2.3.1 CNN .h5 (fixed-length strings, no InputLayer) loads and predicts", { skip }, async () => {
  const file = "keras2.3.1-standalone_cnn_mnist_whole.h5";
  const model = await loadModelH5(path.join(dir!, file));
  assert.deepEqual(layerSummary(model), [
    "Conv2D [null,26,26,32]",
    "MaxPooling2D [null,13,13,32]",
    "Conv2D [null,11,11,64]",
    "MaxPooling2D [null,5,5,64]",
    "Conv2D [null,3,3,64]",
    "Flatten [null,576]",
    "Dense [null,64]",
    "Dense [null,10]",
  ]);
  assert.deepEqual(model.layers[0].getWeights()[0].shape, [3, 3, 1, 32]);
  const x = images!.reshape([3, 28, 28, 1]);
  const diff = checkPredictions(file, model, x);
  console.log(`${file}: max abs diff ${diff.toExponential(2)}`);
  assert.equal(model.optimizer.getClassName(), "RMSProp");
});

test(
  "Keras 3.10 legacy .h5 (batch_shape, DTypePolicy dtypes, weight names without :0) loads and predicts",
  { skip },
  async () => {
    const file = "keras3.10.0_mlp_fashion_whole_legacyh5.h5";
    const model = await loadModelH5(path.join(dir!, file));
    assert.deepEqual(layerSummary(model), [
      "Flatten [null,784]",
      "Dense [null,100]",
      "Dropout [null,100]",
      "Dense [null,10]",
    ]);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["flatten_5", "dense_10", "dropout_1", "dense_11"],
    );
    const diff = checkPredictions(file, model, images!);
    console.log(`${file}: max abs diff ${diff.toExponential(2)}`);
    assert.equal(model.optimizer.getClassName(), "Adam");
  },
);

test(
  "tf.keras 2.9 save_weights .h5 loads into the lesson's model (matched by layer order, not name)",
  { skip },
  async () => {
    const file = "tfkeras2.9.0_mlp_fashion_weights.h5";
    const model = lessonMlp(["f", "hidden", "drop", "out"]);
    await loadWeightsH5(model, path.join(dir!, file));
    const diff = checkPredictions(file, model, images!);
    console.log(`${file}: max abs diff ${diff.toExponential(2)}`);
  },
);

test("a whole-model .h5 also serves as a weights file, as in Keras's load_weights", { skip }, async () => {
  const model = lessonMlp(["a", "b", "c", "d"]);
  await loadWeightsH5(model, path.join(dir!, "tfkeras2.9.0_mlp_fashion_whole.h5"));
  checkPredictions("tfkeras2.9.0_mlp_fashion_whole.h5", model, images!);
});

test("Keras 3.10 .weights.h5 (layers/<class>/vars/0,1) loads into the lesson's model", { skip }, async () => {
  const file = "keras3.10.0_mlp_fashion.weights.h5";
  const model = lessonMlp(["f", "hidden", "drop", "out"]);
  await loadWeightsKeras3(model, path.join(dir!, file));
  const diff = checkPredictions(file, model, images!);
  console.log(`${file}: max abs diff ${diff.toExponential(2)}`);
});
