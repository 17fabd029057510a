/**
 * The static picture says what the live chart says (issue 26, item 5): tick labels without float
 * error, legend symbols as the markers, even gaps in a grid of pictures, and a live chart that
 * fits its output area as the picture does (the loader script run against a small fake page).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { Figure, Pyplot, resetPlotlyInclusion } from "../../src/display";
import { ticks, tickLabel } from "../../src/display/geometry";
import { liveFigure } from "../../src/callbacks/live-plot-figure";
import { parseXml } from "./xml";
import { readPNG, pixel } from "./png-read";

/** The 8-3 filter grid: 2 × 16 axis-free 3×3 pictures in a 15 × 2 inch figure. */
function filterGrid(): Figure {
  const p = new Pyplot();
  const [fig, axs] = p.subplots(2, 16, { figsize: [15, 2] });
  let seed = 11;
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 16; j++) {
      const w = [0, 1, 2].map(() => [0, 1, 2].map(() => (seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5));
      axs[i][j].imshow(w, { vmin: -0.5, vmax: 0.5 });
      axs[i][j].axis("off");
    }
  return fig.toFigure();
}

test("ticks are whole multiples of their step: the zero tick is 0 and labelled '0', never '-5.6e-17'", () => {
  // Adding the step five times from -1 lands on -5.55e-17, not 0 (the old tick loop did that).
  let sum = -1;
  for (let i = 0; i < 5; i++) sum += 0.2;
  assert.notEqual(sum, 0);
  const { values, step } = ticks([-1, 0.9], 10, false);
  assert.equal(step, 0.2);
  assert.ok(values.includes(0), `ticks ${values.join(", ")} include 0`);
  assert.deepEqual(
    values.map((v) => tickLabel(v, step)),
    ["-1", "-0.8", "-0.6", "-0.4", "-0.2", "0", "0.2", "0.4", "0.6", "0.8"],
  );
  // Any range: no label of a tick within a step of zero is in e-notation.
  for (let lo = -1; lo < -0.01; lo += 0.0137)
    for (const target of [4, 5, 7, 10, 12]) {
      const t = ticks([lo, -lo * 0.9], target, false);
      for (const v of t.values) {
        if (Math.abs(v) < t.step / 2) {
          assert.equal(v, 0, `range [${lo}, ${-lo * 0.9}]`);
          assert.equal(tickLabel(v, t.step), "0");
        }
      }
    }
  assert.equal(tickLabel(-1.4e-17, 0.1), "0", "a value a billionth of a step from zero reads 0");
  assert.equal(tickLabel(1e-5, 1e-5), "1.0e-5", "small steps keep their own values");
});

test("8-3's histogram of untrained weights (spread over ±0.145): its zero tick reads 0, not -1.4e-17", () => {
  const p = new Pyplot();
  let seed = 3;
  const weights = Array.from({ length: 286 }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1).map(
    (u) => u * 0.145,
  );
  p.hist([-0.145, ...weights, 0.145]);
  const labels = parseXml(p.gcf().toSVG())
    .elements.filter((e) => e.tag === "text" && e.attrs.class === "xtick")
    .map((e) => e.text);
  assert.deepEqual(labels, ["-0.15", "-0.1", "-0.05", "0", "0.05", "0.1", "0.15"]);
});

test("the legend draws a series' markers with the series' symbol: squares stay squares, as in Plotly", () => {
  const fig = new Figure({
    panels: [
      {
        series: [
          { x: [0, 1, 2], y: [3, 2, 1], name: "loss" },
          { x: [1], y: [2], name: "checkpoint saved", mode: "markers", marker: "square", markerSize: 8 },
          { x: [2], y: [1], name: "best", mode: "markers", marker: "circle-open" },
          { x: [0, 1, 2], y: [1, 2, 2], name: "val", mode: "lines+markers", marker: "square" },
        ],
      },
    ],
  });
  const samples = parseXml(fig.toSVG()).elements.filter((e) => e.attrs.class === "legend-sample");
  const symbols = samples.map((e) => `${e.tag}:${e.attrs["data-symbol"] ?? "line"}:${e.attrs.fill ?? ""}`);
  assert.deepEqual(symbols, [
    "line:line:",
    "rect:square:#ff7f0e",
    "circle:circle-open:none",
    "line:line:",
    "rect:square:#d62728",
  ]);
  const square = samples[1];
  assert.equal(square.attrs.width, "8");
  assert.equal(square.attrs.height, "8");
  const plotly = fig.toPlotly().data.map((t) => (t.type === "scatter" ? t.marker?.symbol : undefined));
  assert.deepEqual(plotly, [undefined, "square", "circle-open", "square"], "the live chart's symbols");
});

