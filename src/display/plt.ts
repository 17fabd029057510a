/**
 * A pyplot-shaped facade, so matplotlib cells translate line for line:
 *
 * ```python
 * plt.plot(history.history['loss'])
 * plt.plot(history.history['val_loss'])
 * plt.xlabel('epoch'); plt.ylabel('loss')
 * plt.legend(['train', 'val'])
 * plt.show()
 * ```
 * becomes the same five lines in TypeScript with `import { plt } from "tslab-dl"`.
 */
import { mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, extname } from "node:path";
import { Figure, COLORS, FigureError, type Dash, type MarkerSymbol, type SeriesSpec } from "./figure";
import { currentBridge, display } from "./registry";
import type { ScalarLike } from "./history";

/** Values `plt.plot` accepts: arrays, typed arrays, `history.history[key]` (numbers or tfjs scalars), 1-D tensors. */
export type PlotData = ArrayLike<ScalarLike> | { dataSync(): ArrayLike<number> };

/** Options of one line, as matplotlib's keyword arguments. */
export interface PlotOptions {
  label?: string;
  color?: string;
  /** `"-"`, `"--"`, `":"`, `"-."` or a {@link Dash} name. */
  linestyle?: string;
  /** `"o"`, `"s"`, or `""` for none. */
  marker?: string;
  linewidth?: number;
}

/** Options of {@link plt}.figure. */
export interface FigureOptions {
  /** Width and height in inches, as matplotlib (100 pixels per inch). */
  figsize?: [number, number];
}

/** Options of {@link plt}.show. */
export interface ShowOptions {
  /** In a plain Node script: the HTML file to write (default: a new file in the temp folder). */
  file?: string;
}

interface LineState {
  x?: number[];
  y: number[];
  label?: string;
  color?: string;
  /** `"none"`: markers only. */
  dash: Dash | "none";
  marker?: MarkerSymbol;
  width?: number;
}

interface FigureState {
  lines: LineState[];
  title?: string;
  xlabel?: string;
  ylabel?: string;
  legend?: boolean;
  legendLabels?: string[];
  xlim?: [number, number];
  ylim?: [number, number];
  width?: number;
  height?: number;
}

const COLOR_LETTERS: { [c: string]: string } = {
  b: COLORS[0],
  g: COLORS[2],
  r: COLORS[3],
  c: COLORS[9],
  m: COLORS[6],
  y: COLORS[8],
  k: "#000000",
  w: "#ffffff",
};

const FMT = /^(?:([bgrcmykw])|C(\d))?(o|s|\.)?(--|-\.|-|:)?$/;

function dashOf(style: string | undefined): Dash {
  switch (style) {
    case "--":
    case "dashed":
    case "dash":
      return "dash";
    case ":":
    case "dotted":
    case "dot":
      return "dot";
    case "-.":
    case "dashdot":
      return "dashdot";
    default:
      return "solid";
  }
}

function markerOf(m: string | undefined): MarkerSymbol | undefined {
  if (m === "o" || m === ".") return "circle";
  if (m === "s") return "square";
  return undefined;
}

function toNumbers(data: PlotData, what: string): number[] {
  if (
    data !== null &&
    typeof data === "object" &&
    typeof (data as { dataSync?: unknown }).dataSync === "function" &&
    !("length" in data)
  ) {
    return Array.from((data as { dataSync(): ArrayLike<number> }).dataSync(), Number);
  }
  if (data === null || typeof data !== "object" || typeof (data as ArrayLike<unknown>).length !== "number") {
    throw new FigureError(`plt.plot: ${what} must be an array of numbers, got ${data === null ? "null" : typeof data}`);
  }
  return Array.from(data as ArrayLike<ScalarLike>, (v) =>
    typeof v === "number" ? v : Number((v as { dataSync(): ArrayLike<unknown> }).dataSync()[0]),
  );
}

