/**
 * Figures: one description of a line chart that becomes, with the same geometry,
 * a Plotly figure (`application/vnd.plotly.v1+json`, interactive HTML) and a static
 * SVG drawn in Node (`image/svg+xml`, and the picture inside the HTML that shows
 * where scripts do not run).
 */
import { randomUUID } from "node:crypto";
import { JUPYTER_DISPLAY, type MimeBundle } from "./registry";
import { computeGeometry, type Geometry } from "./geometry";
import { renderSVG } from "./svg";
import { toPlotly } from "./to-plotly";
import { chartHTML, standaloneHTML, type PlotlyInclusion } from "./plotly-html";
import { COLORS, FigureError, type FigureSpec, type PlotlyFigure, type SeriesSpec } from "./figure-spec";

/** Options for {@link Figure.mimeBundle}. */
interface BundleOptions {
  /**
   * Whether the HTML carries plotly.js (1.2 MB): `"auto"` (default) when this
   * kernel session has not shipped it yet, `"always"`, or `"never"`.
   */
  plotly?: PlotlyInclusion;
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
