/**
 * The next chapter's CNN (hg-mldl 8-2) trained on the real Fashion-MNIST on the default path
 * (WebAssembly with tslab-dl's ops): 80/20 split with randomState 42, EarlyStopping
 * (patience 2, restoreBestWeights), then the 10 000 test images. Takes minutes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cnnModel } from "../../bench/cnn-model";
import { init, tf } from "../../src/backend";
import { EarlyStopping } from "../../src/callbacks";
import { loadFashionMnist, trainTestSplit } from "../../src/data";
import { setRandomSeed } from "../../src/seed";
import { fastOpsInstalled } from "../../src/speed";
import { hasFashionMnist } from "../helpers";

test(
  "the next chapter's CNN trains on wasm, stops early and reaches test accuracy ≥ 0.90 on Fashion-MNIST",
  { skip: !hasFashionMnist && "Debian's dataset-fashion-mnist is not installed", timeout: 120 * 60_000 },
  async () => {
    assert.equal(await init({ verbose: false }), "wasm");
    assert.ok(fastOpsInstalled().includes("wasm/Conv2DBackpropFilter"), "the default path runs tslab-dl's conv ops");
    setRandomSeed(42);
    const [[trainInput, trainTarget], [testInput, testTarget]] = await loadFashionMnist({ download: false });
    const scaled = tf.tidy(() => trainInput.div(255).reshape([-1, 28, 28, 1]));
    const [trainScaled, valScaled, trainLabels, valLabels] = trainTestSplit(scaled, trainTarget, {
      testSize: 0.2,
      randomState: 42,
    });
    assert.deepEqual(trainScaled.shape, [48000, 28, 28, 1]);
    tf.dispose([trainInput, scaled]);

    const model = cnnModel();
    const earlyStopping = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const epochSeconds: number[] = [];
    let epochStart = 0;
    const timer = new tf.CustomCallback({
      onEpochBegin: async () => {
        epochStart = performance.now();
      },
      onEpochEnd: async () => {
        epochSeconds.push((performance.now() - epochStart) / 1000);
      },
    });
    const history = await model.fit(trainScaled, trainLabels, {
      epochs: 20,
      batchSize: 32,
      verbose: 0,
      validationData: [valScaled, valLabels],
      callbacks: [earlyStopping, timer],
    });
    const valLoss = history.history.val_loss as number[];
    const valAcc = history.history.val_acc as number[];
    console.log(
      `epochs run: ${valLoss.length}, bestEpoch: ${earlyStopping.bestEpoch}, ` +
        `val_loss: ${valLoss.map((v) => v.toFixed(4)).join(" ")}, val_acc: ${valAcc.map((v) => v.toFixed(4)).join(" ")}, ` +
        `seconds per epoch: ${epochSeconds.map((s) => s.toFixed(0)).join(" ")}`,
    );
    assert.ok(earlyStopping.stoppedEpoch > 0 && valLoss.length < 20, "EarlyStopping stopped before epoch 20");

    const testScaled = tf.tidy(() => testInput.div(255).reshape([-1, 28, 28, 1]));
    const [testLoss, testAcc] = (model.evaluate(testScaled, testTarget, { batchSize: 256 }) as tf.Scalar[]).map(
      (t) => t.dataSync()[0],
    );
    console.log(`restored best model: test loss ${testLoss.toFixed(4)}, test accuracy ${testAcc.toFixed(4)}`);
    assert.ok(testAcc >= 0.9, `test accuracy ${testAcc} ≥ 0.90`);
    tf.dispose([trainScaled, valScaled, trainLabels, valLabels, testScaled, testInput, testTarget]);
    model.dispose();
    setRandomSeed(undefined);
  },
);
