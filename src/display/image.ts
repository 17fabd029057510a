/**
 * What `imshow` accepts (2-D arrays and tensors), turned into a PNG picture.
 */
import { FigureError, type Colormap, type ImageSpec } from "./figure-spec";
import { checkColormap, levels } from "./colormap";

/** A 2-D picture: nested arrays, or a tensor of shape `[h, w]` (or `[h, w, 1]`, `[1, h, w, 1]`). */
export type ImageInput = ArrayLike<ArrayLike<number>> | { shape: number[]; dataSync(): ArrayLike<number> };

/** Options of `imshow`, as matplotlib's keyword arguments. */
export interface ImshowOptions {
  /** Default `"viridis"`, as matplotlib. */
  cmap?: Colormap;
  /** The value drawn with the colormap's low end; default the data's minimum. */
  vmin?: number;
  /** The value drawn with the colormap's high end; default the data's maximum. */
  vmax?: number;
}

function isTensorLike(v: unknown): v is { shape: number[]; dataSync(): ArrayLike<number> } {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as { shape?: unknown }).shape) &&
    typeof (v as { dataSync?: unknown }).dataSync === "function"
  );
}

/** The values of a 2-D picture, row by row, and its size. */
function matrixOf(image: ImageInput): { values: Float64Array; rows: number; cols: number } {
  if (isTensorLike(image)) {
    const dims = image.shape.filter((d) => d !== 1);
    const shape = image.shape.length === 2 ? image.shape : dims.length === 2 ? dims : undefined;
    if (!shape) {
      throw new FigureError(
        `imshow: expected a 2-D image, got a tensor of shape [${image.shape.join(", ")}]; select one picture, e.g. x.reshape([28, 28])`,
      );
    }
    return { values: Float64Array.from(image.dataSync()), rows: shape[0], cols: shape[1] };
  }
  if (typeof image !== "object" || image === null || typeof image.length !== "number" || image.length === 0) {
    throw new FigureError("imshow: expected a 2-D array (rows of numbers) or a 2-D tensor");
  }
  const rows = image.length;
  const cols = image[0]?.length;
  if (typeof cols !== "number" || cols === 0) {
    throw new FigureError("imshow: expected a 2-D array: each row must be an array of numbers");
  }
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = image[r];
    if (row.length !== cols) {
      throw new FigureError(
        `imshow: row ${r} has ${row.length} values but row 0 has ${cols}; give every row the same length`,
      );
    }
    for (let c = 0; c < cols; c++) values[r * cols + c] = Number(row[c]);
  }
  return { values, rows, cols };
}

/**
 * The picture of a 2-D array under a colormap: its values mapped to 256 levels
 * between `vmin` and `vmax` (the figure turns the levels into one PNG).
 *
 * @example
 * const spec = imageSpec([[0, 1], [1, 0]], { cmap: "gray" });
 */
export function imageSpec(image: ImageInput, options: ImshowOptions = {}): ImageSpec {
  const cmap = checkColormap(options.cmap ?? "viridis");
  const { values, rows, cols } = matrixOf(image);
  const mapped = levels(values, options.vmin, options.vmax);
  return { rows, cols, levels: mapped.levels, cmap, vmin: mapped.vmin, vmax: mapped.vmax };
}
