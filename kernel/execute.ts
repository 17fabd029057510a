/**
 * Running a cell: tslab's executor (type-check, compile, run) with what the
 * protocol needs around it: the cell's last value is kept (for
 * `execute_result`) instead of printed, errors become `{ename, evalue,
 * traceback}` instead of stderr text, shell lines are rewritten, and every
 * copy of tfjs the cell loads gets the interrupt watcher.
 */
import "./light-builder"; // first: before tslab's converter loads
import { format } from "node:util";
import type * as TS from "@tslab/typescript-for-tslab";
import { CompilerThread } from "./compiler-thread";
import {
  tslabConverter,
  tslabExecutor,
  tslabMetadata,
  type CodeMetadata,
  type CompletionInfo,
  type Converter,
  type ConverterSet,
  type ConvertResult,
  type Diagnostic,
  type Executor,
} from "./tslab-internals";
import { CompiledCells, isCellScript } from "./cell-maps";
import { readCell } from "./cell-text";
import { NameRecorder, declaredNames, survivingDeclarations } from "./cell-names";
import { InterruptError, watchLoadedTfjs } from "./interrupt";
import { installMagics } from "./magic-commands";
import { UsageError } from "./magics";
import { typescript } from "./protocol";
import { UserSources, sourceOfValue } from "./source-lookup";
import { Locate, headline, traceback } from "./traceback";

/** The error content of the protocol's `error` message and failed `execute_reply`. */
interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** How a cell ended. */
type CellOutcome = { status: "ok"; hasValue: boolean; value?: unknown } | { status: "error"; error: ErrorContent };

const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";
const RED = "\u001b[0;31m";
const RESET = "\u001b[0m";

/** Stack frames kept per error. */
const STACK_FRAMES = 60;

/** tslab's message when an asynchronous cell is abandoned by `executor.interrupt()`. */
const TSLAB_INTERRUPTED = "Interrupted asynchronously";
const SIGINT_INTERRUPTED = /Script execution was interrupted by `SIGINT`/;

/** Stack frames of the kernel itself, of tslab and of Node internals say nothing about the cell. */
function isInternalFrame(line: string): boolean {
  return (
    /\((node:|internal\/)/.test(line) ||
    /at (node:|internal\/)/.test(line) ||
    /[\\/]tslab[\\/]dist[\\/]/.test(line) ||
    line.includes(__dirname) ||
    // A cell's frame that maps to no line of it: tslab's wrapper around the cell.
    isCellScript(line)
  );
}

/**
 * The protocol's error content for a thrown value; `locate` finds the cell
 * lines of its stack frames (see `traceback.ts`).
 *
 * @example
 * errorContent(new TypeError("x is not a function"));
 * // → { ename: "TypeError", evalue: "x is not a function", traceback: ["\u001b[0;31mTypeError\u001b[0m: x is not a function", …] }
 */
export function errorContent(thrown: unknown, locate: Locate = () => undefined): ErrorContent {
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
      .filter((line) => /^\s+at /.test(line));
    return { ename, evalue, traceback: [headline(ename, evalue), ...traceback(frames, locate, isInternalFrame)] };
  }
  const evalue = format("%o", thrown);
  return { ename: "Uncaught", evalue, traceback: [`${RED}Uncaught${RESET} ${evalue}`] };
}

function compileError(lines: string[]): ErrorContent {
  const evalue = lines.length === 1 ? lines[0] : `${lines.length} errors; first: ${lines[0]}`;
  return { ename: "CompileError", evalue, traceback: [`${RED}CompileError${RESET}: TypeScript reported:`, ...lines] };
}

/**
 * tslab's converter, with the session's declarations kept here instead of in
 * the executor (which keeps them only when a whole cell ran): after a runtime
 * error, the declarations of the statements that ran are kept too. Each
 * compiled cell is recorded in `cells` for tracebacks.
 *
 * Cells are compiled on the compiler thread before the executor runs them
 * ({@link SessionConverter.precompiled}); the converter on this thread is
 * made only for completion and inspection (and for a cell that was not
 * compiled ahead), and is given the `//@module` cells when it is.
 */
