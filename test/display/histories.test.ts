import assert from "node:assert/strict";
import { test } from "node:test";
import { COLORS, Figure, FigureError, plotHistories } from "../../src/display";
import { logTicks } from "../../src/display/geometry";
import { parseXml } from "./xml";

const tiny = { epoch: [0, 1, 2], history: { loss: [1, 0.5, 0.4], val_loss: [1.1, 0.7, 0.6], acc: [0.5, 0.6, 0.7] } };
const small = { epoch: [0, 1], history: { loss: [0.9, 0.3], val_loss: [1.0, 0.8] } };

test("plotHistories overlays runs: one colour per run, validation dashed, each run with its own epochs", () => {
  const fig = plotHistories({ tiny, small });
  assert.equal(fig.spec.panels.length, 1, "loss and val_loss share a panel by default");
  const series = fig.spec.panels[0].series;
  assert.deepEqual(
    series.map((s) => [s.name, s.color, s.dash, s.x.length]),
    [
      ["tiny loss", COLORS[0], "solid", 3],
      ["tiny val_loss", COLORS[0], "dash", 3],
      ["small loss", COLORS[1], "solid", 2],
      ["small val_loss", COLORS[1], "dash", 2],
    ],
  );
  assert.match(
    fig.toString(),
    /tiny 3 epochs, last loss=0\.4 val_loss=0\.6; small 2 epochs, last loss=0\.3 val_loss=0\.8/,
  );
});

test("plotHistories with one key names each curve after its run; unknown keys list what the run has", () => {
  const fig = plotHistories({ tiny, small }, { keys: ["val_loss"], title: "Validation loss" });
  assert.deepEqual(
    fig.spec.panels[0].series.map((s) => s.name),
    ["tiny", "small"],
  );
  assert.deepEqual(
    fig.spec.panels[0].series.map((s) => s.dash),
    ["solid", "solid"],
    "one key: solid lines",
  );
  assert.equal(fig.spec.panels[0].ylabel, "val_loss");
  assert.throws(
    () => plotHistories({ tiny, small }, { keys: ["acc"] }),
    (e: unknown) => e instanceof FigureError && /run "small" has no "acc"; available: loss, val_loss/.test(e.message),
  );
  assert.throws(() => plotHistories({}), /at least one run/);
});

test("logY draws a logarithmic axis in Plotly and in the SVG, leaving out values ≤ 0", () => {
  const fig = plotHistories({ tiny, small: { loss: [0.9, 0, 0.03], val_loss: [1, 0.8, 0.2] } }, { logY: true });
  const plotly = fig.toPlotly();
  const yaxis = plotly.layout.yaxis as { type: string; range: number[]; tickvals: number[]; ticktext: string[] };
  assert.equal(yaxis.type, "log");
  assert.ok(yaxis.range[0] < Math.log10(0.03) && yaxis.range[1] > Math.log10(1.1), `range ${yaxis.range}`);
  assert.deepEqual(yaxis.tickvals, [0.1, 1]);
  assert.deepEqual(yaxis.ticktext, ["0.1", "1"]);
  assert.deepEqual(plotly.data[2].y, [0.9, null, 0.03], "zero becomes a gap");
  const svg = parseXml(fig.toSVG());
  const labels = svg.elements.filter((e) => e.attrs.class === "ytick").map((e) => e.text);
  assert.deepEqual(labels, ["0.1", "1"]);
  assert.ok(!fig.toSVG().includes("NaN"), "no NaN coordinates in the SVG");
  // A linear figure is unchanged.
  const linear = new Figure({ panels: [{ series: [{ x: [0, 1], y: [1, 2], name: "a" }] }] }).toPlotly();
  assert.equal((linear.layout.yaxis as { type?: string }).type, undefined);
});

test("logTicks: decades over a wide range, 1-2-5 within one decade", () => {
  assert.deepEqual(logTicks([-3.2, 0.1], 6).values, [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(
    logTicks([-1.5, -0.9], 6).values,
    [0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1],
    "every digit when 1-2-5 gives fewer than 3",
  );
  assert.deepEqual(logTicks([-0.9, -0.2], 6).values, [0.2, 0.3, 0.4, 0.5, 0.6]);
});
