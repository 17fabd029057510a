/**
 * `npm run tutorial`: run the lesson notebooks headlessly with Jupyter's
 * nbconvert on the tslab-dl kernel, and write the executed `.ipynb` and an
 * `.html` export of each to `out/tutorial/<lang>/`.
 *
 *   npm run tutorial                  # both languages
 *   npm run tutorial -- --lang en     # one language
 *   npm run tutorial -- --update      # also store the outputs in notebooks/<lang>/
 *   npm run tutorial -- --build       # rewrite notebooks/<lang>/ from notebooks/lesson.ts (no outputs)
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../src/io/atomic";
import { LESSON, type LessonCell } from "./lesson";

export const LANGS = ["en", "ko"] as const;
export type Lang = (typeof LANGS)[number];
export const NOTEBOOK = "07-3-regularization.ipynb";

const repoRoot = path.resolve(__dirname, "..", "..");

/** The committed notebook of a language. */
export function notebookPath(lang: Lang): string {
  return path.join(repoRoot, "notebooks", lang, NOTEBOOK);
}

function sourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

/** The notebook JSON of a language, from notebooks/lesson.ts (or other `cells`), without outputs. */
export function buildNotebook(lang: Lang, lesson: LessonCell[] = LESSON): object {
  const cells = lesson.map((cell, i) => {
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

/** Jupyter's nbconvert, or a message saying exactly how to install it. */
export function findJupyter(): string {
  const jupyter = process.env.JUPYTER ?? which("jupyter");
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

function run(cmd: string, args: string[], cwd: string, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
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

/** Execute one language's notebook into `outDir/<lang>/` and export it to HTML. */
export async function executeNotebook(
  jupyter: string,
  lang: Lang,
  outDir: string,
  notebook = NOTEBOOK,
): Promise<{ ipynb: string; html: string }> {
  const dir = path.join(outDir, lang);
  fs.mkdirSync(dir, { recursive: true });
  const source = path.join(path.dirname(notebookPath(lang)), notebook);
  const input = path.join(dir, notebook);
  fs.copyFileSync(source, input);
  await run(
    jupyter,
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--inplace",
      "--ExecutePreprocessor.timeout=-1",
      // No widget state in the notebook: its HTML export then shows each widget's static
      // picture instead of loading the widget renderer from a CDN.
      "--ExecutePreprocessor.store_widget_state=False",
      "--ExecutePreprocessor.kernel_name=tslab-dl",
      notebook,
    ],
    dir,
    `executing ${lang}/${notebook}`,
  );
  await run(jupyter, ["nbconvert", "--to", "html", notebook], dir, `exporting ${lang}/${notebook} to HTML`);
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
    return findJupyter();
  } catch (e) {
    if (process.getuid?.() !== 0 || !which("apt-get")) throw e;
    console.log(`Jupyter not found: installing Debian's ${DEBIAN_PACKAGES.join(" ")} ...`);
    execFileSync("apt-get", ["update", "-q"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...DEBIAN_PACKAGES], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return findJupyter();
  }
}

/** Register the tslab-dl kernel for this user (harmless when already there). */
export function installKernel(jupyter: string): void {
  execFileSync(
    process.execPath,
    [path.join(repoRoot, "dist", "kernel", "cli.js"), "install", "--user", "--jupyter", jupyter],
    {
      stdio: "inherit",
    },
  );
}

async function main(argv: string[]): Promise<void> {
  const langArg = argv.includes("--lang") ? argv[argv.indexOf("--lang") + 1] : undefined;
  if (langArg !== undefined && !(LANGS as readonly string[]).includes(langArg)) {
    throw new Error(`--lang must be one of ${LANGS.join(", ")}, got ${JSON.stringify(langArg)}`);
  }
  const langs: Lang[] = langArg ? [langArg as Lang] : [...LANGS];
  if (argv.includes("--build")) {
    for (const lang of langs) {
      fs.mkdirSync(path.dirname(notebookPath(lang)), { recursive: true });
      writeFileAtomic(notebookPath(lang), `${JSON.stringify(buildNotebook(lang), null, 1)}\n`);
      console.log(`wrote ${path.relative(process.cwd(), notebookPath(lang))}`);
    }
    return;
  }
  const jupyter = findOrInstallJupyter();
  installKernel(jupyter);
  const outDir = path.join(repoRoot, "out", "tutorial");
  const started = Date.now();
  console.log(
    `Running ${langs.map((l) => `${l}/${NOTEBOOK}`).join(" and ")} headlessly (a few minutes of training each)...`,
  );
  const ticker = setInterval(() => console.log(`  ... ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
  try {
    const results = await Promise.all(langs.map((lang) => executeNotebook(jupyter, lang, outDir)));
    for (const [i, r] of results.entries()) {
      console.log(`${langs[i]}: ${path.relative(process.cwd(), r.ipynb)}\n    ${path.relative(process.cwd(), r.html)}`);
      if (argv.includes("--update")) {
        writeFileAtomic(notebookPath(langs[i]), fs.readFileSync(r.ipynb));
        console.log(`    outputs stored in ${path.relative(process.cwd(), notebookPath(langs[i]))}`);
      }
    }
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
