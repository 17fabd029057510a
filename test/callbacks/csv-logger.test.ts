import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { CSVLogger, type CSVLoggerArgs, ReduceLROnPlateau } from "../../src/callbacks";
import { pythonFloat } from "../../src/callbacks/csv-logger";
import { tempDir } from "../helpers";

function tinyModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
  return model;
}

/** Drive the logger as `fit` does with scripted logs; `params.metrics` as tfjs sets it. */
async function run(file: string, args: CSVLoggerArgs, series: Array<{ [key: string]: number }>, metrics?: string[]) {
  const cb = new CSVLogger(file, args);
  cb.setModel(tinyModel());
  cb.setParams({ metrics: metrics ?? Object.keys(series[0] ?? {}) });
  await cb.onTrainBegin();
  const after: string[] = [];
  for (let epoch = 0; epoch < series.length; epoch++) {
    await cb.onEpochEnd(epoch, series[epoch]);
    after.push(fs.readFileSync(file, "utf8"));
  }
  await cb.onTrainEnd();
  return { cb, after };
}

const pandas = spawnSync("/usr/bin/python3", ["-c", "import pandas"]).status === 0;

test("pythonFloat writes numbers as Python's str(float) does", () => {
  assert.equal(pythonFloat(1), "1.0");
  assert.equal(pythonFloat(0.1), "0.1");
  assert.equal(pythonFloat(1e-5), "1e-05");
  assert.equal(pythonFloat(0.0001), "0.0001");
  assert.equal(pythonFloat(1.5e-7), "1.5e-07");
  assert.equal(pythonFloat(1e16), "1e+16");
  assert.equal(pythonFloat(123456.5), "123456.5");
  assert.equal(pythonFloat(Math.fround(0.3)), "0.30000001192092896");
  assert.equal(pythonFloat(NaN), "nan");
  assert.equal(pythonFloat(-Infinity), "-inf");
});

test("one row per epoch, 0-based epoch, columns sorted by name, each row on disk when the epoch ends", async () => {
  const file = path.join(tempDir(), "log.csv");
  const { after } = await run(file, {}, [
    { val_loss: 0.5, loss: 0.7, acc: 0.25 },
    { val_loss: 0.25, loss: 0.5, acc: 0.5 },
  ]);
  assert.equal(after[0], "epoch,acc,loss,val_loss\n0,0.25,0.7,0.5\n");
  assert.equal(after[1], "epoch,acc,loss,val_loss\n0,0.25,0.7,0.5\n1,0.5,0.5,0.25\n");
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["log.csv"], "no temporary file is left behind");
});

test("a validation metric fit will report but an epoch lacks is written NA; extra keys (learning_rate) are columns", async () => {
  const file = path.join(tempDir(), "log.csv");
  await run(
    file,
    { separator: ";" },
    [
      { loss: 0.5, learning_rate: 0.001 },
      { loss: 0.4, val_loss: 0.3, learning_rate: 0.0001 },
    ],
    ["loss", "val_loss"],
  );
  assert.equal(fs.readFileSync(file, "utf8"), "epoch;learning_rate;loss;val_loss\n0;0.001;0.5;NA\n1;0.0001;0.4;0.3\n");
});

test("append: false starts afresh; append: true continues the file with no second header", async () => {
  const file = path.join(tempDir(), "log.csv");
  await run(file, {}, [{ loss: 0.9 }]);
  await run(file, {}, [{ loss: 0.8 }]);
  assert.equal(fs.readFileSync(file, "utf8"), "epoch,loss\n0,0.8\n");
  await run(file, { append: true }, [{ loss: 0.7 }, { loss: 0.6 }]);
  assert.equal(fs.readFileSync(file, "utf8"), "epoch,loss\n0,0.8\n0,0.7\n1,0.6\n");
  const fresh = path.join(tempDir(), "new.csv");
  await run(fresh, { append: true }, [{ loss: 0.5 }]);
  assert.equal(fs.readFileSync(fresh, "utf8"), "epoch,loss\n0,0.5\n", "append to a missing file writes the header");
});

test("a file of a real fit reads back in pandas as the History's numbers, learning_rate included", async () => {
  await init({ verbose: false });
  const file = path.join(tempDir(), "fit.csv");
  const model = tinyModel();
  const x = tf.tensor2d([[0], [1], [2], [3]]);
  const y = tf.tensor2d([[1], [3], [5], [7]]);
  const history = await model.fit(x, y, {
    epochs: 4,
    batchSize: 2,
    verbose: 0,
    validationData: [x, y],
    callbacks: [new ReduceLROnPlateau({ patience: 1 }), new CSVLogger(file)],
  });
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], "epoch,learning_rate,loss,val_loss");
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  assert.deepEqual(
    rows.map((r) => r[2]),
    history.history.loss,
  );
  assert.deepEqual(
    rows.map((r) => r[3]),
    history.history.val_loss,
  );
  if (!pandas) return; // the check above does not need pandas; the one below does
  // pandas's default float parser may be off in the last digit; round_trip reads back exactly what was written.
  const script = `import pandas as pd, json; df = pd.read_csv(${JSON.stringify(file)}, float_precision="round_trip"); print(json.dumps({"columns": list(df.columns), "loss": df["loss"].tolist(), "epoch": df["epoch"].tolist()}))`;
  const parsed = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" }));
  assert.deepEqual(parsed.columns, ["epoch", "learning_rate", "loss", "val_loss"]);
  assert.deepEqual(parsed.epoch, [0, 1, 2, 3]);
  assert.deepEqual(parsed.loss, history.history.loss);
});

test("pandas reads NA and nan as missing values", { skip: !pandas && "python3-pandas is not installed" }, async () => {
  const file = path.join(tempDir(), "log.csv");
  await run(file, {}, [{ loss: NaN }, { loss: 0.5, val_loss: 0.4 }], ["loss", "val_loss"]);
  const script = `import pandas as pd; df = pd.read_csv(${JSON.stringify(file)}); print(df.isna().sum().to_dict())`;
  const out = execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" }).trim();
  assert.equal(out, "{'epoch': 0, 'loss': 1, 'val_loss': 1}");
});
