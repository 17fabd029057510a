import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { init, tf } from "../../src/backend";
import { LearningRateScheduler, LivePlot, ModelCheckpoint, redrawDue } from "../../src/callbacks";
import type { PlotlyFigure } from "../../src/display";
import { FakeBridge } from "../display/fake-bridge";
import { tempDir } from "../helpers";

/** 64 training samples in batches of 8: 8 batches per epoch. */
function task(lr = 0.05) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, activation: "relu", inputShape: [3] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(lr), loss: "meanSquaredError" });
  const x = tf.randomUniform([80, 3], -1, 1, "float32", 7);
  const y = x.sum(1, true);
  return { model, x, y };
}

function lastChart(bridge: FakeBridge, live: LivePlot): PlotlyFigure {
  void live;
  const charts = bridge.updates.filter((s) => "application/vnd.plotly.v1+json" in s.bundle);
  return charts.at(-1)?.bundle["application/vnd.plotly.v1+json"] as PlotlyFigure;
}

test("LivePlot draws the running training loss within epochs, ending at each epoch's loss, and redraws during epochs", async () => {
  await init({ verbose: false });
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = task();
  try {
    const live = new LivePlot({ chartEvery: 0 });
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [live],
    });
    const fig = lastChart(bridge, live);
    const within = fig.data.find((t) => t.name === "loss (within epoch)");
    assert.ok(within, fig.data.map((t) => t.name).join(", "));
    // 8 batches per epoch: a point after each, at x = epoch - 1 + batches/8.
    assert.deepEqual(within.x.slice(0, 8), [-0.875, -0.75, -0.625, -0.5, -0.375, -0.25, -0.125, 0]);
    assert.equal(within.x.length, 24);
    const loss = history.history.loss as number[];
    for (const epoch of [0, 1, 2]) {
      const end = within.y[8 * epoch + 7] as number;
      assert.ok(
        Math.abs(end - loss[epoch]) < 1e-5 * Math.max(1, loss[epoch]),
        `epoch ${epoch}: ${end} vs ${loss[epoch]}`,
      );
    }
    // At each epoch end, and during epochs 1 and 2 when the cost rule lets it (see redrawDue).
    assert.ok(live.timing.chartDraws >= 3 && live.timing.chartDraws <= 3 + 2 * 8, JSON.stringify(live.timing));
    assert.ok(
      live.timing.chartMs <= live.timing.hookMs && live.timing.hookMs <= live.timing.trainMs,
      JSON.stringify(live.timing),
    );
  } finally {
    bridge.uninstall();
  }
});

test("redrawDue waits chartEvery ms and at least 49 times the last redraw's cost (drawing under 2 %)", () => {
  assert.equal(redrawDue(1000, 0, 0, 2000), false);
  assert.equal(redrawDue(2000, 0, 0, 2000), true);
  assert.equal(redrawDue(2000, 0, 50, 2000), false, "a 50 ms redraw waits 2450 ms");
  assert.equal(redrawDue(2450, 0, 50, 2000), true);
  assert.equal(redrawDue(10, 0, 0, 0), true);
  assert.equal(redrawDue(10, 0, 1, 0), false);
});

test("LivePlot without batchPoints, or in a terminal, draws no running loss and reads no loss per batch", async () => {
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = task();
  try {
    const live = new LivePlot({ batchPoints: false, updateEvery: 60_000 });
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [live] });
    assert.ok(!lastChart(bridge, live).data.some((t) => t.name === "loss (within epoch)"));
    assert.equal(live.timing.chartDraws, 2);
  } finally {
    bridge.uninstall();
  }
});

test("LivePlot adds a learning-rate panel once the rate changes, and logY makes the metric axes logarithmic", async () => {
  const bridge = new FakeBridge(true).install();
  try {
    const constant = task();
    const flat = new LivePlot({ logY: true, chartEvery: 60_000 });
    await constant.model.fit(constant.x, constant.y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [flat] });
    const flatFig = lastChart(bridge, flat);
    assert.equal((flatFig.layout.yaxis as { type?: string }).type, "log");
    assert.equal(flatFig.layout.yaxis2, undefined, "one panel while the rate is constant");

    const halving = task(0.04);
    const live = new LivePlot({ chartEvery: 60_000 });
    const scheduler = new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2));
    await halving.model.fit(halving.x, halving.y, {
      epochs: 3,
      batchSize: 16,
      verbose: 0,
      callbacks: [scheduler, live],
    });
    const fig = lastChart(bridge, live);
    const rates = fig.data.find((t) => t.name === "learning rate");
    assert.ok(rates);
    assert.deepEqual(rates.y, [0.04, 0.02, 0.01]);
    assert.equal(rates.yaxis, "y2");
    assert.equal((fig.layout.yaxis2 as { type?: string }).type, "log");
    assert.equal((fig.layout.yaxis as { type?: string }).type, undefined);
  } finally {
    bridge.uninstall();
  }
});

test("LivePlot marks the epochs where ModelCheckpoint saved, even when the checkpoint comes after it in the list", async () => {
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = task();
  try {
    const live = new LivePlot({ chartEvery: 60_000 });
    const checkpoint = new ModelCheckpoint(path.join(tempDir(), "best"), { saveBestOnly: true, saveWeightsOnly: true });
    const history = await model.fit(x, y, {
      epochs: 4,
      batchSize: 16,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [live, checkpoint],
    });
    const valLoss = history.history.val_loss as number[];
    const improved = valLoss.map((_v, i) => i).filter((i) => valLoss[i] < Math.min(Infinity, ...valLoss.slice(0, i)));
    const marks = lastChart(bridge, live).data.find((t) => t.name === "checkpoint saved");
    assert.ok(marks);
    assert.deepEqual(marks.x, improved);
    assert.deepEqual(
      marks.y,
      improved.map((i) => valLoss[i]),
    );
  } finally {
    bridge.uninstall();
  }
});
