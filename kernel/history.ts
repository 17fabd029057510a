/**
 * The session's input history, for `history_request`: what was run, in
 * order, with the text of each result. Kept in memory for this kernel
 * process only (IPython keeps an SQLite file; a TypeScript session cannot be
 * replayed across restarts anyway).
 */

/** One history entry: `[session, line, input]`, or `[session, line, [input, output]]` with outputs. */
type HistoryEntry = [number, number, string | [string, string | null]];

/** The fields of a `history_request` (see the messaging spec). */
export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: "range" | "tail" | "search" | string;
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/**
 * A glob pattern (`*`, `?`, `[abc]`, as IPython's history search) as an
 * anchored regular expression.
 *
 * @example
 * globToRegExp("6*7").test("6*7"); // → true: "*" matches the "*" too
 */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        let set = pattern.slice(i + 1, close);
        if (set.startsWith("!") || set.startsWith("^")) set = "^" + set.slice(1);
        re += `[${set.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The inputs (and result texts) of this session.
 *
 * @example
 * const history = new History();
 * history.record(1, "6 * 7");
 * history.setOutput(1, "42");
 * history.reply({ hist_access_type: "tail", n: 1, output: true }); // → [[1, 1, ["6 * 7", "42"]]]
 */
export class History {
  private entries: Array<{ line: number; input: string; output: string | null }> = [];

  /** @param session this session's number in replies (IPython counts sessions from 1). */
  constructor(readonly session = 1) {}

  /** Record the input of execution `line`. */
  record(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  /** Record the `text/plain` result of execution `line`. */
  setOutput(line: number, output: string): void {
    const entry = this.entries.find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  /** The entries a `history_request` asks for. */
  reply(request: HistoryRequest): HistoryEntry[] {
    const selected = this.select(request);
    return selected.map((e) => [this.session, e.line, request.output ? [e.input, e.output] : e.input]);
  }

  private select(request: HistoryRequest): History["entries"] {
    switch (request.hist_access_type) {
      case "tail":
        return request.n == null ? this.entries.slice(-10) : request.n > 0 ? this.entries.slice(-request.n) : [];
      case "range": {
        if (request.session != null && request.session > 0 && request.session !== this.session) return [];
        const start = request.start ?? 0;
        const stop = request.stop == null || request.stop === 0 ? Infinity : request.stop;
        return this.entries.filter((e) => e.line >= start && e.line < stop);
      }
      case "search": {
        const re = globToRegExp(request.pattern ?? "*");
        let matches = this.entries.filter((e) => re.test(e.input));
        if (request.unique) {
          // Keep the latest occurrence of each input, in order.
          const latest = new Map<string, (typeof matches)[number]>();
          for (const e of matches) latest.set(e.input, e);
          matches = matches.filter((e) => latest.get(e.input) === e);
        }
        return request.n == null ? matches : request.n > 0 ? matches.slice(-request.n) : [];
      }
      default:
        return [];
    }
  }
}
