/**
 * Pictures in real front ends, in headless Chromium (Debian's, driven by playwright-core):
 * a notebook holding the outputs of `imshow`, two `subplots` grids (3×3 filters, 28×28
 * feature maps), `bar`, `hist` and `plotModel`:
 * - opened untrusted in the classic Notebook: every output shows its static picture, and
 *   the pixels on screen are the pictures' (colours of the PNG inside the SVG, bars, boxes);
 * - exported with nbconvert and opened from file:// with the network off: Plotly draws
 *   the charts, with the pictures as layout images and the bars as bar traces.
 * Screenshots go to test-artifacts/.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, ElementHandle, Page } from "playwright-core";
import { tf } from "../../src/backend";
import { mimeBundleOf, plotModel, Pyplot, resetPlotlyInclusion, type MimeBundle } from "../../src/display";
import { readPNG } from "../display/png-read";
import { startNotebookServer, type NotebookServer } from "./classic-notebook";

const REPO = resolve(__dirname, "../../..");
const ARTIFACTS = join(REPO, "test-artifacts");
const CHROMIUM = "/usr/bin/chromium";
const missing = [CHROMIUM, "/usr/bin/jupyter"].filter((p) => !existsSync(p));
const skip = missing.length ? `needs ${missing.join(" and ")} (Debian chromium, jupyter-notebook)` : undefined;

/** What each output is, and how to recognise its pixels. */
type Kind = "grey" | "colours" | "bars" | "diagram";
const outputs: Array<{ source: string; kind: Kind; chart: boolean; images: number; bars: number }> = [];
let work = "";
let server: NotebookServer | undefined;
let browser: Browser | undefined;

function cnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

function notebookWith(bundles: Array<{ source: string; bundle: MimeBundle }>): object {
  return {
    cells: bundles.map(({ source, bundle }, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      execution_count: i + 1,
      metadata: {},
      source: [source],
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: Object.fromEntries(
            Object.entries(bundle).map(([k, v]) => [k, typeof v === "string" ? v.split(/(?<=\n)/) : v]),
          ),
        },
      ],
    })),
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "tslab-dl-pictures-"));
  resetPlotlyInclusion();
  const bundles: Array<{ source: string; bundle: MimeBundle }> = [];
  const add = (source: string, value: unknown, kind: Kind, images: number, bars: number) => {
    const bundle = mimeBundleOf(value);
    assert.ok(bundle, source);
    bundles.push({ source, bundle });
    outputs.push({ source, kind, chart: "application/vnd.plotly.v1+json" in bundle, images, bars });
  };
  const ramp = Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => ((x + y) % 14) / 13));
  let p = new Pyplot();
  p.imshow(ramp, { cmap: "gray_r" });
  add("plt.imshow(image, { cmap: 'gray_r' })", p.gcf(), "grey", 1, 0);
  p = new Pyplot();
  const [filters, fa] = p.subplots(2, 16, { figsize: [15, 2] });
  for (let i = 0; i < 32; i++) {
    fa[Math.floor(i / 16)][i % 16].imshow(
      [0, 1, 2].map((r) => [0, 1, 2].map((c) => Math.sin(i + r * 3 + c) / 2)),
      { vmin: -0.5, vmax: 0.5 },
    );
    fa[Math.floor(i / 16)][i % 16].axis("off");
  }
  add("filters: subplots(2, 16)", filters.toFigure(), "colours", 1, 0);
  const [maps, ma] = p.subplots(4, 8, { figsize: [15, 8] });
  for (let i = 0; i < 32; i++) {
    ma[Math.floor(i / 8)][i % 8].imshow(
      Array.from({ length: 28 }, (_, y) =>
        Array.from({ length: 28 }, (_, x) => Math.max(0, Math.sin(x / 4 + i) * Math.cos(y / 5))),
      ),
    );
    ma[Math.floor(i / 8)][i % 8].axis("off");
  }
  add("feature maps: subplots(4, 8)", maps.toFigure(), "colours", 1, 0);
  p = new Pyplot();
  p.bar(
    ["T-shirt", "trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"],
    [0.01, 0, 0.02, 0.01, 0, 0.05, 0.01, 0.1, 0, 0.8],
  );
  add("plt.bar(classes, probabilities)", p.gcf(), "bars", 0, 1);
  p = new Pyplot();
  p.hist(
    Array.from({ length: 288 }, (_, i) => Math.sin(i * 12.9898) * 0.4),
    { bins: 20 },
  );
  add("plt.hist(weights)", p.gcf(), "bars", 0, 1);
  add("plotModel(model, { showShapes: true })", plotModel(cnn(), { showShapes: true }), "diagram", 0, 0);
  mkdirSync(join(work, "notebooks"), { recursive: true });
  writeFileSync(join(work, "notebooks", "pictures.ipynb"), JSON.stringify(notebookWith(bundles), null, 1));
  server = await startNotebookServer(work, join(work, "notebooks"));
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Shares of an element's screenshot pixels that are dark, colourful, matplotlib blue, or the diagram's box fill. */
async function pixelShares(element: ElementHandle): Promise<{ [k in "dark" | "colour" | "blue" | "box"]: number }> {
  const png = readPNG(await element.screenshot());
  const n = png.width * png.height;
  const count = { dark: 0, colour: 0, blue: 0, box: 0 };
  for (let i = 0; i < n; i++) {
    const [r, g, b] = png.rgba.subarray(i * 4, i * 4 + 3);
    if (Math.max(r, g, b) < 90) count.dark++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) count.colour++;
    if (Math.abs(r - 0x1f) < 20 && Math.abs(g - 0x77) < 20 && Math.abs(b - 0xb4) < 20) count.blue++;
    if (Math.abs(r - 0xf3) < 4 && Math.abs(g - 0xf6) < 4 && Math.abs(b - 0xfb) < 4) count.box++;
  }
  return { dark: count.dark / n, colour: count.colour / n, blue: count.blue / n, box: count.box / n };
}