class SessionConverter implements Converter {
  /** The declarations later cells are checked against (tslab's `prevDecl`). */
  declarations = "";
  /** The last conversion of the cell running now. */
  last?: ConvertResult;
  /** The compiled form of the cell about to run, from the compiler thread. */
  precompiled?: { declarations: string; source: string; result: ConvertResult };
  /** The diagnostics of the `//@module` cell about to run, from the compiler thread. */
  moduleDiagnostics?: { name: string; content: string; diagnostics: Diagnostic[] };
  private cell = { label: "cell", source: "" };
  private innerConverter?: Converter;
  private readonly modules: Array<{ name: string; content: string; meta?: CodeMetadata }> = [];

  constructor(private readonly cells: CompiledCells) {}

  /** Name the cell about to run (its label in tracebacks and its source as typed). */
  prepare(label: string, source: string): void {
    this.cell = { label, source };
    this.last = undefined;
    this.precompiled = undefined;
    this.moduleDiagnostics = undefined;
  }

  convert(_prevDecl: string, src: string): ConvertResult {
    const ahead = this.precompiled;
    this.precompiled = undefined;
    const result =
      ahead && ahead.source === src && ahead.declarations === this.declarations
        ? ahead.result
        : this.inner.convert(this.declarations, src);
    if (result.output) result.output = this.cells.add(this.cell.label, this.cell.source, result.output);
    this.last = result;
    return result;
  }
  inspect(_prevDecl: string, src: string, position: number): TS.QuickInfo {
    return this.inner.inspect(this.declarations, src, position);
  }
  complete(_prevDecl: string, src: string, position: number): CompletionInfo {
    return this.inner.complete(this.declarations, src, position);
  }
  addModule(name: string, content: string, meta?: CodeMetadata): Diagnostic[] {
    this.modules.push({ name, content, meta });
    const ahead = this.moduleDiagnostics;
    this.moduleDiagnostics = undefined;
    if (ahead && ahead.name === name && ahead.content === content) {
      this.innerConverter?.addModule(name, content, meta);
      return ahead.diagnostics;
    }
    return this.inner.addModule(name, content, meta);
  }
  close(): void {
    this.innerConverter?.close();
  }

  /** The converter on this thread, made at its first use. */
  private get inner(): Converter {
    if (!this.innerConverter) {
      const made = tslabConverter().createConverter({ isJS: false, isBrowser: false });
      for (const { name, content, meta } of this.modules) made.addModule(name, content, meta);
      this.innerConverter = made;
    }
    return this.innerConverter;
  }
}

class Converters implements ConverterSet {
  readonly node: SessionConverter;
  private browserConverter?: Converter;
  constructor(cells: CompiledCells) {
    this.node = new SessionConverter(cells);
  }
  get browser(): Converter {
    return (this.browserConverter ??= tslabConverter().createConverter({ isJS: false, isBrowser: true }));
  }
  close(): void {
    this.node.close();
    this.browserConverter?.close();
  }
}

