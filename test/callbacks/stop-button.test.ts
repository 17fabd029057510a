/**
 * The Stop button, in LivePlot, during real `fit` runs on a tiny model, with
 * the kernel's comm manager standing in for the front end.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { tf } from "../../src/backend";
import { LivePlot } from "../../src/callbacks/live-plot";
import { StopButton } from "../../src/callbacks/stop-button";
import { setDisplayBridge } from "../../src/display/registry";
import { FakeBridge } from "../display/fake-bridge";
import { tinyTask } from "../display/fixtures";
import { FakeFrontEnd } from "../widgets/front-end";

function stopButtonId(fe: FakeFrontEnd): string {
  const open = fe.published.find(
    (p) => p.type === "comm_open" && (p.content.data as { _model_name?: string })._model_name === "ButtonModel",
  );
  assert.ok(open, "LivePlot opened a Button widget");
  return String(open.content.comm_id);
}

afterEach(() => setDisplayBridge(undefined));

test("clicking LivePlot's Stop ends fit at that batch end; fit resolves with the History and the weights kept", async () => {
  const fe = new FakeFrontEnd();
  const { model, x, y } = tinyTask();
  let batches = 0;
  const clicker = new tf.CustomCallback({
    onBatchEnd: async () => {
      batches++;
      if (batches === 14) fe.send(stopButtonId(fe), { method: "custom", content: { event: "click" } });
    },
  });
  const live = new LivePlot({ updateEvery: 0, chart: false });
  const history = await model.fit(x, y, { epochs: 50, batchSize: 8, verbose: 0, callbacks: [clicker, live] });

  assert.equal(batches, 14, "no batch ran after the one the click arrived in");
  assert.deepEqual(history.epoch, [0, 1], "the History keeps the full epoch and the stopped one");
  assert.equal(history.history.loss.length, 2);
  assert.ok(history.history.loss.every((v) => Number.isFinite(v as number)));
  assert.deepEqual(live.stopButton?.stoppedAt, { epoch: 1, batch: 3 });
  const prediction = (model.predict(x.slice([0, 0], [2, 3])) as tf.Tensor).dataSync();
  assert.ok(Array.from(prediction).every(Number.isFinite), "the model is usable after the stop");

  const button = stopButtonId(fe);
  const shown = fe.published.find(
    (p) => p.type === "display_data" && "application/vnd.jupyter.widget-view+json" in (p.content.data as object),
  );
  assert.deepEqual(
    shown?.content.data,
    {
      "application/vnd.jupyter.widget-view+json": { model_id: button, version_major: 2, version_minor: 0 },
      "text/plain": "",
    },
    "the button has no static picture: it means nothing in a saved notebook",
  );
  const states = fe.commData(button).map((d) => d.state as Record<string, unknown> | undefined);
  assert.deepEqual(states.at(-1), { description: "Stopped" }, "the button says training stopped");
  assert.ok(states.some((s) => s?.disabled === true));
  const progress = fe.published.filter((p) => p.type === "update_display_data").at(-1)!;
  assert.match(
    String((progress.content.data as Record<string, unknown>)["text/plain"]),
    /stopped with the Stop button at epoch 2, batch 4/,
  );
});

test("a click that arrives as an event (not from inside fit) is delivered between batches", async () => {
  const fe = new FakeFrontEnd();
  const { model, x, y } = tinyTask();
  const live = new LivePlot({ updateEvery: 0, chart: false });
  const starter = new tf.CustomCallback({
    onTrainBegin: async () => {
      const id = stopButtonId(fe);
      setTimeout(() => fe.send(id, { method: "custom", content: { event: "click" } }), 20);
    },
  });
  const epochs = 300;
  const history = await model.fit(x, y, { epochs, batchSize: 8, verbose: 0, callbacks: [live, starter] });
  assert.ok(history.epoch.length < epochs, `training stopped early (ran ${history.epoch.length} of ${epochs} epochs)`);
  assert.ok(live.stopButton?.stoppedAt);
});

test("without comms (a terminal, nbconvert through stock tslab) no Stop button is shown and fit runs to the end", async () => {
  const bridge = new FakeBridge(true).install();
  const { model, x, y } = tinyTask();
  const history = await model.fit(x, y, {
    epochs: 2,
    batchSize: 8,
    verbose: 0,
    callbacks: [new LivePlot({ updateEvery: 0, chart: false })],
  });
  assert.deepEqual(history.epoch, [0, 1]);
  assert.equal(bridge.displays.length, 1, "only the progress bar");
  const stop = new StopButton();
  stop.show();
  assert.equal(await stop.check({ stopTraining: false }), false);
});
