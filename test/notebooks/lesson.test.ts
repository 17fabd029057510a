/**
 * The lesson notebooks, executed headlessly with nbconvert on the tslab-dl
 * kernel, checked from their outputs and from the files they leave behind.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import { init, tf } from "../../src/backend";
import { loadFashionMnist, trainTestSplit } from "../../src/data";
import { loadModel } from "../../src/io";
import { executeNotebook, findJupyter, LANGS, type Lang, notebookPath } from "../../notebooks/tutorial";
import { hasFashionMnist, repoRoot, tempDir } from "../helpers";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: { [mime: string]: string | string[] | object };
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
interface Notebook {
  cells: Cell[];
}

const text = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : (v ?? ""));
const source = (c: Cell): string => text(c.source);

let jupyter: string | undefined;
try {
  jupyter = findJupyter();
} catch {
  jupyter = undefined;
}
const skip =
  (!jupyter && "Jupyter's nbconvert is not installed (apt-get install jupyter-nbconvert jupyter-client)") ||
  (!hasFashionMnist && "Debian's dataset-fashion-mnist is not installed");

const executed = new Map<Lang, { nb: Notebook; dir: string }>();

before(
  async () => {
    if (skip) return;
    // The kernel goes into a private prefix; the notebooks run under the repository
    // (out/ is ignored by git) so that `import … from "tslab-dl"` resolves as for a user.
    const prefix = tempDir("tslab-dl-kernel-");
    execFileSync(process.execPath, [path.join(repoRoot, "dist", "kernel", "cli.js"), "install", "--prefix", prefix]);
    process.env.JUPYTER_PATH = path.join(prefix, "share", "jupyter");
    const outDir = path.join(repoRoot, "out", `test-notebooks-${process.pid}`);
    process.on("exit", () => fs.rmSync(outDir, { recursive: true, force: true }));
    const results = await Promise.all(LANGS.map((lang) => executeNotebook(jupyter as string, lang, outDir)));
    results.forEach((r, i) => {
      executed.set(LANGS[i], {
        nb: JSON.parse(fs.readFileSync(r.ipynb, "utf8")) as Notebook,
        dir: path.dirname(r.ipynb),
      });
    });
  },
  { timeout: 40 * 60_000 },
);

/** The execute_result text of the first code cell whose source includes `marker`. */
function resultOf(nb: Notebook, marker: string, from = 0): { text: string; index: number } {
  const index = nb.cells.findIndex((c, i) => i >= from && c.cell_type === "code" && source(c).includes(marker));
  assert.ok(index >= 0, `a code cell containing ${JSON.stringify(marker)}`);
  const result = nb.cells[index].outputs?.find((o) => o.output_type === "execute_result");
  assert.ok(result, `cell ${index} (${JSON.stringify(marker)}) has an execute_result`);
  return { text: text(result.data?.["text/plain"] as string | string[]), index };
}

function numberIn(s: string, key: string): number {
  const m = new RegExp(`${key}: ([0-9.e+-]+)`).exec(s);
  assert.ok(m, `${key} in ${JSON.stringify(s)}`);
  return Number(m[1]);
}

/** The `[loss, accuracy]` of an `evaluate(...)` cell's text (`[0.31, 0.88]  (loss, acc)`). */
function evaluationIn(s: string): { valLoss: number; valAccuracy: number } {
  const m = /^\[([0-9.e+-]+), ([0-9.e+-]+)\]/.exec(s.trim());
  assert.ok(m, `an evaluation in ${JSON.stringify(s)}`);
  return { valLoss: Number(m[1]), valAccuracy: Number(m[2]) };
}

/** Cells' output kinds, merging consecutive streams (their split varies from run to run). */
function structure(nb: Notebook): string[][] {
  return nb.cells.map((c) => {
    const kinds: string[] = [];
    for (const o of c.outputs ?? []) {
      const kind =
        o.output_type === "stream"
          ? `stream:${o.name}`
          : `${o.output_type}:${Object.keys(o.data ?? {})
              .sort()
              .join(",")}`;
      if (kinds[kinds.length - 1] !== kind || !kind.startsWith("stream")) kinds.push(kind);
    }
    return kinds;
  });
}

