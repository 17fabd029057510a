/**
 * A cell read once. Its shell lines (`!ls`) and magic lines (`%time …`) are
 * found in one scan of TypeScript's scanner, and the texts the kernel's
 * requests need are made from that one reading:
 * - {@link CellText.blanked}: shell lines blanked to spaces, every offset kept
 *   (completion, inspection, `is_complete`, the `??` source lookup);
 * - {@link CellText.runnable}: magics and shell lines rewritten as calls of the
 *   kernel's hooks, every line number kept (what compiles and runs).
 *
 * The last few cells read are kept, so the `execute_request`, `complete_request`
 * and `inspect_request` of one cell's text share one reading.
 */
import {
  UsageError,
  cellMagicCall,
  confirmMagics,
  lineMagicCall,
  magicCandidates,
  magicProbe,
  padMagic,
  type MagicLine,
} from "./magics";
import { findShellLines, shellStatement, type ShellLine } from "./shell-lines";

/** A cell's texts, from one reading. */
interface CellText {
  /** The cell as typed. */
  readonly code: string;
  /** The cell with its shell lines blanked to spaces (same offsets). */
  readonly blanked: string;
  /** Its magic lines. */
  readonly magics: readonly MagicLine[];
  /** What compiles and runs; throws {@link UsageError} for an unknown or misused magic. */
  runnable(): string;
}

/** Cells kept, most recent last. */
const KEPT_CELLS = 8;
/** Longer cells are read each time rather than kept. */
const KEPT_CHARS = 1 << 20;
const kept = new Map<string, CellText>();

/**
 * Read a cell (or take its reading from the last few cells).
 *
 * @example
 * const cell = readCell("!ls\n%time 6 * 7");
 * cell.blanked;    // → "   \n%time 6 * 7"
 * cell.runnable(); // → 'await Promise.resolve(…"ls"…);\n(globalThis as any)[…].timeStart(); …'
 */
export function readCell(code: string): CellText {
  const hit = kept.get(code);
  if (hit) {
    kept.delete(code);
    kept.set(code, hit);
    return hit;
  }
  const text = read(code);
  if (code.length <= KEPT_CHARS) {
    kept.set(code, text);
    if (kept.size > KEPT_CELLS) kept.delete(kept.keys().next().value as string);
  }
  return text;
}

function read(code: string): CellText {
  const candidates = magicCandidates(code);
  const scanned = findShellLines(magicProbe(code, candidates));
  let magics: MagicLine[] = [];
  let shell = scanned;
  if (candidates.length > 0) {
    const starts = new Set(scanned.map((line) => line.start));
    const candidateStarts = new Set(candidates.map((c) => c.start));
    shell = scanned.filter((line) => !candidateStarts.has(line.start));
    // Whether TypeScript reads a candidate as code is asked of the cell without its shell lines.
    magics = confirmMagics(blank(code, shell), candidates, starts);
    const magicStarts = new Set(magics.map((m) => m.start));
    // A `%` line TypeScript reads as code (a modulo continuing the line before) is not a
    // statement start after all: only then is the cell scanned a second time, as code.
    if (candidates.some((c) => starts.has(c.start) && !magicStarts.has(c.start)))
      shell = findShellLines(magics.reduce(padMagic, code));
  }
  const blanked = blank(code, shell);
  let runnable: { ok: true; text: string } | { ok: false; error: unknown } | undefined;
  return {
    code,
    blanked,
    magics,
    runnable() {
      if (!runnable) {
        try {
          runnable = { ok: true, text: rewrite(code, shell, magics) };
        } catch (e) {
          runnable = { ok: false, error: e };
        }
      }
      if (!runnable.ok) throw runnable.error;
      return runnable.text;
    },
  };
}

function blank(code: string, shell: ShellLine[]): string {
  return splice(
    code,
    shell.map((line) => ({ start: line.start, end: line.end, text: " ".repeat(line.end - line.start) })),
  );
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function splice(code: string, edits: Edit[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(code.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(code.slice(at));
  return parts.join("");
}

/** The cell with magics and shell lines rewritten, in one pass over the lines found. */
function rewrite(code: string, shell: ShellLine[], magics: MagicLine[]): string {
  const cellMagic = magics.find((m) => m.cell);
  if (cellMagic && code.slice(0, cellMagic.start).trim() !== "")
    throw new UsageError(`the cell magic %%${cellMagic.name} must be on the cell's first line`);
  const from = cellMagic ? cellMagic.end : 0;
  type Rewrite = Edit & { shell: boolean };
  const edits: Rewrite[] = [
    ...shell.map((l) => ({ start: l.start, end: l.end, text: shellStatement(l.command), shell: true })),
    ...magics.filter((m) => !m.cell).map((m) => ({ start: m.start, end: m.end, text: lineMagicCall(m), shell: false })),
  ]
    .filter((edit) => edit.start >= from)
    .sort((a, b) => a.start - b.start);
  const body: string[] = [];
  const parsed: string[] = [];
  /** Where `parsed` and `body` part: each shell line's end in `parsed`, and how much longer `body` is from there. */
  const shifts: Array<{ at: number; by: number }> = [];
  let parsedLength = 0;
  let at = from;
  for (const edit of edits) {
    const kept = code.slice(at, edit.start);
    body.push(kept, edit.text);
    const blank = edit.shell ? " ".repeat(edit.end - edit.start) : edit.text;
    parsed.push(kept, blank);
    parsedLength += kept.length + blank.length;
    if (edit.shell) shifts.push({ at: parsedLength, by: edit.text.length - blank.length });
    at = edit.end;
  }
  body.push(code.slice(at));
  parsed.push(code.slice(at));
  if (!cellMagic) return body.join("");
  const toBody = (offset: number): number =>
    shifts.reduce((moved, shift) => (shift.at <= offset ? moved + shift.by : moved), offset);
  const parts = cellMagicCall(cellMagic, { body: body.join(""), parsed: parsed.join(""), toBody });
  return code.slice(0, cellMagic.start) + parts.head.padEnd(cellMagic.end - cellMagic.start) + parts.body + parts.tail;
}
