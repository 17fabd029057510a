/**
 * The lesson notebooks, executed headlessly with nbconvert on the tslab-dl
 * kernel, checked from their outputs and from the files they leave behind.
 * Each language runs every lesson in order in one folder (8-3 reads the model 8-2 saves).
 * `TSLAB_DL_LESSONS=07-3` (ids separated by commas) runs only some lessons: the CNN of 8-2 trains for long.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import { init, tf } from "../../src/backend";
import { loadFashionMnist, trainTestSplit } from "../../src/data";
import { loadModel } from "../../src/io";
import { LANGS, LESSONS, lessonById, type Lang, type Lesson, notebookPath } from "../../notebooks/tutorial";
import { hasFashionMnist } from "../helpers";
import {
  type Executed,
  executeLessons,
  type Notebook,
  numberIn,
  resultOf,
  SKIP_NBCONVERT,
  source,
  structure,
  text,
} from "./nbconvert";

const skip = SKIP_NBCONVERT ?? (!hasFashionMnist && "Debian's dataset-fashion-mnist is not installed");

/** The IMDB lessons run in imdb-lessons.test.ts, on a generated file (the real one cannot be downloaded here). */
const ours = LESSONS.filter((l) => !l.data);
const selected: Lesson[] = process.env.TSLAB_DL_LESSONS
  ? ours.filter((l) => process.env.TSLAB_DL_LESSONS!.split(",").includes(l.id))
  : ours;
/** The lessons run, with the lessons they read files from. */
const lessons = LESSONS.filter(
  (l) => selected.includes(l) || selected.some((s) => s.needs && lessonById(s.needs.lesson) === l),
);
let executed = new Map<string, Executed>();
/** The executed notebook of a lesson in a language. */
const run = (lang: Lang, id: string): Executed => executed.get(`${lang}/${id}`)!;

before(
  async () => {
    if (skip) return;
    executed = await executeLessons("test-notebooks", lessons);
  },
  // 7-3 takes minutes; the CNN of 8-2 trains for much longer on WebAssembly.
  { timeout: 6 * 60 * 60_000 },
);

/** The `[loss, accuracy]` of an `evaluate(...)` cell's text (`[0.31, 0.88]  (loss, acc)`). */
function evaluationIn(s: string): { valLoss: number; valAccuracy: number } {
  const m = /^\[([0-9.e+-]+), ([0-9.e+-]+)\]/.exec(s.trim());
  assert.ok(m, `an evaluation in ${JSON.stringify(s)}`);
  return { valLoss: Number(m[1]), valAccuracy: Number(m[2]) };
}

const has = (id: string): boolean => lessons.some((l) => l.id === id);

