/**
 * Widgets in the classic Notebook with Debian's widget front end
 * (jupyter-js-widgets 2.1, enabled in a private config dir), against the
 * installed tslab-dl kernel, in headless Chromium driven by playwright-core:
 * LivePlot's Stop button ends a real `fit` with its History kept, and moving a
 * slider changes a displayed prediction. Screenshots go to test-artifacts/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { jupyterMissing, tempInstall, type TempInstall } from "../kernel/helpers";
import { startNotebookServer, type NotebookServer } from "./classic-notebook";

const REPO = resolve(__dirname, "../../..");
const ARTIFACTS = join(REPO, "test-artifacts");
const CHROMIUM = "/usr/bin/chromium";
const WIDGETS_JS = "/usr/share/jupyter/nbextensions/jupyter-js-widgets/extension.js";

const missing = [CHROMIUM, "/usr/bin/jupyter", WIDGETS_JS].filter((p) => !existsSync(p));
const skipReason =
  jupyterMissing() ??
  (missing.length
    ? `needs ${missing.join(", ")} (Debian chromium, jupyter-notebook, jupyter-nbextension-jupyter-js-widgets)`
    : undefined);

const CELLS = [
  // 0: a small classification task
  [
    'import { tf, LivePlot, IntSlider, interact } from "tslab-dl";',
    'await tf.setBackend("cpu");',
    "const model = tf.sequential({ layers: [",
    '  tf.layers.dense({ units: 16, inputShape: [4], activation: "relu" }),',
    '  tf.layers.dense({ units: 3, activation: "softmax" }),',
    "] });",
    'model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });',
    'const xs = tf.randomNormal([2048, 4], 0, 1, "float32", 1);',
    "const ys = tf.oneHot(tf.argMax(xs.slice([0, 0], [2048, 3]), 1), 3);",
  ].join("\n"),
  // 1: a long fit, to be stopped
  [
    "const live = new LivePlot();",
    "const history = await model.fit(xs, ys, { epochs: 1000, batchSize: 8, verbose: 0, callbacks: [live] });",
    "const losses = history.history.loss.map(Number);",
    'console.log(`FIT ENDED after ${history.epoch.length} epochs; losses ${losses.every(Number.isFinite) ? "finite" : "NOT finite"}; stopped at ${JSON.stringify(live.stopButton?.stoppedAt)}`);',
  ].join("\n"),
  // 2: the model is usable afterwards
  'const p0 = (model.predict(xs.slice([0, 0], [1, 4])) as tf.Tensor).dataSync();\nconsole.log(`AFTER ${Array.from(p0).every(Number.isFinite) ? "usable" : "broken"} ${(model as any).isTraining}`);',
  // 3: a slider over samples showing the model's prediction
  [
    "interact(({ i }) => {",
    "  const p = tf.tidy(() => (model.predict(xs.slice([i, 0], [1, 4])) as tf.Tensor).dataSync());",
    "  const best = p.indexOf(Math.max(...p));",
    '  const text = `sample ${i}: class ${best} (p = ${p[best].toFixed(4)}) · ${Array.from(p).map((v) => v.toFixed(4)).join(" ")}`;',
    '  return { [Symbol.for("Jupyter.display")]: () => ({ "text/html": `<span class="prediction">${text}</span>`, "text/plain": text }) };',
    '}, { i: new IntSlider({ value: 0, max: 9, description: "sample" }) });',
  ].join("\n"),
];

let work = "";
let install: TempInstall | undefined;
let server: NotebookServer | undefined;
let port = 0;
let browser: Browser | undefined;
let page: Page | undefined;
const pageLog: string[] = [];

function writeNotebook(dir: string): void {
  const notebook = {
    cells: CELLS.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
    metadata: {
      kernelspec: { name: "tslab-dl", display_name: "TypeScript (tslab-dl)", language: "typescript" },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, "widgets.ipynb"), JSON.stringify(notebook, null, 1));
}

before(async () => {
  if (skipReason) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  install = tempInstall();
  // Under the repository, so that the cells import "tslab-dl" by name.
  work = mkdtempSync(join(REPO, "dist", "widgets-browser-"));
  const config = join(work, "config"); // the server's JUPYTER_CONFIG_DIR (classic-notebook.ts)
  mkdirSync(join(config, "nbconfig"), { recursive: true });
  // The widget front end, enabled in the private config dir (as `jupyter nbextension enable` writes it).
  writeFileSync(
    join(config, "nbconfig", "notebook.json"),
    JSON.stringify({ load_extensions: { "jupyter-js-widgets/extension": true } }),
  );
  const notebooks = join(work, "notebooks");
  mkdirSync(notebooks);
  writeNotebook(notebooks);
  server = await startNotebookServer(work, notebooks, { JUPYTER_PATH: install.jupyterPath });
  port = server.port;
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  install?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The Jupyter page object, as the tests use it. */
interface JupyterPage {
  notebook: {
    kernel: { is_connected(): boolean; widget_manager?: unknown } | null;
    get_cell(i: number): {
      execute(): void;
      input_prompt_number: unknown;
      output_area: { element: ArrayLike<HTMLElement> };
    };
  };
}