function isData(v: unknown): v is PlotData {
  return (
    typeof v === "object" &&
    v !== null &&
    (typeof (v as ArrayLike<unknown>).length === "number" ||
      typeof (v as { dataSync?: unknown }).dataSync === "function")
  );
}

/** The matplotlib-like state machine behind {@link plt}. */
export class Pyplot {
  private state: FigureState = { lines: [] };

  constructor() {
    // Methods work detached too (`const { plot } = plt`), as pyplot's functions do.
    for (const name of Object.getOwnPropertyNames(Pyplot.prototype)) {
      const method = (this as unknown as Record<string, unknown>)[name];
      if (name !== "constructor" && typeof method === "function") {
        Object.defineProperty(this, name, { value: method.bind(this), writable: true, configurable: true });
      }
    }
  }

  /**
   * Start a new figure (the current one is dropped unless shown).
   *
   * @example
   * plt.figure({ figsize: [8, 4] });
   */
  figure(options: FigureOptions = {}): void {
    this.state = { lines: [] };
    if (options.figsize) {
      this.state.width = Math.round(options.figsize[0] * 100);
      this.state.height = Math.round(options.figsize[1] * 100);
    }
  }

  /**
   * Add a line: `plot(y)`, `plot(x, y)`, each optionally followed by a format
   * string (`"r--"`, `"o"`) or a label, and/or an options object.
   *
   * @example
   * plt.plot(history.history["loss"]);
   * plt.plot(epochs, valLoss, "val");
   * plt.plot(valLoss, { label: "val", linestyle: "--" });
   */
  plot(y: PlotData, fmtOrLabel?: string | PlotOptions, options?: PlotOptions): void;
  plot(x: PlotData, y: PlotData, fmtOrLabel?: string | PlotOptions, options?: PlotOptions): void;
  plot(...args: Array<PlotData | string | PlotOptions | undefined>): void {
    const data = args.filter(isData);
    const rest = args.filter((a) => a !== undefined && !isData(a)) as Array<string | PlotOptions>;
    if (data.length === 0 || data.length > 2) {
      throw new FigureError(`plt.plot: expected plot(y) or plot(x, y), got ${data.length} data arguments`);
    }
    const y = toNumbers(data[data.length - 1], "y");
    const x = data.length === 2 ? toNumbers(data[0], "x") : undefined;
    if (x && x.length !== y.length) {
      throw new FigureError(`plt.plot: x has ${x.length} values but y has ${y.length}; give both the same length`);
    }
    const line: LineState = { x, y, dash: "solid" };
    for (const a of rest) {
      if (typeof a === "string") {
        const m = FMT.exec(a);
        if (m && a !== "") {
          if (m[1]) line.color = COLOR_LETTERS[m[1]];
          if (m[2]) line.color = COLORS[Number(m[2])];
          line.marker = markerOf(m[3]);
          line.dash = m[4] ? dashOf(m[4]) : line.marker ? "none" : "solid";
        } else {
          line.label = a;
        }
      } else {
        if (a.label !== undefined) line.label = a.label;
        if (a.color !== undefined) line.color = COLOR_LETTERS[a.color] ?? a.color;
        if (a.linestyle !== undefined)
          line.dash = a.linestyle === "" || a.linestyle === "none" ? "none" : dashOf(a.linestyle);
        if (a.marker !== undefined) line.marker = markerOf(a.marker);
        if (a.linewidth !== undefined) line.width = a.linewidth;
      }
    }
    this.state.lines.push(line);
  }

  /** @example plt.xlabel("epoch"); */
  xlabel(text: string): void {
    this.state.xlabel = text;
  }

  /** @example plt.ylabel("loss"); */
  ylabel(text: string): void {
    this.state.ylabel = text;
  }

  /** @example plt.title("Loss curves"); */
  title(text: string): void {
    this.state.title = text;
  }

