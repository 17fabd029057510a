import { test } from "node:test";
import assert from "node:assert/strict";
import { Figure, FigureError, plotHistory, mimeBundleOf, type PlotlyTrace } from "../../src/display";
import { ticks, tickLabel } from "../../src/display/geometry";
import { parseXml } from "./xml";
import { lessonHistory, scatterTraces } from "./fixtures";

function axis(
  layout: { [key: string]: unknown },
  key: string,
): { title: { text: string }; range: [number, number]; anchor: string } {
  return layout[key] as { title: { text: string }; range: [number, number]; anchor: string };
}

test("a History becomes a loss panel and a metric panel, each train curve with its val_ twin", () => {
  const fig = plotHistory(lessonHistory()).toPlotly();
  const lines = scatterTraces(fig).filter((t) => t.mode === "lines");
  assert.deepEqual(
    lines.map((t) => [t.name, t.xaxis]),
    [
      ["loss", "x"],
      ["val_loss", "x"],
      ["acc", "x2"],
      ["val_acc", "x2"],
    ],
  );
  assert.deepEqual(
    lines[0].x,
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    "epochs are 0-based on the x axis, as plt.plot(history.history['loss'])",
  );
  assert.deepEqual(lines[1].y, lessonHistory().history.val_loss);
  assert.equal(axis(fig.layout, "xaxis").title.text, "epoch");
  assert.equal(axis(fig.layout, "xaxis2").title.text, "epoch");
  assert.equal(axis(fig.layout, "yaxis").title.text, "loss");
  assert.equal(axis(fig.layout, "yaxis2").title.text, "acc");
  assert.equal(axis(fig.layout, "yaxis2").anchor, "x2");
});

test("the best epoch of val_loss is marked with a marker on the curve and a dashed line in every panel", () => {
  const fig = plotHistory(lessonHistory()).toPlotly();
  const markers = scatterTraces(fig).filter((t) => t.mode === "markers");
  assert.equal(markers.length, 1);
  assert.deepEqual(markers[0].x, [6]);
  assert.deepEqual(markers[0].y, [0.352]);
  assert.equal(markers[0].xaxis, "x", "the marker sits in the loss panel");
  assert.match(markers[0].name, /best epoch 6 \(val_loss 0\.352\)/);
  const shapes = fig.layout.shapes as Array<{ x0: number; x1: number; xref: string; line: { dash: string } }>;
  assert.deepEqual(
    shapes.map((s) => [s.xref, s.x0, s.x1, s.line.dash]),
    [
      ["x", 6, 6, "dash"],
      ["x2", 6, 6, "dash"],
    ],
  );
});

test("without validation the best epoch is the lowest training loss", () => {
  const fig = plotHistory({ epoch: [0, 1, 2], history: { loss: [0.5, 0.3, 0.4] } }).toPlotly();
  const marker = scatterTraces(fig).find((t) => t.mode === "markers") as PlotlyTrace;
  assert.deepEqual([marker.x, marker.y], [[1], [0.3]]);
});

test("plotHistory with keys draws them in one panel with the given titles", () => {
  const fig = plotHistory(lessonHistory(), {
    keys: ["loss", "val_loss"],
    title: "Loss curves",
    xlabel: "Epoch",
    ylabel: "cross-entropy",
  }).toPlotly();
  assert.deepEqual(
    fig.data.map((t) => t.name),
    ["loss", "val_loss", "best epoch 6 (val_loss 0.352)"],
  );
  assert.equal(fig.layout.xaxis2, undefined);
  assert.equal((fig.layout.title as { text: string }).text, "Loss curves");
  assert.equal(axis(fig.layout, "xaxis").title.text, "Epoch");
  assert.equal(axis(fig.layout, "yaxis").title.text, "cross-entropy");
});

test("plotHistory names the missing keys and the available ones", () => {
  assert.throws(
    () => plotHistory(lessonHistory(), { keys: ["loss", "val_accuracy"] }),
    (e: unknown) => {
      assert.ok(e instanceof FigureError);
      assert.match(e.message, /"val_accuracy"/);
      assert.match(e.message, /available: loss, acc, val_loss, val_acc/);
      return true;
    },
  );
});

test("monitor: false marks nothing; an accuracy monitor marks the highest value", () => {
  const none = plotHistory(lessonHistory(), { monitor: false }).toPlotly();
  assert.equal(scatterTraces(none).filter((t) => t.mode === "markers").length, 0);
  assert.equal(none.layout.shapes, undefined);
  const acc = plotHistory(lessonHistory(), { monitor: "val_acc" }).toPlotly();
  const marker = scatterTraces(acc).find((t) => t.mode === "markers") as PlotlyTrace;
  assert.deepEqual([marker.x, marker.y, marker.xaxis], [[6], [0.874], "x2"]);
});

test("Plotly ranges and ticks are the ones the SVG uses, so both pictures line up", () => {
  const figure = plotHistory(lessonHistory());
  const g = figure.geometry();
  const layout = figure.toPlotly().layout;
  assert.deepEqual(axis(layout, "xaxis").range, g.panels[0].xRange);
  assert.deepEqual(axis(layout, "yaxis2").range, g.panels[1].yRange);
  assert.equal((layout.xaxis as { dtick: number }).dtick, g.panels[0].xStep);
  assert.equal(layout.width, g.width);
  assert.equal(layout.height, g.height);
});

