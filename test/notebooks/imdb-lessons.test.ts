/**
 * Lessons 9-2 and 9-3, executed headlessly with nbconvert on the tslab-dl kernel against a
 * small IMDB-format file NumPy writes at test time (300 training, 200 test reviews), not the
 * real `imdb.npz`, which cannot be downloaded here: `$IMDB_DIR` names its folder and
 * `$TSLAB_DL_IMDB_SHA256` its digest, and `$TSLAB_DL_LESSON_EPOCHS=2` keeps the trainings
 * short. The numbers are not the book's; what is checked is that every cell runs, the
 * checkpoints are written and the reloaded one evaluates here as in the notebook.
 * The outputs are not kept: the committed notebooks stay without outputs.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import { init, tf } from "../../src/backend";
import { loadImdb, padSequences } from "../../src/data";
import { loadModel } from "../../src/io";
import { LANGS, lessonById, type Lang, notebookPath } from "../../notebooks/tutorial";
import { SKIP_NUMPY, writeImdb } from "../data/imdb-helpers";
import { tempDir } from "../helpers";
import {
  type Executed,
  executeLessons,
  type Notebook,
  numberIn,
  resultOf,
  SKIP_NBCONVERT,
  source,
  text,
} from "./nbconvert";

const skip = SKIP_NBCONVERT ?? SKIP_NUMPY;

const IDS = ["09-2", "09-3"] as const;
const CHECKPOINTS: Record<(typeof IDS)[number], string[]> = {
  "09-2": ["best-simplernn-model.h5", "best-embedding-model.h5"],
  "09-3": ["best-lstm-model.h5", "best-dropout-model.h5", "best-2rnn-model.h5", "best-gru-model.h5"],
};
let executed = new Map<string, Executed>();
const run = (lang: Lang, id: string): Executed => executed.get(`${lang}/${id}`)!;
let imdbDir = "";

before(
  async () => {
    if (skip) return;
    imdbDir = tempDir("tslab-dl-imdb-");
    const file = writeImdb(imdbDir);
    process.env.IMDB_DIR = imdbDir;
    process.env.TSLAB_DL_IMDB_SHA256 = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    process.env.TSLAB_DL_LESSON_EPOCHS = "2";
    executed = await executeLessons(
      "test-imdb-lessons",
      IDS.map((id) => lessonById(id)),
    );
  },
  { timeout: 60 * 60_000 },
);

for (const id of IDS) {
  for (const lang of LANGS) {
    test(`${lang}/${id}: the notebook runs clean on a generated IMDB file: no error outputs`, { skip }, () => {
      const { nb } = run(lang, id);
      const errors = nb.cells.flatMap((c, i) =>
        (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`),
      );
      assert.deepEqual(errors, []);
    });

    test(`${lang}/${id}: every checkpoint is written, and every curve and histogram carries its SVG`, { skip }, () => {
      const { nb, dir } = run(lang, id);
      for (const f of CHECKPOINTS[id]) assert.ok(fs.statSync(path.join(dir, f)).size > 5_000, `${f} was written`);
      const shown = nb.cells.filter((c) => c.cell_type === "code" && /plt\.show\(\)/.test(source(c)));
      assert.equal(shown.length, id === "09-2" ? 3 : 4);
      for (const c of shown.filter((c) => source(c).includes("plt.plot("))) {
        const figure = (c.outputs ?? []).map((o) => text(o.data?.["text/plain"] as string)).join("");
        assert.match(figure, /train, val vs epoch \(2 points\)/, "two epochs trained, with validation");
      }
      for (const c of shown) {
        assert.ok(
          (c.outputs ?? []).some((o) => /^<svg[\s\S]*<\/svg>\s*$/.test(text(o.data?.["image/svg+xml"] as string))),
          `a picture in: ${source(c).split("\n")[0]}`,
        );
      }
      for (const c of nb.cells.filter((c) => /stoppedEpoch: earlyStoppingCb/.test(source(c)))) {
        const r = resultOf({ cells: [c] }, "stoppedEpoch").text;
        assert.ok(numberIn(r, "bestEpoch") <= 1, `two epochs: ${r}`);
      }
    });

    test(`${lang}/${id}: the committed notebook has the lesson's cells, no outputs, and says why at its top`, () => {
      const committed = JSON.parse(fs.readFileSync(notebookPath(lang, lessonById(id)), "utf8")) as Notebook;
      assert.ok(committed.cells.every((c) => (c.outputs ?? []).length === 0));
      assert.equal(committed.cells[0].cell_type, "markdown");
      assert.match(
        source(committed.cells[0]),
        lang === "en" ? /outputs come from running it with the data/ : /출력은 데이터를 두고 실행하면 나옵니다/,
      );
      assert.match(
        source(committed.cells[0]),
        /https:\/\/storage\.googleapis\.com\/tensorflow\/tf-keras-datasets\/imdb\.npz/,
      );
    });
  }
}

for (const lang of LANGS) {
  test(`${lang}/09-2: the first review, padding and one-hot cells print what the book's do`, { skip }, () => {
    const { nb } = run(lang, "09-2");
    const streams = (marker: string): string => {
      const cell = nb.cells.find((c) => c.cell_type === "code" && source(c).includes(marker));
      assert.ok(cell, marker);
      return (cell.outputs ?? []).map((o) => text(o.text)).join("");
    };
    assert.match(streams("await loadImdb({ numWords: 300 })"), /^300 200\n$/);
    assert.match(streams("trainTestSplit("), /^240 60\n$/);
    assert.match(streams("padSequences(trainInput"), /^\[ 240, 100 \]\n/);
    const oneHot = streams("toCategorical(trainSeq.slice(0, 1), 300)").split("\n");
    assert.equal(oneHot[0], "[ 1, 100, 300 ]");
    assert.equal(oneHot.at(-2), "1", "one 1 in each one-hot row");
    assert.match(streams("trainSeq.size * 4"), /^96000 28800000\n$/);
    const hist = nb.cells.find((c) => c.cell_type === "code" && source(c).includes("plt.hist(lengths)"));
    const plotly = hist?.outputs?.find((o) => o.data?.["application/vnd.plotly.v1+json"])?.data?.[
      "application/vnd.plotly.v1+json"
    ] as { data: Array<{ y: number[] }> } | undefined;
    assert.ok(plotly, "the histogram is a chart");
    const counts = plotly.data[0].y;
    assert.equal(counts.length, 10, "10 bins, as matplotlib's default");
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      240,
      "every training review counted once",
    );
  });
}

for (const lang of LANGS) {
  test(`${lang}/09-3: best-2rnn-model.h5 reloads here to the test loss the notebook printed`, { skip }, async () => {
    const { nb, dir } = run(lang, "09-3");
    const printed = resultOf(nb, 'loadModel("best-2rnn-model.h5")').text;
    // evaluate's text: `[loss, accuracy]  (loss, acc)`
    const [notebookLoss, accuracy] = (/^\[([0-9.e+-]+), ([0-9.e+-]+)\]/.exec(printed.trim()) ?? [])
      .slice(1)
      .map(Number);
    assert.ok(Number.isFinite(notebookLoss) && notebookLoss > 0, printed);
    assert.ok(accuracy >= 0 && accuracy <= 1, printed);
    await init({ verbose: false });
    const [, [testInput, testTarget]] = await loadImdb({ dir: imdbDir, numWords: 500, download: false });
    const testSeq = padSequences(testInput, { maxlen: 100 });
    const model = await loadModel(path.join(dir, "best-2rnn-model.h5"));
    const [loss] = (model.evaluate(testSeq, testTarget) as tf.Scalar[]).map((t) => t.dataSync()[0]);
    assert.ok(Math.abs(loss - notebookLoss) < 1e-4, `reloads to ${loss}, the notebook said ${notebookLoss}`);
    tf.dispose([testSeq, testTarget]);
  });
}
