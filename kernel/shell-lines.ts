/**
 * Shell lines, as in IPython: a cell line whose first non-blank character is
 * `!` runs the rest of the line as a shell command.
 *
 * The rule, exactly:
 * - the line's first non-blank character is `!` and the next one is not `=`
 *   (so a continued `!==` / `!=` comparison is left alone);
 * - the line starts outside any string, template literal, comment, regular
 *   expression, parenthesis or bracket, and does not continue an expression
 *   (the previous line does not end with an operator such as `&&`, `=` or `,`).
 *
 * Everything else, e.g. `!x`, `a != b`, `if (!done)`, is TypeScript and untouched.
 * The command runs with `/bin/sh` (`cmd.exe` on Windows) in the kernel's
 * working directory (the notebook's folder), with the kernel's environment:
 * there is no `{var}` interpolation, but `process.env.NAME = "…"` in a cell
 * makes `$NAME` available. A shell line is a statement of the cell's top level
 * (it may sit in a loop or block, not inside a function).
 */
import { ChildProcess, spawn } from "node:child_process";
import type * as TS from "@tslab/typescript-for-tslab";
import { StringDecoder } from "node:string_decoder";
import { tslabTypeScript } from "./tslab-internals";

/** A shell line found in a cell. */
export interface ShellLine {
  /** Offset of the line's first character. */
  start: number;
  /** Offset just past the line's last character (before its newline). */
  end: number;
  /** The command: the text after `!`, trimmed. */
  command: string;
}

/** The global hook a rewritten shell line calls. */
export const SHELL_HOOK: unique symbol = Symbol.for("tslab-dl.shell") as never;

/** TypeScript's scanner, from the TypeScript tslab compiles cells with: the same tokens the compiler will see. */
let tsModule: typeof TS | undefined;
function typescript(): typeof TS {
  tsModule ??= tslabTypeScript();
  return tsModule;
}

/** What the previous token leaves the scanner expecting: an operand (so `/` starts a regex) or an operator. */
type After = "operand" | "operator";

/** An open bracket: `(` notes whether it holds an `if`/`while`/`for`/`with` condition; `{` whether it is a block. */
type Open = "(" | "(head" | "[" | "{block" | "{object" | "${";

/**
 * Find the shell lines of a cell.
 *
 * The cell is read with TypeScript's own scanner, which leaves to its parser
 * the one question it cannot answer alone: whether a `/` divides or starts a
 * regular expression, and whether a `}` ends a template's `${…}`. Both are
 * decided here from the previous token, as the grammar does: after an operand
 * (`x`, `counts.new`, `i++`, `)` of a call, `}` of an object) a `/` divides;
 * after an operator, a keyword such as `return`, or the `)` of `if (…)`, it
 * starts a regex.
 *
 * @example
 * findShellLines("!ls -al *.h5\nconst ok = a != b;");
 * // → [{ start: 0, end: 12, command: "ls -al *.h5" }]
 */
export function findShellLines(code: string): ShellLine[] {
  const ts = typescript();
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  const found: ShellLine[] = [];
  const stack: Open[] = [];
  let after: After = "operand";
  /** Whether the previous token expects an operand to continue the expression (`&&`, `=`, `,`, `.`). */
  let continues = false;
  let prevKind: TS.SyntaxKind = K.Unknown;
  let prevPrevKind: TS.SyntaxKind = K.Unknown;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    const start = scanner.getTokenPos();
    if (
      kind === K.ExclamationToken &&
      onlyBlanksBefore(code, start) &&
      !continues &&
      stack.every((o) => o === "{block")
    ) {
      let end = code.indexOf("\n", start);
      if (end < 0) end = code.length;
      const lineEnd = code[end - 1] === "\r" ? end - 1 : end;
      const lineStart = code.lastIndexOf("\n", start - 1) + 1;
      found.push({ start: lineStart, end: lineEnd, command: code.slice(start + 1, lineEnd).trim() });
      scanner.setTextPos(end);
      after = "operand";
      continues = false;
      prevKind = prevPrevKind = K.SemicolonToken;
      continue;
    }
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && after === "operand")
      kind = scanner.reScanSlashToken();
    if (kind === K.CloseBraceToken && stack[stack.length - 1] === "${") {
      stack.pop();
      kind = scanner.reScanTemplateToken(false);
    }
    switch (kind) {
      case K.OpenParenToken:
        stack.push(isStatementHead(ts, prevKind, prevPrevKind) ? "(head" : "(");
        break;
      case K.OpenBracketToken:
        stack.push("[");
        break;
      case K.OpenBraceToken:
        stack.push(opensObject(K, prevKind) ? "{object" : "{block");
        break;
      case K.TemplateHead:
      case K.TemplateMiddle:
        stack.push("${");
        break;
    }
    const closed =
      kind === K.CloseParenToken || kind === K.CloseBracketToken || kind === K.CloseBraceToken
        ? stack.pop()
        : undefined;
    after = afterToken(ts, kind, prevKind, closed, after);
    continues = isContinuation(K, kind);
    prevPrevKind = prevKind;
    prevKind = kind;
  }
  return found;
}

function onlyBlanksBefore(code: string, at: number): boolean {
  for (let i = at - 1; i >= 0 && code[i] !== "\n"; i--) if (code[i] !== " " && code[i] !== "\t") return false;
  return true;
}

/**
 * Operators that leave an expression open (`&&`, `=`, `,`, `.`, `?`, `:`, `!`):
 * a `!` on the next line continues it. Brackets are judged by the stack;
 * `;` and postfix `++`/`--` end an operand.
 */
