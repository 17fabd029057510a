/**
 * Charts in real front ends, in headless Chromium (Debian's, driven by playwright-core):
 * - the classic Notebook server (Debian's jupyter-notebook) on loopback, with a fresh
 *   Jupyter data directory: the notebook opens untrusted and every chart shows its
 *   static picture; after `jupyter trust` Plotly replaces each picture with the
 *   interactive chart (issues 4 and 8);
 * - the `jupyter nbconvert --to html` export opened from file:// with the network off.
 * The notebook is built from the library's own bundles, so no kernel runs.
 * Screenshots go to test-artifacts/.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { tf } from "../../src/backend";
import {
  mimeBundleOf,
  plotHistory,
  historyTable,
  resetPlotlyInclusion,
  Pyplot,
  type MimeBundle,
  type PlotlyFigure,
} from "../../src/display";
import { plotlySource } from "../../src/display/plotly-html";
import { lessonHistory } from "../display/fixtures";
import { startNotebookServer, type NotebookServer } from "./classic-notebook";

const REPO = resolve(__dirname, "../../..");
const ARTIFACTS = join(REPO, "test-artifacts");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

const missing = [CHROMIUM, "/usr/bin/jupyter"].filter((p) => !existsSync(p));
const skipReason = missing.length
  ? `needs ${missing.join(" and ")} (Debian chromium, jupyter-notebook, jupyter-nbconvert)`
  : undefined;

interface Chart {
  traces: number;
}

let work = "";
let env: NodeJS.ProcessEnv = {};
let server: NotebookServer | undefined;
let port = 0;
let browser: Browser | undefined;
const charts: Chart[] = [];
let notebookPath = "";
const outputSizes: number[] = [];

async function realHistory() {
  await tf.setBackend("cpu");
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, activation: "relu", inputShape: [4] }));
  model.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy", metrics: ["accuracy"] });
  const x = tf.randomUniform([200, 4], -1, 1, "float32", 3);
  const y = x.sum(1, true).greater(0).cast("float32");
  const history = await model.fit(x, y, {
    epochs: 6,
    batchSize: 20,
    validationSplit: 0.25,
    verbose: 0,
    seed: 1,
  } as never);
  tf.dispose([x, y]);
  model.dispose();
  return history;
}

function displayData(bundle: MimeBundle) {
  const data: { [mime: string]: unknown } = {};
  for (const [mime, value] of Object.entries(bundle)) {
    // nbformat stores text as a list of lines; JSON types as objects.
    data[mime] = typeof value === "string" ? value.split(/(?<=\n)/) : value;
  }
  return { output_type: "display_data", data, metadata: {} };
}

async function buildNotebook(): Promise<void> {
  resetPlotlyInclusion();
  const history = await realHistory();
  const p = new Pyplot();
  p.plot(history.history.loss as number[]);
  p.plot(history.history.val_loss as number[]);
  p.xlabel("epoch");
  p.ylabel("loss");
  p.legend(["train", "val"]);
  const values: Array<[string, unknown]> = [
    ["history", history],
    [
      "plotHistory(history, { keys: ['loss', 'val_loss'], title: 'Loss' })",
      plotHistory(history, { keys: ["loss", "val_loss"], title: "Loss" }),
    ],
    ["plt.show()", p.gcf()],
    ["plotHistory(history.history, { monitor: 'val_acc' })", plotHistory(history.history, { monitor: "val_acc" })],
  ];
  const cells: unknown[] = [
    {
      id: "title",
      cell_type: "markdown",
      metadata: {},
      source: ["# tslab-dl charts\n", "Four charts built from the library's bundles."],
    },
  ];
  values.forEach(([source, value], i) => {
    const bundle = mimeBundleOf(value);
    assert.ok(bundle, `chart ${i} has a bundle`);
    charts.push({ traces: (bundle["application/vnd.plotly.v1+json"] as PlotlyFigure).data.length });
    const output = displayData(bundle);
    outputSizes.push(Buffer.byteLength(JSON.stringify(output)));
    // nbformat 4.5 cells need an id: without one, every read invents a new one and the trust signature never matches.
    cells.push({
      id: `chart-${i + 1}`,
      cell_type: "code",
      execution_count: i + 1,
      metadata: {},
      source: [source],
      outputs: [output],
    });
  });
  const table = mimeBundleOf(historyTable(history));
  assert.ok(table);
  cells.push({
    id: "table",
    cell_type: "code",
    execution_count: 5,
    metadata: {},
    source: ["historyTable(history)"],
    outputs: [displayData(table)],
  });
  const notebook = {
    cells,
    metadata: {
      kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
      language_info: { name: "python" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  notebookPath = join(work, "notebooks", "charts.ipynb");
  mkdirSync(join(work, "notebooks"), { recursive: true });
  writeFileSync(notebookPath, JSON.stringify(notebook, null, 1));
}

before(async () => {
  if (skipReason) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "tslab-dl-browser-"));
  await buildNotebook();
  server = await startNotebookServer(work, join(work, "notebooks"));
  ({ port, env } = server);
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What the page logged, to explain a failure. */
const pageLog: string[] = [];

