/**
 * Formatters for TensorFlow.js objects we do not own: tensors print like NumPy
 * arrays (summarised with `...` beyond 1000 values), models print their summary
 * as an HTML table and as Keras-style text.
 */
import { tf } from "../backend";
import { registerFormatter, type MimeBundle } from "./registry";
import { xmlEscape } from "./escape";

/** Tensors with more values than this are summarised (NumPy's `threshold`). */
const THRESHOLD = 1000;
/** Values kept at each end of a summarised axis (NumPy's `edgeitems`). */
const EDGE = 3;

interface TensorShape {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<unknown>;
}

/** Whether a value is shaped like a tfjs tensor (copies of tfjs differ, so no instanceof). */
export function isTensor(value: unknown): value is TensorShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof TensorShape, unknown>>;
  return (
    Array.isArray(v.shape) &&
    typeof v.dtype === "string" &&
    typeof v.dataSync === "function" &&
    typeof v.size === "number"
  );
}

function formatNumbers(values: number[], dtype: string): string[] {
  if (dtype === "int32" || dtype === "bool") return values.map((v) => String(v));
  const finite = values.filter(Number.isFinite);
  const maxAbs = Math.max(0, ...finite.map(Math.abs));
  const minAbs = Math.min(Infinity, ...finite.filter((v) => v !== 0).map(Math.abs));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  if (maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity)) {
    return values.map((v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : special(v)));
  }
  // As NumPy: the fewest decimals (at most 4) that show every value at 4-decimal precision.
  let decimals = 0;
  for (const v of finite) {
    const s = v.toFixed(4).replace(/0+$/, "");
    const d = s.length - s.indexOf(".") - 1;
    if (d > decimals) decimals = d;
  }
  return values.map((v) =>
    Number.isFinite(v) ? (decimals === 0 ? `${v.toFixed(0)}.` : v.toFixed(decimals)) : special(v),
  );
}

