/**
 * Pixel layout of a figure, computed once and used by both the SVG renderer and
 * the Plotly layout, so the static picture and the interactive chart line up.
 */
import type { FigureSpec } from "./figure";

/** Where one panel's plot area sits, and its axes. */
export interface PanelBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  xRange: [number, number];
  yRange: [number, number];
  xTicks: number[];
  yTicks: number[];
  xStep: number;
  yStep: number;
  /** A logarithmic y axis: `yRange` is in powers of ten, `yTicks` in data units. */
  logY?: boolean;
}

/** One legend entry and where it is drawn. */
export interface LegendItem {
  panel: number;
  series: number;
  x: number;
  y: number;
}

/** The figure's pixel layout. */
export interface Geometry {
  width: number;
  height: number;
  margin: { l: number; r: number; t: number; b: number };
  panels: PanelBox[];
  /** Baseline of the figure title. */
  titleY: number;
  /** Top of the legend block. */
  legendTop: number;
  legend: LegendItem[];
}

const FONT_SIZE = 12;
const LEGEND_ROW = 20;
const LEGEND_SAMPLE = 30;
const PANEL_GAP = 80;

/** A rough text width for Arial-like fonts (there is no font engine in Node). */
export function textWidth(text: string, size = FONT_SIZE): number {
  let w = 0;
  for (const ch of text) {
    if ("il.,:;|!'".includes(ch)) w += 0.28;
    else if ("mwMW".includes(ch)) w += 0.85;
    else if (ch >= "A" && ch <= "Z") w += 0.67;
    else if (ch.charCodeAt(0) > 0x2e80) w += 1.0;
    else w += 0.55;
  }
  return w * size;
}

/** Compute the layout of a normalised figure spec. */
export function computeGeometry(spec: FigureSpec): Geometry {
  const width = spec.width ?? 640;
  const height = spec.height ?? 400;
  const n = spec.panels.length;
  const anyPanelTitle = spec.panels.some((p) => p.title);
  const t = (spec.title ? 44 : 16) + (anyPanelTitle ? 26 : 0);
  const l = 72;
  const r = 24;

  // Legend entries wrap into rows across the whole width.
  const entries: Array<{ panel: number; series: number; w: number }> = [];
  if (spec.showLegend) {
    spec.panels.forEach((p, pi) =>
      p.series.forEach((s, si) => {
        if ((s.showInLegend ?? true) && s.name !== "")
          entries.push({ panel: pi, series: si, w: LEGEND_SAMPLE + 6 + textWidth(s.name) + 18 });
      }),
    );
  }
  const rows: Array<typeof entries> = [];
  const maxRow = width - 40;
  for (const e of entries) {
    const row = rows[rows.length - 1];
    if (row && row.reduce((a, b) => a + b.w, 0) + e.w <= maxRow) row.push(e);
    else rows.push([e]);
  }
  const axisBlock = 52; // tick labels and the x-axis title
  const b = axisBlock + (rows.length ? rows.length * LEGEND_ROW + 14 : 8);
  const plotW = width - l - r;
  const panelW = (plotW - PANEL_GAP * (n - 1)) / n;
  const y0 = t;
  const y1 = height - b;

  const panels = spec.panels.map((p, i): PanelBox => {
    const x0 = l + i * (panelW + PANEL_GAP);
    const xs = p.series.flatMap((s) => s.x.filter(Number.isFinite));
    const logY = p.logY ?? false;
    const ys = p.series.flatMap((s) => s.y.filter((v) => Number.isFinite(v) && (!logY || v > 0)));
    const xRange = p.xlim ?? paddedRange(xs, 0.03, p.integerX ? 0.5 : 0.5);
    const xAxis = ticks(xRange, Math.max(2, Math.floor(panelW / 70)), p.integerX ?? false);
    const yTarget = Math.max(2, Math.floor((y1 - y0) / 45));
    const yRange = logY
      ? p.ylim
        ? ([Math.log10(p.ylim[0]), Math.log10(p.ylim[1])] as [number, number])
        : paddedRange(ys.map(Math.log10), 0.06, 0.1)
      : (p.ylim ?? paddedRange(ys, 0.06, 0.5));
    const yAxis = logY ? logTicks(yRange, yTarget) : ticks(yRange, yTarget, false);
    return {
      x0,
      x1: x0 + panelW,
      y0,
      y1,
      xRange,
      yRange,
      xTicks: xAxis.values,
      yTicks: yAxis.values,
      xStep: xAxis.step,
      yStep: yAxis.step,
      ...(logY ? { logY } : {}),
    };
  });

  const legendTop = height - b + axisBlock + 6;
  const legend: LegendItem[] = [];
  rows.forEach((row, ri) => {
    const rowW = row.reduce((a, e) => a + e.w, 0);
    let x = l + (plotW - rowW) / 2;
    for (const e of row) {
      legend.push({ panel: e.panel, series: e.series, x, y: legendTop + ri * LEGEND_ROW + LEGEND_ROW / 2 });
      x += e.w;
    }
  });

  return { width, height, margin: { l, r, t, b }, panels, titleY: 26, legendTop, legend };
}

function paddedRange(values: number[], fraction: number, emptyPad: number): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    const pad = lo === 0 ? emptyPad : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * fraction;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/** "Nice" tick values (1, 2, 2.5, 5 × 10^k) inside a range. */
export function ticks(range: [number, number], target: number, integer: boolean): { values: number[]; step: number } {
  const [lo, hi] = range;
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return { values: [lo], step: 1 };
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  if (integer) step = Math.max(1, Math.ceil(step));
  const first = Math.ceil(lo / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) {
    values.push(Number(v.toPrecision(12)));
    if (values.length > 100) break;
  }
  return { values, step };
}

/** Tick label text with as many decimals as the step needs. */
export function tickLabel(value: number, step: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(1).replace("e+", "e");
  let decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals += 1;
  const text = value.toFixed(Math.min(decimals, 8));
  // As Plotly: 0.9, not 0.900.
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * Ticks for a logarithmic axis whose range is in powers of ten: each decade when the
 * range spans several, else 1, 2 and 5 (or every digit) times powers of ten. Values are
 * in data units; `step` is the decade step.
 */
export function logTicks(range: [number, number], target: number): { values: number[]; step: number } {
  const [lo, hi] = range;
  if (!(hi > lo)) return { values: [10 ** lo], step: 1 };
  const inside = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const decades = Math.floor(hi) - Math.ceil(lo) + 1;
  if (decades >= 2) {
    const step = Math.max(1, Math.ceil(decades / target));
    const values: number[] = [];
    for (let k = Math.ceil(lo); k <= hi + 1e-9; k += step) values.push(Number((10 ** k).toPrecision(12)));
    return { values, step };
  }
  for (const mantissas of [
    [1, 2, 5],
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  ]) {
    const values: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** k).toPrecision(12));
        if (inside(v)) values.push(v);
      }
    }
    if (values.length >= 3 || mantissas.length === 9) return { values, step: 1 };
  }
  return { values: [], step: 1 };
}

/** Label of a log-axis tick: `0.01`, `0.2`, `5`, `1e-05`. */
export function logTickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(0).replace("e+", "e");
  return String(Number(value.toPrecision(3)));
}