for (const lang of has("07-3") ? LANGS : []) {
  test(
    `${lang}/07-3: EarlyStopping stops before epoch 20 and the restored model's val accuracy ≥ 0.875`,
    { skip },
    () => {
      const { nb } = run(lang, "07-3");
      const stop = resultOf(nb, "earlyStoppingCb.stoppedEpoch");
      const stoppedEpoch = numberIn(stop.text, "stoppedEpoch");
      const bestEpoch = numberIn(stop.text, "bestEpoch");
      assert.ok(
        stoppedEpoch > 0 && stoppedEpoch < 19,
        `stoppedEpoch ${stoppedEpoch} (0-based) is before the 20th epoch`,
      );
      assert.equal(stoppedEpoch - bestEpoch, 2, "patience 2");
      const evaluation = resultOf(nb, "evaluate(model, valScaled, valTarget)", stop.index);
      assert.ok(evaluationIn(evaluation.text).valAccuracy >= 0.875, evaluation.text);
    },
  );

  test(
    `${lang}/07-3: the checkpoint and saved files exist, list in !ls, and reload to the same evaluation`,
    { skip },
    async () => {
      const { nb, dir } = run(lang, "07-3");
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

  test(`${lang}/07-3: every loss-curve output carries the chart bundle with its static picture`, { skip }, () => {
    const { nb } = run(lang, "07-3");
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
}

/** Every display output that is a figure (Plotly JSON) or a picture (SVG), with its cell's source. */
function figures(nb: Notebook): Array<{ cell: string; data: { [mime: string]: string | string[] | object } }> {
  return nb.cells.flatMap((c) =>
    (c.outputs ?? [])
      .filter((o) => o.data?.["application/vnd.plotly.v1+json"] || o.data?.["image/svg+xml"])
      .map((o) => ({ cell: source(c), data: o.data! })),
  );
}

const stoppedEpochOf = (n: Notebook): number | undefined =>
  n.cells.some((c) => source(c).includes("earlyStoppingCb.stoppedEpoch"))
    ? numberIn(resultOf(n, "earlyStoppingCb.stoppedEpoch").text, "stoppedEpoch")
    : undefined;

for (const lesson of lessons) {
  for (const lang of LANGS) {
    test(`${lang}/${lesson.id}: the notebook runs clean: no error outputs`, { skip }, () => {
      const { nb } = run(lang, lesson.id);
      const errors = nb.cells.flatMap((c, i) =>
        (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`),
      );
      assert.deepEqual(errors, []);
    });

    test(
      `${lang}/${lesson.id}: every figure and picture carries its static SVG, shown by an <img> in its HTML`,
      { skip },
      () => {
        const { nb } = run(lang, lesson.id);
        const shown = nb.cells.filter((c) => c.cell_type === "code" && /plt\.show\(\)|plotModel\(/.test(source(c)));
        for (const c of shown) {
          assert.ok(
            (c.outputs ?? []).some((o) => o.data?.["image/svg+xml"]),
            `a picture in: ${source(c).split("\n")[0]}`,
          );
        }
        for (const f of figures(nb)) {
          assert.match(text(f.data["image/svg+xml"] as string), /^<svg[\s\S]*<\/svg>\s*$/, f.cell);
          assert.match(text(f.data["text/html"] as string), /<img[^>]+src="data:image\/svg\+xml;base64,/, f.cell);
        }
      },
    );

    test(
      `${lang}/${lesson.id}: the committed notebook matches a fresh run in structure (and in its stopped epoch)`,
      { skip },
      () => {
        const { nb } = run(lang, lesson.id);
        const committed = JSON.parse(fs.readFileSync(notebookPath(lang, lesson), "utf8")) as Notebook;
        assert.deepEqual(committed.cells.map(source), nb.cells.map(source), "same cells");
        assert.deepEqual(structure(committed), structure(nb), "same output types, cell by cell");
        assert.equal(
          stoppedEpochOf(committed),
          stoppedEpochOf(nb),
          "with the seed set, the same backend stops at the same epoch",
        );
      },
    );
  }
}

/** The book's validation accuracies (hg-mldl's notebooks, Keras 3), in the order the lesson evaluates. */
const BOOK_ACCURACY: { [id: string]: number[] } = { "07-1": [0.8458], "07-2": [0.8665, 0.8726] };

for (const id of Object.keys(BOOK_ACCURACY).filter(has)) {
  for (const lang of LANGS) {
    test(
      `${lang}/${id}: each evaluate is within 0.015 of the book's validation accuracy (${BOOK_ACCURACY[id].join(", ")})`,
      { skip },
      () => {
        const { nb } = run(lang, id);
        const accuracies = nb.cells
          .filter((c) => c.cell_type === "code" && source(c).trim() === "evaluate(model, valScaled, valTarget)")
          .map((c) => evaluationIn(resultOf({ cells: [c] }, "evaluate(").text).valAccuracy);
        assert.equal(accuracies.length, BOOK_ACCURACY[id].length, "one evaluate per book number");
        accuracies.forEach((accuracy, i) => {
          const book = BOOK_ACCURACY[id][i];
          assert.ok(Math.abs(accuracy - book) <= 0.015, `evaluate ${i + 1}: ${accuracy}, the book ${book}`);
        });
      },
    );

    test(`${lang}/${id}: every fit prints Keras's per-epoch lines, up to Epoch 5/5`, { skip }, () => {
      const { nb } = run(lang, id);
      const fits = nb.cells.filter((c) => c.cell_type === "code" && source(c).includes("await model.fit("));
      assert.ok(fits.length >= 1);
      for (const c of fits) {
        const printed = (c.outputs ?? [])
          .map((o) => text(o.text) + text(o.data?.["text/plain"] as string | string[] | undefined))
          .join("");
        for (let epoch = 1; epoch <= 5; epoch++) assert.match(printed, new RegExp(`Epoch ${epoch}/5\\n1500/1500 `));
      }
    });
  }
}

for (const lang of has("07-1") ? LANGS : []) {
  test(`${lang}/07-1: the split's first training targets are the book's (scikit-learn's rows)`, { skip }, () => {
    const { nb } = run(lang, "07-1");
    assert.equal(
      resultOf(nb, "trainTarget.slice(0, 10).arraySync()").text.replace(/\s+/g, " "),
      "[ 7, 3, 5, 8, 6, 9, 3, 3, 9, 9 ]",
    );
  });
}

for (const lang of has("08-2") ? LANGS : []) {
  test(
    `${lang}/08-2: the CNN stops early with patience 2 and reaches ≥ 0.90 accuracy on validation and test sets`,
    { skip },
    () => {
      const { nb } = run(lang, "08-2");
      const stop = resultOf(nb, "earlyStoppingCb.stoppedEpoch");
      const stoppedEpoch = numberIn(stop.text, "stoppedEpoch");
      assert.ok(
        stoppedEpoch > 0 && stoppedEpoch < 19,
        `stoppedEpoch ${stoppedEpoch} (0-based) is before the 20th epoch`,
      );
      assert.equal(stoppedEpoch - numberIn(stop.text, "bestEpoch"), 2, "patience 2");
      assert.ok(evaluationIn(resultOf(nb, "evaluate(model, valScaled, valTarget)").text).valAccuracy >= 0.9);
      assert.ok(evaluationIn(resultOf(nb, "evaluate(model, testScaled, testTarget)").text).valAccuracy >= 0.9);
    },
  );

  test(`${lang}/08-2: plotModel, imshow and the class-probability bars are drawn`, { skip }, () => {
    const { nb, dir } = run(lang, "08-2");
    const all = figures(nb);
    const diagrams = all.filter((f) => f.cell.includes("plotModel("));
    assert.equal(diagrams.length, 2);
    assert.match(text(diagrams[1].data["text/plain"] as string), /InputLayer.*output: \(None, 28, 28, 1\)/);
    assert.match(fs.readFileSync(path.join(dir, "cnn-architecture.svg"), "utf8"), /^<svg[\s\S]*Conv2D[\s\S]*<\/svg>$/);
    const image = all.find((f) => f.cell.includes("plt.imshow"));
    assert.ok(image, "the imshow figure");
    assert.match(text(image.data["image/svg+xml"] as string), /<image [^>]*href="data:image\/png;base64,/);
    const bars = all.find((f) => f.cell.includes("plt.bar"));
    const plotly = bars?.data["application/vnd.plotly.v1+json"] as { data: Array<{ type: string; y: number[] }> };
    assert.equal(plotly.data[0].type, "bar");
    assert.equal(plotly.data[0].y.length, 10);
    assert.ok(Math.abs(plotly.data[0].y.reduce((a, b) => a + b, 0) - 1) < 1e-4, "probabilities sum to 1");
  });

  test(`${lang}/08-2: best-cnn-model.h5 reloads here to the notebook's validation loss`, { skip }, async () => {
    const { nb, dir } = run(lang, "08-2");
    const notebookLoss = evaluationIn(resultOf(nb, "evaluate(model, valScaled, valTarget)").text).valLoss;
    await init({ verbose: false });
    const [[images, labels]] = await loadFashionMnist({ download: false });
    const [, valScaled, , valTarget] = trainTestSplit(images.reshape([-1, 28, 28, 1]).div(255), labels, {
      testSize: 0.2,
      randomState: 42,
    });
    const model = await loadModel(path.join(dir, "best-cnn-model.h5"));
    const [loss] = (model.evaluate(valScaled, valTarget, { batchSize: 256 }) as tf.Scalar[]).map(
      (t) => t.dataSync()[0],
    );
    assert.ok(Math.abs(loss - notebookLoss) < 1e-4, `reloads to val_loss ${loss}, the notebook said ${notebookLoss}`);
    tf.dispose([images, labels, valScaled, valTarget]);
  });
}

for (const lang of has("08-3") ? LANGS : []) {
  test(`${lang}/08-3: the filter and feature-map grids are one small figure each, with one picture`, { skip }, () => {
    const { nb } = run(lang, "08-3");
    const grids = figures(nb)
      .map((f) => text(f.data["text/plain"] as string))
      .filter((t) => / panels: /.test(t));
    assert.deepEqual(grids, [
      "Figure 2×16 panels: 32 images 3×3 (viridis)",
      "Figure 2×16 panels: 32 images 3×3 (viridis)",
      "Figure 4×8 panels: 32 images 28×28 (viridis)",
      "Figure 8×8 panels: 64 images 14×14 (viridis)",
    ]);
    for (const f of figures(nb).filter((g) => / panels: /.test(text(g.data["text/plain"] as string)))) {
      const svg = text(f.data["image/svg+xml"] as string);
      assert.equal(svg.match(/<image /g)?.length, 1);
      // plotly.js itself rides in the first chart's HTML; the figure's own data stays small.
      const html = text(f.data["text/html"] as string).replace(/<script[^>]*>\/\* plotly\.js[^]*?<\/script>/, "");
      const own = JSON.stringify({ ...f.data, "text/html": html });
      assert.ok(own.length < 200_000, `${own.length} bytes`);
    }
  });

  test(`${lang}/08-3: the trained filters spread wider than freshly initialised ones`, { skip }, () => {
    const { nb } = run(lang, "08-3");
    const trained = resultOf(nb, "tf.moments(convWeights)").text;
    assert.match(trained, /kernel: \[ 3, 3, 1, 32 \]/);
    const fresh = nb.cells.find((c) => source(c).includes("tf.moments(noTrainingWeights)"));
    const printed = (fresh?.outputs ?? []).map((o) => text(o.text)).join("");
    assert.ok(numberIn(trained, "std") > numberIn(printed, "std"), `${trained} vs ${printed}`);
  });
}
