/**
 * keras.optimizers carry Keras 3's defaults; compile without an optimizer uses RMSprop(0.001),
 * and optimizer names build Keras's (adagrad at 0.001, not tfjs's 0.01).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { keras } from "../../src";

function described(o: tf.Optimizer): [string, Record<string, unknown>] {
  return [o.getClassName(), o.getConfig() as Record<string, unknown>];
}

const model = (): ReturnType<typeof keras.Sequential> =>
  keras.Sequential([keras.layers.Flatten({ inputShape: [2, 2] }), keras.layers.Dense(3, { activation: "softmax" })]);

test("every optimizer's defaults are Keras 3's", () => {
  const O = keras.optimizers;
  assert.deepEqual(described(O.SGD()), ["SGD", { learningRate: 0.01 }]);
  assert.deepEqual(described(O.RMSprop()), [
    "RMSProp",
    { learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  ]);
  assert.deepEqual(described(O.Adagrad()), ["Adagrad", { learningRate: 0.001, initialAccumulatorValue: 0.1 }]);
  assert.deepEqual(described(O.Adam()), ["Adam", { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }]);
  assert.deepEqual(described(O.Adamax()), [
    "Adamax",
    { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 },
  ]);
  assert.deepEqual(described(O.Adadelta()), ["Adadelta", { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 }]);
});

test("SGD takes a learning rate, and momentum with Nesterov as tfjs's momentum optimizer", () => {
  assert.deepEqual(described(keras.optimizers.SGD({ learningRate: 0.1 })), ["SGD", { learningRate: 0.1 }]);
  assert.deepEqual(described(keras.optimizers.SGD({ momentum: 0.9, nesterov: true })), [
    "Momentum",
    { learningRate: 0.01, momentum: 0.9, useNesterov: true },
  ]);
  assert.deepEqual(described(keras.optimizers.SGD({ momentum: 0.9 })), [
    "Momentum",
    { learningRate: 0.01, momentum: 0.9, useNesterov: false },
  ]);
});

test("an unknown setting is refused with the known ones listed", () => {
  const js = keras.optimizers.Adam as (args: Record<string, number>) => tf.Optimizer;
  assert.throws(
    () => js({ learning_rate: 0.1 }),
    /Adam: unknown setting learning_rate; expected some of learningRate, beta1, beta2, epsilon/,
  );
  assert.throws(() => keras.optimizers.Adagrad({ epsilon: 1e-3 }), /epsilon 0.001 is not supported/);
});

test("compile without an optimizer uses RMSprop at 0.001, rho 0.9, epsilon 1e-7, as Keras", () => {
  const m = model();
  m.compile({ loss: "sparse_categorical_crossentropy", metrics: "accuracy" });
  assert.deepEqual(described(m.optimizer), [
    "RMSProp",
    { learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  ]);
});

test("compile's optimizer names build Keras's optimizers with Keras's defaults, in any case", () => {
  const cases: [string, string, number][] = [
    ["sgd", "SGD", 0.01],
    ["adagrad", "Adagrad", 0.001],
    ["rmsprop", "RMSProp", 0.001],
    ["Adam", "Adam", 0.001],
    ["adamax", "Adamax", 0.001],
    ["adadelta", "Adadelta", 0.001],
  ];
  for (const [name, className, rate] of cases) {
    const m = model();
    m.compile({ optimizer: name, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const [cls, config] = described(m.optimizer);
    assert.deepEqual([cls, config.learningRate], [className, rate], name);
  }
});

test("compile takes Keras's and tfjs's loss names, and refuses others listing the known ones", () => {
  const m = model();
  m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  m.compile({ optimizer: "adam", loss: "categorical_crossentropy", metrics: ["categorical_accuracy"] });
  const x = tf.zeros([2, 2, 2]);
  const y = tf.oneHot(tf.tensor1d([0, 2], "int32"), 3);
  const [loss, acc] = m.evaluate(x, y) as tf.Scalar[];
  assert.ok(
    Math.abs(loss.dataSync()[0] - Math.log(3)) < 1e-5,
    "categorical cross-entropy of uniform predictions is ln 3",
  );
  assert.ok(acc.dataSync()[0] >= 0);
  assert.throws(
    () => m.compile({ loss: "huber" }),
    /compile: unknown loss 'huber'; expected one of Keras's sparse_categorical_crossentropy, .*or tfjs's .*sparseCategoricalCrossentropy/,
  );
  assert.throws(
    () => m.compile({ optimizer: "lion", loss: "mse" }),
    /compile: unknown optimizer 'lion'; expected one of sgd, rmsprop, adagrad, adam, adamax, adadelta/,
  );
  // Names are looked up as the tables' own keys: Object's prototype does not answer for them.
  assert.throws(() => m.compile({ loss: "constructor" }), /compile: unknown loss 'constructor'/);
  assert.throws(() => m.compile({ optimizer: "constructor", loss: "mse" }), /compile: unknown optimizer 'constructor'/);
});
