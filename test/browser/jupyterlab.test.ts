/**
 * Charts in JupyterLab, rendered by JupyterLab 4's own front-end code (test/browser/jupyterlab-page.ts,
 * bundled with esbuild at test time into a temporary folder) in headless Chromium: the rendermime
 * registry, JupyterLab's sanitizer and an output area, trusted and untrusted, for the committed 7-3
 * notebooks and for a notebook with several charts and a LivePlot. Notebooks are read the way
 * Jupyter's server reads them (nbformat, in Python): text stored as a list of lines reaches the
 * front end joined, as JupyterLab gets it from the contents API.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { tf } from "../../src/backend";
import { LivePlot } from "../../src/callbacks/live-plot";
import {
  Figure,
  Pyplot,
  plotHistory,
  resetPlotlyInclusion,
  type MimeBundle,
  type PlotlyFigure,
} from "../../src/display";
import { plotlySource } from "../../src/display/plotly-html";
import { mimeBundleOf } from "../../src/display/registry";
import { FakeBridge } from "../display/fake-bridge";
import { readPNG, pixel } from "../display/png-read";
import type { JupyterLabPage, Outputs } from "./jupyterlab-page";

const REPO = resolve(__dirname, "../../..");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const PYTHON = "/usr/bin/python3";
const PLOTLY_MIME = "application/vnd.plotly.v1+json";

const skipReason = !existsSync(CHROMIUM)
  ? `needs ${CHROMIUM} (Debian chromium)`
  : spawnSync(PYTHON, ["-c", "import nbformat"]).status !== 0
    ? `needs ${PYTHON} with nbformat (apt-get install jupyter-nbformat)`
    : undefined;

interface Output {
  output_type: string;
  data?: { [mime: string]: unknown };
}
interface Notebook {
  cells: Array<{ cell_type: string; outputs?: Output[] }>;
}

let work = "";
let bundle = "";
let browser: Browser | undefined;
/** The notebooks under test: name → file. */
const notebooks = new Map<string, string>();

/** Build the test page's script from the compiled page module. */
async function bundlePage(): Promise<string> {
  const esbuild = await import("esbuild");
  const outfile = join(work, "jupyterlab-page.js");
  await esbuild.build({
    entryPoints: [join(__dirname, "jupyterlab-page.js")],
    bundle: true,
    platform: "browser",
    format: "iife",
    outfile,
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"' },
    // JupyterLab's icons are SVG text, as its own webpack build loads them.
    loader: { ".svg": "text" },
  });
  return outfile;
}

/** nbformat's view of a notebook, as Jupyter's server hands it to JupyterLab. */
function readAsServer(file: string): Notebook {
  const script = "import json, sys, nbformat; print(json.dumps(nbformat.read(sys.argv[1], as_version=4)))";
  const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Notebook;
}

/** A bundle as an nbformat output; text stored as a list of lines, as notebooks store it. */
function asOutput(data: MimeBundle): Output & { metadata: object } {
  const stored: { [mime: string]: unknown } = {};
  for (const [mime, value] of Object.entries(data))
    stored[mime] = typeof value === "string" ? value.split(/(?<=\n)/) : value;
  return { output_type: "display_data", data: stored, metadata: {} };
}

/** A notebook with several charts and a LivePlot, built from the library's own bundles. */
async function chartsNotebook(): Promise<string> {
  resetPlotlyInclusion();
  await tf.setBackend("cpu");
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 6, activation: "relu", inputShape: [3] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: "meanSquaredError", metrics: ["mae"] });
  const x = tf.randomUniform([60, 3], -1, 1, "float32", 5);
  const y = x.sum(1, true);
  const bridge = new FakeBridge(true).install();
  let history: tf.History;
  try {
    history = await model.fit(x, y, {
      epochs: 4,
      batchSize: 10,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [new LivePlot({ updateEvery: 0 })],
    });
  } finally {
    bridge.uninstall();
    tf.dispose([x, y]);
  }
  // What the notebook keeps of the LivePlot cell: each display, with its last update.
  const live = bridge.displays.map((shown) => {
    const last = [...bridge.sent].reverse().find((s) => shown.displayId && s.displayId === shown.displayId);
    return asOutput((last ?? shown).bundle);
  });
  const p = new Pyplot();
  p.plot(history.history.loss as number[]);
  p.plot(history.history.val_loss as number[]);
  p.xlabel("epoch");
  p.legend(["train", "val"]);
  const charts = [history, plotHistory(history, { keys: ["loss", "val_loss"], title: "Loss" }), p.gcf()].map((value) =>
    asOutput(mimeBundleOf(value)!),
  );
  const cells = [live, ...charts.map((c) => [c])].map((outputs, i) => ({
    id: `cell-${i}`,
    cell_type: "code",
    execution_count: i + 1,
    metadata: {},
    source: [],
    outputs,
  }));
  const file = join(work, "charts.ipynb");
  writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1));
  return file;
}

