/**
 * What this kernel adds to tslab's answers so that they follow the messaging
 * spec: a complete `kernel_info_reply`, `is_complete` that also says
 * "invalid", completion and inspection that ignore shell lines, and the
 * IPython-style pager (`?expr` / `expr?` / `expr??`; `docs.ts` answers them).
 */
import "./light-builder"; // first: before tslab's converter loads
import { createRequire } from "node:module";
import { tslabConverter, tslabInspect, tslabTypeScript, type Executor } from "./tslab-internals";
import { readCell } from "./cell-text";
import { PROTOCOL_VERSION } from "./wire";

/** The kernel's name in Jupyter (kernelspec folder and `--kernel` argument). */
export const KERNEL_NAME = "tslab-dl";
/** The name notebooks show. */
export const DISPLAY_NAME = "TypeScript (tslab-dl)";

/** tslab's TypeScript: the compiler that checks the cells. */
export const typescript = tslabTypeScript;

function packageVersion(name: string, from = __dirname): string {
  try {
    return (createRequire(from + "/")(`${name}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The `kernel_info_reply` content. */
export function kernelInfo(): Record<string, unknown> {
  const tsVersion = typescript().version;
  const version = packageVersion("tslab-dl");
  const tslab = packageVersion("tslab");
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: KERNEL_NAME,
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: tsVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      // As tslab: JupyterLab reads `mode`, the classic notebook `name` + `typescript`.
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      pygments_lexer: "typescript",
    },
    banner:
      `tslab-dl ${version}: TypeScript ${tsVersion} on Node.js ${process.version} (tslab ${tslab}).\n` +
      `import { tf } from "tslab-dl" to start; a line starting with ! runs a shell command; expr? shows its type, expr?? its source; %time, %timeit, %who, %env are magics.`,
    help_links: [
      { text: "tslab-dl", url: "https://github.com/tslab-dl/tslab-dl#readme" },
      { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "tslab", url: "https://github.com/yunabe/tslab" },
    ],
    debugger: false,
  };
}

/** The `is_complete_reply` content. */
interface IsCompleteReply {
  status: "complete" | "incomplete" | "invalid";
  indent?: string;
}

/**
 * Whether a cell can run as typed (shell lines count as complete lines).
 *
 * @example
 * isComplete("function f() {"); // → { status: "incomplete", indent: "  " }
 * isComplete("const = 5;");     // → { status: "invalid" }
 */
export function isComplete(code: string): IsCompleteReply {
  const source = readCell(code).blanked;
  const tslab = tslabConverter().isCompleteCode(source);
  if (!tslab.completed) return { status: "incomplete", indent: tslab.indent ?? "" };
  const ts = typescript();
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const parseErrors = (file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  return parseErrors.length > 0 ? { status: "invalid" } : { status: "complete" };
}

/** The `complete_reply` content, from tslab's completion on the cell without its shell lines. */
export function complete(executor: Executor, code: string, cursor: number): Record<string, unknown> {
  const info = executor.complete(readCell(code).blanked, cursor);
  return { status: "ok", matches: info.candidates, cursor_start: info.start, cursor_end: info.end, metadata: {} };
}

/** The type and documentation of the symbol at `cursor` of a cell whose shell lines are blanked, or `undefined`. */
export function quickInfo(executor: Executor, blanked: string, cursor: number): string | undefined {
  const info = executor.inspect(blanked, cursor);
  return info ? tslabInspect().printQuickInfo(info) : undefined;
}

/** A pager cell: `expr?` (documentation) or `expr??` (documentation and source). */
interface PagerRequest {
  target: string;
  source: boolean;
}

/**
 * The request of a pager cell (`?expr`, `expr?`, `??expr`, `expr??`: one
 * line, as IPython), or `undefined` for any other cell. No TypeScript
 * expression starts or ends with `?`.
 *
 * @example
 * pagerRequest("EarlyStopping??"); // → { target: "EarlyStopping", source: true }
 * pagerRequest("a ? b : c");       // → undefined
 */
export function pagerRequest(code: string): PagerRequest | undefined {
  const text = code.trim();
  if (text.includes("\n")) return undefined;
  const match = /^(\?+)\s*([^?].*)$/.exec(text) ?? /^()(.*[^?\s])\s*(\?+)$/.exec(text);
  const target = match?.[2].trim();
  if (!match || !target) return undefined;
  return { target, source: (match[1] || match[3]).length >= 2 };
}

/**
 * The expression of a pager cell, or `undefined` for any other cell.
 *
 * @example
 * pagerTarget("tf.layers.dense?"); // → "tf.layers.dense"
 * pagerTarget("a ? b : c");        // → undefined
 */
export function pagerTarget(code: string): string | undefined {
  return pagerRequest(code)?.target;
}

/** The `execute_reply` payload that opens the pager with `text`. */
export function pagerPayload(text: string): Record<string, unknown> {
  return { source: "page", data: { "text/plain": text }, start: 0 };
}