async function runCell(p: Page, index: number, wait = true): Promise<void> {
  await p.evaluate(
    (i) => (window as unknown as { Jupyter: JupyterPage }).Jupyter.notebook.get_cell(i).execute(),
    index,
  );
  if (wait) await cellDone(p, index);
}

async function cellDone(p: Page, index: number, timeout = 120_000): Promise<void> {
  await p.waitForFunction(
    (i) =>
      typeof (window as unknown as { Jupyter: JupyterPage }).Jupyter.notebook.get_cell(i).input_prompt_number ===
      "number",
    index,
    { timeout, polling: 200 },
  );
}

/** The text of a cell's output area and widget area. */
function cellText(p: Page, index: number): Promise<string> {
  return p.evaluate((i) => document.querySelectorAll(".cell")[i]?.textContent ?? "", index);
}

async function failWith(p: Page | undefined, name: string, e: unknown): Promise<never> {
  if (p) await p.screenshot({ path: join(ARTIFACTS, `widgets-${name}-failure.png`) }).catch(() => {});
  throw new Error(
    `${(e as Error).message}\npage log:\n${pageLog.slice(-30).join("\n")}\nserver log:\n${server?.log().slice(-3000) ?? ""}`,
  );
}

test(
  "classic Notebook + widgets: LivePlot's Stop ends a real fit with the History kept",
  { skip: skipReason, timeout: 300_000 },
  async () => {
    assert.ok(browser);
    page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
    page.on("console", (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => pageLog.push(`pageerror: ${e.message}`));
    try {
      await page.goto(`http://127.0.0.1:${port}/notebooks/widgets.ipynb`, { waitUntil: "load" });
      await page.waitForFunction(
        () => {
          const kernel = (window as unknown as { Jupyter?: JupyterPage }).Jupyter?.notebook?.kernel;
          return kernel?.is_connected() === true && kernel.widget_manager !== undefined;
        },
        undefined,
        { timeout: 60_000 },
      );
      await runCell(page, 0);
      assert.doesNotMatch(await cellText(page, 0), /Error/);

      await runCell(page, 1, false);
      const stop = page.locator(".cell").nth(1).locator(".widget-area .widget-button");
      await stop.waitFor({ state: "visible", timeout: 60_000 });
      assert.equal((await stop.textContent())?.trim(), "Stop");
      // Let a full epoch finish, then stop in the middle of a later one.
      await page.waitForFunction(
        () =>
          /Epoch ([3-9]|\d\d+)\/1000 · \d+\/256 batches/.test(document.querySelectorAll(".cell")[1]?.textContent ?? ""),
        undefined,
        { timeout: 120_000, polling: 100 },
      );
      await page.screenshot({ path: join(ARTIFACTS, "widgets-training.png") });
      await stop.click();
      await cellDone(page, 1, 60_000);
      const text = await cellText(page, 1);
      await page.screenshot({ path: join(ARTIFACTS, "widgets-stopped.png") });
      const ended = /FIT ENDED after (\d+) epochs; losses finite; stopped at \{"epoch":(\d+),"batch":(\d+)\}/.exec(
        text,
      );
      assert.ok(ended, `the fit ended through the Stop button: ${text.slice(-600)}`);
      const epochs = Number(ended[1]);
      assert.ok(
        epochs >= 3 && epochs < 1000,
        `History kept the epochs run (${epochs}), training did not run to the end`,
      );
      assert.equal(Number(ended[2]) + 1, epochs, "the stopped epoch is the History's last");
      assert.match(text, /stopped with the Stop button at epoch \d+, batch \d+/);
      assert.equal((await stop.textContent())?.trim(), "Stopped");
      assert.equal(await stop.isDisabled(), true);

      await runCell(page, 2);
      assert.match(await cellText(page, 2), /AFTER usable false/);
    } catch (e) {
      await failWith(page, "stop", e);
    }
  },
);

test(
  "classic Notebook + widgets: moving a slider changes the displayed prediction",
  { skip: skipReason, timeout: 180_000 },
  async () => {
    assert.ok(page, "the first test opened the notebook");
    try {
      await runCell(page, 3);
      const prediction = page.locator(".cell").nth(3).locator(".widget-area .prediction");
      await prediction.waitFor({ state: "visible", timeout: 30_000 });
      const first = (await prediction.textContent()) ?? "";
      assert.match(first, /^sample 0: class \d \(p = 0\.\d{4}\)/);
      const handle = page.locator(".cell").nth(3).locator(".widget-area .ui-slider-handle");
      await handle.focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(
        () =>
          /^sample 2:/.test(
            document.querySelectorAll(".cell")[3]?.querySelector(".widget-area .prediction")?.textContent ?? "",
          ),
        undefined,
        { timeout: 30_000, polling: 100 },
      );
      const moved = (await prediction.textContent()) ?? "";
      assert.notEqual(
        moved.replace(/^sample \d+: /, ""),
        first.replace(/^sample \d+: /, ""),
        "another sample, another prediction",
      );
      assert.equal((await page.locator(".cell").nth(3).locator(".widget-readout").textContent())?.trim(), "2");
      await page.screenshot({ path: join(ARTIFACTS, "widgets-slider.png") });
    } catch (e) {
      await failWith(page, "slider", e);
    }
  },
);
