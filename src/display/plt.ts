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
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, extname } from "node:path";
import { writeFileAtomic } from "../io/atomic";
import { Figure } from "./figure";
import { FigureError } from "./figure-spec";
import { currentBridge, display, JUPYTER_DISPLAY, type MimeBundle } from "./registry";
import { Axes, type PlotData, type PlotOptions, type BarOptions, type HistOptions, type TickOptions } from "./axes";
import type { ImageInput, ImshowOptions } from "./image";

export type { PlotOptions } from "./axes";

/** Options of {@link plt}.figure. */
export interface FigureOptions {
  /** Width and height in inches, as matplotlib (100 pixels per inch). */
  figsize?: [number, number];
}

/** Options of {@link plt}.subplots. */
type SubplotsOptions = FigureOptions;

/** Options of {@link plt}.show. */
export interface ShowOptions {
  /** In a plain Node script: the HTML file to write (default: a new file in the temp folder). */
  file?: string;
}

interface FigureState {
  axes: Axes[];
  rows: number;
  cols: number;
  current: number;
  /** Whether the figure was laid out by `subplots` (a grid), not a single `figure()`. */
  grid: boolean;
  suptitle?: string;
  width?: number;
  height?: number;
}

function newState(rows = 1, cols = 1, options: FigureOptions = {}, grid = false): FigureState {
  if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0)) {
    throw new FigureError(`subplots: rows and cols must be positive whole numbers, got ${rows} and ${cols}`);
  }
  const state: FigureState = {
    axes: Array.from({ length: rows * cols }, () => new Axes()),
    rows,
    cols,
    current: 0,
    grid,
  };
  if (options.figsize) {
    state.width = Math.round(options.figsize[0] * 100);
    state.height = Math.round(options.figsize[1] * 100);
  }
  return state;
}

function figureOf(state: FigureState): Figure {
  const panels = state.axes.map((ax) => ax.toPanel());
  return new Figure({
    panels,
    grid: state.grid ? { rows: state.rows, cols: state.cols } : undefined,
    title: state.suptitle,
    width: state.width,
    height: state.height,
    showLegend:
      state.axes.some((ax) => ax.hasLegend) &&
      panels.some((p) => p.series.some((s) => s.showInLegend) || (p.bars ?? []).some((b) => b.name)),
  });
}

function isEmpty(state: FigureState): boolean {
  return state.axes.every((ax) => ax.empty);
}

/**
 * The figure of `plt.subplots`: show it, save it, give it a title; a cell that
 * ends with it displays it.
 *
 * @example
 * const [fig, axs] = plt.subplots(2, 16, { figsize: [16, 2] });
 * fig.suptitle("conv1 filters");
 * fig.show();
 */
export class SubplotsFigure {
  /** @internal */
  constructor(private readonly state: FigureState) {}

  /** @example fig.suptitle("feature maps"); */
  suptitle(text: string): void {
    this.state.suptitle = text;
  }

  /**
   * The drawable {@link Figure}.
   *
   * @example
   * const svg = fig.toFigure().toSVG();
   */
  toFigure(): Figure {
    return figureOf(this.state);
  }

  /**
   * Show this figure (as `plt.show()` for the current one).
   *
   * @example
   * fig.show();
   */
  show(options: ShowOptions = {}): string | undefined {
    return showFigure(this.toFigure(), options);
  }

  /**
   * Write this figure to `.svg` or `.html` (atomically); returns the absolute path.
   *
   * @example
   * fig.savefig("filters.svg");
   */
  savefig(file: string): string {
    return saveFigure(this.toFigure(), file);
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.toFigure().mimeBundle();
  }
}

function showFigure(fig: Figure, options: ShowOptions): string | undefined {
  if (currentBridge().rich && options.file === undefined) {
    display(fig);
    return undefined;
  }
  const file =
    options.file ??
    join(tmpdir(), "tslab-dl-figures", `figure-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.html`);
  const written = writeAtomic(file, fig.toStandaloneHTML());
  console.log(`Figure written to ${written}`);
  return written;
}

function saveFigure(fig: Figure, file: string): string {
  const ext = extname(file).toLowerCase();
  if (ext === ".svg") return writeAtomic(file, fig.toSVG());
  if (ext === ".html" || ext === ".htm") return writeAtomic(file, fig.toStandaloneHTML());
  throw new FigureError(`plt.savefig: cannot write "${file}": use a .svg or .html file name`);
}

/**
 * The matplotlib-like state machine behind {@link plt}: the current figure and axes that
 * `plt.plot`, `plt.xlabel` and the rest draw on. Notebooks use the one instance, `plt`.
 *
 * @example
 * const p: Pyplot = plt;
 * p.plot([1, 2, 3]);
 * p.show();
 */
