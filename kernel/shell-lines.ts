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
import { StringDecoder } from "node:string_decoder";

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

const OPERAND_EXPECTED = new Set("=+-*/%&|^<>?:,~!.");
const REGEX_AFTER = new Set("(,=:[!&|?{};+-*%<>~^");
const REGEX_AFTER_WORDS = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
  "instanceof",
]);

/**
 * Find the shell lines of a cell.
 *
 * @example
 * findShellLines("!ls -al *.h5\nconst ok = a != b;");
 * // → [{ start: 0, end: 12, command: "ls -al *.h5" }]
 */
export function findShellLines(code: string): ShellLine[] {
  const found: ShellLine[] = [];
  type Mode = "code" | "line-comment" | "block-comment" | "'" | '"' | "template" | "regex";
  let mode: Mode = "code";
  /** Open `(`, `[`, `{` and `${` (template expression) in code. */
  const stack: string[] = [];
  /** The last significant code characters (for regex and continuation decisions). */
  let last = "";
  let lastWord = "";
  let inClass = false;
  let lineStart = true;
  const n = code.length;
  for (let i = 0; i < n; i++) {
    if (lineStart && mode === "code") {
      lineStart = false;
      let j = i;
      while (j < n && (code[j] === " " || code[j] === "\t")) j++;
      if (code[j] === "!" && code[j + 1] !== "=" && canStartStatement(stack, last)) {
        let end = code.indexOf("\n", j);
        if (end < 0) end = n;
        const lineEnd = code[end - 1] === "\r" ? end - 1 : end;
        found.push({ start: i, end: lineEnd, command: code.slice(j + 1, lineEnd).trim() });
        last = ";";
        lastWord = "";
        i = end - 1;
        continue;
      }
    }
    const c = code[i];
    if (c === "\n") {
      lineStart = true;
      if (mode === "line-comment" || mode === "'" || mode === '"' || mode === "regex") mode = "code";
      continue;
    }
    switch (mode) {
      case "line-comment":
        break;
      case "block-comment":
        if (c === "*" && code[i + 1] === "/") {
          mode = "code";
          i++;
        }
        break;
      case "'":
      case '"':
        if (c === "\\") i++;
        else if (c === mode) {
          mode = "code";
          last = c;
        }
        break;
      case "template":
        if (c === "\\") i++;
        else if (c === "`") {
          mode = "code";
          last = "`";
        } else if (c === "$" && code[i + 1] === "{") {
          stack.push("${");
          mode = "code";
          last = "{";
          i++;
        }
        break;
      case "regex":
        if (c === "\\") i++;
        else if (c === "[") inClass = true;
        else if (c === "]") inClass = false;
        else if (c === "/" && !inClass) {
          mode = "code";
          last = "/x";
        }
        break;
      case "code":
        if (c === " " || c === "\t" || c === "\r") break;
        if (c === "/" && code[i + 1] === "/") {
          mode = "line-comment";
          i++;
          break;
        }
        if (c === "/" && code[i + 1] === "*") {
          mode = "block-comment";
          i++;
          break;
        }
        if (c === "/" && (last === "" || REGEX_AFTER.has(last[last.length - 1]) || REGEX_AFTER_WORDS.has(lastWord))) {
          mode = "regex";
          inClass = false;
          break;
        }
        if (c === "'" || c === '"') {
          mode = c;
          break;
        }
        if (c === "`") {
          mode = "template";
          break;
        }
        if (c === "(" || c === "[" || c === "{") stack.push(c);
        else if (c === ")" || c === "]" || c === "}") {
          const open = stack.pop();
          if (open === "${") {
            mode = "template";
            break;
          }
        }
        if (/[A-Za-z0-9_$]/.test(c)) {
          lastWord = /[A-Za-z0-9_$]/.test(last[last.length - 1] ?? "") ? lastWord + c : c;
        } else {
          lastWord = "";
        }
        last = (last + c).slice(-2);
        break;
    }
  }
  return found;
}

function canStartStatement(stack: string[], last: string): boolean {
  if (stack.some((open) => open !== "{")) return false;
  if (last === "++" || last === "--") return true;
  // "/x" marks the end of a regex literal: a complete operand.
  if (last === "/x") return true;
  return !OPERAND_EXPECTED.has(last[last.length - 1] ?? "");
}

/**
 * Replace each shell line with `replace(command)`, keeping every other
 * character (and so every line number) in place.
 *
 * @example
 * rewriteShellLines("!pwd\n1", (cmd) => `await run(${JSON.stringify(cmd)});`);
 * // → 'await run("pwd");\n1'
 */
export function rewriteShellLines(code: string, replace: (command: string) => string): string {
  let out = "";
  let at = 0;
  for (const line of findShellLines(code)) {
    out += code.slice(at, line.start) + replace(line.command);
    at = line.end;
  }
  return out + code.slice(at);
}

/** The statement a shell line becomes in the compiled cell. */
export function shellStatement(command: string): string {
  // Not "await (…)": where await is not allowed TypeScript reads that as a call to a function named await.
  return `await Promise.resolve((globalThis as any)[Symbol.for("tslab-dl.shell")](${JSON.stringify(command)}));`;
}

/** The cell with its shell lines blanked to spaces: same offsets, for completion and inspection. */
export function blankShellLines(code: string): string {
  let out = "";
  let at = 0;
  for (const line of findShellLines(code)) {
    out += code.slice(at, line.start) + " ".repeat(line.end - line.start);
    at = line.end;
  }
  return out + code.slice(at);
}

/** Options of {@link runShellCommand}. */
export interface RunOptions {
  /** Working directory; default `process.cwd()`. */
  cwd?: string;
  /** Receives the command's output (stdout and stderr, in arrival order). */
  write: (text: string) => void;
  /** Called with the child process once started (to interrupt it). */
  started?: (child: ChildProcess) => void;
}

/** How a shell command ended. */
export interface ShellResult {
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