for (const lang of LANGS) {
  test(`${lang}: the notebook runs clean: no error outputs`, { skip }, () => {
    const { nb } = executed.get(lang)!;
    const errors = nb.cells.flatMap((c, i) =>
      (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`),
    );
    assert.deepEqual(errors, []);
  });

  test(`${lang}: EarlyStopping stops before epoch 20 and the restored model's val accuracy ≥ 0.875`, { skip }, () => {
    const { nb } = executed.get(lang)!;
    const stop = resultOf(nb, "earlyStoppingCb.stoppedEpoch");
    const stoppedEpoch = numberIn(stop.text, "stoppedEpoch");
    const bestEpoch = numberIn(stop.text, "bestEpoch");
    assert.ok(stoppedEpoch > 0 && stoppedEpoch < 19, `stoppedEpoch ${stoppedEpoch} (0-based) is before the 20th epoch`);
    assert.equal(stoppedEpoch - bestEpoch, 2, "patience 2");
    const evaluation = resultOf(nb, "evaluate(model, valScaled, valTarget)", stop.index);
    assert.ok(evaluationIn(evaluation.text).valAccuracy >= 0.875, evaluation.text);
  });

  test(
    `${lang}: the checkpoint and saved files exist, list in !ls, and reload to the same evaluation`,
    { skip },
    async () => {
      const { nb, dir } = executed.get(lang)!;
      const files = ["best-model.h5", "model-weights.h5", "model-whole.h5"];
      for (const f of files)
        assert.ok(fs.statSync(path.join(dir, f)).size > 300_000, `${f} exists and holds the weights`);
      const ls = nb.cells.find((c) => source(c).trim() === "!ls -al *.h5");
      assert.ok(ls, "the !ls -al *.h5 cell");
      const listing = (ls.outputs ?? [])
        .filter((o) => o.output_type === "stream")
        .map((o) => text(o.text))
        .join("");
      for (const f of files) assert.match(listing, new RegExp(`-rw.* ${f.replace(".", "\\.")}\\n`));

      const restored = resultOf(
        nb,
        "evaluate(model, valScaled, valTarget)",
        resultOf(nb, "earlyStoppingCb.stoppedEpoch").index,
      );
      const whole = resultOf(nb, 'loadModel("model-whole.h5")');
      const best = resultOf(nb, 'loadModel("best-model.h5")');
      const byHand = resultOf(nb, 'loadWeights(model, "model-weights.h5")');
      const restoredLoss = evaluationIn(restored.text).valLoss;
      assert.ok(
        Math.abs(evaluationIn(whole.text).valLoss - restoredLoss) < 1e-5,
        "model-whole.h5 evaluates as the restored model",
      );
      assert.ok(
        Math.abs(evaluationIn(best.text).valLoss - restoredLoss) < 1e-5,
        "best-model.h5 evaluates as the restored model",
      );
      assert.ok(
        Math.abs(Number(byHand.text) - evaluationIn(restored.text).valAccuracy) < 1e-6,
        "model-weights.h5 predicts as the restored model",
      );

      // Reload the files here, outside the notebook, and evaluate them on the same split.
      await init({ verbose: false });
      const [[images, labels]] = await loadFashionMnist({ download: false });
      const [, valScaled, , valTarget] = trainTestSplit(images.div(255), labels, { testSize: 0.2, randomState: 42 });
      for (const f of ["best-model.h5", "model-whole.h5"]) {
        const model = await loadModel(path.join(dir, f));
        const [loss] = (model.evaluate(valScaled, valTarget, { batchSize: 256 }) as tf.Scalar[]).map(
          (t) => t.dataSync()[0],
        );
        assert.ok(
          Math.abs(loss - restoredLoss) < 1e-4,
          `${f} reloads here to val_loss ${loss}, the notebook said ${restoredLoss}`,
        );
      }
      tf.dispose([images, labels, valScaled, valTarget]);
    },
  );

  test(`${lang}: every loss-curve output carries the chart bundle with its static picture`, { skip }, () => {
    const { nb } = executed.get(lang)!;
    const chartCells = nb.cells.filter(
      (c) => c.cell_type === "code" && /plt\.show\(\)|^history$|new LivePlot\(\)/m.test(source(c)),
    );
    assert.ok(chartCells.length >= 5, `at least 5 chart cells, found ${chartCells.length}`);
    for (const c of chartCells) {
      const charts = (c.outputs ?? []).filter((o) => o.data?.["application/vnd.plotly.v1+json"]);
      assert.equal(charts.length, 1, `one chart in: ${source(c).split("\n")[0]}`);
      const bundle = charts[0].data!;
      assert.match(text(bundle["image/svg+xml"] as string), /^<svg[\s\S]*<\/svg>\s*$/);
      assert.match(text(bundle["text/html"] as string), /<img[^>]+src="data:image\//);
    }
  });

  test(`${lang}: the committed notebook matches a fresh run in structure and in its stopped epoch`, { skip }, () => {
    const { nb } = executed.get(lang)!;
    const committed = JSON.parse(fs.readFileSync(notebookPath(lang), "utf8")) as Notebook;
    assert.deepEqual(committed.cells.map(source), nb.cells.map(source), "same cells");
    assert.deepEqual(structure(committed), structure(nb), "same output types, cell by cell");
    const stop = (n: Notebook) => numberIn(resultOf(n, "earlyStoppingCb.stoppedEpoch").text, "stoppedEpoch");
    assert.equal(stop(committed), stop(nb), "with the seed set, the same backend stops at the same epoch");
  });
}
