/**
 * A training run for backup-and-restore.test.ts, run as a child process:
 * `node backup-child.js <backupDir> <resultFile>`; env `KILL_AT=epoch:batch` makes it
 * SIGKILL itself at the end of that batch, `FAST=0` turns tslab-dl's fast ops off,
 * `SHUFFLE=0` does not shuffle. The model has Dropout, so its masks must be drawn the same on resuming.
 * Writes the final weights and the epochs it ran to `resultFile`.
 */
import * as fs from "node:fs";
import { init, tf } from "../../src/backend";
import { BackupAndRestore, LambdaCallback } from "../../src/callbacks";
import { setRandomSeed } from "../../src/seed";

async function main(): Promise<void> {
  const [backupDir, resultFile] = process.argv.slice(2);
  await init({ verbose: false, fastOps: process.env.FAST !== "0" });
  setRandomSeed(11);
  const x = tf.randomUniform([96, 6, 6]);
  const y = tf.tensor1d(
    Array.from({ length: 96 }, (_, i) => (i * 7) % 4),
    "float32",
  );
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [6, 6] }));
  model.add(tf.layers.dense({ units: 16, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.dense({ units: 4, activation: "softmax" }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const [killEpoch, killBatch] = (process.env.KILL_AT ?? "-1:-1").split(":").map(Number);
  let epoch = 0;
  const killer = new LambdaCallback({
    onEpochBegin: (e) => void (epoch = e),
    onBatchEnd: (batch) => {
      if (epoch === killEpoch && batch === killBatch) process.kill(process.pid, "SIGKILL");
    },
  });
  const history = await model.fit(x, y, {
    epochs: 6,
    batchSize: 16,
    shuffle: process.env.SHUFFLE !== "0",
    validationSplit: 0.25, // validation rows stay last when a resumed fit reorders the samples
    verbose: 0,
    callbacks: [new BackupAndRestore(backupDir), killer],
  });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  fs.writeFileSync(resultFile, JSON.stringify({ epochs: history.epoch, weights }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
