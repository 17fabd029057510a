/**
 * Where a line of compiled cell code came from.
 *
 * tslab compiles a cell in two steps (TypeScript → ES module → CommonJS); the
 * light builder makes each step append an inline source map. {@link CompiledCells}
 * takes them off the compiled code, names the code's script (`//# sourceURL`)
 * so that stack frames say which cell they are in, and maps a frame's line back
 * through both maps to the line the user typed.
 */

const MAP_COMMENT =
  /\n\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)[ \t]*(?=\n|$)/g;
const SCRIPT_PREFIX = "tslab-dl-cell-";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Whether a stack frame line is in a compiled cell's script.
 *
 * @example
 * isCellScript("    at tslab-dl-cell-3.js:11:3"); // → true
 */
export function isCellScript(frame: string): boolean {
  return new RegExp(`[ (]${SCRIPT_PREFIX}\\d+\\.js:`).test(frame);
}

/** One mapping: generated column → original line and column (all 0-based). */
type Segment = [generatedColumn: number, line: number, column: number];

/** A decoded source map: the segments of each generated line, in column order. */
type LineSegments = Segment[][];

/** A position (0-based line and column). */
interface Position {
  line: number;
  column: number;
}

/** Decode the `mappings` of a version 3 source map (one source). */
export function decodeMappings(mappings: string): LineSegments {
  const lines: LineSegments = [];
  let line = 0;
  let column = 0;
  for (const text of mappings.split(";")) {
    const segments: Segment[] = [];
    let generated = 0;
    for (const segment of text.split(",")) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      generated += fields[0];
      if (fields.length < 4) continue;
      line += fields[2];
      column += fields[3];
      segments.push([generated, line, column]);
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function lookup(map: LineSegments, at: Position): Position | undefined {
  const segments = map[at.line];
  if (!segments || segments.length === 0) return undefined;
  let found = segments[0];
  for (const segment of segments) if (segment[0] <= at.column) found = segment;
  return { line: found[1], column: found[2] };
}

function parseMap(base64: string): LineSegments | undefined {
  try {
    const map = JSON.parse(Buffer.from(base64, "base64").toString("utf8")) as { mappings?: unknown };
    return typeof map.mappings === "string" ? decodeMappings(map.mappings) : undefined;
  } catch {
    return undefined;
  }
}

/** A cell's line where a stack frame points. */
export interface CellLocation {
  /** How the kernel names the cell, e.g. `In [3]`. */
  label: string;
  /** The cell as the user typed it. */
  source: string;
  /** 1-based line in `source`. */
  line: number;
  /** 1-based column in that line. */
  column: number;
}

interface CellEntry {
  label: string;
  source: string;
  maps: string[];
  decoded?: LineSegments[];
}

/**
 * The compiled cells of a session, by script name.
 *
 * @example
 * const cells = new CompiledCells();
 * const runnable = cells.add("In [1]", "throw new Error()", tslabOutput);
 * // a frame "at tslab-dl-cell-1.js:27:7" of that code:
 * cells.locate("tslab-dl-cell-1.js", 27, 7); // → { label: "In [1]", line: 1, column: 1, … }
 */
export class CompiledCells {
  private readonly entries = new Map<string, CellEntry>();
  private count = 0;

  /**
   * Record a compiled cell: returns its code without the source maps, named
   * for stack frames. `label` names the cell in tracebacks.
   */
  add(label: string, source: string, output: string): string {
    const maps: string[] = [];
    const code = output.replace(MAP_COMMENT, (_, base64: string) => {
      maps.push(base64);
      return "";
    });
    const name = `${SCRIPT_PREFIX}${++this.count}.js`;
    this.entries.set(name, { label, source, maps });
    return `${code}\n//# sourceURL=${name}`;
  }

  /** The cell line of a stack frame's `file:line:column` (1-based), or `undefined` when it is not a cell's. */
  locate(file: string, line: number, column: number): CellLocation | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    entry.decoded ??= entry.maps.map(parseMap).filter((m): m is LineSegments => m !== undefined);
    // Two maps: CommonJS → ES module (the last comment), then ES module → the cell.
    if (entry.decoded.length !== 2) return undefined;
    const [toCell, toModule] = entry.decoded;
    const inModule = lookup(toModule, { line: line - 1, column: column - 1 });
    const inCell = inModule && lookup(toCell, inModule);
    // Line 0 of the compiled file is tslab's "export {};" prefix: file line n is cell line n.
    if (!inCell || inCell.line < 1) return undefined;
    return { label: entry.label, source: entry.source, line: inCell.line, column: inCell.column + 1 };
  }
}
