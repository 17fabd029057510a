/**
 * Figures: one description of a line chart that becomes, with the same geometry,
 * a Plotly figure (`application/vnd.plotly.v1+json`, interactive HTML) and a static
 * SVG drawn in Node (`image/svg+xml`, and the picture inside the HTML that shows
 * where scripts do not run).
 */
import { randomUUID } from "node:crypto";
import { JUPYTER_DISPLAY, type MimeBundle } from "./registry";
import { computeGeometry, logTickLabel, type Geometry } from "./geometry";
import { renderSVG } from "./svg";
import { atlasOf } from "./atlas";
import type { Colormap } from "./colormap";
import { chartHTML, standaloneHTML, type PlotlyInclusion } from "./plotly-html";

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
export interface VLineSpec {
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

/** Options for {@link Figure.mimeBundle}. */
export interface BundleOptions {
  /**
   * Whether the HTML carries plotly.js (1.2 MB): `"auto"` (default) when this
   * kernel session has not shipped it yet, `"always"`, or `"never"`.
   */
  plotly?: PlotlyInclusion;
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

/**
 * A chart that displays itself in a notebook: Plotly JSON, HTML (static picture
 * replaced by the interactive chart when scripts run), SVG and text.
 *
 * @example
 * const fig = new Figure({ panels: [{ series: [{ x: [0, 1, 2], y: [3, 2, 1], name: "loss" }], xlabel: "epoch" }] });
 * display(fig);
 */
export class Figure {
  /** The description this figure draws (normalised: colours and defaults filled in). */
  readonly spec: FigureSpec;

  constructor(spec: FigureSpec) {
    this.spec = normalise(spec);
  }

  /** The pixel layout shared by the SVG and the Plotly layout. */
  geometry(): Geometry {
    return computeGeometry(this.spec);
  }

  /** Plotly's `{data, layout}`. */
  toPlotly(): PlotlyFigure {
    return toPlotly(this.spec, this.geometry());
  }

  /** A standalone SVG document of the chart (valid XML). */
  toSVG(): string {
    return renderSVG(this.spec, this.geometry());
  }

  /** A one-line description (the `text/plain` form). */
  toString(): string {
    return this.spec.description ?? describe(this.spec);
  }

  /** A self-contained HTML page (plotly.js inlined) for a browser, with no network needed. */
  toStandaloneHTML(): string {
    const g = this.geometry();
    return standaloneHTML(this.toPlotly(), this.toSVG(), {
      width: g.width,
      height: g.height,
      title: this.spec.title ?? "tslab-dl figure",
    });
  }

