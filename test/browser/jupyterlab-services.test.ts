/**
 * A JupyterLab 4 notebook (jupyterlab-lab.ts) on the tslab-dl kernel, in headless Chromium, the
 * way a learner uses it while training: LivePlot's Stop button (ipywidgets 8 through
 * @jupyter-widgets/jupyterlab-manager) ends a real fit with the History kept; the toolbar's
 * interrupt button stops a fit at the next batch and the kernel keeps its names; Tab after
 * `model.` completes from the kernel; Shift-Tab inside `new EarlyStopping(` shows its TSDoc.
 * Screenshots go to test-artifacts/jupyterlab/.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ARTIFACTS, LAB_SKIP, openNotebook, startLab, type Lab, type LabSession } from "./jupyterlab-lab";

const CELLS = [
  // 0: a small classification task
  [
    'import { tf, LivePlot, EarlyStopping } from "tslab-dl";',
    'await tf.setBackend("cpu");',
    "const model = tf.sequential({ layers: [",
    '  tf.layers.dense({ units: 16, inputShape: [4], activation: "relu" }),',
    '  tf.layers.dense({ units: 3, activation: "softmax" }),',
    "] });",
    'model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });',
    'const xs = tf.randomNormal([2048, 4], 0, 1, "float32", 1);',
    "const ys = tf.oneHot(tf.argMax(xs.slice([0, 0], [2048, 3]), 1), 3);",
    "let batches = 0;",
  ].join("\n"),
  // 1: a long fit, to be stopped with the Stop button
  [
    "const live = new LivePlot();",
    "const history = await model.fit(xs, ys, { epochs: 1000, batchSize: 8, verbose: 0, callbacks: [live] });",
    "const losses = history.history.loss.map(Number);",
    'console.log(`FIT ENDED after ${history.epoch.length} epochs; losses ${losses.every(Number.isFinite) ? "finite" : "NOT finite"}; stopped at ${JSON.stringify(live.stopButton?.stoppedAt)}`);',
  ].join("\n"),
  // 2: a long fit, to be interrupted from the toolbar
  [
    "const initial = model.getWeights().map((w) => Array.from(w.dataSync()));",
    "await model.fit(xs, ys, { epochs: 10000, batchSize: 8, verbose: 0, callbacks: {",
    '  onTrainBegin: async () => console.log("TRAINING"), onBatchEnd: async () => { batches++; } } });',
    'console.log("not reached");',
  ].join("\n"),
  // 3: the names of the session survive, the model is usable and no longer trains
  [
    "const now = model.getWeights().map((w) => Array.from(w.dataSync()));",
    "const countAtCheck = batches;",
    "await new Promise((r) => setTimeout(r, 300));",
    "({ changed: now.some((w, i) => w.some((v, j) => v !== initial[i][j])), finite: now.every((w) => w.every(Number.isFinite)),",
    "   stillTraining: (model as any).isTraining, batchesAfterInterrupt: batches - countAtCheck, epochs: history.epoch.length,",
    "   predictions: (model.predict(xs.slice([0, 0], [4, 4])) as tf.Tensor).dataSync().length })",
  ].join("\n"),
  // 4 and 5: typed into by the tests
  "",
  "",
];

let lab: Lab | undefined;
let session: LabSession | undefined;

/** Text of cell `index`'s outputs, as the page shows them. */
function shown(s: LabSession, index: number): Promise<string> {
  return s.page.evaluate(
    (i) => document.querySelectorAll(".jp-Notebook .jp-Cell")[i]?.querySelector(".jp-OutputArea")?.textContent ?? "",
    index,
  );
}

async function explain(name: string, e: unknown): Promise<never> {
  await session?.page.screenshot({ path: join(ARTIFACTS, `services-${name}-failure.png`) }).catch(() => undefined);
  throw new Error(
    `${(e as Error).message}\npage problems:\n${session?.problems.join("\n")}\nserver log:\n${lab?.server.log().slice(-3000)}`,
    { cause: e },
  );
}

