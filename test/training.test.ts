/**
 * The lesson's training run, end to end on the real data: the Done-when of the foundation.
 * Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax), adam, sparse categorical
 * cross-entropy, accuracy, 80/20 split with randomState 42, ModelCheckpoint(saveBestOnly)
 * and EarlyStopping(patience 2, restoreBestWeights).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { init, tf } from "../src/backend";
import { EarlyStopping, ModelCheckpoint } from "../src/callbacks";
import { loadFashionMnist, trainTestSplit } from "../src/data";
import { loadModel } from "../src/io";
import { setRandomSeed } from "../src/seed";
import { hasFashionMnist, modelFn, tempDir } from "./helpers";

test(
  "the lesson's model stops early, reaches val accuracy ≥ 0.875, and its best checkpoint reloads to the same val loss",
  { skip: !hasFashionMnist && "Debian's dataset-fashion-mnist is not installed", timeout: 30 * 60_000 },
  async () => {
    await init({ verbose: false });
    setRandomSeed(42);
    const [[trainInput, trainTarget]] = await loadFashionMnist({ download: false });
    const scaled = tf.tidy(() => trainInput.div(255));
    const [trainScaled, valScaled, trainLabels, valLabels] = trainTestSplit(scaled, trainTarget, {
      testSize: 0.2,
      randomState: 42,
    });
    assert.deepEqual(trainScaled.shape, [48000, 28, 28]);
    trainInput.dispose();
    scaled.dispose();

    const model = modelFn(tf.layers.dropout({ rate: 0.3 }));
    model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const dir = tempDir();
    const checkpoint = new ModelCheckpoint(path.join(dir, "best-model"), { saveBestOnly: true });
    const earlyStopping = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const history = await model.fit(trainScaled, trainLabels, {
      epochs: 20,
      batchSize: 32,
      verbose: 0,
      validationData: [valScaled, valLabels],
      callbacks: [checkpoint, earlyStopping],
    });
    const valLoss = history.history.val_loss as number[];
    console.log(
      `epochs run: ${valLoss.length}, stoppedEpoch: ${earlyStopping.stoppedEpoch}, bestEpoch: ${earlyStopping.bestEpoch}, val_loss: ${valLoss.map((v) => v.toFixed(4)).join(" ")}`,
    );
    assert.ok(earlyStopping.stoppedEpoch > 0 && valLoss.length < 20, "EarlyStopping stopped before epoch 20");

    const [loss, acc] = (model.evaluate(valScaled, valLabels, { batchSize: 256 }) as tf.Scalar[]).map(
      (t) => t.dataSync()[0],
    );
    console.log(`restored model: val_loss ${loss.toFixed(5)}, val_accuracy ${acc.toFixed(4)}`);
    assert.ok(acc >= 0.875, `validation accuracy ${acc} ≥ 0.875`);
    assert.ok(Math.abs(loss - Math.min(...valLoss)) < 1e-4, "the restored weights are the best epoch's");

    const best = await loadModel(path.join(dir, "best-model"));
    best.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const [bestLoss] = (best.evaluate(valScaled, valLabels, { batchSize: 256 }) as tf.Scalar[]).map(
      (t) => t.dataSync()[0],
    );
    assert.ok(
      Math.abs(bestLoss - loss) <= 1e-5,
      `reloaded checkpoint val_loss ${bestLoss} equals the restored model's ${loss} to 1e-5`,
    );
  },
);
