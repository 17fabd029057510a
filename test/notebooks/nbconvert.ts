/**
 * Shared by the lesson-notebook tests (lesson.test.ts, imdb-lessons.test.ts): the executed
 * notebook's JSON, reading outputs out of it, and running lessons headlessly with nbconvert
 * on a tslab-dl kernel installed into a private prefix.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { executeNotebook, findNbconvertJupyter, LANGS, type Lang, type Lesson } from "../../notebooks/tutorial";
import { repoRoot, tempDir } from "../helpers";

/** One output of an executed code cell, as nbformat stores it. */
export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: { [mime: string]: string | string[] | object };
  ename?: string;
  evalue?: string;
}
export interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
export interface Notebook {
  cells: Cell[];
}

/** nbformat's multi-line text (a string or a list of lines) as one string. */
export const text = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : (v ?? ""));
export const source = (c: Cell): string => text(c.source);

function jupyterOrUndefined(): string | undefined {
  try {
    return findNbconvertJupyter();
  } catch {
    return undefined;
  }
}

/** The `jupyter` with nbconvert, or undefined where it is not installed. */
export const jupyter = jupyterOrUndefined();
/** Why the notebooks cannot run here, or undefined when they can. */
export const SKIP_NBCONVERT = jupyter
  ? undefined
  : "Jupyter's nbconvert is not installed (apt-get install jupyter-nbconvert jupyter-client)";

/** An executed notebook and the folder it ran in (where it left its files). */
export interface Executed {
  nb: Notebook;
  dir: string;
}

/**
 * Install the built kernel into a private prefix (`JUPYTER_PATH` points there), then execute
 * `lessons` in order in every language, the languages side by side, each language in one
 * folder under out/ (ignored by git, removed at exit) so that `import … from "tslab-dl"`
 * resolves as for a user. Returns the executed notebooks by `lang/id`.
 *
 * @example
 * const executed = await executeLessons("test-notebooks", [lessonById("07-3")]);
 * executed.get("en/07-3")!.nb.cells.length;
 */
export async function executeLessons(name: string, lessons: readonly Lesson[]): Promise<Map<string, Executed>> {
  assert.ok(jupyter, SKIP_NBCONVERT);
  const prefix = tempDir("tslab-dl-kernel-");
  execFileSync(process.execPath, [path.join(repoRoot, "dist", "kernel", "cli.js"), "install", "--prefix", prefix]);
  process.env.JUPYTER_PATH = path.join(prefix, "share", "jupyter");
  const outDir = path.join(repoRoot, "out", `${name}-${process.pid}`);
  process.on("exit", () => fs.rmSync(outDir, { recursive: true, force: true }));
  const executed = new Map<string, Executed>();
  await Promise.all(
    LANGS.map(async (lang: Lang) => {
      for (const lesson of lessons) {
        const r = await executeNotebook(jupyter, lang, outDir, lesson);
        executed.set(`${lang}/${lesson.id}`, {
          nb: JSON.parse(fs.readFileSync(r.ipynb, "utf8")) as Notebook,
          dir: path.dirname(r.ipynb),
        });
      }
    }),
  );
  return executed;
}

/** The execute_result text of the first code cell from cell `from` on whose source includes `marker`, and that cell's index. */
export function resultOf(nb: Notebook, marker: string, from = 0): { text: string; index: number } {
  const index = nb.cells.findIndex((c, i) => i >= from && c.cell_type === "code" && source(c).includes(marker));
  assert.ok(index >= 0, `a code cell containing ${JSON.stringify(marker)}`);
  const result = nb.cells[index].outputs?.find((o) => o.output_type === "execute_result");
  assert.ok(result, `cell ${index} (${JSON.stringify(marker)}) has an execute_result`);
  return { text: text(result.data?.["text/plain"] as string | string[]), index };
}

/** The number after `key: ` in `s` (a printed object's field). */
export function numberIn(s: string, key: string): number {
  const m = new RegExp(`${key}: ([0-9.e+-]+)`).exec(s);
  assert.ok(m, `${key} in ${JSON.stringify(s)}`);
  return Number(m[1]);
}

/**
 * Cells' output kinds, merging consecutive streams (their split varies from run to run).
 *
 * @example
 * assert.deepEqual(structure(committed), structure(executed)); // [["stream:stdout"], ["display_data:image/png,text/plain"], …]
 */
export function structure(nb: { cells: Array<{ outputs?: Output[] }> }): string[][] {
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