describe("JupyterLab 4 notebook on the tslab-dl kernel: widgets and the editor's services", { skip: LAB_SKIP }, () => {
  before(
    async () => {
      lab = await startLab("services");
      const notebook = {
        cells: CELLS.map((source, i) => ({
          id: `cell-${i}`,
          cell_type: "code",
          metadata: {},
          source,
          outputs: [],
          execution_count: null,
        })),
        metadata: {
          kernelspec: { name: "tslab-dl", display_name: "TypeScript (tslab-dl)", language: "typescript" },
          language_info: { name: "typescript", mimetype: "text/typescript" },
        },
        nbformat: 4,
        nbformat_minor: 5,
      };
      writeFileSync(join(lab.notebooks, "services.ipynb"), JSON.stringify(notebook, null, 1));
      session = await openNotebook(lab, "services.ipynb");
      assert.equal(await session.runCell(0), true, await shown(session, 0));
    },
    { timeout: 300_000 },
  );

  after(async () => {
    await session?.close();
    await lab?.stop();
  });

  test("LivePlot's Stop button ends a real fit at the next batch, the History kept", { timeout: 300_000 }, async () => {
    const s = session!;
    try {
      const finished = s.runCell(1);
      const stop = s.page.locator(".jp-Cell").nth(1).locator(".jupyter-widgets.widget-button");
      await stop.waitFor({ state: "visible", timeout: 60_000 });
      assert.equal((await stop.textContent())?.trim(), "Stop");
      await s.page.waitForFunction(
        () =>
          /Epoch ([3-9]|\d\d+)\/1000 · \d+\/256 batches/.test(
            document.querySelectorAll(".jp-Notebook .jp-Cell")[1]?.textContent ?? "",
          ),
        undefined,
        { timeout: 120_000, polling: 100 },
      );
      await s.page.screenshot({ path: join(ARTIFACTS, "services-liveplot-training.png") });
      await stop.click();
      assert.equal(await finished, true, "the cell ends without an error");
      const text = await shown(s, 1);
      await s.page.screenshot({ path: join(ARTIFACTS, "services-liveplot-stopped.png") });
      const ended = /FIT ENDED after (\d+) epochs; losses finite; stopped at \{"epoch":(\d+),"batch":(\d+)\}/.exec(
        text,
      );
      assert.ok(ended, `the fit ended through the Stop button: ${text.slice(-600)}`);
      const epochs = Number(ended[1]);
      assert.ok(epochs >= 3 && epochs < 1000, `the History kept the epochs run (${epochs}), not all 1000`);
      assert.equal(Number(ended[2]) + 1, epochs, "the stopped epoch is the History's last");
      assert.match(text, /stopped with the Stop button at epoch \d+, batch \d+/);
      assert.equal((await stop.textContent())?.trim(), "Stopped");
      assert.equal(await stop.isDisabled(), true);
      assert.deepEqual(s.problems, [], "no console errors");
    } catch (e) {
      await explain("stop", e);
    }
  });

  test(
    "the toolbar's interrupt stops a fit at the next batch and the kernel keeps its names",
    { timeout: 300_000 },
    async () => {
      const s = session!;
      try {
        const finished = s.runCell(2);
        // Interrupt once the fit runs (before, the kernel is still compiling the cell).
        await s.page.waitForFunction(
          () =>
            /TRAINING/.test(
              document.querySelectorAll(".jp-Notebook .jp-Cell")[2]?.querySelector(".jp-OutputArea")?.textContent ?? "",
            ),
          undefined,
          { timeout: 120_000, polling: 100 },
        );
        await s.page.locator(".jp-Toolbar .jp-ToolbarButtonComponent[title='Interrupt the kernel']").click();
        assert.equal(await finished, false, "the cell ended with an error");
        const [error] = (await s.cells())[2].outputs.filter((o) => o.output_type === "error");
        assert.ok(error, "an error output");
        assert.equal(error.ename, "InterruptError");
        assert.match(
          String(error.evalue),
          /model\.fit was interrupted by the kernel at (epoch \d+, batch \d+|the end of epoch \d+)/,
        );
        assert.doesNotMatch(await shown(s, 2), /not reached/, "the rest of the cell did not run");

        assert.equal(await s.runCell(3), true);
        const result = (await s.cells())[3].outputs.find((o) => o.output_type === "execute_result");
        const text = String((result?.data as { "text/plain"?: string } | undefined)?.["text/plain"]);
        for (const fact of [
          /changed: true/,
          /finite: true/,
          /stillTraining: false/,
          /batchesAfterInterrupt: 0/,
          /predictions: 12/,
          /epochs: \d+/,
        ])
          assert.match(text, fact);
      } catch (e) {
        await explain("interrupt", e);
      }
    },
  );

  test("Tab after `model.` offers fit and evaluate from the kernel", { timeout: 120_000 }, async () => {
    const s = session!;
    try {
      await s.page.evaluate(() => (window as unknown as { lab: { edit(i: number, o: number): void } }).lab.edit(4, 0));
      await s.page.keyboard.type("model.");
      // The kernel's first completion starts TypeScript's language service, which can take longer
      // than JupyterLab waits for a provider (1 s): that Tab shows nothing, and a learner presses again.
      const items = s.page.locator(".jp-Completer .jp-Completer-item");
      let presses = 0;
      while (!(await items.first().isVisible())) {
        assert.ok(presses < 30, "the completer never opened after 30 presses of Tab");
        await s.page.keyboard.press("Tab");
        presses++;
        await items
          .first()
          .waitFor({ state: "visible", timeout: 2_000 })
          .catch(() => undefined);
      }
      const names = (
        await s.page.locator(".jp-Completer .jp-Completer-item .jp-Completer-match").allTextContents()
      ).map((t) => t.trim());
      for (const name of ["fit", "evaluate"]) assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
      await s.page.screenshot({ path: join(ARTIFACTS, "services-completion.png") });
      await s.page.keyboard.press("Escape");
    } catch (e) {
      await explain("completion", e);
    }
  });

  test("Shift-Tab inside `new EarlyStopping(` shows its TSDoc", { timeout: 120_000 }, async () => {
    const s = session!;
    try {
      await s.page.evaluate(() => (window as unknown as { lab: { edit(i: number, o: number): void } }).lab.edit(5, 0));
      await s.page.keyboard.type("new EarlyStopping(");
      await s.page.keyboard.press("Shift+Tab");
      const tip = s.page.locator(".jp-Tooltip");
      await tip.waitFor({ state: "visible", timeout: 30_000 });
      const text = (await tip.textContent()) ?? "";
      assert.match(text, /EarlyStopping/);
      assert.match(text, /patience/);
      await s.page.screenshot({ path: join(ARTIFACTS, "services-tooltip.png") });
    } catch (e) {
      await explain("tooltip", e);
    }
  });
});
