/**
 * The book's 7-2 cells, literally, on a slice of the real Fashion-MNIST: a keras.Sequential
 * built with add(), compiled without an optimizer (RMSprop 0.001), fitted; its loss falls.
 * The trained model, and a GRU model, saved as Keras's .h5 and .keras, reload as they were.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { keras, loadFashionMnist, loadModel, saveModel } from "../../src";
import { setRandomSeed } from "../../src/seed";
import { hasFashionMnist, tempDir } from "../helpers";

test(
  "7-2 literally: Sequential + add, compile without an optimizer, fit lowers the loss; .h5 and .keras reload it",
  { skip: !hasFashionMnist && "Debian's dataset-fashion-mnist is not installed", timeout: 10 * 60_000 },
  async () => {
    await init({ verbose: false });
    setRandomSeed(42);
    keras.backend.clearSession();
    const [[trainInput, trainTarget]] = await loadFashionMnist({ download: false });
    const x = tf.tidy(() => trainInput.slice([0, 0, 0], [3000, 28, 28]).div(255));
    const y = trainTarget.slice([0], [3000]);

    const model = keras.Sequential({ name: "패션 MNIST 모델" });
    model.add(keras.layers.Flatten({ inputShape: [28, 28] }));
    model.add(keras.layers.Dense(100, { activation: "relu" }));
    model.add(keras.layers.Dense(10, { activation: "softmax" }));
    model.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const h = await model.fit(x, y, { epochs: 3, verbose: 0 });
    const loss = h.history.loss as number[];
    const acc = h.history.acc as number[];
    assert.ok(loss[2] < loss[0], `the loss falls: ${loss.map((l) => l.toFixed(3)).join(" → ")}`);
    assert.ok(acc[2] > 0.7, `accuracy after 3 epochs on 3000 samples: ${acc[2]}`);

    const dir = tempDir();
    const probe = x.slice([0, 0, 0], [50, 28, 28]);
    const expected = model.predict(probe);
    for (const file of ["model.h5", "model.keras"]) {
      await saveModel(model, path.join(dir, file));
      const loaded = await loadModel(path.join(dir, file));
      assert.deepEqual(
        loaded.layers.map((l) => l.getClassName()),
        ["Flatten", "Dense", "Dense"],
        file,
      );
      assert.deepEqual(
        loaded.layers.map((l) => l.name),
        ["flatten", "dense", "dense_1"],
        file,
      );
      assert.equal(loaded.name, "패션 MNIST 모델", file);
      const diff = tf
        .sub(expected, loaded.predict(probe) as tf.Tensor)
        .abs()
        .max()
        .dataSync()[0];
      assert.ok(diff < 1e-6, `${file}: same predictions (max difference ${diff})`);
    }
  },
);

test(
  "a keras GRU model saved as .keras and .h5 reloads as KerasGRU with the same outputs",
  { timeout: 5 * 60_000 },
  async () => {
    await init({ verbose: false });
    const model = keras.Sequential([
      keras.layers.Embedding(50, 4, { inputLength: 6 }),
      keras.layers.GRU(3),
      keras.layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
    const x = tf.tensor2d([
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 0, 0, 0],
    ]);
    const expected = model.predict(x);
    const dir = tempDir();
    for (const file of ["gru.keras", "gru.h5"]) {
      await saveModel(model, path.join(dir, file));
      const loaded = await loadModel(path.join(dir, file));
      assert.deepEqual(
        loaded.layers.map((l) => l.getClassName()),
        ["Embedding", "KerasGRU", "Dense"],
        file,
      );
      const diff = tf
        .sub(expected, loaded.predict(x) as tf.Tensor)
        .abs()
        .max()
        .dataSync()[0];
      assert.ok(diff < 1e-6, `${file}: same predictions (max difference ${diff})`);
    }
  },
);
