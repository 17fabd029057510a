/**
 * A small SVG renderer for line charts, so every chart has a static picture drawn
 * in Node: for GitHub, `nbconvert --to markdown/pdf`, untrusted notebooks and any
 * viewer that runs no JavaScript. Each series is exactly one `<path>`; everything
 * else (axes, grid, ticks, reference lines, legend samples) uses `<line>` and `<text>`.
 */
import { randomBytes } from "node:crypto";
import type { FigureSpec, SeriesSpec, Dash } from "./figure-spec";
import { atlasOf } from "./atlas";
import { logTickLabel, tickLabel, type Geometry, type PanelBox } from "./geometry";
import { xmlEscape } from "./escape";

const FONT = "Arial, Helvetica, sans-serif";

function n(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

function dashArray(dash: Dash | undefined, width: number): string {
  switch (dash) {
    case "dash":
      return ` stroke-dasharray="${n(width * 3)},${n(width * 2)}"`;
    case "dot":
      return ` stroke-dasharray="${n(width)},${n(width * 1.5)}"`;
    case "dashdot":
      return ` stroke-dasharray="${n(width * 3)},${n(width * 1.5)},${n(width)},${n(width * 1.5)}"`;
    default:
      return "";
  }
}

function scaler(box: PanelBox): { sx: (v: number) => number; sy: (v: number) => number } {
  const [xa, xb] = box.xRange;
  const [ya, yb] = box.yRange;
  return {
    sx: (v) => box.x0 + ((v - xa) / (xb - xa || 1)) * (box.x1 - box.x0),
    sy: (v) => box.y1 - (((box.logY ? Math.log10(v) : v) - ya) / (yb - ya || 1)) * (box.y1 - box.y0),
  };
}

/** Path data of a series: line segments (broken at gaps) and/or marker shapes. */
function seriesPath(s: SeriesSpec, box: PanelBox): string {
  const { sx, sy } = scaler(box);
  const mode = s.mode ?? "lines";
  const parts: string[] = [];
  // A log axis has no place for zero or negative values: they leave gaps, as in Plotly.
  const drawable = (y: number) => Number.isFinite(y) && (!box.logY || y > 0);
  if (mode.includes("lines")) {
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!Number.isFinite(x) || !drawable(y)) {
        pen = false;
        continue;
      }
      parts.push(`${pen ? "L" : "M"}${n(sx(x))} ${n(sy(y))}`);
      pen = true;
    }
  }
  if (mode.includes("markers")) {
    const r = (s.markerSize ?? 6) / 2;
    const square = (s.marker ?? "circle").startsWith("square");
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i]) || !drawable(s.y[i])) continue;
      const cx = sx(s.x[i]);
      const cy = sy(s.y[i]);
      parts.push(
        square
          ? `M${n(cx - r)} ${n(cy - r)}h${n(2 * r)}v${n(2 * r)}h${n(-2 * r)}Z`
          : `M${n(cx - r)} ${n(cy)}a${n(r)} ${n(r)} 0 1 0 ${n(2 * r)} 0a${n(r)} ${n(r)} 0 1 0 ${n(-2 * r)} 0Z`,
      );
    }
  }
  return parts.join("");
}

function seriesFill(s: SeriesSpec): string {
  const filled = (s.mode ?? "lines") === "markers" && !(s.marker ?? "circle").endsWith("-open");
  return filled ? (s.color ?? "#000") : "none";
}

/**
 * A series' marker in the legend, with the series' own symbol (as Plotly's legend draws it): a
 * square for `"square"` markers, a circle for `"circle"`; filled unless the symbol is `-open`.
 */
function legendMarker(s: SeriesSpec, cx: number, cy: number, color: string): string {
  const r = (s.markerSize ?? 6) / 2;
  const symbol = s.marker ?? "circle";
  const fill = symbol.endsWith("-open") ? "none" : color;
  const data = `data-symbol="${xmlEscape(symbol)}"`;
  return symbol.startsWith("square")
    ? `<rect class="legend-sample" ${data} x="${n(cx - r)}" y="${n(cy - r)}" width="${n(2 * r)}" height="${n(2 * r)}" fill="${fill}" stroke="${color}" stroke-width="1.5"/>`
    : `<circle class="legend-sample" ${data} cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${fill}" stroke="${color}" stroke-width="1.5"/>`;
}

