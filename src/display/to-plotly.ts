/**
 * A figure as Plotly's `{data, layout}` (what `application/vnd.plotly.v1+json` carries),
 * placed with the same geometry as the SVG, so the interactive chart lines up with
 * the static picture it replaces.
 */
import { logTickLabel, type Geometry } from "./geometry";
import { atlasOf } from "./atlas";
import { escapePlotlyText } from "./escape";
import { COLORS, type FigureSpec, type PlotlyBarTrace, type PlotlyFigure, type PlotlyTrace } from "./figure-spec";

function axisName(kind: "x" | "y", i: number): string {
  return i === 0 ? kind : `${kind}${i + 1}`;
}

function layoutAxisKey(kind: "x" | "y", i: number): string {
  return i === 0 ? `${kind}axis` : `${kind}axis${i + 1}`;
}

/** Plotly's `{data, layout}` of a normalised figure spec, laid out by `g`. */
export function toPlotly(spec: FigureSpec, g: Geometry): PlotlyFigure {
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

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
