/**
 * `npm run tutorial`: run the lesson notebooks headlessly with Jupyter's
 * nbconvert on the tslab-dl kernel, and write the executed `.ipynb` and an
 * `.html` export of each to `out/tutorial/<lang>/`. Lessons of one language run
 * in order in one folder (8-3 reads the model file 8-2 writes); languages run side by side.
 *
 *   npm run tutorial                      # every lesson, both languages
 *   npm run tutorial -- --lesson 08-2     # one lesson (08-3 runs 08-2 first when its model file is missing)
 *   npm run tutorial -- --lang en         # one language
 *   npm run tutorial -- --update          # also store the outputs in notebooks/<lang>/
 *   npm run tutorial -- --build           # rewrite notebooks/<lang>/ from the lesson sources (no outputs)
 *
 * 9-2 and 9-3 read the real IMDB (`imdb.npz`); where it is absent they are skipped with one
 * line saying how to fetch it, and the other lessons run.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findJupyter } from "../kernel/install";
import { writeFileAtomic } from "../src/io/atomic";
import { LESSON, type LessonCell } from "./lesson";
import { LESSON_07_1 } from "./lesson-07-1";
import { LESSON_07_2 } from "./lesson-07-2";
import { LESSON_08_2 } from "./lesson-08-2";
import { LESSON_08_3 } from "./lesson-08-3";
import { LESSON_09_2 } from "./lesson-09-2";
import { LESSON_09_3 } from "./lesson-09-3";
import { IMDB_FILE, IMDB_MIRROR, imdbSearchPath } from "../src/data/imdb";
import { MORE_CALLBACKS } from "./more-callbacks";
import { PROGRESS_FILE_ENV } from "../src/callbacks/progress-file";

export const LANGS = ["en", "ko"] as const;
export type Lang = (typeof LANGS)[number];

/** One lesson notebook: its id (`--lesson`), file name and cells. */
export interface Lesson {
  id: string;
  file: string;
  cells: LessonCell[];
  /** A file that an earlier lesson writes into the folder and this one reads. */
  needs?: { lesson: string; file: string };
  /** A data set the lesson reads that may be absent (IMDB cannot ship with the package). */
  data?: "imdb";
}

/** Every lesson, in the order they run. */
export const LESSONS: Lesson[] = [
  { id: "07-1", file: "07-1-neural-network.ipynb", cells: LESSON_07_1 },
  { id: "07-2", file: "07-2-deep-neural-network.ipynb", cells: LESSON_07_2 },
  { id: "07-3", file: "07-3-regularization.ipynb", cells: LESSON },
  { id: "08-2", file: "08-2-convolutional-network.ipynb", cells: LESSON_08_2 },
  {
    id: "08-3",
    file: "08-3-visualizing-cnn.ipynb",
    cells: LESSON_08_3,
    needs: { lesson: "08-2", file: "best-cnn-model.h5" },
  },
  { id: "more-callbacks", file: "more-callbacks.ipynb", cells: MORE_CALLBACKS },
  { id: "09-2", file: "09-2-imdb-simplernn.ipynb", cells: LESSON_09_2, data: "imdb" },
  { id: "09-3", file: "09-3-lstm-gru.ipynb", cells: LESSON_09_3, data: "imdb" },
];

/** Where `imdb.npz` is (as `loadImdb` looks for it: `$IMDB_DIR`, `~/.keras/datasets`), or undefined. */
export function findImdb(): string | undefined {
  return imdbSearchPath()
    .map((dir) => path.join(dir, IMDB_FILE.name))
    .find((file) => fs.existsSync(file));
}

/** The one line `npm run tutorial` prints for the IMDB lessons it skips. */
export function imdbSkipLine(skipped: Lesson[]): string {
  const url = new URL(IMDB_FILE.name, IMDB_MIRROR).toString();
  return (
    `Skipping ${skipped.map((l) => l.id).join(", ")}: ${IMDB_FILE.name} not found ($IMDB_DIR, ~/.keras/datasets); ` +
    `fetch it with: mkdir -p ~/.keras/datasets && curl -fL -o ~/.keras/datasets/${IMDB_FILE.name} ${url}`
  );
}

/** The lesson of an id (`"08-2"`), or an error listing the ids there are. */
export function lessonById(id: string): Lesson {
  const lesson = LESSONS.find((l) => l.id === id);
  if (!lesson) throw new Error(`no lesson "${id}": use one of ${LESSONS.map((l) => l.id).join(", ")}`);
  return lesson;
}

const repoRoot = path.resolve(__dirname, "..", "..");