/** 8-3's picture of the first layer's filters: a 2 × 16 grid of 3×3 pictures, figsize 15 × 2, plotly.js inside. */
function filterGridNotebook(): string {
  resetPlotlyInclusion();
  const p = new Pyplot();
  const [fig, axs] = p.subplots(2, 16, { figsize: [15, 2] });
  let seed = 5;
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 16; j++) {
      const w = [0, 1, 2].map(() => [0, 1, 2].map(() => (seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5));
      axs[i][j].imshow(w, { vmin: -0.5, vmax: 0.5 });
      axs[i][j].axis("off");
    }
  const cell = { id: "grid", cell_type: "code", execution_count: 1, metadata: {}, source: [] };
  const file = join(work, "filter-grid.ipynb");
  const nb = {
    cells: [{ ...cell, outputs: [asOutput(mimeBundleOf(fig)!)] }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

/** Three panels side by side (1,380 px: wider than the area), 4 points each. */
function threePanels(): Figure {
  return new Figure({
    panels: [0, 1, 2].map((k) => ({
      series: [{ x: [0, 1, 2, 3], y: [1 + k, 3, 2, 4], name: `run ${k}`, mode: "lines+markers" as const }],
    })),
  });
}

/** JupyterLab's own style sheets for outputs, and an output area 1,036 px wide (a 64 px prompt beside it). */
async function jupyterLabStyles(page: Page): Promise<void> {
  for (const pkg of ["rendermime", "outputarea"])
    await page.addStyleTag({ path: join(REPO, "node_modules", "@jupyterlab", pkg, "style", "base.css") });
  await page.addStyleTag({ content: ":root { --jp-cell-prompt-width: 64px; } body { margin: 0; width: 1100px; }" });
}

before(
  async () => {
    if (skipReason) return;
    work = mkdtempSync(join(tmpdir(), "tslab-dl-jupyterlab-"));
    bundle = await bundlePage();
    for (const lang of ["en", "ko"])
      notebooks.set(`${lang}/07-3`, join(REPO, "notebooks", lang, "07-3-regularization.ipynb"));
    notebooks.set("several charts and a LivePlot", await chartsNotebook());
    notebooks.set("filter grid", filterGridNotebook());
    const wide = join(work, "three-panels.ipynb");
    const cell = { id: "wide", cell_type: "code", execution_count: 1, metadata: {}, source: [] };
    const outputs = [asOutput(threePanels().mimeBundle({ plotly: "always" }))];
    writeFileSync(
      wide,
      JSON.stringify({ cells: [{ ...cell, outputs }], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
    );
    notebooks.set("three panels", wide);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  },
  { timeout: 120_000 },
);

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Rendered {
  page: Page;
  /** The chart outputs' figures, in notebook order. */
  figures: PlotlyFigure[];
  /** Script errors and console errors on the page. */
  problems: string[];
}

/**
 * Open the test page and render every code cell's outputs, as JupyterLab shows the notebook;
 * `setup` runs on the empty page first (to add JupyterLab's style sheets, say).
 */
async function render(file: string, trusted: boolean, setup?: (page: Page) => Promise<void>): Promise<Rendered> {
  assert.ok(browser);
  const nb = readAsServer(file);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  await page.setContent("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>");
  await setup?.(page);
  await page.addScriptTag({ path: bundle });
  const figures: PlotlyFigure[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code" || !cell.outputs?.length) continue;
    for (const o of cell.outputs) if (o.data?.[PLOTLY_MIME]) figures.push(o.data[PLOTLY_MIME] as PlotlyFigure);
    await page.evaluate(
      ({ outputs, trusted }) =>
        (window as unknown as { jupyterlab: JupyterLabPage }).jupyterlab.renderCell(outputs, trusted),
      { outputs: cell.outputs as unknown as Outputs, trusted },
    );
  }
  return { page, figures, problems };
}

/** Sizes of the static pictures inside the rendered chart outputs. */
function pictures(page: Page): Promise<Array<{ natural: number; width: number; height: number }>> {
  return page.$$eval(".jp-OutputArea-output .tslab-dl-chart img", (imgs) =>
    imgs.map((img) => {
      const i = img as HTMLImageElement;
      const box = i.getBoundingClientRect();
      return { natural: i.naturalWidth, width: box.width, height: box.height };
    }),
  );
}

describe("JupyterLab 4's rendermime and output area in Chromium", { skip: skipReason }, () => {
  before(() => mkdirSync(join(REPO, "test-artifacts"), { recursive: true }));

  for (const name of ["en/07-3", "ko/07-3", "several charts and a LivePlot"]) {
    test(`${name}, untrusted: JupyterLab's sanitizer keeps every chart's picture and runs no script`, async () => {
      const { page, figures } = await render(notebooks.get(name)!, false);
      try {
        assert.ok(figures.length >= 2, `the notebook has charts (found ${figures.length})`);
        await page.waitForFunction(
          (n) => {
            const imgs = Array.from(document.querySelectorAll(".jp-OutputArea-output .tslab-dl-chart img"));
            return imgs.length >= n && imgs.every((i) => (i as HTMLImageElement).complete);
          },
          figures.length,
          { timeout: 30_000 },
        );
        const shown = await pictures(page);
        assert.equal(shown.length, figures.length, "one picture per chart");
        for (const img of shown)
          assert.ok(
            img.natural > 0 && img.width > 300 && img.height > 200,
            `a decoded picture: ${JSON.stringify(img)}`,
          );
        assert.equal(await page.$$eval("script", (s) => s.length), 1, "no output kept a <script> (only the page's)");
        assert.equal(await page.$$eval(".js-plotly-plot", (p) => p.length), 0, "no chart went live");
      } finally {
        await page.close();
      }
    });

    test(`${name}, trusted: every chart becomes a live Plotly chart and the page has no script errors`, async () => {
      const { page, figures, problems } = await render(notebooks.get(name)!, true);
      try {
        try {
          await page.waitForFunction(
            (n) => document.querySelectorAll(".jp-OutputArea-output .js-plotly-plot .main-svg").length >= n,
            figures.length,
            { timeout: 60_000 },
          );
        } catch (e) {
          throw new Error(`fewer than ${figures.length} live charts; page problems:\n${problems.join("\n")}`, {
            cause: e,
          });
        }
        const traces = await page.$$eval(".jp-OutputArea-output .js-plotly-plot", (plots) =>
          plots.map((p) => p.querySelectorAll(".scatterlayer .trace").length),
        );
        assert.deepEqual(
          traces,
          figures.map((f) => f.data.length),
          "each live chart draws its figure's traces",
        );
        assert.equal(await page.$$eval(".tslab-dl-chart img", (i) => i.length), 0, "every picture was replaced");
        assert.deepEqual(problems, []);
        await page.screenshot({
          path: join(REPO, "test-artifacts", `jupyterlab-${name.replace(/\W+/g, "-")}-trusted.png`),
          fullPage: true,
        });
      } finally {
        await page.close();
      }
    });

    test(`${name}: every chart's Plotly JSON passes Plotly.validate`, async () => {
      assert.ok(browser);
      const figures = readAsServer(notebooks.get(name)!)
        .cells.flatMap((c) => c.outputs ?? [])
        .flatMap((o) => (o.data?.[PLOTLY_MIME] ? [o.data[PLOTLY_MIME] as PlotlyFigure] : []));
      assert.ok(figures.length >= 2);
      const page = await browser.newPage();
      try {
        await page.addScriptTag({ content: plotlySource() });
        const invalid = await page.evaluate((all) => {
          type Validate = (data: unknown, layout: unknown) => Array<{ msg: string }> | undefined;
          const validate = (window as unknown as { Plotly: { validate: Validate } }).Plotly.validate;
          return all.flatMap((f, i) => (validate(f.data, f.layout) ?? []).map((e) => `chart ${i}: ${e.msg}`));
        }, figures);
        assert.deepEqual(invalid, []);
      } finally {
        await page.close();
      }
    });
  }
});

describe("a live chart in JupyterLab looks as its static picture does (issue 26, item 5)", { skip: skipReason }, () => {
  before(() => mkdirSync(join(REPO, "test-artifacts"), { recursive: true }));

  /** Sizes on the page of the filter grid's output area, its chart and the chart's picture. */
  function measure(page: Page) {
    return page.evaluate(() => {
      const out = document.querySelector(".jp-OutputArea-output")!;
      const rect = (e: Element | null) => {
        const r = e?.getBoundingClientRect();
        return r ? { left: r.left, right: r.right, top: r.top, width: r.width, height: r.height } : undefined;
      };
      const images = Array.from(out.querySelectorAll(".js-plotly-plot image"));
      return {
        area: { ...rect(out)!, clientWidth: out.clientWidth, scrollWidth: out.scrollWidth },
        page: { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth },
        chart: rect(out.querySelector(".tslab-dl-plotly")),
        picture: rect(out.querySelector(".tslab-dl-chart img")),
        images: images.map((i) => ({ ...rect(i)!, rendering: getComputedStyle(i).imageRendering })),
      };
    });
  }

  test("2×16 filter grid, untrusted and trusted, in a 1,036 px output area: scaled to fit alike, no scrollbar, pixels sharp", async () => {
    const file = notebooks.get("filter grid")!;
    const untrusted = await render(file, false, jupyterLabStyles);
    let picture: { width: number; height: number } | undefined;
    try {
      await untrusted.page.waitForFunction(
        () => (document.querySelector(".tslab-dl-chart img") as HTMLImageElement)?.complete,
      );
      const m = await measure(untrusted.page);
      assert.ok(Math.abs(m.area.clientWidth - 1036) <= 1, `the output area is 1,036 px wide: ${m.area.clientWidth}`);
      picture = m.picture;
      assert.ok(picture && picture.width <= m.area.clientWidth + 0.5, `the picture fits: ${JSON.stringify(m)}`);
      assert.ok(Math.abs(picture.width / picture.height - 1500 / 200) < 0.05, "the picture keeps its aspect ratio");
    } finally {
      await untrusted.page.close();
    }

    const { page, problems, figures } = await render(file, true, jupyterLabStyles);
    try {
      await page.waitForFunction(() => document.querySelector(".js-plotly-plot .main-svg image"), undefined, {
        timeout: 60_000,
      });
      const m = await measure(page);
      assert.ok(m.chart, "the chart went live");
      assert.ok(m.area.scrollWidth <= m.area.clientWidth, `no horizontal scrollbar: ${JSON.stringify(m.area)}`);
      assert.ok(
        m.page.scrollWidth <= m.page.innerWidth,
        `the page does not scroll sideways: ${JSON.stringify(m.page)}`,
      );
      assert.ok(
        Math.abs(m.chart.width - picture!.width) <= 1 && Math.abs(m.chart.height - picture!.height) <= 1,
        `the live chart is the static picture's size: ${JSON.stringify(m.chart)} vs ${JSON.stringify(picture)}`,
      );
      // All 32 panels are in the one layout image; it lies inside the visible width of the area.
      assert.equal(m.images.length, 1, "one layout image holds the 32 pictures");
      const image = m.images[0];
      assert.ok(
        image.left >= m.area.left - 0.5 && image.right <= m.area.left + m.area.clientWidth + 0.5,
        `every panel is visible: image ${JSON.stringify(image)}, area ${JSON.stringify(m.area)}`,
      );
      assert.ok(image.width > 1000, `the pictures span the area: ${image.width} px`);
      // Where the 32 panels are inside that image: runs of opaque columns of its PNG, in each row.
      const png = readPNG((figures[0].layout.images as Array<{ source: string }>)[0].source);
      const spans: Array<[number, number]> = [];
      for (const row of [0.25, 0.75]) {
        let start = -1;
        for (let x = 0; x <= png.width; x++) {
          const opaque = x < png.width && pixel(png, x, Math.round(png.height * row))[3] === 255;
          if (opaque && start < 0) start = x;
          if (!opaque && start >= 0) {
            spans.push([start, x]);
            start = -1;
          }
        }
      }
      assert.equal(spans.length, 32, "32 panels in the picture");
      const perPx = image.width / png.width;
      for (const [from, to] of spans) {
        const [left, right] = [image.left + from * perPx, image.left + to * perPx];
        assert.ok(
          left >= m.area.left - 0.5 && right <= m.area.left + m.area.clientWidth + 0.5 && right - left > 20,
          `panel at ${left.toFixed(1)}–${right.toFixed(1)} px lies within the visible ${m.area.left}–${m.area.left + m.area.clientWidth}`,
        );
      }
      assert.equal(image.rendering, "pixelated");

      // An up-scaled 3×3 filter keeps its cell edges: across each edge the colour jumps in one
      // screen pixel (a smoothed picture ramps over about five).
      const panelW = (image.width * 12) / 207;
      const y = Math.round(image.top + (image.height * 12) / 26 / 6);
      const shot = readPNG(
        await page.screenshot({ clip: { x: Math.floor(image.left), y, width: Math.ceil(panelW), height: 1 } }),
      );
      const colour = (x: number) => pixel(shot, x, 0).slice(0, 3);
      const diff = (a: number[], b: number[]) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));
      let sharpEdges = 0;
      for (const edge of [1, 2].map((k) => Math.round((panelW * k) / 3 - (image.left - Math.floor(image.left))))) {
        const total = diff(colour(edge - 6), colour(edge + 6));
        if (total < 40) continue; // two neighbouring cells of about the same colour
        let biggest = 0;
        for (let x = edge - 6; x < edge + 6; x++) biggest = Math.max(biggest, diff(colour(x), colour(x + 1)));
        assert.ok(biggest >= 0.8 * total, `edge at x=${edge}: largest step ${biggest} of ${total}`);
        sharpEdges++;
      }
      assert.ok(sharpEdges >= 1, "at least one edge between cells of different colour was measured");

      // The area narrows (a side panel opens): the chart follows.
      await page.evaluate(() => (document.body.style.width = "700px"));
      await page.waitForFunction(
        () => document.querySelector(".tslab-dl-plotly")!.getBoundingClientRect().width <= 637,
        undefined,
        { timeout: 5_000 },
      );
      const narrow = await measure(page);
      assert.ok(
        narrow.area.scrollWidth <= narrow.area.clientWidth,
        `still no scrollbar: ${JSON.stringify(narrow.area)}`,
      );
      assert.ok(Math.abs(narrow.chart!.width / narrow.chart!.height - 1500 / 200) < 0.05, "aspect ratio kept");
      assert.deepEqual(problems, []);
      await page.screenshot({
        path: join(REPO, "test-artifacts", "jupyterlab-filter-grid-trusted.png"),
        fullPage: true,
      });
    } finally {
      await page.close();
    }
  });

  test("a chart scaled down to the area still answers the pointer: hovering a point shows that point", async () => {
    const { page, problems } = await render(notebooks.get("three panels")!, true, jupyterLabStyles);
    try {
      await page.waitForFunction(() => document.querySelector(".js-plotly-plot .main-svg"), undefined, {
        timeout: 60_000,
      });
      const m = await measure(page);
      const g = threePanels().geometry();
      assert.ok(m.chart && m.chart.width < g.width - 100, `scaled: ${JSON.stringify(m.chart)}`);
      assert.ok(m.area.scrollWidth <= m.area.clientWidth, "no horizontal scrollbar");
      const s = m.chart.width / g.width;
      const box = g.panels[1];
      const at = (v: number, [a, b]: [number, number], p: number, q: number) => p + ((v - a) / (b - a)) * (q - p);
      await page.mouse.move(
        m.chart.left + at(2, box.xRange, box.x0, box.x1) * s,
        m.chart.top + at(2, box.yRange, box.y1, box.y0) * s,
      );
      await page.waitForFunction(() => document.querySelector(".hoverlayer .hovertext"), undefined, { timeout: 5_000 });
      const text = await page.$eval(".hoverlayer .hovertext", (h) => h.textContent ?? "");
      assert.match(text, /^run 1.*x 2.*2\.000/, `the hover label of panel 2's point (2, 2): ${text}`);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});