  /**
   * Show the legend; with labels, name the lines in the order they were plotted.
   *
   * @example
   * plt.legend(["train", "val"]);
   */
  legend(labels?: string[]): void {
    this.state.legend = true;
    if (labels) this.state.legendLabels = labels.map(String);
  }

  /** @example plt.xlim(0, 20); */
  xlim(lo: number, hi: number): void {
    this.state.xlim = [lo, hi];
  }

  /** @example plt.ylim(0, 1); */
  ylim(lo: number, hi: number): void {
    this.state.ylim = [lo, hi];
  }

  /**
   * The current figure as a {@link Figure} (displayable, savable), without showing it.
   *
   * @example
   * const fig = plt.gcf();
   */
  gcf(): Figure {
    const s = this.state;
    const series: SeriesSpec[] = s.lines.map((line, i) => {
      const label = s.legendLabels?.[i] ?? line.label ?? "";
      const mode = line.dash === "none" ? (line.marker ? "markers" : "lines") : line.marker ? "lines+markers" : "lines";
      return {
        x: line.x ?? line.y.map((_, j) => j),
        y: line.y,
        name: label,
        color: line.color ?? COLORS[i % COLORS.length],
        dash: line.dash === "none" ? "solid" : line.dash,
        mode,
        marker: line.marker,
        width: line.width,
        showInLegend: label !== "",
      };
    });
    const integerX = series.every((ser) => ser.x.every(Number.isInteger));
    return new Figure({
      panels: [{ series, xlabel: s.xlabel, ylabel: s.ylabel, integerX, xlim: s.xlim, ylim: s.ylim }],
      title: s.title,
      width: s.width,
      height: s.height,
      showLegend: (s.legend ?? false) && series.some((ser) => ser.name !== ""),
    });
  }

  /** Drop the current figure. */
  clf(): void {
    this.state = { lines: [] };
  }

  /** Drop the current figure (as matplotlib's `close()`). */
  close(): void {
    this.clf();
  }

  /**
   * Write the current figure to a file: `.svg` (static picture) or `.html`
   * (interactive, self-contained). Written atomically; returns the absolute path.
   *
   * @example
   * plt.savefig("loss.svg");
   */
  savefig(file: string): string {
    const ext = extname(file).toLowerCase();
    const fig = this.gcf();
    if (ext === ".svg") return writeAtomic(file, fig.toSVG());
    if (ext === ".html" || ext === ".htm") return writeAtomic(file, fig.toStandaloneHTML());
    throw new FigureError(`plt.savefig: cannot write "${file}": use a .svg or .html file name`);
  }

  /**
   * Show the current figure and start a new one. In a notebook the chart appears
   * below the cell; in a plain Node script a self-contained HTML file is written
   * and its path printed (and returned).
   *
   * @example
   * plt.plot(history.history["loss"]);
   * plt.show();
   */
  show(options: ShowOptions = {}): string | undefined {
    if (this.state.lines.length === 0) {
      this.clf();
      return undefined;
    }
    const fig = this.gcf();
    this.clf();
    if (currentBridge().rich && options.file === undefined) {
      display(fig);
      return undefined;
    }
    const file =
      options.file ??
      join(
        tmpdir(),
        "tslab-dl-figures",
        `figure-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.html`,
      );
    const written = writeAtomic(file, fig.toStandaloneHTML());
    console.log(`Figure written to ${written}`);
    return written;
  }
}

function writeAtomic(file: string, content: string): string {
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(temp, content, "utf8");
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new FigureError(`could not write the figure to ${target}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return target;
}

/**
 * matplotlib.pyplot's shape over tslab-dl figures.
 *
 * @example
 * import { plt } from "tslab-dl";
 * plt.plot(history.history["loss"]);
 * plt.plot(history.history["val_loss"]);
 * plt.xlabel("epoch");
 * plt.ylabel("loss");
 * plt.legend(["train", "val"]);
 * plt.show();
 */
export const plt = new Pyplot();
