import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { formatPath, ModelCheckpoint, type ModelCheckpointArgs, PathTemplateError } from "../../src/callbacks";
import { loadModel, ModelFileError } from "../../src/io";
import { captureConsole, tempDir } from "../helpers";

function tinyModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  return model;
}

/** Drive the callback through scripted epoch logs; the first kernel value is set to the epoch number. */
async function run(
  filepath: string,
  args: ModelCheckpointArgs,
  series: Array<{ [key: string]: number }>,
  model = tinyModel(),
) {
  const cb = new ModelCheckpoint(filepath, args);
  cb.setModel(model);
  await cb.onTrainBegin();
  const saved: string[] = [];
  for (let epoch = 0; epoch < series.length; epoch++) {
    tf.tidy(() => {
      const [k, b] = model.getWeights();
      const values = k.dataSync().slice();
      values[0] = epoch;
      model.setWeights([tf.tensor(values, k.shape), b]);
    });
    const before = cb.lastSaved;
    const mtimeBefore = before && fs.existsSync(before) ? fs.statSync(before).mtimeMs : undefined;
    await cb.onEpochEnd(epoch, series[epoch]);
    if (cb.lastSaved !== before || (cb.lastSaved && fs.statSync(cb.lastSaved).mtimeMs !== mtimeBefore))
      saved.push(`${epoch}`);
  }
  return { cb, saved };
}

async function firstKernelValue(file: string): Promise<number> {
  const model = await loadModel(file);
  return model.getWeights()[0].dataSync()[0];
}

test("formatPath fills Keras placeholders as Python's str.format does", () => {
  const logs = { epoch: 3, val_loss: 0.33125, loss: 1234.5, accuracy: 0.91 };
  assert.equal(formatPath("ckpt-{epoch:02d}-{val_loss:.2f}.h5", logs), "ckpt-03-0.33.h5");
  assert.equal(formatPath("{epoch}-{accuracy:.4f}", logs), "3-0.9100");
  assert.equal(formatPath("{loss:e}", logs), "1.234500e+03");
  assert.equal(formatPath("{epoch:>4d}|{epoch:<3d}|{epoch:03}", logs), "   3|3  |003");
  assert.equal(formatPath("{{literal}}-{epoch}", logs), "{literal}-3");
  assert.throws(
    () => formatPath("m-{val_acc:.2f}", logs),
    /Failed to format this callback filepath: "m-\{val_acc:.2f\}".*no value named "val_acc"; available: epoch, val_loss, loss, accuracy/,
  );
  assert.throws(() => formatPath("m-{val_loss:d}", logs), /needs an integer, but val_loss is 0.33125/);
});

test("template keys named after Object's members are unknown keys, and huge widths are refused, as PathTemplateErrors", () => {
  const logs = { epoch: 3, val_loss: 0.33125 };
  for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assert.throws(
      () => formatPath(`m-{${key}}.h5`, logs),
      (e: Error) =>
        e instanceof PathTemplateError &&
        new RegExp(`no value named "${key}"; available: epoch, val_loss`).test(e.message),
    );
  }
  for (const spec of ["1000000000d", "256d", ".101f", ".1000000000e"]) {
    assert.throws(
      () => formatPath(`m-{epoch:${spec}}.h5`, logs),
      (e: Error) =>
        e instanceof PathTemplateError && /asks for a width over 255 or a precision over 100/.test(e.message),
      spec,
    );
  }
  assert.equal(formatPath("m-{epoch:255d}", logs).length, 257, "255 is still a width a file name can hold");
});

test("a filepath with a NUL byte is a PathTemplateError at construction, not a TypeError at the first save", () => {
  assert.throws(
    () => new ModelCheckpoint("ckpt\0-{epoch}.h5"),
    (e: Error) => e instanceof PathTemplateError && /holds a NUL byte, which no file name may contain/.test(e.message),
  );
});

test("saves every epoch by default, naming files with the 1-based epoch", async () => {
  const dir = tempDir();
  const { saved } = await run(path.join(dir, "m-{epoch:02d}"), {}, [
    { val_loss: 0.5 },
    { val_loss: 0.6 },
    { val_loss: 0.4 },
  ]);
  assert.deepEqual(saved, ["0", "1", "2"]);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["m-01", "m-02", "m-03"]);
  assert.equal(await firstKernelValue(path.join(dir, "m-02")), 1);
});

test("saveBestOnly saves only when the monitored value improves, and the file holds the best epoch", async () => {
  const dir = tempDir();
  const file = path.join(dir, "best-model");
  const { saved, cb } = await run(
    file,
    { saveBestOnly: true },
    [0.5, 0.4, 0.45, 0.3, 0.35].map((v) => ({ val_loss: v })),
  );
  assert.deepEqual(saved, ["0", "1", "3"]);
  assert.equal(cb.best, 0.3);
  assert.equal(await firstKernelValue(file), 3);
});

