/**
 * All the pictures of a figure in ONE PNG, laid out as the figure places them:
 * the SVG and the Plotly layout each carry one image, whatever the number of
 * panels (a 4×8 grid of feature maps stays a few tens of kilobytes), with a
 * single palette, and transparent gaps between the panels.
 */
import type { Colormap, FigureSpec } from "./figure-spec";
import type { Geometry } from "./geometry";
import { paletteOf } from "./colormap";
import { encodePNG, pngDataURI } from "./png";

/** The figure's pictures as one PNG and where it goes, in figure pixels. */
interface Atlas {
  uri: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** At most this many screen pixels per PNG pixel, so that viewers' smoothing hardly blurs small pictures. */
const MAX_SCREEN_PX = 8;

/**
 * Where panels start along one axis, in whole PNG pixels from `origin`. Panels on a regular
 * lattice (a grid: starts equally spaced) are placed at a whole-pixel pitch, so every gap between
 * neighbours is the same number of PNG pixels (rounding each start on its own made the gaps of a
 * 2×16 grid alternate between 1 and 2 pixels: 7 and 14 on screen); other layouts round each start.
 */
function startsInPNG(starts: number[], origin: number, scale: number): number[] {
  const distinct: number[] = [];
  for (const v of [...starts].sort((a, b) => a - b))
    if (distinct.length === 0 || v - distinct[distinct.length - 1] > 1e-6) distinct.push(v);
  const pitch = distinct.length > 1 ? (distinct[distinct.length - 1] - distinct[0]) / (distinct.length - 1) : 0;
  const regular = distinct.length > 1 && distinct.every((v, i) => Math.abs(v - distinct[0] - i * pitch) < 1e-6 * pitch);
  const first = Math.round((distinct[0] - origin) / scale);
  const step = Math.max(1, Math.round(pitch / scale));
  return starts.map((v) => {
    if (!regular) return Math.round((v - origin) / scale);
    const i = distinct.findIndex((d) => Math.abs(d - v) <= 1e-6);
    return first + i * step;
  });
}

/** The atlas of a figure's pictures; `undefined` when it has none. */
export function atlasOf(spec: FigureSpec, g: Geometry): Atlas | undefined {
  const items = spec.panels.flatMap((p, i) => (p.image ? [{ image: p.image, box: g.panels[i] }] : []));
  if (items.length === 0) return undefined;
  const finest = Math.min(...items.map(({ image, box }) => (box.x1 - box.x0) / image.cols));
  const scale = finest / Math.max(1, Math.ceil(finest / MAX_SCREEN_PX)); // screen px per PNG px
  const x0 = Math.min(...items.map((it) => it.box.x0));
  const y0 = Math.min(...items.map((it) => it.box.y0));
  const x1 = Math.max(...items.map((it) => it.box.x1));
  const y1 = Math.max(...items.map((it) => it.box.y1));
  const left = startsInPNG(
    items.map((it) => it.box.x0),
    x0,
    scale,
  );
  const top = startsInPNG(
    items.map((it) => it.box.y0),
    y0,
    scale,
  );
  const cells = items.map(({ image, box }, k) => ({
    image,
    ax: left[k],
    ay: top[k],
    w: Math.max(1, Math.round((box.x1 - box.x0) / scale)),
    h: Math.max(1, Math.round((box.y1 - box.y0) / scale)),
  }));
  const width = Math.max(...cells.map((c) => c.ax + c.w));
  const height = Math.max(...cells.map((c) => c.ay + c.h));

  // Index 0 is the transparent gap; the others are the colours in use, across colormaps.
  const colours = new Map<string, number>();
  const rgb: number[] = [255, 255, 255];
  const palettes = new Map<Colormap, Uint8Array>();
  const indexOf = (cmap: Colormap, level: number): number => {
    let p = palettes.get(cmap);
    if (!p) palettes.set(cmap, (p = paletteOf(cmap)));
    const key = `${p[level * 3]},${p[level * 3 + 1]},${p[level * 3 + 2]}`;
    let i = colours.get(key);
    if (i === undefined) {
      i = colours.size + 1;
      colours.set(key, i);
      rgb.push(p[level * 3], p[level * 3 + 1], p[level * 3 + 2]);
    }
    return i;
  };
  const indices = new Uint16Array(width * height);
  for (const { image, ax, ay, w, h } of cells) {
    const lut = new Int32Array(256).fill(-1);
    for (let y = 0; y < h; y++) {
      const row = Math.min(image.rows - 1, Math.floor((y * image.rows) / h)) * image.cols;
      for (let x = 0; x < w; x++) {
        const col = Math.min(image.cols - 1, Math.floor((x * image.cols) / w));
        const level = image.levels[row + col];
        if (lut[level] < 0) lut[level] = indexOf(image.cmap, level);
        indices[(ay + y) * width + ax + x] = lut[level];
      }
    }
  }
  let png: Buffer;
  if (rgb.length <= 256 * 3) {
    png = encodePNG({ width, height, pixels: Uint8Array.from(indices), palette: Uint8Array.from(rgb), transparent: 0 });
  } else {
    // More than 255 colours (several colormaps): RGB, gaps white.
    const pixels = new Uint8Array(width * height * 3);
    indices.forEach((i, k) => pixels.set(rgb.slice(i * 3, i * 3 + 3), k * 3));
    png = encodePNG({ width, height, pixels, channels: 3 });
  }
  return { uri: pngDataURI(png), x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
