import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { LivePlot } from "../../src/callbacks/live-plot";
import { resetPlotlyInclusion, type PlotlyFigure } from "../../src/display";
import { FakeBridge } from "./fake-bridge";
import { scatterTraces, tinyTask } from "./fixtures";

/** A stream that records what is written. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: Object.assign(
      { write: (s: string) => (chunks.push(s), true), isTTY, columns: 200 },
      {},
    ) as unknown as NodeJS.WritableStream & { isTTY: boolean },
  };
}

test("in a notebook LivePlot creates three outputs and updates the chart in place once per epoch", async () => {
  resetPlotlyInclusion();
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = tinyTask();
  try {
    // chartEvery: no redraw during epochs, however slow the machine (see the batch-points test).
    const live = new LivePlot({ updateEvery: 0, chartEvery: 60_000 });
    const epochs = 3;
    const history = await model.fit(x, y, {
      epochs,
      batchSize: 8,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [live],
    });

    // plotly.js carrier (no id), progress bar, chart — then only updates.
    assert.equal(bridge.displays.length, 3);
    assert.equal(bridge.displays[0].displayId, undefined);
    assert.match(String(bridge.displays[0].bundle["text/html"]), /inlined by tslab-dl/);
    const [progressId, chartId] = [bridge.displays[1].displayId, bridge.displays[2].displayId];
    assert.ok(progressId && chartId && progressId !== chartId);
    assert.ok(
      bridge.sent.slice(3).every((s) => s.update),
      "after the first three outputs, everything is an update",
    );

    const chartUpdates = bridge.updates.filter((s) => s.displayId === chartId);
    assert.equal(chartUpdates.length, epochs, "one chart update per epoch");
    const progressUpdates = bridge.updates.filter((s) => s.displayId === progressId);
    // 64 training samples / 8 = 8 batches per epoch, updateEvery 0: one per batch, one per epoch end, one at the end.
    assert.equal(progressUpdates.length, epochs * 8 + epochs + 1);
    assert.match(
      String(progressUpdates[0].bundle["text/plain"]),
      /Epoch 1\/3 · 1\/8 batches · .* batch\/s · .* left · loss \d/,
    );
    assert.match(
      String(progressUpdates.at(-1)?.bundle["text/plain"]),
      /^\[=+\] Done: 3 epochs in .* · loss \d.* · val_loss \d/,
    );
    assert.match(String(progressUpdates[0].bundle["text/html"]), /<progress value="13" max="100"/);

    // The last chart shows every epoch of both curves, the best epoch marked, without plotly.js inside.
    const last = chartUpdates.at(-1)?.bundle;
    assert.ok(last);
    assert.doesNotMatch(String(last["text/html"]), /inlined by tslab-dl/);
    assert.ok(Buffer.byteLength(JSON.stringify(last)) < 50_000);
    const fig = last["application/vnd.plotly.v1+json"] as PlotlyFigure;
    const byName = Object.fromEntries(fig.data.map((t) => [t.name, t]));
    assert.deepEqual(byName.loss.x, [0, 1, 2]);
    assert.deepEqual(byName.loss.y, history.history.loss);
    assert.deepEqual(byName.val_loss.y, history.history.val_loss);
    assert.ok(scatterTraces(fig).some((t) => t.mode === "markers" && /^best epoch \d/.test(t.name)));
    assert.deepEqual(live.collected.history.val_loss, history.history.val_loss);
  } finally {
    bridge.uninstall();
    model.dispose();
    tf.dispose([x, y]);
  }
});

test("a second LivePlot in the same session does not ship plotly.js again", async () => {
  resetPlotlyInclusion();
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = tinyTask();
  try {
    await model.fit(x, y, { epochs: 1, batchSize: 40, verbose: 0, callbacks: [new LivePlot()] });
    await model.fit(x, y, { epochs: 1, batchSize: 40, verbose: 0, callbacks: [new LivePlot()] });
    const carriers = bridge.displays.filter((s) => s.displayId === undefined);
    assert.equal(carriers.length, 1);
    assert.equal(bridge.displays.length, 5);
  } finally {
    bridge.uninstall();
    model.dispose();
    tf.dispose([x, y]);
  }
});

test("with the default throttle the progress bar is not redrawn every batch", async () => {
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = tinyTask();
  try {
    const live = new LivePlot({ updateEvery: 60_000 });
    await model.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0, callbacks: [live] });
    const progressId = bridge.displays.find((s) => /Starting training/.test(String(s.bundle["text/plain"])))?.displayId;
    const updates = bridge.updates.filter((s) => s.displayId === progressId);
    // 80 batches per epoch; only the first batch of each epoch, the epoch ends and the end are drawn.
    assert.equal(updates.length, 2 + 2 + 1);
  } finally {
    bridge.uninstall();
    model.dispose();
    tf.dispose([x, y]);
  }
});

test("in a terminal that is not a TTY LivePlot prints one line per epoch and a summary", async () => {
  const bridge = new FakeBridge(false).install();
  const { model, x, y } = tinyTask();
  const out = fakeStream(false);
  try {
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 16,
      verbose: 0,
      callbacks: [new LivePlot({ stream: out.stream, updateEvery: 0 })],
    });
    assert.equal(bridge.sent.length, 0, "no rich outputs in a terminal");
    const lines = out.chunks.join("").split("\n").filter(Boolean);
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^\[=+\] Epoch 1\/2 · 5 batches in .* · loss \d/);
    assert.match(lines[1], /^\[=+\] Epoch 2\/2 · 5 batches/);
    assert.match(lines[2], /^\[=+\] Done: 2 epochs in /);
  } finally {
    bridge.uninstall();
    model.dispose();
    tf.dispose([x, y]);
  }
});

test("on a TTY LivePlot redraws one line with \\r during the epoch", async () => {
  const bridge = new FakeBridge(false).install();
  const { model, x, y } = tinyTask();
  const out = fakeStream(true);
  try {
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 16,
      verbose: 0,
      callbacks: [new LivePlot({ stream: out.stream, updateEvery: 0 })],
    });
    const text = out.chunks.join("");
    const redraws = text.split("\r").filter(Boolean);
    assert.ok(redraws.length >= 5, `expected a redraw per batch, got ${redraws.length}`);
    assert.match(redraws[0], /^\[=*>?\.*\] Epoch 1\/1 · 1\/5 batches/);
    assert.equal((text.match(/\n/g) ?? []).length, 2, "a newline only after the epoch and after the summary");
  } finally {
    bridge.uninstall();
    model.dispose();
    tf.dispose([x, y]);
  }
});

test("LivePlot rejects a negative throttle", () => {
  assert.throws(() => new LivePlot({ updateEvery: -1 }), /updateEvery must be a number of milliseconds/);
});
