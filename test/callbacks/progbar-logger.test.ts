/**
 * `fit`'s `verbose` prints Keras's per-epoch lines: a live line in a notebook, a plain
 * line elsewhere, one plain line per epoch for `verbose: 2`, nothing for `verbose: 0`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src";
import { ProgbarLogger } from "../../src/callbacks/progbar-logger";
import { FakeBridge } from "../display/fake-bridge";

function task(): { model: tf.Sequential; x: tf.Tensor; y: tf.Tensor } {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, activation: "relu", inputShape: [3] }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: "sgd", loss: "meanSquaredError", metrics: ["mse"] });
  const x = tf.tensor2d(
    Array.from({ length: 40 * 3 }, (_, i) => Math.sin(i)),
    [40, 3],
  );
  const y = tf.tensor2d(
    Array.from({ length: 40 }, (_, i) => Math.cos(i)),
    [40, 1],
  );
  return { model, x, y };
}

/** What `run` writes to stdout as text (the test runner's own binary reports pass through). */
async function printed(run: () => Promise<unknown>): Promise<string> {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    typeof chunk === "string"
      ? written.push(chunk) > 0
      : (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return written.join("");
}

test("verbose 1 (the default) prints Keras's epoch header and bar line with the epoch's metrics", async () => {
  const { model, x, y } = task();
  let history: tf.History | undefined;
  const text = await printed(async () => {
    history = await model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25 });
  });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 4, text);
  assert.equal(lines[0], "Epoch 1/2");
  assert.equal(lines[2], "Epoch 2/2");
  const loss = (history!.history.loss as number[]).map((v) => v.toFixed(4));
  const valLoss = (history!.history.val_loss as number[]).map((v) => v.toFixed(4));
  for (const [i, line] of [lines[1], lines[3]].entries()) {
    assert.match(line, /^4\/4 ━{20} \d+s \d+(s|ms|us)\/step - loss: \d+\.\d{4} - mse: \d+\.\d{4} - val_loss: /);
    assert.ok(line.includes(` - loss: ${loss[i]} `), `${line} shows the epoch's loss ${loss[i]}`);
    assert.ok(line.includes(` - val_loss: ${valLoss[i]}`), `${line} shows the epoch's val_loss ${valLoss[i]}`);
  }
});

test("verbose 2 prints one plain line per epoch; verbose 0 prints nothing", async () => {
  const { model, x, y } = task();
  const two = await printed(() => model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 2 }));
  const lines = two.trimEnd().split("\n");
  assert.deepEqual([lines[0], lines[2]], ["Epoch 1/2", "Epoch 2/2"]);
  assert.match(lines[1], /^4\/4 - \d+s - \d+(s|ms|us)\/step - loss: \d+\.\d{4} - mse: \d+\.\d{4}$/);
  assert.equal(await printed(() => model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0 })), "");
});

test("in a notebook, each epoch is one live output updated in place and ending as Keras's line", async () => {
  const { model, x, y } = task();
  const bridge = new FakeBridge(true).install();
  let text: string;
  try {
    text = await printed(() => model.fit(x, y, { epochs: 3, batchSize: 4, validationSplit: 0.2 }));
  } finally {
    bridge.uninstall();
  }
  assert.equal(text, "", "nothing on stdout in a notebook");
  assert.equal(bridge.displays.length, 3, "one output per epoch");
  const ids = bridge.displays.map((d) => d.displayId);
  assert.equal(new Set(ids).size, 3);
  for (const [epoch, id] of ids.entries()) {
    const updates = bridge.updates.filter((u) => u.displayId === id);
    assert.ok(updates.length >= 1);
    const last = String(updates[updates.length - 1].bundle["text/plain"]);
    assert.match(last, new RegExp(`^Epoch ${epoch + 1}/3\\n8/8 ━{20} \\d+s .* - val_loss: \\d+\\.\\d{4}`));
  }
  assert.ok(ProgbarLogger.prototype instanceof tf.Callback, "a tfjs callback, registered with tfjs");
});
