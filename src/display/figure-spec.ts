/**
 * The description of a figure that every renderer reads: the spec types (panels,
 * series, bars, images, ticks), the colour cycle, the Plotly figure's shape, and
 * `FigureError`. A leaf: it imports nothing of display/, so the renderers (SVG,
 * Plotly, the image atlas) and the `Figure` class can all import it without a loop.
 */
/** The colormaps `imshow` draws with. */
export type Colormap = "viridis" | "gray" | "gray_r" | "binary" | "Greys";
/** Matplotlib's and Plotly's default colour cycle (tab10), so `C0`, `C1`… look as in the lesson. */
export const COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
] as const;

/** Line styles shared by Plotly and the SVG renderer. */
export type Dash = "solid" | "dash" | "dot" | "dashdot";

/** Marker symbols shared by Plotly and the SVG renderer. */
export type MarkerSymbol = "circle" | "circle-open" | "square" | "square-open";

/** One line (or set of markers) in a panel. */
export interface SeriesSpec {
  /** x values; same length as `y`. */
  x: number[];
  /** y values; `NaN` leaves a gap. */
  y: number[];
  /** Name in the legend and the hover label. */
  name: string;
  /** CSS colour; default: the next colour of {@link COLORS}. */
  color?: string;
  /** Default `"solid"`. */
  dash?: Dash;
  /** Default `"lines"`. */
  mode?: "lines" | "markers" | "lines+markers";
  /** Default `"circle"`. */
  marker?: MarkerSymbol;
  /** Marker diameter in pixels; default 6. */
  markerSize?: number;
  /** Line width in pixels; default 2. */
  width?: number;
  /** Whether the series has a legend entry; default true. */
  showInLegend?: boolean;
}

/** A vertical reference line across a panel (e.g. the best epoch). */
interface VLineSpec {
  x: number;
  color?: string;
  dash?: Dash;
}

/** Bars (of `plt.bar` or a histogram's bins) in a panel. */
export interface BarSpec {
  /** Centre of each bar. */
  x: number[];
  heights: number[];
  /** Width of every bar in x units; default 0.8. */
  width?: number;
  /** CSS colour; default the first of {@link COLORS}. */
  color?: string;
  /** Name in the legend and the hover label. */
  name?: string;
}

/** A picture in a panel (of `imshow`): pixel `[0, 0]` top left, one axis unit per pixel. */
export interface ImageSpec {
  rows: number;
  cols: number;
  /** `rows * cols` colour levels 0–255 (row by row from the top), drawn through `cmap`. */
  levels: Uint8Array;
  cmap: Colormap;
  /** The values drawn with level 0 and level 255. */
  vmin: number;
  vmax: number;
}

/** Ticks placed by hand (`plt.xticks`). */
export interface TickSpec {
  values: number[];
  /** Text of each tick; default the value. */
  labels?: string[];
  /** Degrees counter-clockwise, as matplotlib's `rotation`. */
  rotation?: number;
}

/** One set of axes. */
export interface PanelSpec {
  /** Lines and markers; may be empty when the panel holds bars or a picture. */
  series: SeriesSpec[];
  bars?: BarSpec[];
  image?: ImageSpec;
  /** Hide the axes, ticks and grid (matplotlib's `axis("off")`). */
  axisOff?: boolean;
  /** Logarithmic y axis (values ≤ 0 are left out). Default false. */
  logY?: boolean;
  xticks?: TickSpec;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Ticks on whole numbers only (epochs). */
  integerX?: boolean;
  /** Fixed x range; default: the data's, padded. */
  xlim?: [number, number];
  /** Fixed y range; default: the data's, padded. */
  ylim?: [number, number];
  vlines?: VLineSpec[];
}

/** A figure: panels side by side (or in a grid), an optional title and a legend below. */
export interface FigureSpec {
  panels: PanelSpec[];
  /** Panels in rows and columns, row by row; default one row. */
  grid?: { rows: number; cols: number };
  title?: string;
  /** Pixels; default 640 for one panel, 460 per panel beyond. */
  width?: number;
  /** Pixels; default 400. */
  height?: number;
  /** Default true when any series has a name to show. */
  showLegend?: boolean;
  /** `text/plain` of the figure; default a one-line description. */
  description?: string;
}

/** Plotly's `{data, layout}` (what `application/vnd.plotly.v1+json` carries). */
export interface PlotlyFigure {
  data: Array<PlotlyTrace | PlotlyBarTrace>;
  layout: { [key: string]: unknown };
}

/** The subset of a Plotly bar trace that tslab-dl writes. */
export interface PlotlyBarTrace {
  type: "bar";
  x: number[];
  y: number[];
  width: number;
  name: string;
  xaxis: string;
  yaxis: string;
  showlegend: boolean;
  marker: { color: string; line: { color: string; width: number } };
  hovertemplate: string;
}

/** The subset of a Plotly scatter trace that tslab-dl writes. */
export interface PlotlyTrace {
  type: "scatter";
  mode: "lines" | "markers" | "lines+markers";
  x: number[];
  y: Array<number | null>;
  name: string;
  xaxis: string;
  yaxis: string;
  showlegend: boolean;
  /** Only where `mode` draws lines: Plotly.validate reports attributes a trace does not use. */
  line?: { color: string; width: number; dash: Dash };
  /** Only where `mode` draws markers. */
  marker?: { color: string; size: number; symbol: MarkerSymbol };
  hovertemplate: string;
}
/**
 * Raised for a figure that cannot be drawn (mismatched lengths, no panels).
 *
 * @example
 * plt.plot([1, 2, 3], [1, 2]); // FigureError: plt.plot: x has 3 values but y has 2; …
 */
export class FigureError extends Error {
  override name = "FigureError";
}