async function openNotebook(): Promise<Page> {
  assert.ok(browser);
  // Tall enough for all outputs: the classic Notebook scrolls inside #site, so a full-page shot shows only the viewport.
  const page = await browser.newPage({ viewport: { width: 1280, height: 2700 } });
  page.on("console", (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => pageLog.push(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/notebooks/charts.ipynb`, { waitUntil: "load" });
  await page.waitForFunction(() => document.querySelectorAll(".output_area").length >= 5, undefined, {
    timeout: 30_000,
  });
  return page;
}

async function imageSizes(page: Page): Promise<Array<{ natural: number; width: number; height: number }>> {
  return page.$$eval(".tslab-dl-chart img", (imgs) =>
    imgs.map((img) => {
      const i = img as HTMLImageElement;
      const box = i.getBoundingClientRect();
      return { natural: i.naturalWidth, width: box.width, height: box.height };
    }),
  );
}

async function plotTraceCounts(page: Page, expected: number): Promise<number[]> {
  try {
    await page.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n, expected, {
      timeout: 30_000,
    });
  } catch (e) {
    const state = await page.evaluate(() => ({
      plotly: typeof (window as unknown as { Plotly?: unknown }).Plotly,
      plots: document.querySelectorAll(".js-plotly-plot").length,
      pictures: document.querySelectorAll(".tslab-dl-chart img").length,
      trusted: (window as unknown as { IPython?: { notebook?: { trusted?: boolean } } }).IPython?.notebook?.trusted,
      scripts: document.querySelectorAll(".output_html script").length,
    }));
    throw new Error(
      `Plotly drew fewer than ${expected} charts: ${JSON.stringify(state)}\n${pageLog.slice(-20).join("\n")}`,
      { cause: e },
    );
  }
  return page.$$eval(".js-plotly-plot", (plots) => plots.map((p) => p.querySelectorAll(".scatterlayer .trace").length));
}

test(
  "the notebook with four charts is under 2 MB; only the first chart carries plotly.js",
  { skip: skipReason },
  (t) => {
    const size = statSync(notebookPath).size;
    t.diagnostic(`notebook with 4 charts: ${size} bytes; chart outputs: ${outputSizes.join(", ")} bytes`);
    assert.ok(size < 2 * 1024 * 1024, `notebook is ${size} bytes`);
    assert.ok(outputSizes[0] > 1_000_000);
    for (const s of outputSizes.slice(1)) assert.ok(s < 50_000, `a later chart output is ${s} bytes`);
  },
);

test(
  "untrusted (fresh Jupyter data dir): every chart shows its static picture, no script runs",
  { skip: skipReason, timeout: 90_000 },
  async () => {
    const page = await openNotebook();
    try {
      await page.waitForFunction(
        () =>
          Array.from(document.querySelectorAll(".tslab-dl-chart img")).every((i) => (i as HTMLImageElement).complete),
        undefined,
        { timeout: 15_000 },
      );
      const trusted = await page.evaluate(
        () => (window as unknown as { IPython: { notebook: { trusted: boolean } } }).IPython.notebook.trusted,
      );
      assert.equal(trusted, false, "a notebook never trusted on this machine opens untrusted");
      const images = await imageSizes(page);
      assert.equal(images.length, 4);
      for (const img of images) {
        assert.ok(img.natural > 0, "the SVG picture decoded");
        assert.ok(
          img.width >= 600 && img.height >= 300,
          `the picture has its chart's size, got ${img.width}×${img.height}`,
        );
      }
      assert.equal(await page.$$eval(".js-plotly-plot", (p) => p.length), 0, "scripts did not run");
      assert.equal(
        await page.$$eval("table.tslab-dl-table td", (c) => c.length),
        6 * 5,
        "the history table renders too (6 epochs × epoch, loss, acc, val_loss, val_acc)",
      );
      await page.screenshot({ path: join(ARTIFACTS, "notebook-untrusted.png"), fullPage: true });
    } finally {
      await page.close();
    }
  },
);