/** The committed notebook of a lesson in a language. */
export function notebookPath(lang: Lang, lesson: Lesson): string {
  return path.join(repoRoot, "notebooks", lang, lesson.file);
}

function sourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

/** The notebook JSON of a lesson in a language, from its source, without outputs. */
function buildNotebook(lang: Lang, lesson: Lesson): object {
  const cells = lesson.cells.map((cell, i) => {
    const id = `${lang}-${String(i).padStart(2, "0")}`;
    if ("code" in cell) {
      return {
        cell_type: "code",
        id,
        metadata: {},
        execution_count: null,
        outputs: [],
        source: sourceLines(cell.code),
      };
    }
    return { cell_type: "markdown", id, metadata: {}, source: sourceLines(cell[lang]) };
  });
  return {
    cells,
    metadata: {
      kernelspec: { name: "tslab-dl", display_name: "TypeScript (tslab-dl)", language: "typescript" },
      language_info: {
        name: "typescript",
        file_extension: ".ts",
        mimetype: "text/typescript",
        codemirror_mode: { name: "javascript", typescript: true },
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function which(cmd: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Jupyter's nbconvert: the `jupyter` the kernel installer finds, if it has nbconvert; or a message saying how to install it. */
export function findNbconvertJupyter(): string {
  let jupyter: string | undefined;
  try {
    jupyter = findJupyter();
  } catch {
    jupyter = undefined; // no Jupyter at all: the instructions below say what to install
  }
  if (jupyter) {
    try {
      execFileSync(jupyter, ["nbconvert", "--version"], { stdio: "ignore" });
      return jupyter;
    } catch {
      /* jupyter without nbconvert: fall through to the instructions */
    }
  }
  throw new Error(
    [
      "Jupyter (with nbconvert) was not found. Install it, then run `npm run tutorial` again:",
      "  Debian/Ubuntu:  sudo apt-get install jupyter-notebook jupyter-nbconvert",
      "  elsewhere:      python3 -m pip install --user notebook nbconvert",
      "(or set JUPYTER=/path/to/jupyter)",
    ].join("\n"),
  );
}

function run(cmd: string, args: string[], cwd: string, label: string, env = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stdout.on("data", () => {});
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${label} failed (exit ${code}):\n${stderr.split("\n").slice(-30).join("\n")}`));
    });
  });
}

/** The file in a language's folder where its running kernel reports each fit's epoch. */
export function progressFile(outDir: string, lang: Lang): string {
  return path.join(outDir, lang, ".tslab-dl-progress");
}

/**
 * What a language's running lesson has reached: `07-2 fit 2: epoch 3/5`, the lesson's id
 * alone before its first fit, or undefined when none runs.
 */
export function progressOf(outDir: string, lang: Lang): string | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(progressFile(outDir, lang), "utf8").split("\n").filter(Boolean);
  } catch {
    return undefined; // no lesson has started in this language yet
  }
  const [lesson, ...fits] = lines;
  return fits.length > 0 ? `${lesson} ${fits[fits.length - 1]}` : lesson;
}

/**
 * Execute one language's notebook of a lesson into `outDir/<lang>/` and export it to HTML.
 * A lesson that reads an earlier lesson's file expects it in that folder. While it runs, its
 * kernel appends each fit's epoch to {@link progressFile}, headed by the lesson's id.
 */
export async function executeNotebook(
  jupyter: string,
  lang: Lang,
  outDir: string,
  lesson: Lesson,
): Promise<{ ipynb: string; html: string }> {
  const dir = path.join(outDir, lang);
  fs.mkdirSync(dir, { recursive: true });
  const NOTEBOOK = lesson.file;
  const source = notebookPath(lang, lesson);
  const input = path.join(dir, NOTEBOOK);
  fs.copyFileSync(source, input);
  const progress = progressFile(outDir, lang);
  fs.writeFileSync(progress, `${lesson.id}\n`);
  await run(
    jupyter,
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--inplace",
      "--ExecutePreprocessor.timeout=-1",
      "--ExecutePreprocessor.kernel_name=tslab-dl",
      // No widget state in the notebook: its HTML export then shows each widget's static
      // picture instead of loading the widget renderer from a CDN.
      "--ExecutePreprocessor.store_widget_state=False",
      NOTEBOOK,
    ],
    dir,
    `executing ${lang}/${NOTEBOOK}`,
    { ...process.env, [PROGRESS_FILE_ENV]: progress },
  );
  await run(jupyter, ["nbconvert", "--to", "html", NOTEBOOK], dir, `exporting ${lang}/${NOTEBOOK} to HTML`);
  return { ipynb: input, html: input.replace(/\.ipynb$/, ".html") };
}

const DEBIAN_PACKAGES = [
  "jupyter-notebook",
  "jupyter-nbconvert",
  "jupyter-client",
  "python3-ipykernel",
  "dataset-fashion-mnist",
];

/** On Debian as root, install Jupyter and the data with apt; elsewhere say what to run. */
function findOrInstallJupyter(): string {
  try {
    return findNbconvertJupyter();
  } catch (e) {
    if (process.getuid?.() !== 0 || !which("apt-get")) throw e;
    console.log(`Jupyter not found: installing Debian's ${DEBIAN_PACKAGES.join(" ")} ...`);
    execFileSync("apt-get", ["update", "-q"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...DEBIAN_PACKAGES], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return findNbconvertJupyter();
  }
}

/** Register the tslab-dl kernel for this user (harmless when already there). */
function installUserKernel(jupyter: string): void {
  execFileSync(
    process.execPath,
    [path.join(repoRoot, "dist", "kernel", "cli.js"), "install", "--user", "--jupyter", jupyter],
    {
      stdio: "inherit",
    },
  );
}

/** The lessons to run for `--lesson id` (all without it), with the lessons they need first. */
function lessonsToRun(id: string | undefined, dirs: string[]): Lesson[] {
  if (id === undefined) return LESSONS;
  const lesson = lessonById(id);
  const missing = lesson.needs && dirs.some((dir) => !fs.existsSync(path.join(dir, lesson.needs!.file)));
  return missing ? [...lessonsToRun(lesson.needs!.lesson, dirs), lesson] : [lesson];
}

function argValue(argv: string[], name: string): string | undefined {
  return argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const langArg = argValue(argv, "--lang");
  if (langArg !== undefined && !(LANGS as readonly string[]).includes(langArg)) {
    throw new Error(`--lang must be one of ${LANGS.join(", ")}, got ${JSON.stringify(langArg)}`);
  }
  const langs: Lang[] = langArg ? [langArg as Lang] : [...LANGS];
  const lessonArg = argValue(argv, "--lesson");
  if (lessonArg !== undefined) lessonById(lessonArg);
  if (argv.includes("--build")) {
    for (const lesson of lessonArg ? [lessonById(lessonArg)] : LESSONS) {
      for (const lang of langs) {
        const file = notebookPath(lang, lesson);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        writeFileAtomic(file, `${JSON.stringify(buildNotebook(lang, lesson), null, 1)}\n`);
        console.log(`wrote ${path.relative(process.cwd(), file)}`);
      }
    }
    return;
  }
  const outDir = path.join(repoRoot, "out", "tutorial");
  let lessons = lessonsToRun(
    lessonArg,
    langs.map((lang) => path.join(outDir, lang)),
  );
  const imdbLessons = lessons.filter((l) => l.data === "imdb");
  if (imdbLessons.length > 0 && !findImdb()) {
    console.log(imdbSkipLine(imdbLessons));
    lessons = lessons.filter((l) => l.data !== "imdb");
    if (lessons.length === 0) return;
  }
  const jupyter = findOrInstallJupyter();
  installUserKernel(jupyter);
  const started = Date.now();
  console.log(
    `Running ${lessons.map((l) => l.id).join(", ")} in ${langs.join(" and ")} headlessly (minutes of training each)...`,
  );
  const ticker = setInterval(() => {
    const running = langs.flatMap((lang) => {
      const p = progressOf(outDir, lang);
      return p ? [`${lang} ${p}`] : [];
    });
    console.log(`  ... ${Math.round((Date.now() - started) / 1000)} s${running.map((r) => `; ${r}`).join("")}`);
  }, 30_000);
  try {
    await Promise.all(
      langs.map(async (lang) => {
        for (const lesson of lessons) {
          const r = await executeNotebook(jupyter, lang, outDir, lesson);
          console.log(
            `${lang}/${lesson.id}: ${path.relative(process.cwd(), r.ipynb)}\n    ${path.relative(process.cwd(), r.html)}`,
          );
          if (argv.includes("--update")) {
            writeFileAtomic(notebookPath(lang, lesson), fs.readFileSync(r.ipynb));
            console.log(`    outputs stored in ${path.relative(process.cwd(), notebookPath(lang, lesson))}`);
          }
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  console.log(
    `Done in ${Math.round((Date.now() - started) / 1000)} s. Open the .html files in a browser, or the .ipynb in Jupyter.`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
