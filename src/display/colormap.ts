/**
 * Matplotlib's colormaps for `imshow`, and the mapping of values to 8-bit levels.
 */
import { FigureError, type Colormap } from "./figure-spec";

// Viridis at t = 0, 0.1, …, 1 (matplotlib's values), interpolated linearly between.
const VIRIDIS_STOPS = [
  [68, 1, 84],
  [72, 36, 117],
  [65, 68, 135],
  [53, 95, 141],
  [42, 120, 142],
  [33, 145, 140],
  [34, 168, 132],
  [68, 191, 112],
  [122, 209, 81],
  [189, 223, 38],
  [253, 231, 37],
];

function viridis(t: number): [number, number, number] {
  const pos = t * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = VIRIDIS_STOPS[i];
  const b = VIRIDIS_STOPS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** 256 RGB triples of a colormap, from the low end to the high end. */
export function paletteOf(cmap: Colormap): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb: [number, number, number] =
      cmap === "viridis" ? viridis(i / 255) : cmap === "gray" ? [i, i, i] : [255 - i, 255 - i, 255 - i];
    out.set(rgb, i * 3);
  }
  return out;
}

/** Check a colormap name, listing the ones there are. */
export function checkColormap(cmap: string): Colormap {
  const known: Colormap[] = ["viridis", "gray", "gray_r", "binary", "Greys"];
  if (!(known as string[]).includes(cmap)) {
    throw new FigureError(`imshow: unknown colormap "${cmap}"; use one of ${known.join(", ")}`);
  }
  return cmap as Colormap;
}

/**
 * Map values to levels 0–255 between `vmin` and `vmax` (default: the data's
 * finite minimum and maximum), clipping outside, as matplotlib's Normalize.
 */
export function levels(
  values: ArrayLike<number>,
  vmin?: number,
  vmax?: number,
): {
  levels: Uint8Array;
  vmin: number;
  vmax: number;
} {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) lo = hi = 0;
  const a = vmin ?? lo;
  const b = vmax ?? hi;
  const out = new Uint8Array(values.length);
  const span = b - a;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = span > 0 ? (v - a) / span : 0;
    out[i] = Number.isFinite(v) ? Math.round(Math.max(0, Math.min(1, t)) * 255) : 0;
  }
  return { levels: out, vmin: a, vmax: b };
}
