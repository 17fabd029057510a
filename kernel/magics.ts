/**
 * Magics, as in IPython: a line `%name args` (a line magic) or a first line
 * `%%name args` (a cell magic). The line becomes a call of the kernel's magic
 * hook (`magic-commands.ts`), on the same line, so every line number of the
 * cell stays where it was.
 *
 * A line is a magic only where it cannot be TypeScript: its first non-blank
 * characters are `%name` or `%%name`, it starts a statement in the sense of
 * shell lines (outside strings, comments, brackets, not after an operator),
 * and TypeScript cannot read it as the continuation of the line before (a
 * modulo `a\n%b` is TypeScript and left alone; put `;` at the end of the line
 * before a magic to make it one).
 *
 * This module knows what each magic becomes; `cell-text.ts` reads a cell once
 * and puts the pieces together with its shell lines.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { tslabTypeScript as typescript } from "./tslab-internals";

/** The global hook a rewritten magic line calls. */
export const MAGIC_HOOK: unique symbol = Symbol.for("tslab-dl.magic") as never;

/** Line magics (`%name`) and what they do, for the error on an unknown one. */
const LINE_MAGICS: { [name: string]: string } = {
  env: "list, get or set environment variables",
  time: "time one statement",
  timeit: "time one statement, repeated",
  who: "list the session's names",
  xmode: "traceback mode: Context or Verbose",
};
/** Cell magics (`%%name` on the first line). */
const CELL_MAGICS: { [name: string]: string } = {
  time: "time the cell",
  timeit: "time the cell, repeated",
};

/** Raised for a magic that does not exist or is misused (IPython's UsageError). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A magic line found in a cell. */
export interface MagicLine {
  /** Offsets of the line's first character and just past its last. */
  start: number;
  end: number;
  /** `%%name` (cell magic) rather than `%name`. */
  cell: boolean;
  name: string;
  /** The rest of the line, trimmed. */
  args: string;
}

const CANDIDATE = /^([ \t]*)(%%?)([A-Za-z_]\w*)(.*)$/;

/** A line that looks like a magic; `percent` is the offset of its first `%`. */
type MagicCandidate = MagicLine & { percent: number };

function parseErrors(ts: typeof TS, code: string): Array<{ start: number }> {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return (file as unknown as { parseDiagnostics?: Array<{ start: number }> }).parseDiagnostics ?? [];
}

/** The lines that look like magics (`%name …` or `%%name …` first on the line). */
export function magicCandidates(code: string): MagicCandidate[] {
  const candidates: MagicCandidate[] = [];
  let offset = 0;
  for (const line of code.split("\n")) {
    const m = CANDIDATE.exec(line.replace(/\r$/, ""));
    if (m) {
      const end = offset + m[0].length;
      const percent = offset + m[1].length;
      candidates.push({ start: offset, end, percent, cell: m[2] === "%%", name: m[3], args: m[4].trim() });
    }
    offset += line.length + 1;
  }
  return candidates;
}

/**
 * The cell with each candidate's `%` made a `!`: where a shell line would start,
 * a magic starts a statement, so one shell-line scan of this text finds both.
 */
export function magicProbe(code: string, candidates: MagicCandidate[]): string {
  if (candidates.length === 0) return code;
  const parts: string[] = [];
  let at = 0;
  for (const c of candidates) {
    parts.push(code.slice(at, c.percent), "!");
    at = c.percent + 1;
  }
  parts.push(code.slice(at));
  return parts.join("");
}

/**
 * The candidates that are magics: those that start a statement (`statementStarts`,
 * from the scan of {@link magicProbe}) and that TypeScript cannot read as code
 * (`code` is the cell with its shell lines blanked).
 */
export function confirmMagics(code: string, candidates: MagicCandidate[], statementStarts: Set<number>): MagicLine[] {
  const ts = typescript();
  const found: MagicLine[] = [];
  let text = code;
  for (const c of candidates) {
    if (!statementStarts.has(c.start)) continue;
    const errors = parseErrors(ts, text).filter((e) => e.start >= c.start && e.start <= c.end);
    if (errors.length === 0) continue; // TypeScript reads it: a continued expression such as a modulo
    found.push({ start: c.start, end: c.end, cell: c.cell, name: c.name, args: c.args });
    text = padMagic(text, c);
  }
  return found;
}

/** `code` with a magic line made an empty statement of the same length. */
export function padMagic(code: string, magic: MagicLine): string {
  return code.slice(0, magic.start) + ";".padEnd(magic.end - magic.start) + code.slice(magic.end);
}

const HOOK = `(globalThis as any)[Symbol.for("tslab-dl.magic")]`;