function assertLooksLike(kind: Kind, shares: Awaited<ReturnType<typeof pixelShares>>, what: string): void {
  const s = JSON.stringify(shares);
  if (kind === "grey") assert.ok(shares.dark > 0.04 && shares.colour < 0.01, `${what}: a grey picture, got ${s}`);
  if (kind === "colours") assert.ok(shares.colour > 0.3, `${what}: viridis pictures cover the figure, got ${s}`);
  if (kind === "bars") assert.ok(shares.blue > 0.02, `${what}: blue bars, got ${s}`);
  if (kind === "diagram") assert.ok(shares.box > 0.2, `${what}: the layer boxes, got ${s}`);
}

async function settled(page: Page, selector: string, n: number): Promise<ElementHandle[]> {
  await page.waitForFunction(
    ([sel, count]) => {
      const imgs = Array.from(document.querySelectorAll(sel as string)) as HTMLImageElement[];
      return imgs.length >= (count as number) && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [selector, n],
    { timeout: 30_000 },
  );
  return page.$$(selector);
}

test(
  "untrusted classic Notebook: imshow, both grids, bar, hist and plotModel show their pictures, pixels and all",
  { skip, timeout: 120_000 },
  async () => {
    assert.ok(browser && server);
    const page = await browser.newPage({ viewport: { width: 1600, height: 4000 } });
    try {
      await page.goto(`http://127.0.0.1:${server.port}/notebooks/pictures.ipynb`, { waitUntil: "load" });
      const imgs = await settled(page, ".output_html img", outputs.length);
      assert.equal(imgs.length, outputs.length, "one picture per output");
      const trusted = await page.evaluate(
        () => (window as unknown as { IPython: { notebook: { trusted: boolean } } }).IPython.notebook.trusted,
      );
      assert.equal(trusted, false);
      assert.equal(await page.$$eval(".js-plotly-plot", (p) => p.length), 0, "no script ran");
      for (const [i, img] of imgs.entries())
        assertLooksLike(outputs[i].kind, await pixelShares(img), outputs[i].source);
      await page.screenshot({ path: join(ARTIFACTS, "pictures-untrusted.png"), fullPage: true });
    } finally {
      await page.close();
    }
  },
);

test(
  "nbconvert HTML from file:// with the network off: Plotly draws the pictures as layout images and the bars as bar traces",
  { skip, timeout: 120_000 },
  async () => {
    assert.ok(browser && server);
    const out = join(work, "export");
    const r = spawnSync(
      "jupyter",
      ["nbconvert", "--to", "html", "--output-dir", out, join(work, "notebooks", "pictures.ipynb")],
      {
        env: server.env,
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const context = await browser.newContext({ viewport: { width: 1600, height: 4000 } });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      return url.startsWith("file:") || url.startsWith("data:") ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    try {
      await page.goto(`file://${join(out, "pictures.html")}`, { waitUntil: "load" });
      const charts = outputs.filter((o) => o.chart);
      await page.waitForFunction(
        (n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n,
        charts.length,
        {
          timeout: 60_000,
        },
      );
      const drawn = await page.$$eval(".js-plotly-plot", (plots) =>
        plots.map((p) => ({
          images: p.querySelectorAll(".layer-above image, .imagelayer image").length,
          bars: p.querySelectorAll(".barlayer .trace").length,
        })),
      );
      assert.deepEqual(
        drawn,
        charts.map((c) => ({ images: c.images, bars: c.bars })),
      );
      await page.screenshot({ path: join(ARTIFACTS, "pictures-export.png"), fullPage: true });
      const plots = await page.$$(".js-plotly-plot");
      for (const [i, plot] of plots.entries())
        assertLooksLike(charts[i].kind, await pixelShares(plot), `Plotly: ${charts[i].source}`);
    } finally {
      await context.close();
    }
  },
);

for (const lesson of ["08-2-convolutional-network", "08-3-visualizing-cnn"]) {
  test(
    `the committed ${lesson} notebook, opened untrusted, shows every figure and diagram as its picture`,
    { skip, timeout: 180_000 },
    async (t) => {
      assert.ok(browser && server);
      const file = join(REPO, "notebooks", "en", `${lesson}.ipynb`);
      const nb = JSON.parse(readFileSync(file, "utf8")) as {
        cells: Array<{ outputs?: Array<{ data?: { [mime: string]: unknown } }> }>;
      };
      const expected = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["image/svg+xml"]).length;
      if (expected === 0) return t.skip("the committed notebook has no outputs yet (npm run tutorial -- --update)");
      copyFileSync(file, join(work, "notebooks", `${lesson}.ipynb`));
      const page = await browser.newPage({ viewport: { width: 1600, height: 9000 } });
      try {
        await page.goto(`http://127.0.0.1:${server.port}/notebooks/${lesson}.ipynb`, { waitUntil: "load" });
        const imgs = await settled(page, ".output_html img", expected);
        assert.equal(imgs.length, expected, "one picture per figure or diagram");
        assert.equal(await page.$$eval(".js-plotly-plot", (p) => p.length), 0, "untrusted: no script ran");
        for (const img of imgs) {
          const box = await img.boundingBox();
          assert.ok(box && box.width > 200 && box.height > 60, `picture ${JSON.stringify(box)}`);
        }
        await page.screenshot({ path: join(ARTIFACTS, `${lesson}-untrusted.png`), fullPage: true });
      } finally {
        await page.close();
      }
    },
  );
}