/** Grid, ticks, tick labels and axis lines of one panel (pictures get no grid, as in matplotlib). */
function axesSVG(box: PanelBox, picture: boolean): string[] {
  const { sx, sy } = scaler(box);
  const out: string[] = [];
  box.xTicks.forEach((v, i) => {
    const x = n(sx(v));
    if (!picture)
      out.push(`<line class="grid" x1="${x}" y1="${n(box.y0)}" x2="${x}" y2="${n(box.y1)}" stroke="#e5e5e5"/>`);
    out.push(`<line class="tick" x1="${x}" y1="${n(box.y1)}" x2="${x}" y2="${n(box.y1 + 5)}" stroke="#444"/>`);
    const label = box.xTickLabels?.[i] ?? tickLabel(v, box.xStep);
    const rot = box.xTickRotation ?? 0;
    const y = n(box.y1 + 18);
    const turn = rot ? ` transform="rotate(${-rot} ${x} ${n(box.y1 + 10)})"` : "";
    out.push(
      `<text class="xtick" x="${x}" y="${y}" text-anchor="${rot ? "end" : "middle"}" font-size="11" fill="#444"${turn}>${xmlEscape(label)}</text>`,
    );
  });
  for (const v of box.yTicks) {
    const y = n(sy(v));
    if (!picture)
      out.push(`<line class="grid" x1="${n(box.x0)}" y1="${y}" x2="${n(box.x1)}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<line class="tick" x1="${n(box.x0 - 5)}" y1="${y}" x2="${n(box.x0)}" y2="${y}" stroke="#444"/>`);
    out.push(
      `<text class="ytick" x="${n(box.x0 - 8)}" y="${n(sy(v) + 4)}" text-anchor="end" font-size="11" fill="#444">${xmlEscape(box.logY ? logTickLabel(v) : tickLabel(v, box.yStep))}</text>`,
    );
  }
  out.push(
    `<line class="axis" x1="${n(box.x0)}" y1="${n(box.y1)}" x2="${n(box.x1)}" y2="${n(box.y1)}" stroke="#444"/>`,
    `<line class="axis" x1="${n(box.x0)}" y1="${n(box.y0)}" x2="${n(box.x0)}" y2="${n(box.y1)}" stroke="#444"/>`,
  );
  return out;
}