export class Pyplot {
  private state: FigureState = newState();

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
    this.state = newState(1, 1, options);
  }

  /**
   * A new figure with a grid of axes, as matplotlib: `[fig, axs]` where `axs[i][j]`
   * is one set of axes (as matplotlib squeezes: a grid of one row or column is a plain list,
   * of one cell the axes itself). `plt.*` calls then draw into the last axes.
   *
   * @example
   * const [fig, axs] = plt.subplots(2, 16, { figsize: [16, 2] });
   * for (let i = 0; i < 2; i++)
   *   for (let j = 0; j < 16; j++) {
   *     axs[i][j].imshow(filters[i * 16 + j], { vmin: -0.5, vmax: 0.5 });
   *     axs[i][j].axis("off");
   *   }
   * plt.show();
   */
  subplots(rows?: 1, cols?: 1, options?: SubplotsOptions): [SubplotsFigure, Axes];
  subplots(rows: 1, cols: number, options?: SubplotsOptions): [SubplotsFigure, Axes[]];
  subplots(rows: number, cols: 1, options?: SubplotsOptions): [SubplotsFigure, Axes[]];
  subplots(rows: number, cols: number, options?: SubplotsOptions): [SubplotsFigure, Axes[][]];
  subplots(rows = 1, cols = 1, options: SubplotsOptions = {}): [SubplotsFigure, Axes | Axes[] | Axes[][]] {
    this.state = newState(rows, cols, options, true);
    this.state.current = rows * cols - 1;
    const { axes } = this.state;
    const grid = Array.from({ length: rows }, (_, r) => axes.slice(r * cols, (r + 1) * cols));
    const fig = new SubplotsFigure(this.state);
    if (rows === 1 && cols === 1) return [fig, axes[0]];
    if (rows === 1 || cols === 1) return [fig, axes];
    return [fig, grid];
  }

  /**
   * The current axes (the one `plt.*` calls draw into).
   *
   * @example
   * plt.gca().set_title("loss");
   */
  gca(): Axes {
    return this.state.axes[this.state.current];
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
    (this.gca().plot as (...a: unknown[]) => void)(...args);
  }

  /**
   * Show a 2-D array or tensor as a picture (matplotlib's `imshow`).
   *
   * @example
   * plt.imshow(image.reshape([28, 28]), { cmap: "gray_r" });
   * plt.show();
   */
  imshow(image: ImageInput, options: ImshowOptions = {}): void {
    this.gca().imshow(image, options);
  }

  /**
   * Bars of the given heights; names as `x` become the tick labels.
   *
   * @example
   * plt.bar(classNames, probabilities);
   */
  bar(x: PlotData | string[], heights: PlotData, options: BarOptions = {}): void {
    this.gca().bar(x, heights, options);
  }

  /**
   * A histogram; returns `[counts, edges]` as numpy's `histogram`.
   *
   * @example
   * plt.hist(weights.dataSync(), { bins: 40 });
   */
  hist(values: PlotData, options: HistOptions = {}): [number[], number[]] {
    return this.gca().hist(values, options);
  }

  /**
   * Place the x ticks of the current axes, optionally with their text.
   *
   * @example
   * plt.xticks([0, 1, 2], ["T-shirt", "Trouser", "Pullover"], { rotation: 45 });
   */
  xticks(values: PlotData, labels?: string[], options: TickOptions = {}): void {
    this.gca().set_xticks(values, labels, options);
  }

  /** @example plt.axis("off"); */
  axis(mode: "off" | "on"): void {
    this.gca().axis(mode);
  }

  /** @example plt.xlabel("epoch"); */
  xlabel(text: string): void {
    this.gca().set_xlabel(text);
  }

  /** @example plt.ylabel("loss"); */
  ylabel(text: string): void {
    this.gca().set_ylabel(text);
  }

  /**
   * The title: of the figure when it has one set of axes, else of the current axes.
   *
   * @example
   * plt.title("Loss curves");
   */
  title(text: string): void {
    if (this.state.axes.length === 1) this.state.suptitle = text;
    else this.gca().set_title(text);
  }

  /** @example plt.suptitle("Feature maps"); */
  suptitle(text: string): void {
    this.state.suptitle = text;
  }

  /**
   * Show the legend; with labels, name the lines in the order they were plotted.
   *
   * @example
   * plt.legend(["train", "val"]);
   */
  legend(labels?: string[]): void {
    this.gca().legend(labels);
  }

  /** @example plt.xlim(0, 20); */
  xlim(lo: number, hi: number): void {
    this.gca().set_xlim(lo, hi);
  }

  /** @example plt.ylim(0, 1); */
  ylim(lo: number, hi: number): void {
    this.gca().set_ylim(lo, hi);
  }

  /**
   * The current figure as a {@link Figure} (displayable, savable), without showing it.
   *
   * @example
   * const fig = plt.gcf();
   */
  gcf(): Figure {
    return figureOf(this.state);
  }

  /** Drop the current figure. */
  clf(): void {
    this.state = newState();
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
    return saveFigure(this.gcf(), file);
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
    const state = this.state;
    this.clf();
    if (isEmpty(state)) return undefined;
    return showFigure(figureOf(state), options);
  }
}

function writeAtomic(file: string, content: string): string {
  const target = resolve(file);
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, content);
  } catch (e) {
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
