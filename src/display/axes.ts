/**
 * One set of axes of a pyplot figure: what `plt.plot`, `imshow`, `bar`, `hist`
 * and the `set_*` calls draw into (matplotlib's `Axes`), turned into a panel.
 */
import { COLORS, FigureError, type Dash, type MarkerSymbol, type PanelSpec, type SeriesSpec } from "./figure-spec";
import { imageSpec, type ImageInput, type ImshowOptions } from "./image";
import type { ScalarLike } from "./history";
import type { ImageSpec, BarSpec, TickSpec } from "./figure-spec";

/** Values `plot`, `bar` and `hist` accept: arrays, typed arrays, `history.history[key]` (numbers or tfjs scalars), 1-D tensors. */
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

/** Options of `bar`. */
export interface BarOptions {
  /** Bar width in x units; default 0.8. */
  width?: number;
  color?: string;
  label?: string;
}

/** Options of `hist`. */
export interface HistOptions {
  /** Number of equal bins (default 10), or their edges. */
  bins?: number | number[];
  /** The span the bins cover; default the data's minimum and maximum. */
  range?: [number, number];
  color?: string;
  label?: string;
}

/** Options of `xticks`. */
export interface TickOptions {
  /** Degrees counter-clockwise. */
  rotation?: number;
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

/** Numbers of a {@link PlotData}; `what` names the argument in the error. */
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
    throw new FigureError(`${what} must be an array of numbers, got ${data === null ? "null" : typeof data}`);
  }
  return Array.from(data as ArrayLike<ScalarLike>, (v) =>
    typeof v === "number" ? v : Number((v as { dataSync(): ArrayLike<unknown> }).dataSync()[0]),
  );
}

/** Whether an argument is data rather than a format string or options. */
function isData(v: unknown): v is PlotData {
  return (
    typeof v === "object" &&
    v !== null &&
    (typeof (v as ArrayLike<unknown>).length === "number" ||
      typeof (v as { dataSync?: unknown }).dataSync === "function")
  );
}

/** Equal-width bins as numpy's `histogram`: the last bin includes its right edge. */
function histogram(values: number[], bins: number | number[], range?: [number, number]) {
  const finite = values.filter(Number.isFinite);
  let edges: number[];
  if (typeof bins === "number") {
    if (!(Number.isInteger(bins) && bins > 0))
      throw new FigureError(`hist: bins must be a positive whole number, got ${bins}`);
    let [lo, hi] = range ?? [Math.min(...finite), Math.max(...finite)];
    if (finite.length === 0) [lo, hi] = [0, 1];
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  } else {
    edges = [...bins];
  }
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const v of finite) {
    if (v < edges[0] || v > edges[last]) continue;
    let i = edges.findIndex((e, j) => j > 0 && v < e) - 1;
    if (i < 0) i = last - 1;
    counts[i] += 1;
  }
  return { counts, edges };
}

/**
 * One set of axes, as matplotlib's `Axes`: `ax.plot`, `ax.imshow`, `ax.bar`,
 * `ax.hist`, `ax.axis("off")`, `ax.set_title` (and camelCase twins).
 *
 * @example
 * const [fig, axs] = plt.subplots(1, 2);
 * axs[0].imshow(image, { cmap: "gray_r" });
 * axs[1].bar(["a", "b"], [0.3, 0.7]);
 * plt.show();
 */
export class Axes {
  private lines: LineState[] = [];
  private bars: BarSpec[] = [];
  private image?: ImageSpec;
  private labels: { title?: string; xlabel?: string; ylabel?: string } = {};
  private limits: { x?: [number, number]; y?: [number, number] } = {};
  private ticks?: TickSpec;
  private off = false;
  private legendOn = false;
  private legendLabels?: string[];

  /** Whether nothing has been drawn here. */
  get empty(): boolean {
    return this.lines.length === 0 && this.bars.length === 0 && this.image === undefined;
  }

  /** Whether `legend()` was called. */
  get hasLegend(): boolean {
    return this.legendOn;
  }

  /**
   * Add a line: `plot(y)` or `plot(x, y)`, each optionally followed by a format
   * string (`"r--"`, `"o"`) or a label, and/or an options object.
   *
   * @example
   * ax.plot(history.history["loss"], "train");
   */
  plot(y: PlotData, fmtOrLabel?: string | PlotOptions, options?: PlotOptions): void;
  plot(x: PlotData, y: PlotData, fmtOrLabel?: string | PlotOptions, options?: PlotOptions): void;
  plot(...args: Array<PlotData | string | PlotOptions | undefined>): void {
    const data = args.filter(isData);
    const rest = args.filter((a) => a !== undefined && !isData(a)) as Array<string | PlotOptions>;
    if (data.length === 0 || data.length > 2) {
      throw new FigureError(`plt.plot: expected plot(y) or plot(x, y), got ${data.length} data arguments`);
    }
    const y = toNumbers(data[data.length - 1], "plt.plot: y");
    const x = data.length === 2 ? toNumbers(data[0], "plt.plot: x") : undefined;
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
    this.lines.push(line);
  }

  /**
   * Show a 2-D array or tensor as a picture, pixel `[0, 0]` top left.
   *
   * @example
   * ax.imshow(valInput.slice([0, 0, 0, 0], [1, 28, 28, 1]).reshape([28, 28]), { cmap: "gray_r" });
   */
  imshow(image: ImageInput, options: ImshowOptions = {}): void {
    this.image = imageSpec(image, options);
  }