  /** The MIME bundle: Plotly JSON, HTML, SVG and text. */
  mimeBundle(options: BundleOptions = {}): MimeBundle {
    const g = this.geometry();
    const plotly = this.toPlotly();
    const svg = this.toSVG();
    return {
      "application/vnd.plotly.v1+json": plotly,
      "text/html": chartHTML(plotly, svg, {
        width: g.width,
        height: g.height,
        alt: this.toString(),
        id: `tslab-dl-chart-${randomUUID()}`,
        plotly: options.plotly ?? "auto",
      }),
      "image/svg+xml": svg,
      "text/plain": this.toString(),
    };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.mimeBundle();
  }
}

function normalise(spec: FigureSpec): FigureSpec {
  if (!Array.isArray(spec.panels) || spec.panels.length === 0) {
    throw new FigureError("a figure needs at least one panel: pass { panels: [{ series: [...] }] }");
  }
  const panels = spec.panels.map((panel, p) => {
    let colorIndex = 0;
    const series = panel.series.map((s, i) => {
      if (s.x.length !== s.y.length) {
        throw new FigureError(
          `panel ${p}, series ${i} ("${s.name}"): x has ${s.x.length} values but y has ${s.y.length}; give both the same length`,
        );
      }
      const color = s.color ?? COLORS[colorIndex++ % COLORS.length];
      return {
        ...s,
        x: s.x.map(Number),
        y: s.y.map((v) => (v === null || v === undefined ? NaN : Number(v))),
        color,
        dash: s.dash ?? "solid",
        mode: s.mode ?? "lines",
        marker: s.marker ?? "circle",
        markerSize: s.markerSize ?? 6,
        width: s.width ?? 2,
        showInLegend: s.showInLegend ?? true,
      } satisfies SeriesSpec;
    });
    const bars = panel.bars?.map((b, i) => {
      if (b.x.length !== b.heights.length) {
        throw new FigureError(
          `panel ${p}, bars ${i}: ${b.x.length} positions but ${b.heights.length} heights; give one height per bar`,
        );
      }
      return {
        ...b,
        width: b.width ?? 0.8,
        color: b.color ?? COLORS[colorIndex++ % COLORS.length],
        name: b.name ?? "",
      };
    });
    return { ...panel, series, bars };
  });
  const n = panels.length;
  const grid = spec.grid ?? { rows: 1, cols: n };
  if (grid.rows * grid.cols < n || grid.rows < 1 || grid.cols < 1) {
    throw new FigureError(`a ${grid.rows}×${grid.cols} grid cannot hold ${n} panels`);
  }
  const named = panels.some(
    (p) => p.series.some((s) => s.showInLegend && s.name !== "") || (p.bars ?? []).some((b) => b.name !== ""),
  );
  const byGrid = spec.grid !== undefined;
  return {
    ...spec,
    panels,
    grid,
    width: spec.width ?? (byGrid || n === 1 ? 640 : 460 * n),
    height: spec.height ?? (byGrid ? 480 : 400),
    showLegend: spec.showLegend ?? named,
  };
}

function describe(spec: FigureSpec): string {
  const grid = spec.grid && spec.grid.rows * spec.grid.cols > 1 ? ` ${spec.grid.rows}×${spec.grid.cols} panels` : "";
  const title = spec.title ? ` "${spec.title}"` : "";
  const images = spec.panels.flatMap((p) => (p.image && p.series.length === 0 && !p.bars?.length ? [p.image] : []));
  if (spec.panels.length > 1 && images.length === spec.panels.length) {
    return `Figure${title}${grid}: ${images.length} images ${images[0].rows}×${images[0].cols} (${images[0].cmap})`;
  }
  const parts = spec.panels.map((p) => {
    const what: string[] = [];
    if (p.image) {
      const { rows, cols, cmap, vmin, vmax } = p.image;
      what.push(`image ${rows}×${cols} (${cmap}, ${vmin.toPrecision(3)} to ${vmax.toPrecision(3)})`);
    }
    for (const b of p.bars ?? []) what.push(`${b.x.length} bars${b.name ? ` "${b.name}"` : ""}`);
    if (what.length && p.series.length === 0) return (p.title ? `${p.title}: ` : "") + what.join(", ");
    const names = p.series.filter((s) => s.mode !== "markers").map((s) => s.name || "(unnamed)");
    const n = Math.max(0, ...p.series.map((s) => s.x.length));
    const vs = p.xlabel ? ` vs ${p.xlabel}` : "";
    return [`${names.join(", ")}${vs} (${n} points)`, ...what].join(", ");
  });
  return `Figure${title}${grid}: ${parts.join("; ")}`;
}

function axisName(kind: "x" | "y", i: number): string {
  return i === 0 ? kind : `${kind}${i + 1}`;
}

function layoutAxisKey(kind: "x" | "y", i: number): string {
  return i === 0 ? `${kind}axis` : `${kind}axis${i + 1}`;
}

function toPlotly(spec: FigureSpec, g: Geometry): PlotlyFigure {
  const data: Array<PlotlyTrace | PlotlyBarTrace> = [];
  const layout: { [key: string]: unknown } = {
    width: g.width,
    height: g.height,
    autosize: false,
    margin: { l: g.margin.l, r: g.margin.r, t: g.margin.t, b: g.margin.b, pad: 0 },
    font: { family: "Arial, Helvetica, sans-serif", size: 12, color: "#333" },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    showlegend: spec.showLegend,
    hovermode: "closest",
  };
  if (spec.title) {
    layout.title = {
      text: escapePlotlyText(spec.title),
      x: 0.5,
      xanchor: "center",
      y: 1 - g.titleY / g.height,
      yanchor: "middle",
      yref: "container",
      font: { size: 16 },
    };
  }
  if (spec.showLegend) {
    const plotH = g.height - g.margin.t - g.margin.b;
    layout.legend = {
      orientation: "h",
      x: 0.5,
      xanchor: "center",
      y: -(g.legendTop - (g.height - g.margin.b)) / plotH,
      yanchor: "top",
      font: { size: 12 },
    };
  }
  const annotations: unknown[] = [];
  const shapes: unknown[] = [];
  const plotW = g.width - g.margin.l - g.margin.r;
  spec.panels.forEach((panel, i) => {
    const box = g.panels[i];
    const xa = axisName("x", i);
    const ya = axisName("y", i);
    const plotH = g.height - g.margin.t - g.margin.b;
    const picture = panel.image !== undefined;
    const axis = (kind: "x" | "y", domain: number[], range: [number, number], anchor: string) =>
      box.axisOff
        ? { domain, anchor, range, visible: false, fixedrange: true }
        : {
            domain,
            anchor,
            range,
            ...(kind === "x" && box.xTickLabels
              ? { tickmode: "array", tickvals: box.xTicks, ticktext: box.xTickLabels.map(escapePlotlyText) }
              : kind === "y" && box.logY
                ? { type: "log", tickmode: "array", tickvals: box.yTicks, ticktext: box.yTicks.map(logTickLabel) }
                : {
                    tickmode: "linear",
                    tick0: (kind === "x" ? box.xTicks : box.yTicks)[0] ?? 0,
                    dtick: kind === "x" ? box.xStep : box.yStep,
                  }),
            ...(kind === "x" && box.xTickRotation ? { tickangle: -box.xTickRotation } : {}),
            title: { text: escapePlotlyText((kind === "x" ? panel.xlabel : panel.ylabel) ?? ""), standoff: 8 },
            showline: true,
            linecolor: "#444",
            ticks: "outside",
            showgrid: !picture,
            gridcolor: "#e5e5e5",
            zeroline: false,
            automargin: false,
          };
    layout[layoutAxisKey("x", i)] = axis(
      "x",
      [round((box.x0 - g.margin.l) / plotW, 6), round((box.x1 - g.margin.l) / plotW, 6)],
      box.xRange,
      ya,
    );
    layout[layoutAxisKey("y", i)] = axis(
      "y",
      [round((g.height - g.margin.b - box.y1) / plotH, 6), round((g.height - g.margin.b - box.y0) / plotH, 6)],
      box.yRange,
      xa,
    );
    for (const bars of panel.bars ?? []) {
      data.push({
        type: "bar",
        x: bars.x,
        y: bars.heights,
        width: bars.width ?? 0.8,
        name: escapePlotlyText(bars.name ?? ""),
        xaxis: xa,
        yaxis: ya,
        showlegend: (bars.name ?? "") !== "",
        marker: { color: bars.color ?? COLORS[0], line: { color: "#ffffff", width: 0.5 } },
        hovertemplate: `${escapePlotlyText(bars.name || panel.xlabel || "x")} %{x}<br>%{y:.4g}<extra></extra>`,
      });
    }
    if (panel.title) {
      annotations.push({
        text: escapePlotlyText(panel.title),
        xref: "paper",
        yref: "paper",
        x: round((box.x0 + box.x1) / 2 / plotW - g.margin.l / plotW, 6),
        y: 1,
        xanchor: "center",
        yanchor: "bottom",
        yshift: 6,
        showarrow: false,
        font: { size: 14 },
      });
    }
    for (const v of panel.vlines ?? []) {
      shapes.push({
        type: "line",
        xref: xa,
        yref: `${ya} domain`,
        x0: v.x,
        x1: v.x,
        y0: 0,
        y1: 1,
        line: { color: v.color ?? "#888", width: 1, dash: v.dash ?? "dash" },
      });
    }
    for (const s of panel.series) {
      const xlabel = panel.xlabel || "x";
      const mode = s.mode ?? "lines";
      const color = s.color ?? COLORS[0];
      data.push({
        type: "scatter",
        mode,
        x: s.x,
        y: s.y.map((v) => (Number.isFinite(v) && (!panel.logY || v > 0) ? v : null)),
        name: escapePlotlyText(s.name),
        xaxis: xa,
        yaxis: ya,
        showlegend: (s.showInLegend ?? true) && s.name !== "",
        ...(mode.includes("lines") && { line: { color, width: s.width ?? 2, dash: s.dash ?? "solid" } }),
        ...(mode.includes("markers") && { marker: { color, size: s.markerSize ?? 6, symbol: s.marker ?? "circle" } }),
        hovertemplate: `${escapePlotlyText(s.name || "y")}<br>${escapePlotlyText(xlabel)} %{x}<br>%{y:.4g}<extra></extra>`,
      });
    }
  });
  if (annotations.length) layout.annotations = annotations;
  if (shapes.length) layout.shapes = shapes;
  const atlas = atlasOf(spec, g);
  if (atlas) {
    // A layout image rather than an image trace: plotly.js-basic-dist-min has no image or heatmap trace.
    const plotH = g.height - g.margin.t - g.margin.b;
    layout.images = [
      {
        source: atlas.uri,
        xref: "paper",
        yref: "paper",
        x: round((atlas.x - g.margin.l) / plotW, 6),
        y: round((g.height - g.margin.b - atlas.y) / plotH, 6),
        sizex: round(atlas.width / plotW, 6),
        sizey: round(atlas.height / plotH, 6),
        xanchor: "left",
        yanchor: "top",
        sizing: "stretch",
        layer: "above",
      },
    ];
  }
  if (spec.panels.some((p) => p.bars?.length)) layout.barmode = "overlay";
  return { data, layout };
}

/** Plotly interprets a few HTML tags in text; show user text literally. */
function escapePlotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
