/** keras.* names layers and models as Keras 3 does; tfjs's own layers keep tfjs's names. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { keras } from "../../src";

test("layers take Keras 3's snake-case names, the first plain and the next numbered from 1", () => {
  keras.backend.clearSession();
  const L = keras.layers;
  const names = [
    L.Dense(2),
    L.Dense(2),
    L.Conv2D(4, 3),
    L.MaxPooling2D(2),
    L.AveragePooling2D(),
    L.Flatten(),
    L.Dropout(0.3),
    L.Reshape([4]),
    L.Activation("relu"),
    L.SimpleRNN(3),
    L.LSTM(3),
    L.GRU(3),
    L.GRU(3, { resetAfter: false }),
    L.Embedding(10, 2),
    L.Dense(2),
  ].map((l) => l.name);
  assert.deepEqual(names, [
    "dense",
    "dense_1",
    "conv2d",
    "max_pooling2d",
    "average_pooling2d",
    "flatten",
    "dropout",
    "reshape",
    "activation",
    "simple_rnn",
    "lstm",
    "gru",
    "gru_1",
    "embedding",
    "dense_2",
  ]);
});

test("an explicit name wins and takes no number; tfjs's own layers keep tfjs's names", () => {
  keras.backend.clearSession();
  assert.equal(keras.layers.Dense(2, { name: "hidden" }).name, "hidden");
  assert.equal(keras.layers.Dense(2).name, "dense");
  assert.match(tf.layers.dense({ units: 2 }).name, /^dense_Dense\d+$/);
  assert.equal(keras.layers.Dense(2).name, "dense_1");
});

test("models are sequential, sequential_1 and functional, and a Sequential's input is input_layer, not <first>_input", () => {
  keras.backend.clearSession();
  const a = keras.Sequential(keras.layers.Dense(10, { activation: "softmax", inputShape: [784] }));
  const b = keras.Sequential([keras.layers.Flatten({ inputShape: [28, 28] }), keras.layers.Dense(10)]);
  assert.deepEqual([a.name, b.name], ["sequential", "sequential_1"]);
  assert.deepEqual([a.inputs[0].sourceLayer.name, b.inputs[0].sourceLayer.name], ["input_layer", "input_layer_1"]);
  assert.deepEqual(
    b.layers.map((l) => l.name),
    ["flatten", "dense_1"],
    "model.layers holds the added layers, not the input layer (as Keras's)",
  );
  const f = keras.Model(b.inputs, b.layers[0].output);
  assert.equal(f.name, "functional");
  const inputs = keras.Input({ shape: [4] });
  assert.equal(inputs.sourceLayer.name, "input_layer_2");
  assert.equal(
    keras.Model({ inputs, outputs: keras.layers.Dense(1).apply(inputs) as tf.SymbolicTensor }).name,
    "functional_1",
  );
  assert.equal(keras.Sequential([], { name: "mine" }).name, "mine");
  assert.equal(keras.Sequential({ name: "yours" }).name, "yours");
});

test("a Sequential takes keras.Input first, or add() after an empty start, and its input is that input", () => {
  keras.backend.clearSession();
  const model = keras.Sequential();
  model.add(keras.Input({ shape: [28, 28] }));
  model.add(keras.layers.Flatten());
  model.add(keras.layers.Dense(10));
  assert.equal(model.inputs[0].sourceLayer.name, "input_layer");
  assert.deepEqual(model.inputs[0].shape, [null, 28, 28]);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ["flatten", "dense"],
  );
  assert.throws(() => model.add(keras.Input({ shape: [3] })), /an input can only come first/);
  const viaLayer = keras.Sequential([keras.layers.InputLayer({ shape: [3] }), keras.layers.Dense(2)]);
  assert.equal(viaLayer.inputs[0].sourceLayer.name, "input_layer_2");
  assert.equal(viaLayer.layers.length, 1);
});

test("clearSession resets the counters: the next Dense is dense, the next model sequential", () => {
  keras.layers.Dense(1);
  keras.Sequential(keras.layers.Dense(1, { inputShape: [1] }));
  keras.backend.clearSession();
  assert.equal(keras.layers.Dense(1).name, "dense");
  const m = keras.Sequential(keras.layers.Dense(1, { inputShape: [1] }));
  assert.deepEqual([m.name, m.inputs[0].sourceLayer.name], ["sequential", "input_layer"]);
});

test("a model's name may be any text (the book's Korean one); a layer's name tfjs cannot scope by is refused when given", () => {
  const model = keras.Sequential(
    [
      keras.layers.Dense(100, { activation: "sigmoid", inputShape: [784], name: "hidden" }),
      keras.layers.Dense(10, { activation: "softmax", name: "output" }),
    ],
    { name: "패션 MNIST 모델" },
  );
  assert.equal(model.name, "패션 MNIST 모델");
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ["hidden", "output"],
  );
  assert.deepEqual(model.predict(tf.ones([1, 784])).shape, [1, 10]);
  assert.throws(
    () => keras.layers.Dense(100, { name: "은닉층" }),
    /keras\.layers\.Dense: the name "은닉층" is not one tfjs can give a layer; expected ASCII letters/,
  );
  assert.throws(
    () => keras.layers.Conv2D(4, { kernelSize: 3, name: "conv 1" }),
    /keras\.layers\.Conv2D: the name "conv 1"/,
  );
});