  /**
   * Bars of the given heights at `x` (numbers, or names placed at 0, 1, 2, … and used as tick labels).
   *
   * @example
   * ax.bar(classNames, probabilities);
   */
  bar(x: PlotData | string[], heights: PlotData, options: BarOptions = {}): void {
    const h = toNumbers(heights, "plt.bar: heights");
    const names = Array.isArray(x) && x.every((v) => typeof v === "string") ? (x as string[]) : undefined;
    const xs = names ? names.map((_, i) => i) : toNumbers(x as PlotData, "plt.bar: x");
    if (xs.length !== h.length) {
      throw new FigureError(`plt.bar: ${xs.length} positions but ${h.length} heights; give one height per bar`);
    }
    if (names) this.ticks = { values: xs, labels: names, rotation: this.ticks?.rotation };
    this.bars.push({ x: xs, heights: h, width: options.width, color: options.color, name: options.label });
  }

  /**
   * A histogram of the values (flattened); returns the counts and the bin edges, as numpy's `histogram`.
   *
   * @example
   * const [counts, edges] = ax.hist(weights.dataSync(), { bins: 40 });
   */
  hist(values: PlotData, options: HistOptions = {}): [number[], number[]] {
    const { counts, edges } = histogram(toNumbers(values, "plt.hist: values"), options.bins ?? 10, options.range);
    this.bars.push({
      x: counts.map((_, i) => (edges[i] + edges[i + 1]) / 2),
      heights: counts,
      width: (edges[edges.length - 1] - edges[0]) / counts.length,
      color: options.color,
      name: options.label,
    });
    return [counts, edges];
  }

  /**
   * `"off"` hides the axes, ticks and grid; `"on"` shows them again.
   *
   * @example
   * ax.axis("off");
   */
  axis(mode: "off" | "on"): void {
    if (mode !== "off" && mode !== "on") throw new FigureError(`axis: expected "off" or "on", got ${String(mode)}`);
    this.off = mode === "off";
  }

  /**
   * Place the x ticks, optionally with their text.
   *
   * @example
   * ax.set_xticks([0, 1, 2], ["cat", "dog", "bird"], { rotation: 45 });
   */
  set_xticks(values: PlotData, labels?: string[], options: TickOptions = {}): void {
    const v = toNumbers(values, "xticks: ticks");
    if (labels && labels.length !== v.length) {
      throw new FigureError(`xticks: ${v.length} ticks but ${labels.length} labels; give one label per tick`);
    }
    this.ticks = { values: v, labels: labels?.map(String), rotation: options.rotation };
  }

  /** @example ax.set_title("conv1 filters"); */
  set_title(text: string): void {
    this.labels.title = text;
  }

  /** @example ax.set_xlabel("epoch"); */
  set_xlabel(text: string): void {
    this.labels.xlabel = text;
  }

  /** @example ax.set_ylabel("loss"); */
  set_ylabel(text: string): void {
    this.labels.ylabel = text;
  }

  /** @example ax.set_xlim(0, 20); */
  set_xlim(lo: number, hi: number): void {
    this.limits.x = [lo, hi];
  }

  /** @example ax.set_ylim(0, 1); */
  set_ylim(lo: number, hi: number): void {
    this.limits.y = [lo, hi];
  }

  /** @example ax.legend(["train", "val"]); */
  legend(labels?: string[]): void {
    this.legendOn = true;
    if (labels) this.legendLabels = labels.map(String);
  }

  /** camelCase twin of {@link Axes.set_title}. */
  setTitle(text: string): void {
    this.set_title(text);
  }

  /** camelCase twin of {@link Axes.set_xlabel}. */
  setXlabel(text: string): void {
    this.set_xlabel(text);
  }

  /** camelCase twin of {@link Axes.set_ylabel}. */
  setYlabel(text: string): void {
    this.set_ylabel(text);
  }

  /** camelCase twin of {@link Axes.set_xlim}. */
  setXlim(lo: number, hi: number): void {
    this.set_xlim(lo, hi);
  }

  /** camelCase twin of {@link Axes.set_ylim}. */
  setYlim(lo: number, hi: number): void {
    this.set_ylim(lo, hi);
  }

  /** camelCase twin of {@link Axes.set_xticks}. */
  setXticks(values: PlotData, labels?: string[], options: TickOptions = {}): void {
    this.set_xticks(values, labels, options);
  }

  /** The panel these axes draw; `legend` says whether names go to the figure's legend. */
  toPanel(): PanelSpec {
    const series: SeriesSpec[] = this.lines.map((line, i) => {
      const label = this.legendLabels?.[i] ?? line.label ?? "";
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
        showInLegend: this.legendOn && label !== "",
      };
    });
    const bars = this.bars.map((b, i) => ({
      ...b,
      name: this.legendOn ? (this.legendLabels?.[this.lines.length + i] ?? b.name) : "",
    }));
    return {
      series,
      bars: bars.length ? bars : undefined,
      image: this.image,
      axisOff: this.off || undefined,
      xticks: this.ticks,
      title: this.labels.title,
      xlabel: this.labels.xlabel,
      ylabel: this.labels.ylabel,
      integerX: series.length > 0 && series.every((s) => s.x.every(Number.isInteger)),
      xlim: this.limits.x,
      ylim: this.limits.y,
    };
  }
}