test("mode auto maximizes names with acc (either spelling); initialValueThreshold must be beaten", async () => {
  const dir = tempDir();
  const { saved } = await run(
    path.join(dir, "a"),
    { saveBestOnly: true, monitor: "val_accuracy" },
    [0.5, 0.7, 0.6, 0.8].map((v) => ({ val_acc: v })),
  );
  assert.deepEqual(saved, ["0", "1", "3"]);
  const t = await run(
    path.join(dir, "b"),
    { saveBestOnly: true, initialValueThreshold: 0.42 },
    [0.5, 0.45, 0.41].map((v) => ({ val_loss: v })),
  );
  assert.deepEqual(t.saved, ["2"]);
});

test("a missing monitor warns with the available keys and saves nothing", async () => {
  const dir = tempDir();
  const { result, warnings } = await captureConsole(() =>
    run(path.join(dir, "m"), { saveBestOnly: true, monitor: "val_los" }, [{ val_loss: 1, loss: 2 }]),
  );
  assert.deepEqual(result.saved, []);
  assert.match(warnings[0], /`val_los` which is not available\. Available metrics are: val_loss,loss/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("verbose 1 prints Keras's messages", async () => {
  const dir = tempDir();
  const file = path.join(dir, "m");
  const { logs } = await captureConsole(() =>
    run(file, { saveBestOnly: true, verbose: 1 }, [{ val_loss: 0.5 }, { val_loss: 0.6 }]),
  );
  assert.deepEqual(logs, [
    `\nEpoch 1: val_loss improved from inf to 0.50000, saving model to ${file}`,
    "\nEpoch 2: val_loss did not improve from 0.50000",
  ]);
});

test("bad input: an unwritable path is a clear error that stops fit, not a silent skip", async () => {
  const dir = tempDir();
  const blocker = path.join(dir, "not-a-folder");
  fs.writeFileSync(blocker, "x");
  const model = tinyModel();
  const cb = new ModelCheckpoint(path.join(blocker, "m.json"));
  await assert.rejects(
    model.fit(tf.ones([4, 3]), tf.ones([4, 2]), { epochs: 2, verbose: 0, callbacks: [cb] }),
    (e: Error) =>
      e instanceof ModelFileError && e.message.includes("not-a-folder") && /could not be written/.test(e.message),
  );
});

test("a save that fails midway leaves the previous checkpoint intact and no temporary files", async () => {
  const dir = tempDir();
  const file = path.join(dir, "best");
  const model = tinyModel();
  await run(file, { saveBestOnly: true }, [{ val_loss: 0.5 }], model);
  const before = fs.readdirSync(file).sort();
  const json = fs.readFileSync(path.join(file, "model.json"), "utf8");
  // Fail the second save just after it wrote the new weights file's bytes (the disk filled up).
  const realFs = require("node:fs") as { writeFileSync: typeof fs.writeFileSync };
  const original = realFs.writeFileSync;
  realFs.writeFileSync = ((...args: Parameters<typeof fs.writeFileSync>) => {
    realFs.writeFileSync = original;
    original(...args);
    throw Object.assign(new Error("no space"), { code: "ENOSPC" });
  }) as typeof fs.writeFileSync;
  try {
    const cb = new ModelCheckpoint(file, { saveBestOnly: true });
    cb.setModel(model);
    await cb.onTrainBegin();
    await assert.rejects(cb.onEpochEnd(1, { val_loss: 0.1 }), /no space left on the device/);
  } finally {
    realFs.writeFileSync = original;
  }
  assert.deepEqual(fs.readdirSync(file).sort(), before);
  assert.equal(fs.readFileSync(path.join(file, "model.json"), "utf8"), json);
  assert.equal(await firstKernelValue(file), 0);
});

test("a checkpoint of a tf.sequential model is a Keras Sequential: reloaded, its layers[0] is the first layer, not an InputLayer", async () => {
  const model = tf.sequential({ name: "cnn" });
  model.add(
    tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: "relu", padding: "same", inputShape: [6, 6, 1] }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  const file = path.join(tempDir("checkpoint-sequential-"), "best-cnn-model.h5");
  const x = tf.randomUniform([8, 6, 6, 1], 0, 1, "float32", 1);
  const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]);
  await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(file)] });
  const loaded = await loadModel(file);
  assert.equal(loaded.getClassName(), "Sequential");
  assert.equal(loaded.name, "cnn");
  assert.deepEqual(
    loaded.layers.map((l) => l.getClassName()),
    ["Conv2D", "MaxPooling2D", "Flatten", "Dense"],
  );
  assert.deepEqual(loaded.layers[0].getWeights()[0].dataSync(), model.layers[0].getWeights()[0].dataSync());
  tf.dispose([x, y]);
});
