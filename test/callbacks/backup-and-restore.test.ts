import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { BackupAndRestore, LambdaCallback } from "../../src/callbacks";
import { tempDir } from "../helpers";

const CHILD = path.join(__dirname, "backup-child.js");

function child(
  backupDir: string,
  env: { [key: string]: string },
): { status: number | null; signal: string | null; result?: { epochs: number[]; weights: number[][] } } {
  const resultFile = path.join(tempDir(), "result.json");
  const run = spawnSync(process.execPath, [CHILD, backupDir, resultFile], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (run.status !== 0 && run.signal !== "SIGKILL") throw new Error(`child failed: ${run.stderr}`);
  const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, "utf8")) : undefined;
  return { status: run.status, signal: run.signal, result };
}

for (const [fast, shuffle] of [
  ["1", "1"],
  ["0", "1"],
  ["1", "0"],
]) {
  const how = `fast ops ${fast === "1" ? "on" : "off"}, ${shuffle === "1" ? "shuffled" : "not shuffled"}`;
  test(`a training process killed mid-epoch resumes from its last epoch to the weights of an uninterrupted seeded run (${how})`, () => {
    const env = { FAST: fast, SHUFFLE: shuffle };
    const reference = child(path.join(tempDir(), "backup"), env);
    assert.deepEqual(reference.result?.epochs, [0, 1, 2, 3, 4, 5]);

    const backupDir = path.join(tempDir(), "backup");
    const killed = child(backupDir, { ...env, KILL_AT: "3:2" });
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(killed.result, undefined, "the killed run wrote no result");
    const meta = JSON.parse(fs.readFileSync(path.join(backupDir, "backup.json"), "utf8"));
    assert.equal(meta.epoch, 3, "epochs 0, 1 and 2 were completed and backed up");
    assert.deepEqual(
      fs.readdirSync(backupDir).filter((f) => f.endsWith(".bin")),
      [meta.weightsFile],
      "one weights file: older backups are removed",
    );

    const resumed = child(backupDir, env);
    assert.deepEqual(resumed.result?.epochs, [3, 4, 5], "the second run starts at the first epoch not completed");
    assert.deepEqual(resumed.result?.weights, reference.result?.weights);
    assert.equal(fs.existsSync(backupDir), false, "the backup is deleted when training ends");
  });
}

function smallModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
  return model;
}

test("an exception interrupts fit; the next fit with the same callback runs only the remaining epochs (Keras's example)", async () => {
  await init({ verbose: false });
  const dir = path.join(tempDir(), "backup");
  const backup = new BackupAndRestore(dir);
  const model = smallModel();
  const x = tf.ones([5, 3]);
  const y = tf.zeros([5, 2]);
  const interrupt = new LambdaCallback({
    onEpochBegin: (epoch) => {
      if (epoch === 4) throw new Error("Interrupting!");
    },
  });
  await assert.rejects(
    model.fit(x, y, { epochs: 10, batchSize: 1, verbose: 0, callbacks: [backup, interrupt] }),
    /Interrupting!/,
  );
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "backup.json"), "utf8")).epoch, 4);
  const history = await model.fit(x, y, { epochs: 10, batchSize: 1, verbose: 0, callbacks: [backup] });
  assert.equal(history.history.loss.length, 6);
  assert.deepEqual(history.epoch, [4, 5, 6, 7, 8, 9]);
  assert.equal(backup.restoredEpoch, 4);
  assert.equal(fs.existsSync(dir), false);
});

test("saveFreq n backs up every n batches across epochs; deleteCheckpoint false keeps the backup", async () => {
  await init({ verbose: false });
  const dir = path.join(tempDir(), "backup");
  const backup = new BackupAndRestore(dir, { saveFreq: 3, deleteCheckpoint: false });
  const seen: Array<[number, number] | null> = [];
  const watch = new LambdaCallback({
    onBatchEnd: () => {
      const file = path.join(dir, "backup.json");
      const meta = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
      seen.push(meta ? [meta.epoch, meta.batch] : null);
    },
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "backup.json"),
    JSON.stringify({
      format: "tslab-dl-backup",
      epoch: 0,
      batch: 0,
      weightsFile: "none",
      specs: [],
      modelWeights: 0,
      optimizerNames: [],
      betaPowers: {},
      random: null,
    }),
  );
  const model = smallModel();
  const x = tf.ones([4, 3]);
  const y = tf.zeros([4, 2]);
  await assert.rejects(
    model.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0, callbacks: [backup, watch] }),
    /holds weights of shapes \[\] but the model has/,
    "a backup.json with no weights is refused",
  );
  fs.rmSync(dir, { recursive: true });
  await model.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0, callbacks: [backup, watch] });
  // Two epochs of 4 batches, a backup every 3rd batch: after epoch 0's batch 2 and epoch 1's batch 1.
  assert.deepEqual(seen, [null, null, [0, 2], [0, 2], [0, 2], [1, 1], [1, 1], [1, 1]]);
  assert.equal(fs.existsSync(path.join(dir, "backup.json")), true, "deleteCheckpoint: false keeps the backup");
});

test("a backup of another model is refused with the shapes, not loaded", async () => {
  await init({ verbose: false });
  const dir = path.join(tempDir(), "backup");
  const model = smallModel();
  const x = tf.ones([2, 3]);
  const y = tf.zeros([2, 2]);
  await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir, { deleteCheckpoint: false })] });
  const other = tf.sequential();
  other.add(tf.layers.dense({ units: 4, inputShape: [3] }));
  other.compile({ optimizer: "adam", loss: "meanSquaredError" });
  await assert.rejects(
    other.fit(x, tf.zeros([2, 4]), { epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(dir)] }),
    /holds weights of shapes \[\[3,2\], \[2\]\] but the model has \[\[3,4\], \[4\]\]/,
  );
  assert.throws(() => new BackupAndRestore(dir, { saveFreq: 0 }), /invalid value for saveFreq: 0/);
});

test("a backup.json naming a weights file outside its folder, or a backup.json that is a FIFO, is refused", async () => {
  await init({ verbose: false });
  const model = smallModel();
  const x = tf.ones([2, 3]);
  const y = tf.zeros([2, 2]);
  const climbing = path.join(tempDir(), "backup");
  fs.mkdirSync(climbing);
  fs.writeFileSync(
    path.join(climbing, "backup.json"),
    JSON.stringify({ format: "tslab-dl-backup", epoch: 0, batch: 0, weightsFile: "../../../etc/passwd", specs: [] }),
  );
  await assert.rejects(
    model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(climbing)] }),
    /backup\.json: is not a tslab-dl backup/,
  );
  const fifo = path.join(tempDir(), "backup");
  fs.mkdirSync(fifo);
  spawnSync("mkfifo", [path.join(fifo, "backup.json")]);
  // A blocking read would hang this test; the refusal comes at once.
  await assert.rejects(
    model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(fifo)] }),
    /backup\.json: is not a readable backup \(is a FIFO \(named pipe\), not a regular file/,
  );
});
