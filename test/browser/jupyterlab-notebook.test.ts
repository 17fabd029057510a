/**
 * The lessons as learners run them in JupyterLab 4 (the page of jupyterlab-lab.ts), cell by cell
 * on the tslab-dl kernel in headless Chromium: 7-3 in both languages, 8-3 and more-callbacks in
 * English. Each ends with no error output, every chart a live Plotly chart (not the static
 * picture), and the same outputs, MIME type for MIME type, as the committed notebook (which
 * `npm run tutorial -- --update` executes with nbconvert). 7-3's LivePlot is seen redrawing during its
 * fit, and its slider changes the image shown. 8-3 reads a checkpoint of 8-2's CNN that the test
 * writes (8-2 itself trains for long). Screenshots go to test-artifacts/jupyterlab/.
 * `TSLAB_DL_JUPYTERLAB_LESSONS=en/07-3` (comma-separated) runs only some.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { hasFashionMnist } from "../helpers";
import { ARTIFACTS, LAB_SKIP, openNotebook, REPO, startLab, type Lab, type LabSession } from "./jupyterlab-lab";
import type { LabCell } from "./jupyterlab-notebook-page";
import { lessonStructure, writeCnnCheckpoint } from "./jupyterlab-lessons";

const PLOTLY = "application/vnd.plotly.v1+json";
const LESSONS = [
  { key: "en/07-3", file: "07-3-regularization.ipynb" },
  { key: "ko/07-3", file: "07-3-regularization.ipynb" },
  { key: "en/08-3", file: "08-3-visualizing-cnn.ipynb" },
  { key: "en/more-callbacks", file: "more-callbacks.ipynb" },
].filter(
  (l) =>
    !process.env.TSLAB_DL_JUPYTERLAB_LESSONS?.split(",").includes(l.key) === !process.env.TSLAB_DL_JUPYTERLAB_LESSONS,
);

const skip = LAB_SKIP ?? (hasFashionMnist ? undefined : "Debian's dataset-fashion-mnist is not installed");

interface StoredNotebook {
  cells: Array<{ cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: unknown }>;
}

let lab: Lab | undefined;

/** Copy a committed lesson into the server's folder without its outputs; returns the committed notebook. */
function stage(key: string, file: string): StoredNotebook {
  const committed = JSON.parse(
    readFileSync(join(REPO, "notebooks", key.split("/")[0], file), "utf8"),
  ) as StoredNotebook;
  const dir = join(lab!.notebooks, key.split("/")[0]);
  mkdirSync(dir, { recursive: true });
  const blank = {
    ...committed,
    cells: committed.cells.map((c) => (c.cell_type === "code" ? { ...c, outputs: [], execution_count: null } : c)),
  };
  writeFileSync(join(dir, file), JSON.stringify(blank, null, 1));
  return committed;
}

/** Run cell `index` while taking pictures of its live chart; returns the distinct pictures. */
async function watchLivePlot(s: LabSession, index: number): Promise<Buffer[]> {
  const finished = s.runCell(index, 1_800_000);
  let done = false;
  void finished.finally(() => (done = true)).catch(() => undefined);
  const chart = s.page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".js-plotly-plot").first();
  const frames = new Map<string, Buffer>();
  let updates = 0;
  while (!done) {
    // A new frame is due when the kernel has sent another update_display_data.
    await s.page
      .waitForFunction(
        (seen) =>
          ((window as unknown as { lab: { messages(): Record<string, number> } }).lab.messages().update_display_data ??
            0) > seen,
        updates,
        { timeout: 5_000, polling: 200 },
      )
      .catch(() => undefined);
    updates = await s.page.evaluate(
      () =>
        (window as unknown as { lab: { messages(): Record<string, number> } }).lab.messages().update_display_data ?? 0,
    );
    if (done || !(await chart.isVisible())) continue;
    const png = await chart.screenshot().catch(() => undefined);
    if (png) frames.set(createHash("sha256").update(png).digest("hex"), png);
  }
  assert.equal(await finished, true, `the LivePlot cell ${index} ran without an error`);
  return [...frames.values()];
}

/** The outputs a cell shows, by MIME type: whether any still shows the static picture, how many charts are live. */
function liveCharts(s: LabSession): Promise<{ live: number; pictures: number }> {
  return s.page.evaluate(() => ({
    live: Array.from(document.querySelectorAll(".jp-OutputArea-output .js-plotly-plot")).filter((p) =>
      p.querySelector(".main-svg"),
    ).length,
    pictures: document.querySelectorAll(".jp-OutputArea-output .tslab-dl-chart img").length,
  }));
}

