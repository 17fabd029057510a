/**
 * Running a cell: tslab's executor (type-check, compile, run) with what the
 * protocol needs around it: the cell's last value is kept (for
 * `execute_result`) instead of printed, errors become `{ename, evalue,
 * traceback}` instead of stderr text, shell lines are rewritten, and every
 * copy of tfjs the cell loads gets the interrupt watcher.
 */
import "./light-builder"; // first: before tslab's converter loads
import { format } from "node:util";
import { tslabConverter, tslabExecutor, type Converter, type ConverterSet, type Executor } from "./tslab-internals";
import { InterruptError, watchLoadedTfjs } from "./interrupt";
import { rewriteShellLines, shellStatement } from "./shell-lines";

/** The error content of the protocol's `error` message and failed `execute_reply`. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** How a cell ended. */
export type CellOutcome =
  { status: "ok"; hasValue: boolean; value?: unknown } | { status: "error"; error: ErrorContent };

const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";
const RED = "\u001b[0;31m";
const RESET = "\u001b[0m";

/** tslab's message when an asynchronous cell is abandoned by `executor.interrupt()`. */
const TSLAB_INTERRUPTED = "Interrupted asynchronously";
const SIGINT_INTERRUPTED = /Script execution was interrupted by `SIGINT`/;

/** Stack frames of the kernel itself, of tslab and of Node internals say nothing about the cell. */
function isInternalFrame(line: string): boolean {
  return (
    /\((node:|internal\/)/.test(line) ||
    /at (node:|internal\/)/.test(line) ||
    /[\\/]tslab[\\/]dist[\\/]/.test(line) ||
    line.includes(__dirname)
  );
}

/**
 * The protocol's error content for a thrown value.
 *
 * @example
 * errorContent(new TypeError("x is not a function"));
 * // → { ename: "TypeError", evalue: "x is not a function", traceback: ["\u001b[0;31mTypeError\u001b[0m: x is not a function", …] }
 */
export function errorContent(thrown: unknown): ErrorContent {
  if (
    thrown instanceof Error ||
    (typeof thrown === "object" && thrown !== null && "message" in thrown && "stack" in thrown)
  ) {
    const err = thrown as Error;
    let ename = err.name || err.constructor?.name || "Error";
    let evalue = String(err.message);
    if (evalue === TSLAB_INTERRUPTED || SIGINT_INTERRUPTED.test(evalue)) {
      ename = InterruptError.name;
      evalue = "the cell was interrupted by the kernel";
    }
    const frames = String(err.stack ?? "")
      .split("\n")
      .filter((line) => /^\s+at /.test(line) && !isInternalFrame(line));
    return { ename, evalue, traceback: [`${RED}${ename}${RESET}: ${evalue}`, ...frames] };
  }
  const evalue = format("%o", thrown);
  return { ename: "Uncaught", evalue, traceback: [`${RED}Uncaught${RESET} ${evalue}`] };
}

function compileError(lines: string[]): ErrorContent {
  const evalue = lines.length === 1 ? lines[0] : `${lines.length} errors; first: ${lines[0]}`;
  return { ename: "CompileError", evalue, traceback: [`${RED}CompileError${RESET}: TypeScript reported:`, ...lines] };
}

class Converters implements ConverterSet {
  private nodeConverter?: Converter;
  private browserConverter?: Converter;
  get node(): Converter {
    return (this.nodeConverter ??= tslabConverter().createConverter({ isJS: false, isBrowser: false }));
  }
  get browser(): Converter {
    return (this.browserConverter ??= tslabConverter().createConverter({ isJS: false, isBrowser: true }));
  }
  close(): void {
    this.nodeConverter?.close();
    this.browserConverter?.close();
  }
}

interface TslabGlobal {
  __tslab__?: { exports: object; require: NodeJS.Require };
}

/**
 * Runs cells in one TypeScript session (variables persist between cells).
 *
 * @example
 * const runner = new CellRunner(process.cwd());
 * await runner.run("const x = 6 * 7");
 * await runner.run("x"); // → { status: "ok", hasValue: true, value: 42 }
 */
export class CellRunner {
  readonly executor: Executor;
  private readonly converters = new Converters();
  private lastValue: { has: boolean; value?: unknown } = { has: false };
  private errors: unknown[] = [];
  private diagnostics: string[] = [];
  private warn: (text: string) => void;

  /**
   * @param rootDir where cells resolve imports from (the notebook's folder).
   * @param warn receives diagnostics of `//@module` cells, which do not fail.
   */
  constructor(rootDir: string, warn: (text: string) => void = (text) => process.stderr.write(text)) {
    this.warn = warn;
    this.executor = tslabExecutor().createExecutor(rootDir, this.converters, {
      log: (value: unknown) => {
        this.lastValue = { has: true, value };
      },
      error: (...args: unknown[]) => {
        if (args[0] === DIAGNOSTIC_FORMAT) this.diagnostics.push(format(...args));
        else this.errors.push(args[0]);
      },
    });
    this.hookRequire();
  }

  /** Warm the TypeScript converter (a few hundred ms) before the first cell. */
  warm(): void {
    void this.converters.node;
  }

  /** Run a cell; never throws. */
  async run(code: string): Promise<CellOutcome> {
    this.lastValue = { has: false };
    this.errors = [];
    this.diagnostics = [];
    watchLoadedTfjs();
    let ok: boolean;
    try {
      ok = await this.executor.execute(rewriteShellLines(code, shellStatement));
    } catch (e) {
      return { status: "error", error: errorContent(e) };
    }
    if (!ok) {
      if (this.errors.length > 0) return { status: "error", error: errorContent(this.errors[0]) };
      return {
        status: "error",
        error: compileError(this.diagnostics.length ? this.diagnostics : ["the cell failed to compile"]),
      };
    }
    if (this.diagnostics.length > 0) this.warn(this.diagnostics.join("\n") + "\n");
    return this.lastValue.has
      ? { status: "ok", hasValue: true, value: this.lastValue.value }
      : { status: "ok", hasValue: false };
  }

  /** Stop waiting for the running cell's asynchronous work. */
  interrupt(): void {
    this.executor.interrupt();
  }

  /** Release the TypeScript watcher. */
  close(): void {
    this.executor.close();
  }

  /** Every `require` a cell makes may load tfjs: watch each copy before `fit` can run. */
  private hookRequire(): void {
    const slot = (globalThis as TslabGlobal).__tslab__;
    if (!slot) return;
    const original = slot.require;
    slot.require = new Proxy(original, {
      apply(target, thisArg, args: unknown[]) {
        const result: unknown = Reflect.apply(target, thisArg, args);
        watchLoadedTfjs();
        return result;
      },
    });
  }
}
