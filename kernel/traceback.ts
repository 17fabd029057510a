/**
 * Tracebacks in the cell's terms, as IPython shows them: the error's name and
 * message first, then each frame — a frame in a cell as the cell's line with
 * two lines of context and an arrow, consecutive frames inside one
 * `node_modules` package folded into one line, other frames as Node prints
 * them. Frames of Node itself, of tslab and of this kernel are left out.
 *
 * `%xmode Verbose` (or `TSLAB_DL_TRACEBACK=verbose` in the kernel's
 * environment) shows every package frame; `%xmode Context` folds them again.
 */
import type { CellLocation } from "./cell-maps";

const RED = "\u001b[0;31m";
const GREEN = "\u001b[0;32m";
const BOLD_GREEN = "\u001b[1;32m";
const GREY = "\u001b[0;90m";
const RESET = "\u001b[0m";
/** Lines shown above and below a cell frame's line. */
const CONTEXT = 2;

/** How much of a traceback to show: `Context` folds package frames, `Verbose` shows them all. */
export type TracebackMode = "Context" | "Verbose";

let mode: TracebackMode = /^verbose$/i.test(process.env.TSLAB_DL_TRACEBACK ?? "") ? "Verbose" : "Context";

/**
 * Set how tracebacks show package frames (the `%xmode` magic).
 *
 * @example
 * setTracebackMode("Verbose"); // every frame inside node_modules is shown
 */
export function setTracebackMode(next: TracebackMode): void {
  mode = next;
}

/** The current traceback mode. */
export function tracebackMode(): TracebackMode {
  return mode;
}

/** Finds the cell line of a frame's script position (see `CompiledCells.locate`). */
export type Locate = (file: string, line: number, column: number) => CellLocation | undefined;

/** A parsed stack frame line (`    at fn (file:line:column)`). */
interface Frame {
  text: string;
  fn?: string;
  file: string;
  line: number;
  column: number;
}

const FRAME = /^\s+at (?:(.+?) \()?(?:async )?(.+?):(\d+):(\d+)\)?$/;

function parseFrame(text: string): Frame | undefined {
  const m = FRAME.exec(text);
  return m ? { text: text.trim(), fn: m[1], file: m[2], line: Number(m[3]), column: Number(m[4]) } : undefined;
}

/**
 * The package a file belongs to when it lies inside `node_modules`, e.g.
 * `@tensorflow/tfjs-core`, else `undefined`.
 *
 * @example
 * packageOf("/p/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js"); // → "@tensorflow/tfjs-core"
 */
export function packageOf(file: string): string | undefined {
  const m = /.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
  return m ? m[1].replace(/\\/g, "/") : undefined;
}

/** The lines of a cell frame: where it is, then the failing line with context and an arrow. */
function cellFrame(at: CellLocation, fn: string | undefined): string[] {
  const lines = at.source.split("\n");
  // Functions of earlier cells are called through tslab's exports proxy.
  const name = fn?.replace(/^Proxy\./, "");
  const where = name && name !== "Object.<anonymous>" ? `, in ${name}` : "";
  const out = [`${GREEN}${at.label}, line ${at.line}${where}${RESET}`];
  const first = Math.max(1, at.line - CONTEXT);
  const last = Math.min(lines.length, at.line + CONTEXT);
  const width = String(last).length;
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1].replace(/\r$/, "");
    if (n === at.line) out.push(`${BOLD_GREEN}${"---->".padEnd(5)} ${String(n).padStart(width)}${RESET} ${text}`);
    else out.push(`${" ".repeat(5)} ${GREEN}${String(n).padStart(width)}${RESET} ${text}`);
  }
  return out;
}

/**
 * The traceback lines for a stack's frames (the lines after the message).
 *
 * @example
 * traceback(["    at f (tslab-dl-cell-2.js:30:9)"], cells.locate.bind(cells), (l) => false);
 * // → ["In [2], line 3, in f", "      1 …", "----> 3 throw …", …]
 */
export function traceback(frames: string[], locate: Locate, hidden: (line: string) => boolean): string[] {
  const out: string[] = [];
  let folded: { name: string; count: number } | undefined;
  let anyFolded = false;
  const flush = () => {
    if (folded) out.push(`${GREY}   … ${folded.count} frame${folded.count === 1 ? "" : "s"} in ${folded.name}${RESET}`);
    anyFolded ||= folded !== undefined;
    folded = undefined;
  };
  for (const text of frames) {
    const frame = parseFrame(text);
    const at = frame && locate(frame.file, frame.line, frame.column);
    if (at) {
      flush();
      out.push(...cellFrame(at, frame.fn));
      continue;
    }
    if (hidden(text)) continue;
    // Promise plumbing between a package's own frames (`at new Promise (<anonymous>)`) says nothing.
    if (mode === "Context" && /\(<anonymous>\)$/.test(text.trim())) continue;
    const name = frame && packageOf(frame.file);
    if (name && mode === "Context") {
      if (folded?.name !== name) flush();
      folded ??= { name, count: 0 };
      folded.count++;
      continue;
    }
    flush();
    out.push(`   ${text.trim()}`);
  }
  flush();
  if (anyFolded) out.push(`${GREY}   (%xmode Verbose shows the frames inside packages)${RESET}`);
  return out;
}

/** The first line of a traceback: the error's name and message. */
export function headline(ename: string, evalue: string): string {
  return `${RED}${ename}${RESET}: ${evalue}`;
}
