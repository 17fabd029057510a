/**
 * Pixel layout of a figure, computed once and used by both the SVG renderer and
 * the Plotly layout, so the static picture and the interactive chart line up.
 */
import type { FigureSpec } from "./figure-spec";

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
  /** Text of each x tick when placed by hand; default the value. */
  xTickLabels?: string[];
  /** Rotation of the x tick labels in degrees counter-clockwise. */
  xTickRotation?: number;
  /** No axes, ticks or grid. */
  axisOff: boolean;
  /** A logarithmic y axis: `yRange` is in powers of ten, `yTicks` in data units. */
  logY?: boolean;
}

/** One legend entry and where it is drawn. */
interface LegendItem {
  panel: number;
  /** Index of the series; `-1 - k` for the panel's k-th set of bars. */
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
  const { rows: gridRows, cols: gridCols } = spec.grid ?? { rows: 1, cols: n };
  const axes = spec.panels.some((p) => !p.axisOff);
  const anyPanelTitle = spec.panels.some((p) => p.title);
  const rotated = spec.panels.some((p) => !p.axisOff && p.xticks?.rotation);
  const t = (spec.title ? 44 : axes ? 16 : 8) + (anyPanelTitle ? 26 : 0);
  const l = axes ? 72 : 8;
  const r = axes ? 24 : 8;

  // Legend entries wrap into rows across the whole width.
  const entries: Array<{ panel: number; series: number; w: number }> = [];
  if (spec.showLegend) {
    spec.panels.forEach((p, pi) => {
      p.series.forEach((s, si) => {
        if ((s.showInLegend ?? true) && s.name !== "")
          entries.push({ panel: pi, series: si, w: LEGEND_SAMPLE + 6 + textWidth(s.name) + 18 });
      });
      (p.bars ?? []).forEach((b, bi) => {
        if (b.name) entries.push({ panel: pi, series: -1 - bi, w: LEGEND_SAMPLE + 6 + textWidth(b.name) + 18 });
      });
    });
  }
  const rows: Array<typeof entries> = [];
  const maxRow = width - 40;
  for (const e of entries) {
    const row = rows[rows.length - 1];
    if (row && row.reduce((a, b) => a + b.w, 0) + e.w <= maxRow) row.push(e);
    else rows.push([e]);
  }
  // Tick labels and the x-axis title; rotated labels need room for their length.
  const longest = Math.max(0, ...spec.panels.flatMap((p) => (p.xticks?.labels ?? []).map((x) => textWidth(x, 11))));
  const axisBlock = axes ? 52 + (rotated ? Math.round(longest * 0.7) : 0) : 0;
  const b = axisBlock + (rows.length ? rows.length * LEGEND_ROW + 14 : 8);
  const plotW = width - l - r;
  const gapX = axes ? PANEL_GAP : 8;
  const gapY = axisBlock + (anyPanelTitle ? 26 : 0) + (axes ? 12 : 8);
  const panelW = (plotW - gapX * (gridCols - 1)) / gridCols;
  const panelH = (height - t - b - gapY * (gridRows - 1)) / gridRows;

  const panels = spec.panels.map((p, i): PanelBox => {
    const row = Math.floor(i / gridCols);
    const col = i % gridCols;
    let x0 = l + col * (panelW + gapX);
    let x1 = x0 + panelW;
    let y0 = t + row * (panelH + gapY);
    let y1 = y0 + panelH;
    let xRange: [number, number];
    let yRange: [number, number];
    // A log axis is for curves (LivePlot's logY); pictures and bars keep linear axes.
    const logY = (p.logY ?? false) && !p.image && !(p.bars ?? []).length;
    if (p.image) {
      // Square pixels, centred in the cell, as imshow's default aspect.
      const k = Math.min(panelW / p.image.cols, panelH / p.image.rows);
      const w = p.image.cols * k;
      const h = p.image.rows * k;
      x0 += (panelW - w) / 2;
      x1 = x0 + w;
      y0 += (panelH - h) / 2;
      y1 = y0 + h;
      xRange = p.xlim ?? [-0.5, p.image.cols - 0.5];
      yRange = p.ylim ?? [p.image.rows - 0.5, -0.5];
    } else {
      const bars = p.bars ?? [];
      const xs = [
        ...p.series.flatMap((s) => s.x.filter(Number.isFinite)),
        ...bars.flatMap((bar) => bar.x.flatMap((x) => [x - (bar.width ?? 0.8) / 2, x + (bar.width ?? 0.8) / 2])),
      ];
      const ys = p.series.flatMap((s) => s.y.filter((v) => Number.isFinite(v) && (!logY || v > 0)));
      const heights = bars.flatMap((bar) => bar.heights.filter(Number.isFinite));
      xRange = p.xlim ?? paddedRange(xs, bars.length ? 0.02 : 0.03, 0.5);
      yRange = logY
        ? p.ylim
          ? [Math.log10(p.ylim[0]), Math.log10(p.ylim[1])]
          : paddedRange(ys.map(Math.log10), 0.06, 0.1)
        : (p.ylim ?? (heights.length ? barRange([...ys, ...heights]) : paddedRange(ys, 0.06, 0.5)));
    }
    const integerX = (p.integerX ?? false) || p.image !== undefined;
    const xAxis = p.xticks
      ? { values: p.xticks.values, step: 1 }
      : ticks(sorted(xRange), Math.max(2, Math.floor((x1 - x0) / 70)), integerX);
    const yTarget = Math.max(2, Math.floor((y1 - y0) / 45));
    const yAxis = logY ? logTicks(yRange, yTarget) : ticks(sorted(yRange), yTarget, p.image !== undefined);
    return {
      x0,
      x1,
      y0,
      y1,
      xRange,
      yRange,
      xTicks: xAxis.values,
      yTicks: yAxis.values,
      xStep: xAxis.step,
      yStep: yAxis.step,
      xTickLabels: p.xticks?.labels ?? p.xticks?.values.map(String),
      xTickRotation: p.xticks?.rotation,
      axisOff: p.axisOff ?? false,
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

function sorted(range: [number, number]): [number, number] {
  return range[0] <= range[1] ? range : [range[1], range[0]];
}

/** Bars stand on zero, with 5% headroom, as matplotlib's bar charts. */
function barRange(values: number[]): [number, number] {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const pad = (hi - lo || 1) * 0.05;
  return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
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
  // Each tick is a whole multiple of the step, computed by one multiplication (not by adding the
  // step again and again, whose float error makes the zero tick -5.6e-17), rounded to 12 digits.
  const values: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    values.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
    if (values.length > 100) break;
  }
  return { values, step };
}

/** Tick label text with as many decimals as the step needs. */
export function tickLabel(value: number, step: number): string {
  // A value a billionth of a step from zero is zero with float error.
  if (value === 0 || Math.abs(value) < Math.abs(step) * 1e-9) return "0";
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