describe("the lessons, cell by cell in a JupyterLab 4 notebook", { skip }, () => {
  before(
    async () => {
      lab = await startLab("lessons");
    },
    { timeout: 300_000 },
  );
  after(async () => lab?.stop());

  for (const { key, file } of LESSONS) {
    const name = key.replace("/", "-");
    test(
      `${key}: every cell runs without an error, every chart live, outputs as nbconvert's`,
      { timeout: 3_600_000 },
      async () => {
        const committed = stage(key, file);
        if (key.endsWith("08-3")) await writeCnnCheckpoint(join(lab!.notebooks, "en", "best-cnn-model.h5"));
        const s = await openNotebook(lab!, `${key.split("/")[0]}/${file}`);
        try {
          const cells = committed.cells;
          const liveIndex = key.endsWith("07-3")
            ? cells.findIndex((c) => c.cell_type === "code" && [c.source].flat().join("").includes("new LivePlot()"))
            : -1;
          for (let i = 0; i < cells.length; i++) {
            if (i === liveIndex) {
              const frames = await watchLivePlot(s, i);
              assert.ok(
                frames.length >= 3,
                `at least three different LivePlot frames during the fit (saw ${frames.length})`,
              );
              frames
                .slice(0, 3)
                .forEach((png, k) => writeFileSync(join(ARTIFACTS, `${name}-liveplot-frame-${k + 1}.png`), png));
              const updates = (
                await s.page.evaluate(() =>
                  (window as unknown as { lab: { messages(): Record<string, number> } }).lab.messages(),
                )
              ).update_display_data;
              assert.ok(updates >= 3, `the chart redraws through update_display_data (${updates})`);
            } else {
              const ok = await s.runCell(i, 1_800_000);
              if (!ok) assert.fail(`cell ${i} failed: ${JSON.stringify((await s.cells())[i].outputs).slice(0, 1500)}`);
            }
          }
          const shown: LabCell[] = await s.cells();
          const errors = shown.flatMap((c, i) =>
            c.outputs.filter((o) => o.output_type === "error").map((o) => `cell ${i}: ${JSON.stringify(o)}`),
          );
          assert.deepEqual(errors, [], "no error outputs");
          assert.deepEqual(
            lessonStructure(shown.map((c) => ({ cell_type: c.type, outputs: c.outputs }))),
            lessonStructure(cells),
            "the same outputs, MIME type for MIME type, as the committed (nbconvert-executed) notebook",
          );
          const charts = shown
            .flatMap((c) => c.outputs)
            .filter((o) => (o as { data?: object }).data && PLOTLY in (o as { data: object }).data).length;
          assert.ok(charts >= 1, "the lesson has charts");
          await s.page.waitForFunction(
            (n) =>
              Array.from(document.querySelectorAll(".jp-OutputArea-output .js-plotly-plot")).filter((p) =>
                p.querySelector(".main-svg"),
              ).length >= n,
            charts,
            { timeout: 120_000 },
          );
          assert.deepEqual(
            await liveCharts(s),
            { live: charts, pictures: 0 },
            "every chart live, no static picture left",
          );
          await s.page
            .locator(".jp-OutputArea-output .js-plotly-plot")
            .first()
            .screenshot({ path: join(ARTIFACTS, `${name}-first-chart.png`) });
          if (key.endsWith("07-3"))
            await checkSlider(
              s,
              cells.findIndex((c) => [c.source].flat().join("").includes("new IntSlider(")),
              name,
            );
          assert.deepEqual(s.problems, [], "no console errors");
        } catch (e) {
          await s.page
            .screenshot({ path: join(ARTIFACTS, `${name}-failure.png`), fullPage: true })
            .catch(() => undefined);
          throw new Error(`${(e as Error).message}\npage problems:\n${s.problems.join("\n")}`, { cause: e });
        } finally {
          await s.close();
        }
      },
    );
  }
});

/** 7-3's last cell: moving its slider (ipywidgets 8 through JupyterLab's widget manager) changes the image shown. */
async function checkSlider(s: LabSession, index: number, name: string): Promise<void> {
  const cell = s.page.locator(".jp-Notebook .jp-Cell").nth(index);
  const handle = cell.locator(".widget-slider .noUi-handle");
  await handle.waitFor({ state: "visible", timeout: 60_000 });
  const view = cell.locator(".widget-output").first();
  const picture = async () =>
    createHash("sha256")
      .update(await view.screenshot())
      .digest("hex");
  const before = await picture();
  await handle.focus();
  await s.page.keyboard.press("ArrowRight");
  await s.page.waitForFunction(
    (i) =>
      document.querySelectorAll(".jp-Notebook .jp-Cell")[i]?.querySelector(".widget-readout")?.textContent?.trim() ===
      "1",
    index,
    { timeout: 30_000 },
  );
  let after = before;
  for (let tries = 0; tries < 50 && after === before; tries++) {
    await s.page.waitForTimeout(200);
    after = await picture();
  }
  assert.notEqual(after, before, "the slider changed the image shown");
  await cell.screenshot({ path: join(ARTIFACTS, `${name}-slider.png`) });
}