test("LivePlot's 'checkpoint saved' legend entry is an open square, as its markers (8-2)", () => {
  const fig = liveFigure(
    {
      collected: { epoch: [0, 1, 2], history: { loss: [0.6, 0.4, 0.35], val_loss: [0.5, 0.42, 0.44] } },
      batches: { x: [], y: [] },
      learningRates: [0.001, 0.001, 0.001],
      saves: [0, 1],
    },
    {},
  );
  const svg = parseXml(fig.toSVG());
  const texts = svg.elements.filter((e) => e.attrs.class === "legend-text").map((e) => e.text);
  const samples = svg.elements.filter((e) => e.attrs.class === "legend-sample");
  const saved = samples[texts.indexOf("checkpoint saved")];
  assert.ok(saved, `legend entries: ${texts.join(", ")}`);
  assert.equal(saved.tag, "rect");
  assert.equal(saved.attrs["data-symbol"], "square-open");
  assert.equal(saved.attrs.fill, "none");
  assert.equal(saved.attrs.width, "9");
  const trace = fig.toPlotly().data.find((t) => t.name === "checkpoint saved");
  assert.equal(trace?.type === "scatter" ? trace.marker?.symbol : undefined, "square-open");
});

test("a 2×16 grid's picture has even gaps: every gap between neighbouring panels is the same width", () => {
  const fig = filterGrid();
  const images = parseXml(fig.toSVG()).elements.filter((e) => e.tag === "image");
  assert.equal(images.length, 1);
  const png = readPNG(images[0].attrs.href);
  const screenPerPx = Number(images[0].attrs.width) / png.width;
  // Runs of opaque and transparent columns along the middle of each row of panels.
  for (const y of [Math.round(png.height * 0.25), Math.round(png.height * 0.75)]) {
    const runs: Array<{ opaque: boolean; length: number }> = [];
    for (let x = 0; x < png.width; x++) {
      const opaque = pixel(png, x, y)[3] === 255;
      const last = runs[runs.length - 1];
      if (last && last.opaque === opaque) last.length++;
      else runs.push({ opaque, length: 1 });
    }
    const panels = runs.filter((r) => r.opaque).map((r) => r.length * screenPerPx);
    const gaps = runs.filter((r, i) => !r.opaque && i > 0 && i < runs.length - 1).map((r) => r.length * screenPerPx);
    assert.equal(panels.length, 16, `row at y=${y}: ${JSON.stringify(runs)}`);
    assert.equal(gaps.length, 15);
    for (const g of gaps) assert.ok(Math.abs(g - gaps[0]) < 0.01, `gaps ${gaps.map((v) => v.toFixed(2)).join(" ")}`);
    for (const w of panels) assert.ok(Math.abs(w - panels[0]) < 0.01, `panels ${panels.join(" ")}`);
    assert.ok(gaps[0] > 4 && gaps[0] < 12, `a gap is about the figure's 8 px: ${gaps[0]}`);
  }
  // The rows' gap too: one transparent run between the two rows, down a column of panels.
  const x = Math.round(png.width / 32);
  const column = Array.from({ length: png.height }, (_, y) => pixel(png, x, y)[3] === 255);
  const edges = column.filter((v, i) => i > 0 && v !== column[i - 1]).length;
  assert.equal(edges, 2, "opaque, transparent, opaque down the first column");
});

interface FakeElement {
  tag: string;
  id?: string;
  className?: string;
  style: { [k: string]: string };
  children: FakeElement[];
  attrs: { [k: string]: string };
  clientWidth: number;
  textContent?: string;
  parentNode?: FakeElement;
  appendChild(c: FakeElement): FakeElement;
  removeChild(c: FakeElement): void;
  setAttribute(k: string, v: string): void;
  getAttribute(k: string): string | null;
  querySelector(sel: string): FakeElement | null;
  contains(e: FakeElement): boolean;
}