/** Which indices of an axis of length `n` are shown, and whether a `...` goes after index EDGE-1. */
function axisIndices(n: number, summarise: boolean): number[] {
  if (!summarise || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

/**
 * The text of a tensor: a header `tf.Tensor float32 [3, 4]` and its values,
 * summarised like NumPy (`...`) when it has more than 1000 values.
 *
 * @example
 * tensorText(tf.tensor2d([[1, 2], [3, 4]]));
 * // tf.Tensor float32 [2, 2]
 * // [[1., 2.],
 * //  [3., 4.]]
 */
export function tensorText(t: TensorShape): string {
  const header = `tf.Tensor ${t.dtype} [${t.shape.join(", ")}]`;
  if (t.isDisposed) return `${header} (disposed)`;
  if (t.dtype === "complex64") return `${header} (complex values not shown)`;
  const summarise = t.size > THRESHOLD;
  const kept = t.shape.map((n) => axisIndices(n, summarise));
  const values = keptValues(t, kept);
  const keptShape = kept.map((k) => k.length);
  const texts =
    t.dtype === "string"
      ? values.map((v) => JSON.stringify(String(v)))
      : formatNumbers(
          values.map((v) => Number(v)),
          t.dtype,
        );
  const width = Math.max(0, ...texts.map((s) => s.length));
  const cells = texts.map((s) => s.padStart(width));
  if (t.shape.length === 0) return `${header}\n${cells[0] ?? ""}`;

  let pos = 0;
  const render = (axis: number, indent: number): string => {
    const n = t.shape[axis];
    const elided = kept[axis].length < n;
    const parts: string[] = [];
    for (let j = 0; j < keptShape[axis]; j++) {
      if (elided && j === EDGE) parts.push("...");
      if (axis === t.shape.length - 1) parts.push(cells[pos++]);
      else parts.push(render(axis + 1, indent + 1));
    }
    if (axis === t.shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = `,${"\n".repeat(t.shape.length - 1 - axis)}${" ".repeat(indent + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  return `${header}\n${render(0, 0)}`;
}

/** The values at the kept indices, in row-major order; large tensors are gathered first. */
function keptValues(t: TensorShape, kept: number[][]): unknown[] {
  const all = kept.every((k, axis) => k.length === t.shape[axis]);
  if (all) return Array.from(t.dataSync());
  const small = tf.tidy(() => {
    let x = t as unknown as import("@tensorflow/tfjs").Tensor;
    kept.forEach((indices, axis) => {
      if (indices.length < t.shape[axis]) x = tf.gather(x, tf.tensor1d(indices, "int32"), axis);
    });
    return x;
  });
  try {
    return Array.from(small.dataSync());
  } finally {
    if (small !== (t as unknown)) small.dispose();
  }
}

interface LayerShape {
  name: string;
  getClassName(): string;
  countParams(): number;
  outputShape?: unknown;
}

interface ModelShape {
  name: string;
  layers: LayerShape[];
  trainableWeights: Array<{ shape: Array<number | null> }>;
  nonTrainableWeights: Array<{ shape: Array<number | null> }>;
  summary(lineLength?: number, positions?: number[], printFn?: (message?: unknown) => void): void;
}

/** Whether a value is shaped like a tfjs LayersModel / Sequential. */
function isLayersModel(value: unknown): value is ModelShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof ModelShape, unknown>>;
  return (
    Array.isArray(v.layers) &&
    typeof v.summary === "function" &&
    Array.isArray(v.trainableWeights) &&
    Array.isArray(v.nonTrainableWeights)
  );
}

/** A shape as Keras prints it: `(None, 784)`. */
export function shapeText(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  if (shape.length > 0 && Array.isArray(shape[0])) return shape.map(shapeText).join(", ");
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

function weightCount(weights: Array<{ shape: Array<number | null> }>): number {
  return weights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 0), 1), 0);
}

/** One row per layer: name, class, output shape, parameter count. */
function modelRows(model: ModelShape): Array<{ layer: string; type: string; outputShape: string; params: number }> {
  return model.layers.map((layer) => {
    let outputShape: string;
    try {
      outputShape = shapeText(layer.outputShape);
    } catch {
      outputShape = "multiple";
    }
    let params: number;
    try {
      params = layer.countParams();
    } catch {
      params = 0;
    }
    return { layer: layer.name, type: layer.getClassName(), outputShape, params };
  });
}

function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** The model summary as an HTML table (Layer (type), Output Shape, Param #) with totals. */
export function modelSummaryHTML(model: ModelShape): string {
  const rows = modelRows(model);
  const trainable = weightCount(model.trainableWeights);
  const nonTrainable = weightCount(model.nonTrainableWeights);
  const body = rows
    .map(
      (r) =>
        `<tr><td style="text-align:left">${xmlEscape(r.layer)} (${xmlEscape(r.type)})</td><td style="text-align:left">${xmlEscape(r.outputShape)}</td><td style="text-align:right">${thousands(r.params)}</td></tr>`,
    )
    .join("\n");
  return (
    `<table class="tslab-dl-model-summary">\n<caption style="text-align:left">Model: "${xmlEscape(model.name)}"</caption>\n` +
    `<thead><tr><th style="text-align:left">Layer (type)</th><th style="text-align:left">Output Shape</th><th style="text-align:right">Param #</th></tr></thead>\n` +
    `<tbody>\n${body}\n</tbody>\n` +
    `<tfoot>\n<tr><td colspan="2" style="text-align:left">Total params</td><td style="text-align:right">${thousands(trainable + nonTrainable)}</td></tr>\n` +
    `<tr><td colspan="2" style="text-align:left">Trainable params</td><td style="text-align:right">${thousands(trainable)}</td></tr>\n` +
    `<tr><td colspan="2" style="text-align:left">Non-trainable params</td><td style="text-align:right">${thousands(nonTrainable)}</td></tr>\n</tfoot>\n</table>`
  );
}

/**
 * The model summary as text, laid out as Keras prints it (Layer (type), Output
 * Shape, Param #, totals). tfjs's own `model.summary()` adds an Input Shape column.
 */
function modelSummaryText(model: ModelShape): string {
  const rows = modelRows(model);
  const trainable = weightCount(model.trainableWeights);
  const nonTrainable = weightCount(model.nonTrainableWeights);
  const widths = [29, 26, 10];
  const fit = (cells: string[]) =>
    cells
      .map((c, i) => ` ${c}`.padEnd(widths[i]))
      .join("")
      .trimEnd();
  const total = widths.reduce((a, b) => a + b, 0);
  const lines = [
    `Model: "${model.name}"`,
    "_".repeat(total),
    fit(["Layer (type)", "Output Shape", "Param #"]),
    "=".repeat(total),
  ];
  rows.forEach((r, i) => {
    lines.push(fit([`${r.layer} (${r.type})`, r.outputShape, String(r.params)]));
    lines.push(i === rows.length - 1 ? "=".repeat(total) : "");
  });
  if (rows.length === 0) lines.push("=".repeat(total));
  lines.push(`Total params: ${thousands(trainable + nonTrainable)}`);
  lines.push(`Trainable params: ${thousands(trainable)}`);
  lines.push(`Non-trainable params: ${thousands(nonTrainable)}`);
  lines.push("_".repeat(total));
  return lines.join("\n");
}

function tensorBundle(value: unknown): MimeBundle {
  return { "text/plain": tensorText(value as TensorShape) };
}

function modelBundle(value: unknown): MimeBundle {
  const model = value as ModelShape;
  return { "text/html": modelSummaryHTML(model), "text/plain": modelSummaryText(model) };
}

registerFormatter({ name: "tslab-dl.tensor", test: isTensor, format: tensorBundle });
registerFormatter({ name: "tslab-dl.layers-model", test: isLayersModel, format: modelBundle });