interface TslabGlobal {
  __tslab__?: { exports: Record<string, unknown>; require: NodeJS.Require };
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
  private readonly cells = new CompiledCells();
  private readonly converters = new Converters(this.cells);
  private readonly compiler = new CompilerThread();
  private names?: NameRecorder;
  private readonly sources = new UserSources();
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
    this.hookExports();
    installMagics({ locals: () => this.executor.locals, write: (text) => process.stdout.write(text) });
    // A tfjs error's stack starts with a dozen of tfjs's frames: keep enough to reach the cell's.
    Error.stackTraceLimit = Math.max(Error.stackTraceLimit, STACK_FRAMES);
  }

  /** Start the compiler thread and load TypeScript there (about a second) before the first cell. */
  warm(): void {
    this.compiler.warm();
  }

  /**
   * Run a cell; never throws. `label` names the cell in tracebacks (e.g. `In [3]`).
   */
  async run(code: string, label = "cell"): Promise<CellOutcome> {
    this.lastValue = { has: false };
    this.errors = [];
    this.diagnostics = [];
    watchLoadedTfjs();
    const converter = this.converters.node;
    converter.prepare(label, code);
    const locate: Locate = (file, line, column) => this.cells.locate(file, line, column);
    let ok: boolean;
    let runnable: string;
    try {
      runnable = readCell(code).runnable();
    } catch (e) {
      if (e instanceof UsageError)
        return { status: "error", error: { ...errorContent(e), traceback: [headline(e.name, e.message)] } };
      throw e;
    }
    try {
      await this.compileAhead(converter, runnable);
    } catch (e) {
      if (e instanceof InterruptError)
        return { status: "error", error: { ...errorContent(e), traceback: [headline(e.name, e.message)] } };
      // The compiler thread failed: the cell is compiled on this thread instead.
      this.warn(`tslab-dl: ${(e as Error).message}; compiling the cell on the kernel's thread\n`);
    }
    this.names?.begin();
    try {
      ok = await this.executor.execute(runnable);
    } catch (e) {
      this.names?.end();
      return { status: "error", error: errorContent(e, locate) };
    }
    this.names?.end();
    if (!ok) {
      if (this.errors.length > 0) {
        this.keepNamesThatRan(converter, label, code);
        return { status: "error", error: errorContent(this.errors[0], locate) };
      }
      return {
        status: "error",
        error: compileError(this.diagnostics.length ? this.diagnostics : ["the cell failed to compile"]),
      };
    }
    if (converter.last) converter.declarations = converter.last.declOutput ?? "";
    this.sources.record(label, code);
    if (this.diagnostics.length > 0) this.warn(this.diagnostics.join("\n") + "\n");
    return this.lastValue.has
      ? { status: "ok", hasValue: true, value: this.lastValue.value }
      : { status: "ok", hasValue: false };
  }

  /**
   * Compile the cell on the compiler thread, so that the kernel keeps answering
   * meanwhile; the executor then takes the result from `converter`. Browser cells
   * are left to tslab (which does not compile them).
   */
  private async compileAhead(converter: SessionConverter, runnable: string): Promise<void> {
    const meta = tslabMetadata().getCodeMetadata(runnable);
    if (meta.mode === "browser") return;
    if (meta.module) {
      const diagnostics = await this.compiler.addModule(meta.module, runnable, meta);
      converter.moduleDiagnostics = { name: meta.module, content: runnable, diagnostics };
      return;
    }
    const declarations = converter.declarations;
    const result = await this.compiler.convert(declarations, runnable);
    converter.precompiled = { declarations, source: runnable, result };
  }

  /** After a runtime error: the names whose statements ran stay defined, with their types. */
  private keepNamesThatRan(converter: SessionConverter, label: string, code: string): void {
    const last = converter.last;
    if (!this.names || !last?.output || last.declOutput === undefined) return;
    const declared = declaredNames(last.output);
    const committed = this.names.rollBack(declared);
    this.sources.record(label, code, committed);
    converter.declarations = survivingDeclarations(
      typescript(),
      converter.declarations,
      last.declOutput,
      committed,
      declared,
    );
  }

  /**
   * The source of a name (`name??`): the statement of the cell that declared
   * it, else the source of its value (see `source-lookup.ts`).
   *
   * @example
   * await runner.run("function area(r: number) { return Math.PI * r * r; }", "In [1]");
   * await runner.sourceOf("area"); // → "Source (In [1]):\nfunction area(r: number) { … }"
   */
  async sourceOf(target: string): Promise<string> {
    const declared = this.sources.get(target);
    if (declared) return `Source (${declared.label}):\n${declared.text}`;
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(target)) {
      return `?? shows the source of a name or a dotted path such as tf.layers.dense; ${JSON.stringify(target)} is neither.`;
    }
    const outcome = await this.run(target, "??");
    if (outcome.status === "error") return `${target}: ${outcome.error.ename}: ${outcome.error.evalue}`;
    return sourceOfValue(outcome.hasValue ? outcome.value : undefined, target);
  }

  /** Stop the running cell's compile, or stop waiting for its asynchronous work. */
  interrupt(): void {
    if (!this.compiler.interrupt()) this.executor.interrupt();
  }

  /** Release the TypeScript watchers and the compiler thread. */
  close(): void {
    this.compiler.close();
    this.executor.close();
  }

  /** Cells write their names through a recorder, so that a runtime error knows which statements ran. */
  private hookExports(): void {
    const slot = (globalThis as TslabGlobal).__tslab__;
    if (!slot) return;
    this.names = new NameRecorder(slot.exports);
    slot.exports = this.names.exports;
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