test(
  "trusted (jupyter trust): Plotly replaces every picture with the interactive chart",
  { skip: skipReason, timeout: 90_000 },
  async () => {
    // `jupyter trust` is nbformat's TrustNotebookApp; Debian ships no jupyter-trust
    // launcher, so run the module with the same (fresh) Jupyter data directory.
    const trust = spawnSync("/usr/bin/python3", ["-m", "nbformat.sign", notebookPath], { env, encoding: "utf8" });
    assert.equal(trust.status, 0, trust.stderr);
    const page = await openNotebook();
    try {
      const counts = await plotTraceCounts(page, charts.length);
      assert.deepEqual(
        counts,
        charts.map((c) => c.traces),
      );
      await page.waitForFunction(() => document.querySelectorAll(".tslab-dl-chart img").length === 0, undefined, {
        timeout: 10_000,
      });
      const box = await page.$eval(
        ".js-plotly-plot .main-svg",
        (s) => s.getBoundingClientRect().toJSON() as { width: number; height: number },
      );
      assert.equal(Math.round(box.width), 920);
      assert.equal(Math.round(box.height), 400);
      await page.screenshot({ path: join(ARTIFACTS, "notebook-trusted.png"), fullPage: true });
    } finally {
      await page.close();
    }
  },
);

test(
  "the nbconvert --to html export draws every chart from file:// with the network off",
  { skip: skipReason, timeout: 90_000 },
  async () => {
    const out = join(work, "export");
    const r = spawnSync("jupyter", ["nbconvert", "--to", "html", "--output-dir", out, notebookPath], {
      env,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(browser);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    try {
      await page.goto(`file://${join(out, "charts.html")}`, { waitUntil: "load" });
      const counts = await plotTraceCounts(page, charts.length);
      assert.deepEqual(
        counts,
        charts.map((c) => c.traces),
      );
      assert.ok(
        blocked.every((u) => !/plotly/i.test(u)),
        `plotly.js was not fetched from the network: ${blocked.join(", ")}`,
      );
      await page.screenshot({ path: join(ARTIFACTS, "nbconvert-export.png"), fullPage: true });
    } finally {
      await context.close();
    }
  },
);

test(
  "a chart whose plotly.js carrier was cleared keeps its picture, and draws once Plotly arrives",
  { skip: skipReason, timeout: 60_000 },
  async () => {
    assert.ok(browser);
    const later = plotHistory(lessonHistory()).mimeBundle({ plotly: "never" });
    const file = join(work, "later-chart.html");
    writeFileSync(
      file,
      `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${later["text/html"]}</body></html>`,
    );
    const page = await browser.newPage({ viewport: { width: 1000, height: 500 } });
    try {
      await page.goto(`file://${file}`, { waitUntil: "load" });
      await page.waitForTimeout(1000);
      const [img] = await imageSizes(page);
      assert.ok(
        img && img.natural > 0 && img.width === 920 && img.height === 400,
        `the picture stays while Plotly is missing: ${JSON.stringify(img)}`,
      );
      assert.equal(await page.$$eval(".js-plotly-plot", (p) => p.length), 0);
      // Plotly appearing later (another output defining it) is picked up by the waiting loader.
      await page.addScriptTag({ content: plotlySource() });
      assert.deepEqual(await plotTraceCounts(page, 1), [5]);
      await page.waitForFunction(() => document.querySelectorAll(".tslab-dl-chart img").length === 0, undefined, {
        timeout: 10_000,
      });
    } finally {
      await page.close();
    }
  },
);

test(
  "the committed lesson notebook, opened untrusted, shows every chart as a picture",
  { skip: skipReason, timeout: 120_000 },
  async (t) => {
    assert.ok(browser);
    const lesson = join(REPO, "notebooks", "en", "07-3-regularization.ipynb");
    const nb = JSON.parse(readFileSync(lesson, "utf8")) as {
      cells: Array<{ outputs?: Array<{ data?: { [mime: string]: unknown } }> }>;
    };
    const expected = nb.cells
      .flatMap((c) => c.outputs ?? [])
      .filter((o) => o.data?.["application/vnd.plotly.v1+json"]).length;
    if (expected === 0)
      return t.skip("the committed lesson notebook has no outputs yet (npm run tutorial -- --update)");
    copyFileSync(lesson, join(work, "notebooks", "lesson.ipynb"));
    const page = await browser.newPage({ viewport: { width: 1280, height: 12000 } });
    try {
      await page.goto(`http://127.0.0.1:${port}/notebooks/lesson.ipynb`, { waitUntil: "load" });
      await page.waitForFunction((n) => document.querySelectorAll(".tslab-dl-chart img").length >= n, expected, {
        timeout: 30_000,
      });
      await page.waitForFunction(
        () =>
          Array.from(document.querySelectorAll(".tslab-dl-chart img")).every((i) => (i as HTMLImageElement).complete),
        undefined,
        { timeout: 15_000 },
      );
      const trusted = await page.evaluate(
        () => (window as unknown as { IPython: { notebook: { trusted: boolean } } }).IPython.notebook.trusted,
      );
      assert.equal(trusted, false);
      const images = await imageSizes(page);
      assert.equal(images.length, expected, "one picture per chart output");
      for (const img of images)
        assert.ok(img.natural > 0 && img.width > 300 && img.height > 200, `picture ${JSON.stringify(img)}`);
      await page.screenshot({ path: join(ARTIFACTS, "lesson-untrusted.png") });
    } finally {
      await page.close();
    }
  },
);
