/**
 * Tables: arquero tables (and any row data) as HTML tables with a row limit, and
 * as aligned text.
 */
import { registerFormatter, type MimeBundle } from "./registry";
import { xmlEscape } from "./escape";

/**
 * An arquero table (arquero's `ColumnTable`), typed with the verbs used most.
 * arquero is ESM-only, and its own types cannot be named from this CommonJS
 * package with every TypeScript version in use; the object is a real
 * `ColumnTable`, so casting to arquero's type gives the full API.
 */
export interface Table {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  objects(options?: { limit?: number; offset?: number }): Array<{ [key: string]: unknown }>;
  array(name: string): ArrayLike<unknown>;
  get(name: string, row?: number): unknown;
  print(options?: number | { limit?: number }): Table;
  toHTML(options?: { limit?: number }): string;
  toMarkdown(options?: { limit?: number }): string;
  toCSV(options?: { limit?: number }): string;
  orderby(...keys: unknown[]): Table;
  filter(predicate: unknown): Table;
  select(...columns: unknown[]): Table;
  derive(values: { [name: string]: unknown }): Table;
  slice(start?: number, end?: number): Table;
}

/** The part of the arquero module tslab-dl uses. */
interface Arquero {
  table(columns: { [name: string]: ArrayLike<unknown> }): Table;
}

let aqModule: Arquero | undefined;

/** The arquero module (ESM-only; loaded with `require`, which Node ≥ 20.19 allows for ES modules). */
export function arquero(): Arquero {
  aqModule ??= require("arquero") as Arquero;
  return aqModule;
}

/** Rows shown before the rest is summarised as "… N more rows". */
let rowLimit = 20;

/**
 * Set how many rows a table shows before the rest is hidden (default 20).
 *
 * @example
 * setTableRowLimit(50);
 */
export function setTableRowLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`setTableRowLimit: expected a positive whole number of rows, got ${limit}`);
  }
  rowLimit = limit;
}

/** The structural shape of an arquero table (copies of arquero differ, so no instanceof). */
interface TableShape {
  numRows(): number;
  columnNames(): string[];
  objects(options?: { limit?: number }): Array<{ [key: string]: unknown }>;
}

/** Whether a value is shaped like an arquero table. */
export function isTable(value: unknown): value is TableShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof TableShape, unknown>>;
  return typeof v.numRows === "function" && typeof v.columnNames === "function" && typeof v.objects === "function";
}

/** Text of one cell: numbers with at most 6 significant digits, dates as ISO. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    if (!Number.isFinite(value)) return String(value);
    return Number(value.toPrecision(6)).toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function isNumeric(rows: unknown[][], col: number): boolean {
  return rows.length > 0 && rows.every((r) => r[col] === null || r[col] === undefined || typeof r[col] === "number");
}

/**
 * An HTML table of rows (`columns` names, `rows` values), the first `limit` rows
 * shown, with a note of how many are hidden. Uses only tags and attributes the
 * notebook sanitizers keep.
 */
function tableHTML(columns: string[], rows: unknown[][], total: number, options: { caption?: string } = {}): string {
  const numeric = columns.map((_, c) => isNumeric(rows, c));
  const head = columns
    .map((c, i) => `<th style="text-align:${numeric[i] ? "right" : "left"}">${xmlEscape(c)}</th>`)
    .join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((v, i) => `<td style="text-align:${numeric[i] ? "right" : "left"}">${xmlEscape(cellText(v))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  const hidden = total - rows.length;
  const note =
    hidden > 0
      ? `\n<p class="tslab-dl-table-note"><small>… ${hidden} more row${hidden === 1 ? "" : "s"} (${total} in all)</small></p>`
      : "";
  const caption = options.caption ? `<caption>${xmlEscape(options.caption)}</caption>` : "";
  return `<table class="tslab-dl-table">${caption}\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${note}`;
}

/** Aligned text of rows, the first `limit` shown, with a note of how many are hidden. */
function tableText(columns: string[], rows: unknown[][], limit: number, total = rows.length): string {
  const shown = rows.slice(0, limit);
  const numeric = columns.map((_, c) => isNumeric(shown, c));
  const cells = shown.map((r) => r.map(cellText));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const lines = [
    columns.map(pad).join("  "),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map((r) => r.map(pad).join("  ")),
  ];
  const hidden = total - shown.length;
  if (hidden > 0) lines.push(`… ${hidden} more row${hidden === 1 ? "" : "s"} (${total} in all)`);
  return lines.map((l) => l.trimEnd()).join("\n");
}

function tableBundle(value: unknown): MimeBundle {
  const table = value as TableShape;
  const columns = table.columnNames();
  const total = table.numRows();
  const rows = table.objects({ limit: rowLimit }).map((o) => columns.map((c) => o[c]));
  return {
    "text/html": tableHTML(columns, rows, total),
    "text/plain": `Table (${total} row${total === 1 ? "" : "s"} × ${columns.length} column${columns.length === 1 ? "" : "s"})\n${tableText(columns, rows, rowLimit, total)}`,
  };
}

registerFormatter({ name: "tslab-dl.arquero-table", test: isTable, format: tableBundle });