function isExpression(ts: typeof TS, statement: string): boolean {
  const file = ts.createSourceFile("s.ts", statement, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return file.statements.length === 1 && ts.isExpressionStatement(file.statements[0]);
}

/** Options `-n N -r R` of `%timeit`, and the statement after them. */
function timeitArgs(args: string): { options: string; statement: string } {
  const options: { number?: number; repeat?: number } = {};
  let rest = args;
  for (let m = /^-([nr])\s*(\d+)\s*/.exec(rest); m; m = /^-([nr])\s*(\d+)\s*/.exec(rest)) {
    options[m[1] === "n" ? "number" : "repeat"] = Number(m[2]);
    rest = rest.slice(m[0].length);
  }
  if (/^-/.test(rest)) throw new UsageError(`%timeit takes the options -n N and -r R, found ${JSON.stringify(args)}`);
  return { options: JSON.stringify(options), statement: rest };
}

/** The opening and closing of a `%timeit` call around the timed code. */
function timeitCall(options: string, timed: string): { open: string; close: string } {
  // Not "await (…)": where await is not allowed TypeScript reads that as a call to a function named await.
  return /\bawait\b/.test(timed)
    ? { open: `await Promise.resolve(${HOOK}.timeit(${options}, async () => {`, close: "}));" }
    : { open: `${HOOK}.timeit(${options}, () => {`, close: "});" };
}

/** A magic's statement without a trailing comment or `;` (code follows it on the rewritten line). */
function statementOf(ts: typeof TS, args: string): string {
  const file = ts.createSourceFile("s.ts", args, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const last = file.statements[file.statements.length - 1];
  return (last ? args.slice(0, last.end) : "").trim().replace(/;$/, "");
}

/**
 * The statement a line magic becomes, on one line. Throws {@link UsageError}
 * for an unknown or misused one.
 *
 * @example
 * lineMagicCall({ start: 0, end: 4, cell: false, name: "who", args: "" });
 * // → '(globalThis as any)[Symbol.for("tslab-dl.magic")].line("who", "");'
 */
export function lineMagicCall(magic: MagicLine): string {
  if (!Object.hasOwn(LINE_MAGICS, magic.name)) throw unknown(magic);
  const ts = typescript();
  switch (magic.name) {
    case "time": {
      const statement = statementOf(ts, magic.args);
      if (!statement) throw new UsageError("%time needs a statement: %time const y = f(x)");
      return isExpression(ts, statement)
        ? `${HOOK}.timeStart(); ${HOOK}.timeEnd((${statement}));`
        : `${HOOK}.timeStart(); ${statement}; ${HOOK}.timeEnd();`;
    }
    case "timeit": {
      const { options, statement: rest } = timeitArgs(magic.args);
      const timed = statementOf(ts, rest);
      if (!timed) throw new UsageError("%timeit needs a statement: %timeit f(x)");
      const call = timeitCall(options, timed);
      return `${call.open} ${timed}; ${call.close}`;
    }
    default:
      return `${HOOK}.line(${JSON.stringify(magic.name)}, ${JSON.stringify(magic.args)});`;
  }
}

/** The body of a cell magic's cell, rewritten, and the same body with its shell lines blanked for parsing. */
interface CellMagicBody {
  /** What runs: line magics and shell lines rewritten. */
  body: string;
  /** Line magics rewritten, shell lines blanked: what the parser reads. */
  parsed: string;
  /** An offset of `parsed` as an offset of `body`. */
  toBody: (offset: number) => number;
}

/**
 * What a cell magic (`%%time`, `%%timeit` on the first line) wraps around its
 * cell's body. Throws {@link UsageError} for an unknown or misused one.
 */
export function cellMagicCall(magic: MagicLine, cell: CellMagicBody): { head: string; tail: string; body: string } {
  if (!Object.hasOwn(CELL_MAGICS, magic.name)) throw unknown(magic);
  const ts = typescript();
  const body = cell.body;
  if (magic.name === "timeit") {
    const { options, statement } = timeitArgs(magic.args);
    if (statement)
      throw new UsageError(`%%timeit takes only -n and -r on its line, found ${JSON.stringify(statement)}`);
    const call = timeitCall(options, body);
    return { head: call.open, tail: `\n${call.close}`, body };
  }
  if (magic.args) throw new UsageError(`%%time takes nothing on its line, found ${JSON.stringify(magic.args)}`);
  // The cell's value stays its value: the last expression statement is wrapped.
  const file = ts.createSourceFile("cell.ts", cell.parsed, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const last = file.statements[file.statements.length - 1];
  if (!last || !ts.isExpressionStatement(last))
    return { head: `${HOOK}.timeStart();`, tail: `\n${HOOK}.timeEnd();`, body };
  const from = cell.toBody(last.expression.getStart(file));
  const to = cell.toBody(last.expression.end);
  const wrapped = `${body.slice(0, from)}${HOOK}.timeEnd((${body.slice(from, to)}))${body.slice(to)}`;
  return { head: `${HOOK}.timeStart();`, tail: "", body: wrapped };
}

function unknown(magic: MagicLine): UsageError {
  const list = (names: object, prefix: string) =>
    Object.entries(names)
      .map(([name, what]) => `${prefix}${name} (${what})`)
      .join(", ");
  const kind = magic.cell ? "Cell" : "Line";
  return new UsageError(
    `${kind} magic function \`${magic.cell ? "%%" : "%"}${magic.name}\` not found. ` +
      `Line magics: ${list(LINE_MAGICS, "%")}. Cell magics: ${list(CELL_MAGICS, "%%")}.`,
  );
}