function element(tag: string, clientWidth = 0): FakeElement {
  const e: FakeElement = {
    tag,
    style: {},
    children: [],
    attrs: {},
    clientWidth,
    appendChild(c) {
      c.parentNode = e;
      e.children.push(c);
      return c;
    },
    removeChild(c) {
      e.children = e.children.filter((x) => x !== c);
    },
    setAttribute(k, v) {
      e.attrs[k] = v;
    },
    getAttribute(k) {
      return e.attrs[k] ?? null;
    },
    querySelector(sel) {
      return e.children.find((c) => c.tag === sel) ?? null;
    },
    contains(x) {
      for (let p: FakeElement | undefined = x; p; p = p.parentNode) if (p === e) return true;
      return false;
    },
  };
  return e;
}

/** Run a chart's loader script on a fake page whose chart host is `width` px wide. */
function runLoader(fig: Figure, width: number) {
  const html = String(fig.mimeBundle({ plotly: "never" })["text/html"]);
  const script = /<script type="text\/javascript">\n(\(function \(\) \{[\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(script, "the chart has a loader script");
  const id = /id="([^"]+)"/.exec(html)![1];
  const root = element("html");
  const head = root.appendChild(element("head"));
  const host = root.appendChild(element("div", width));
  host.appendChild(element("img"));
  const plotted: Array<{ div: FakeElement; layout: { width: number; height: number } }> = [];
  const observers: Array<() => void> = [];
  const document = {
    head,
    documentElement: root,
    querySelectorAll: (sel: string) => (sel === `[id="${id}"]` ? [host] : []),
    createElement: (tag: string) => element(tag),
    getElementById: (i: string) => head.children.find((c) => c.id === i) ?? null,
  };
  const window = {
    Plotly: {
      newPlot: (div: FakeElement, _data: unknown, layout: { width: number; height: number }) => {
        plotted.push({ div, layout });
        return { then: (ok: () => void) => ok() };
      },
    },
  };
  class ResizeObserver {
    constructor(private readonly cb: () => void) {}
    observe() {
      observers.push(this.cb);
    }
    disconnect() {}
  }
  vm.runInContext(script, vm.createContext({ window, document, ResizeObserver, setTimeout }));
  return { host, head, plotted, resize: (w: number) => ((host.clientWidth = w), observers.forEach((cb) => cb())) };
}

test("the live chart keeps its figure size where it fits and scales down, whole, to a narrower output area", () => {
  resetPlotlyInclusion();
  const grid = filterGrid();
  const { host, head, plotted, resize } = runLoader(grid, 1036);
  assert.equal(plotted.length, 1, "Plotly.newPlot ran once");
  const { div, layout } = plotted[0];
  assert.equal(layout.width, 1500, "Plotly lays the figure out at its own size…");
  assert.equal(div.style.width, "1500px");
  const box = div.parentNode!;
  assert.equal(box.className, "tslab-dl-plotly");
  const s = 1036 / 1500;
  assert.equal(div.style.transform, `scale(${s})`, "…scaled to the area's 1,036 px");
  assert.equal(box.style.width, `${1500 * s}px`);
  assert.equal(box.style.height, `${200 * s}px`, "aspect ratio kept");
  assert.equal(box.style.overflow, "hidden");
  assert.equal(host.querySelector("img"), null, "the static picture made way");
  const style = head.children.find((c) => c.id === "tslab-dl-plotly-style");
  assert.match(style?.textContent ?? "", /\.tslab-dl-plotly image \{[^}]*image-rendering: pixelated/);
  resize(750);
  assert.equal(div.style.transform, "scale(0.5)", "it follows the area when that narrows");
  assert.equal(box.style.height, "100px");
  resize(2000);
  assert.equal(div.style.transform, "", "never blown up beyond the figure's size");
  assert.equal(box.style.width, "1500px");

  // A 640 × 400 chart in the same area keeps its size, as matplotlib's inline figures do.
  const small = runLoader(new Figure({ panels: [{ series: [{ x: [0, 1], y: [1, 0], name: "loss" }] }] }), 1036);
  assert.equal(small.plotted[0].div.style.transform, "");
  assert.equal(small.plotted[0].div.parentNode!.style.width, "640px");
  assert.equal(small.plotted[0].div.parentNode!.style.height, "400px");
  // An area not laid out yet (0 px wide) keeps the natural size until it has a width.
  const hidden = runLoader(grid, 0);
  assert.equal(hidden.plotted[0].div.style.transform, "");
  hidden.resize(1036);
  assert.equal(hidden.plotted[0].div.style.transform, `scale(${s})`);
});