function isContinuation(K: typeof TS.SyntaxKind, kind: TS.SyntaxKind): boolean {
  if (kind < K.FirstPunctuation || kind > K.LastPunctuation) return false;
  const ends = [
    K.OpenBraceToken,
    K.CloseBraceToken,
    K.OpenParenToken,
    K.CloseParenToken,
    K.OpenBracketToken,
    K.CloseBracketToken,
    K.SemicolonToken,
    K.PlusPlusToken,
    K.MinusMinusToken,
    K.AtToken,
    K.HashToken,
  ];
  return !ends.includes(kind);
}

/** Whether `{` after `prev` opens an object literal (after `=`, `(`, `,`, `:`, `return` …) rather than a block. */
function opensObject(K: typeof TS.SyntaxKind, prev: TS.SyntaxKind): boolean {
  if (prev === K.EqualsGreaterThanToken) return false; // an arrow function's body
  if (prev === K.ReturnKeyword || prev === K.OpenParenToken || prev === K.OpenBracketToken) return true;
  return isContinuation(K, prev);
}

/** Whether `(` opens the condition of `if`, `while`, `for` or `with` (whose `)` is followed by a statement). */
function isStatementHead(ts: typeof TS, prev: TS.SyntaxKind, prevPrev: TS.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  const head = prev === K.IfKeyword || prev === K.WhileKeyword || prev === K.ForKeyword || prev === K.WithKeyword;
  // `for await (`
  const forAwait = prev === K.AwaitKeyword && prevPrev === K.ForKeyword;
  return head || forAwait;
}

/** Keywords that are values: a `/` after them divides. */
function isValueKeyword(K: typeof TS.SyntaxKind, kind: TS.SyntaxKind): boolean {
  return (
    kind === K.ThisKeyword ||
    kind === K.SuperKeyword ||
    kind === K.NullKeyword ||
    kind === K.TrueKeyword ||
    kind === K.FalseKeyword
  );
}

/** Contextual keywords that, like `return`, are followed by an operand. */
function takesOperand(K: typeof TS.SyntaxKind, kind: TS.SyntaxKind): boolean {
  return kind === K.OfKeyword || kind === K.AwaitKeyword || kind === K.YieldKeyword;
}

function afterToken(
  ts: typeof TS,
  kind: TS.SyntaxKind,
  prev: TS.SyntaxKind,
  closed: Open | undefined,
  before: After,
): After {
  const K = ts.SyntaxKind;
  switch (kind) {
    case K.CloseParenToken:
      return closed === "(head" ? "operand" : "operator";
    case K.CloseBracketToken:
      return "operator";
    case K.CloseBraceToken:
      return closed === "{object" ? "operator" : "operand";
    case K.PlusPlusToken:
    case K.MinusMinusToken:
      // Postfix after an operand (`i++ / 2`), prefix otherwise.
      return before === "operator" ? "operator" : "operand";
    case K.Identifier:
    case K.PrivateIdentifier:
    case K.NumericLiteral:
    case K.BigIntLiteral:
    case K.StringLiteral:
    case K.RegularExpressionLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateTail:
      return "operator";
  }
  if (kind >= K.FirstKeyword && kind <= K.LastKeyword) {
    // After `.` or `?.` a keyword is a property name (`counts.new`).
    if (prev === K.DotToken || prev === K.QuestionDotToken) return "operator";
    if (isValueKeyword(K, kind)) return "operator";
    if (kind >= K.FirstReservedWord && kind <= K.LastReservedWord) return "operand";
    return takesOperand(K, kind) ? "operand" : "operator";
  }
  return "operand";
}

/** The statement a shell line becomes in the compiled cell. */
export function shellStatement(command: string): string {
  // Not "await (…)": where await is not allowed TypeScript reads that as a call to a function named await.
  return `await Promise.resolve((globalThis as any)[Symbol.for("tslab-dl.shell")](${JSON.stringify(command)}));`;
}

/** Options of {@link runShellCommand}. */
interface RunOptions {
  /** Working directory; default `process.cwd()`. */
  cwd?: string;
  /** Receives the command's output (stdout and stderr, in arrival order). */
  write: (text: string) => void;
  /** Called with the child process once started (to interrupt it). */
  started?: (child: ChildProcess) => void;
}

/** How a shell command ended. */
interface ShellResult {
  /** Exit code; `null` when ended by a signal. */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
}

/**
 * Run one command with the system shell, streaming its output.
 *
 * @example
 * const { code } = await runShellCommand("ls -al *.h5", { write: (t) => process.stdout.write(t) });
 */
export function runShellCommand(command: string, options: RunOptions): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      cwd: options.cwd ?? process.cwd(),
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group, so an interrupt reaches the whole pipeline.
      detached: process.platform !== "win32",
    });
    options.started?.(child);
    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder("utf8");
      stream.on("data", (chunk: Buffer) => options.write(decoder.write(chunk)));
      stream.on("end", () => options.write(decoder.end()));
    }
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Interrupt a running shell command (and its pipeline) with SIGINT.
 *
 * @example
 * runShellCommand("sleep 100", { write, started: (c) => setTimeout(() => interruptShellCommand(c), 100) });
 */
export function interruptShellCommand(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (process.platform === "win32") child.kill("SIGINT");
    else process.kill(-child.pid, "SIGINT");
  } catch {
    child.kill("SIGINT");
  }
}
