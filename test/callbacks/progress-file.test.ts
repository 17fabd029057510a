/**
 * `$TSLAB_DL_PROGRESS_FILE`: every fit, whatever its `verbose`, appends `fit N: epoch E/EPOCHS`
 * as each epoch begins; `npm run tutorial` reads the last line into its progress line.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { tf } from "../../src";
import { PROGRESS_FILE_ENV } from "../../src/callbacks/progress-file";
import { progressFile, progressOf } from "../../notebooks/tutorial";
import { tempDir } from "../helpers";

async function fitTwice(): Promise<void> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const x = tf.ones([8, 2]);
  const y = tf.ones([8, 1]);
  await model.fit(x, y, { epochs: 3, verbose: 0 });
  await model.fit(x, y, { epochs: 2, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
}

test("with $TSLAB_DL_PROGRESS_FILE set, verbose-0 fits append one line per epoch, fits counted", async () => {
  const file = path.join(tempDir(), "progress");
  const saved = process.env[PROGRESS_FILE_ENV];
  process.env[PROGRESS_FILE_ENV] = file;
  try {
    await fitTwice();
  } finally {
    if (saved === undefined) delete process.env[PROGRESS_FILE_ENV];
    else process.env[PROGRESS_FILE_ENV] = saved;
  }
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  const fits = new Set(lines.map((l) => /^fit (\d+): /.exec(l)?.[1]));
  assert.equal(fits.size, 2, lines.join("\n"));
  const [first, second] = [...fits].map(Number);
  assert.equal(second, first + 1);
  assert.deepEqual(
    lines.map((l) => l.replace(/^fit \d+: /, "")),
    ["epoch 1/3", "epoch 2/3", "epoch 3/3", "epoch 1/2", "epoch 2/2"],
  );
});

test("the tutorial's progress: the lesson's id, then its last fit line; nothing before a lesson starts", () => {
  const outDir = tempDir();
  assert.equal(progressOf(outDir, "en"), undefined);
  fs.mkdirSync(path.join(outDir, "en"));
  fs.writeFileSync(progressFile(outDir, "en"), "07-2\n");
  assert.equal(progressOf(outDir, "en"), "07-2");
  fs.appendFileSync(progressFile(outDir, "en"), "fit 1: epoch 5/5\nfit 2: epoch 3/5\n");
  assert.equal(progressOf(outDir, "en"), "07-2 fit 2: epoch 3/5");
  assert.equal(progressOf(outDir, "ko"), undefined);
});
