import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plt, Pyplot, FigureError, type PlotlyFigure } from "../../src/display";
import { FakeBridge } from "./fake-bridge";
import { lessonHistory, scatterTraces } from "./fixtures";
import { parseXml } from "./xml";

function shownFigure(bridge: FakeBridge): PlotlyFigure {
  assert.equal(bridge.displays.length, 1);
  return bridge.displays[0].bundle["application/vnd.plotly.v1+json"] as PlotlyFigure;
}

test("the lesson's matplotlib cell, line for line, shows one chart in a notebook", () => {
  const history = lessonHistory();
  const bridge = new FakeBridge(true).install();
  try {
    plt.plot(history.history["loss"]);
    plt.plot(history.history["val_loss"]);
    plt.xlabel("epoch");
    plt.ylabel("loss");
    plt.legend(["train", "val"]);
    const result = plt.show();
    assert.equal(result, undefined);
    const fig = shownFigure(bridge);
    assert.deepEqual(
      scatterTraces(fig).map((t) => [t.name, t.mode, t.line?.color]),
      [
        ["train", "lines", "#1f77b4"],
        ["val", "lines", "#ff7f0e"],
      ],
    );
    assert.deepEqual(fig.data[0].x, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(fig.data[1].y, history.history.val_loss);
    assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "epoch");
    assert.equal((fig.layout.yaxis as { title: { text: string } }).title.text, "loss");
    assert.equal(fig.layout.showlegend, true);
    // show() starts a new figure, as matplotlib does.
    plt.plot([1, 2, 3]);
    plt.show();
    assert.equal((bridge.displays[1].bundle["application/vnd.plotly.v1+json"] as PlotlyFigure).data.length, 1);
  } finally {
    bridge.uninstall();
  }
});

test("without legend() there is no legend; labels come from plot(x, y, label) or an options object", () => {
  const p = new Pyplot();
  p.plot([0, 2, 4], [1, 2, 3], "train");
  p.plot([5, 4, 3], { label: "val", linestyle: "--", color: "r" });
  const fig = p.gcf().toPlotly();
  assert.equal(fig.layout.showlegend, false);
  assert.deepEqual(
    scatterTraces(fig).map((t) => [t.name, t.line?.dash, t.line?.color]),
    [
      ["train", "solid", "#1f77b4"],
      ["val", "dash", "#d62728"],
    ],
  );
  assert.deepEqual(fig.data[0].x, [0, 2, 4]);
  p.legend();
  assert.equal(p.gcf().toPlotly().layout.showlegend, true);
});

test("matplotlib format strings set colour, marker and line style", () => {
  const p = new Pyplot();
  p.plot([1, 2], "ro");
  p.plot([1, 2], "g--");
  p.plot([1, 2], "C2:");
  p.plot([1, 2], "s-");
  const data = scatterTraces(p.gcf().toPlotly());
  assert.deepEqual(
    data.map((t) => [t.mode, (t.line ?? t.marker)?.color, t.line?.dash, t.marker?.symbol]),
    [
      // A trace carries only what its mode draws (Plotly.validate reports the rest as unused).
      ["markers", "#d62728", undefined, "circle"],
      ["lines", "#2ca02c", "dash", undefined],
      ["lines", "#2ca02c", "dot", undefined],
      ["lines+markers", "#d62728", "solid", "square"],
    ],
  );
});

test("plot accepts typed arrays, tensors-like values and figsize/title/limits", () => {
  const p = new Pyplot();
  p.figure({ figsize: [8, 3] });
  p.plot(new Float32Array([0.5, 0.25]));
  p.plot([{ dataSync: () => [3] }, 4]);
  p.title("Loss");
  p.ylim(0, 5);
  const fig = p.gcf().toPlotly();
  assert.deepEqual(fig.data[1].y, [3, 4]);
  assert.equal(fig.layout.width, 800);
  assert.equal(fig.layout.height, 300);
  assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [0, 5]);
  assert.equal((fig.layout.title as { text: string }).text, "Loss");
});

test("plot rejects mismatched x and y and non-data arguments with a clear message", () => {
  const p = new Pyplot();
  assert.throws(() => p.plot([1, 2, 3], [1, 2]), /x has 3 values but y has 2/);
  assert.throws(() => p.plot("loss" as never), FigureError);
});

test("detached methods work like pyplot's functions", () => {
  const p = new Pyplot();
  const { plot, xlabel, gcf } = p;
  plot([1, 2]);
  xlabel("epoch");
  assert.equal((gcf().toPlotly().layout.xaxis as { title: { text: string } }).title.text, "epoch");
});

test("in a plain Node script show() writes a self-contained HTML file and prints its path", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tslab-dl-plt-"));
  const bridge = new FakeBridge(false).install();
  const log = t.mock.method(console, "log", () => undefined);
  try {
    plt.plot([3, 2, 1]);
    plt.title("curve");
    const file = plt.show({ file: join(dir, "sub", "loss.html") });
    assert.equal(file, join(dir, "sub", "loss.html"));
    assert.equal(bridge.sent.length, 0, "nothing is sent to a terminal bridge");
    assert.deepEqual(
      log.mock.calls.map((c) => c.arguments[0]),
      [`Figure written to ${file}`],
    );
    const html = readFileSync(file, "utf8");
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>curve<\/title>/);
    assert.match(html, /inlined by tslab-dl/, "plotly.js is inlined: the file works offline");
    assert.match(html, /<img src="data:image\/svg\+xml;base64,/);
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link[^>]*\shref=/, "no external script or stylesheet");
    assert.deepEqual(readdirSync(join(dir, "sub")), ["loss.html"], "no temporary file is left behind");
    // Default location: a new file in the temp folder.
    plt.plot([1, 2]);
    const defaultFile = plt.show();
    assert.ok(defaultFile && defaultFile.startsWith(tmpdir()) && defaultFile.endsWith(".html"));
    rmSync(defaultFile);
  } finally {
    bridge.uninstall();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("savefig writes SVG or HTML and refuses other formats", () => {
  const dir = mkdtempSync(join(tmpdir(), "tslab-dl-plt-"));
  try {
    const p = new Pyplot();
    p.plot([1, 3, 2], "loss");
    p.xlabel("epoch");
    const svg = parseXml(readFileSync(p.savefig(join(dir, "a.svg")), "utf8"));
    assert.equal(svg.elements.filter((e) => e.tag === "path").length, 1);
    assert.equal(svg.elements.find((e) => e.attrs.class === "xlabel")?.text, "epoch");
    assert.match(readFileSync(p.savefig(join(dir, "a.html")), "utf8"), /Plotly/);
    assert.throws(() => p.savefig(join(dir, "a.png")), /use a \.svg or \.html file name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("show() with nothing plotted shows nothing", () => {
  const bridge = new FakeBridge(true).install();
  try {
    assert.equal(new Pyplot().show(), undefined);
    assert.equal(bridge.sent.length, 0);
  } finally {
    bridge.uninstall();
  }
});
