/**
 * A classifier's answer for one image, as one SVG picture: the image in grey
 * levels beside a bar per class for the predicted probabilities (the true class
 * marked). Static, so it shows the same in any viewer; with a slider
 * (`interact`) it becomes a browser over the validation images.
 */
import { JUPYTER_DISPLAY, type Displayable } from "./registry";
import { xmlEscape } from "./escape";

/** Numbers from a tensor (`dataSync()`), a typed array, or nested arrays. */
type Numbers = { dataSync(): ArrayLike<number> } | ArrayLike<number> | ReadonlyArray<ReadonlyArray<number>>;

/** Options of {@link predictionView}. */
export interface PredictionViewOptions {
  /** Class names, in class order. Default: "0", "1", …. */
  labels?: readonly string[];
  /** The true class, marked in the bars. */
  target?: number;
  /** Pixel values map to grey from `range[0]` (black) to `range[1]` (white). Default [0, 1]. */
  range?: [number, number];
}

function flat(values: Numbers): number[] {
  if (typeof (values as { dataSync?: unknown }).dataSync === "function") {
    return Array.from((values as { dataSync(): ArrayLike<number> }).dataSync());
  }
  return (Array.from(values as ArrayLike<unknown>) as unknown[]).flat(Infinity) as number[];
}

/**
 * The picture of one prediction: a square grey image and a bar chart of the
 * class probabilities, the predicted class in blue and the true one labelled.
 *
 * @example
 * predictionView(valScaled.slice(0, 1), probabilities[0], { labels: classNames, target: 9 });
 */
export function predictionView(
  image: Numbers,
  probabilities: Numbers,
  options: PredictionViewOptions = {},
): Displayable {
  const pixels = flat(image);
  const probs = flat(probabilities);
  const side = Math.round(Math.sqrt(pixels.length));
  if (side * side !== pixels.length) {
    throw new RangeError(`predictionView: the image must be square; got ${pixels.length} pixels`);
  }
  const labels = options.labels ?? probs.map((_, i) => String(i));
  const [lo, hi] = options.range ?? [0, 1];
  const best = probs.indexOf(Math.max(...probs));
  const cell = 140 / side;
  const rects = pixels
    .map((v, i) => {
      const grey = Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo || 1))));
      const x = (i % side) * cell;
      const y = Math.floor(i / side) * cell;
      return `<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${(cell + 0.05).toFixed(2)}" height="${(cell + 0.05).toFixed(2)}" fill="rgb(${grey},${grey},${grey})"/>`;
    })
    .join("");
  const rowHeight = 14;
  const bars = probs
    .map((p, i) => {
      const y = 4 + i * rowHeight;
      const width = Math.max(0, Math.min(1, p)) * 150;
      const name = `${labels[i] ?? i}${i === options.target ? " ✓" : ""}`;
      return (
        `<text x="270" y="${y + 10}" text-anchor="end" font-size="11">${xmlEscape(name)}</text>` +
        `<rect x="276" y="${y + 2}" width="${width.toFixed(1)}" height="${rowHeight - 4}" fill="${i === best ? "#1f77b4" : "#aaa"}"/>` +
        `<text x="${(280 + width).toFixed(1)}" y="${y + 10}" font-size="10">${p.toFixed(3)}</text>`
      );
    })
    .join("");
  const height = Math.max(150, 8 + probs.length * rowHeight);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="${height}" viewBox="0 0 480 ${height}" font-family="Arial, Helvetica, sans-serif">` +
    `<g transform="translate(0,4)">${rects}</g>${bars}</svg>`;
  const text =
    `predicted ${labels[best] ?? best} (p = ${probs[best]?.toFixed(3)})` +
    (options.target === undefined ? "" : `, true class ${labels[options.target] ?? options.target}`);
  return { [JUPYTER_DISPLAY]: () => ({ "image/svg+xml": svg, "text/plain": text }) };
}