test("the SVG is well-formed XML with one path per trace, axis titles, ticks and the best-epoch line", () => {
  const figure = plotHistory(lessonHistory());
  const svg = parseXml(figure.toSVG());
  assert.equal(svg.root, "svg");
  const paths = svg.elements.filter((e) => e.tag === "path");
  const traces = figure.toPlotly().data;
  assert.equal(paths.length, traces.length);
  assert.deepEqual(
    paths.map((p) => p.attrs["data-name"]),
    traces.map((t) => t.name),
  );
  const texts = (cls: string) =>
    svg.elements.filter((e) => e.tag === "text" && e.attrs.class === cls).map((e) => e.text);
  assert.deepEqual(texts("xlabel"), ["epoch", "epoch"]);
  assert.deepEqual(texts("ylabel"), ["loss", "acc"]);
  assert.deepEqual(texts("panel-title"), ["loss", "acc"]);
  assert.ok(texts("xtick").includes("6"));
  assert.deepEqual(texts("legend-text").slice(0, 2), ["loss", "val_loss"]);
  assert.equal(svg.elements.filter((e) => e.tag === "line" && e.attrs.class === "vline best-epoch").length, 2);
  // Each line path visits every epoch: one M and nine L commands.
  const loss = paths[0].attrs.d;
  assert.equal((loss.match(/M/g) ?? []).length, 1);
  assert.equal((loss.match(/L/g) ?? []).length, 9);
});

test("a gap (NaN) in a series breaks its path instead of drawing through it", () => {
  const fig = new Figure({ panels: [{ series: [{ x: [0, 1, 2, 3], y: [1, NaN, 2, 3], name: "y" }] }] });
  const path = parseXml(fig.toSVG()).elements.find((e) => e.tag === "path");
  assert.equal((path?.attrs.d.match(/M/g) ?? []).length, 2);
  assert.deepEqual(fig.toPlotly().data[0].y, [1, null, 2, 3]);
});

test("user text is escaped in the SVG and in Plotly labels", () => {
  const fig = new Figure({
    title: "a < b & c",
    panels: [{ series: [{ x: [0, 1], y: [1, 2], name: "<loss>" }], xlabel: "x & y" }],
  });
  const svg = parseXml(fig.toSVG());
  assert.equal(svg.elements.find((e) => e.attrs.class === "title")?.text, "a < b & c");
  assert.equal(
    fig.toPlotly().data[0].name,
    "&lt;loss&gt;",
    "Plotly reads tags in names; escaped, it shows them as typed",
  );
  assert.equal((fig.toPlotly().layout.title as { text: string }).text, "a &lt; b &amp; c");
});

test("a figure rejects series whose x and y lengths differ, naming the series", () => {
  assert.throws(
    () => new Figure({ panels: [{ series: [{ x: [0, 1], y: [1], name: "loss" }] }] }),
    /"loss".*x has 2 values but y has 1/,
  );
  assert.throws(() => new Figure({ panels: [] }), FigureError);
});

test("nice ticks: 1-2-2.5-5 steps, whole numbers for epochs, Plotly-like labels", () => {
  assert.deepEqual(ticks([0, 1], 5, false), { values: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 });
  assert.deepEqual(ticks([-0.27, 9.27], 6, true).values, [0, 2, 4, 6, 8]);
  assert.deepEqual(ticks([-0.1, 2.1], 10, true).step, 1);
  assert.equal(tickLabel(0.9, 0.025), "0.9");
  assert.equal(tickLabel(0.825, 0.025), "0.825");
  assert.equal(tickLabel(6, 2), "6");
});

test("a chart's bundle carries Plotly JSON, HTML with the static picture, SVG and text", () => {
  const bundle = mimeBundleOf(lessonHistory());
  assert.ok(bundle);
  assert.deepEqual(Object.keys(bundle).sort(), [
    "application/vnd.plotly.v1+json",
    "image/svg+xml",
    "text/html",
    "text/plain",
  ]);
  const plotly = bundle["application/vnd.plotly.v1+json"] as { data: unknown[]; layout: object };
  assert.equal(plotly.data.length, 5);
  assert.match(String(bundle["text/plain"]), /^Training history: 10 epochs, best epoch 6 \(val_loss 0\.352\)/);
  const text = String(bundle["text/plain"]).split("\n");
  assert.equal(text.length, 2, "a few lines, not a table of every epoch");
  assert.match(text[0], /; last epoch 9: loss=[\d.]+ acc=[\d.]+ val_loss=[\d.]+ val_acc=[\d.]+$/);
  assert.equal(text[1], "keys: loss, acc, val_loss, val_acc");
  const html = String(bundle["text/html"]);
  const img = /<img src="data:image\/svg\+xml;base64,([^"]+)" width="920" height="400"/.exec(html);
  assert.ok(img, "the HTML shows the SVG as an <img> sized like the Plotly chart");
  assert.equal(Buffer.from(img[1], "base64").toString("utf8"), bundle["image/svg+xml"]);
});