/** Render a normalised figure spec with its geometry as a standalone SVG document. */
export function renderSVG(spec: FigureSpec, g: Geometry): string {
  const uid = randomBytes(4).toString("hex");
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="${FONT}" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${g.width}" height="${g.height}" fill="#ffffff"/>`);
  const atlas = atlasOf(spec, g);
  if (atlas) {
    out.push(
      `<image class="images" x="${n(atlas.x)}" y="${n(atlas.y)}" width="${n(atlas.width)}" height="${n(atlas.height)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${atlas.uri}"/>`,
    );
  }
  if (spec.title) {
    out.push(
      `<text class="title" x="${n(g.width / 2)}" y="${g.titleY}" text-anchor="middle" font-size="16" fill="#333">${xmlEscape(spec.title)}</text>`,
    );
  }
  spec.panels.forEach((panel, i) => {
    const box = g.panels[i];
    const { sx, sy } = scaler(box);
    const clip = `clip-${uid}-${i}`;
    out.push(`<g class="panel">`);
    out.push(
      `<clipPath id="${clip}"><rect x="${n(box.x0)}" y="${n(box.y0)}" width="${n(box.x1 - box.x0)}" height="${n(box.y1 - box.y0)}"/></clipPath>`,
    );
    if (!box.axisOff) out.push(...axesSVG(box, panel.image !== undefined));
    if (panel.title) {
      out.push(
        `<text class="panel-title" x="${n((box.x0 + box.x1) / 2)}" y="${n(box.y0 - 10)}" text-anchor="middle" font-size="14" fill="#333">${xmlEscape(panel.title)}</text>`,
      );
    }
    if (panel.xlabel && !box.axisOff) {
      out.push(
        `<text class="xlabel" x="${n((box.x0 + box.x1) / 2)}" y="${n(box.y1 + 40)}" text-anchor="middle" font-size="13" fill="#333">${xmlEscape(panel.xlabel)}</text>`,
      );
    }
    if (panel.ylabel && !box.axisOff) {
      const cx = n(box.x0 - 52);
      const cy = n((box.y0 + box.y1) / 2);
      out.push(
        `<text class="ylabel" x="${cx}" y="${cy}" transform="rotate(-90 ${cx} ${cy})" text-anchor="middle" font-size="13" fill="#333">${xmlEscape(panel.ylabel)}</text>`,
      );
    }
    for (const v of panel.vlines ?? []) {
      if (v.x < box.xRange[0] || v.x > box.xRange[1]) continue;
      const x = n(sx(v.x));
      out.push(
        `<line class="vline best-epoch" x1="${x}" y1="${n(box.y0)}" x2="${x}" y2="${n(box.y1)}" stroke="${xmlEscape(v.color ?? "#888")}" stroke-width="1"${dashArray(v.dash ?? "dash", 1.5)}/>`,
      );
    }
    out.push(`<g clip-path="url(#${clip})">`);
    for (const bars of panel.bars ?? []) {
      const w = bars.width ?? 0.8;
      const d = bars.x
        .map((x, i) => {
          const h = bars.heights[i];
          if (!Number.isFinite(x) || !Number.isFinite(h)) return "";
          const left = sx(x - w / 2);
          const top = sy(Math.max(h, 0));
          return `M${n(left)} ${n(top)}h${n(sx(x + w / 2) - left)}V${n(sy(Math.min(h, 0)))}H${n(left)}Z`;
        })
        .join("");
      out.push(
        `<path class="bars" data-name="${xmlEscape(bars.name ?? "")}" d="${d || "M0 0"}" fill="${xmlEscape(bars.color ?? "#000")}" stroke="#ffffff" stroke-width="0.5"/>`,
      );
    }
    for (const s of panel.series) {
      const width = s.width ?? 2;
      out.push(
        `<path class="trace" data-name="${xmlEscape(s.name)}" d="${seriesPath(s, box) || "M0 0"}" fill="${xmlEscape(seriesFill(s))}" stroke="${xmlEscape(s.color ?? "#000")}" stroke-width="${(s.mode ?? "lines") === "markers" ? 1.5 : width}" stroke-linejoin="round" stroke-linecap="round"${dashArray(s.dash, width)}/>`,
      );
    }
    out.push(`</g>`);
    out.push(`</g>`);
  });
  if (spec.showLegend && g.legend.length) {
    out.push(`<g class="legend">`);
    for (const item of g.legend) {
      if (item.series < 0) {
        const bars = (spec.panels[item.panel].bars ?? [])[-1 - item.series];
        out.push(
          `<rect class="legend-sample" x="${n(item.x + 8)}" y="${n(item.y - 6)}" width="14" height="12" fill="${xmlEscape(bars.color ?? "#000")}"/>`,
          `<text class="legend-text" x="${n(item.x + 36)}" y="${n(item.y + 4)}" font-size="12" fill="#333">${xmlEscape(bars.name ?? "")}</text>`,
        );
        continue;
      }
      const s = spec.panels[item.panel].series[item.series];
      const color = xmlEscape(s.color ?? "#000");
      const mode = s.mode ?? "lines";
      if (mode.includes("lines")) {
        out.push(
          `<line class="legend-sample" x1="${n(item.x)}" y1="${n(item.y)}" x2="${n(item.x + 30)}" y2="${n(item.y)}" stroke="${color}" stroke-width="${s.width ?? 2}"${dashArray(s.dash, s.width ?? 2)}/>`,
        );
      }
      if (mode.includes("markers")) out.push(legendMarker(s, item.x + 15, item.y, color));
      out.push(
        `<text class="legend-text" x="${n(item.x + 36)}" y="${n(item.y + 4)}" font-size="12" fill="#333">${xmlEscape(s.name)}</text>`,
      );
    }
    out.push(`</g>`);
  }
  out.push(`</svg>`);
  return out.join("\n");
}
