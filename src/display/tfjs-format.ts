/**
 * Formatters for TensorFlow.js objects we do not own: tensors print like NumPy
 * arrays (summarised with `...` beyond 1000 values), an array of tensors one line
 * each, an optimizer as one line with its settings. (Models and `model.layers`:
 * `model-summary.ts`.)
 */
import type * as tfjs from "@tensorflow/tfjs";
import { tf } from "../backend";
import { optimizerInternals } from "../speed/internals";
import { registerFormatter, type MimeBundle } from "./registry";

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

/** A shape as Keras prints it: `(None, 784)`. */
export function shapeText(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  if (shape.length > 0 && Array.isArray(shape[0])) return shape.map(shapeText).join(", ");
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

function tensorBundle(value: unknown): MimeBundle {
  return { "text/plain": tensorText(value as TensorShape) };
}

/** Characters of values shown on a tensor's one line in an array's display. */
const EXCERPT_CHARS = 64;

/** A tensor on one line: `tf.Tensor float32 [2, 2]  [[1., 2.], [3., 4.]]`, values cut at 64 characters. */
function tensorLine(t: TensorShape): string {
  const [header, ...body] = tensorText(t).split("\n");
  const values = body.join("\n").replace(/\n+\s*/g, " ");
  if (!values) return header;
  return `${header}  ${values.length > EXCERPT_CHARS ? `${values.slice(0, EXCERPT_CHARS)} ...` : values}`;
}

/** Whether a value is a non-empty array of tensors, not all one-value ones (`evaluate`'s result has its own display). */
function isTensorArray(value: unknown): value is TensorShape[] {
  return Array.isArray(value) && value.length > 0 && value.every(isTensor) && value.some((t) => t.size !== 1);
}

/**
 * An array of tensors (what `trainTestSplit` returns): one line each.
 *
 * @example
 * // Array of 2 tensors:
 * // [0] tf.Tensor float32 [2, 2]  [[1., 2.], [3., 4.]]
 * // [1] tf.Tensor int32 [2]  [0, 1]
 */
function tensorArrayBundle(value: unknown): MimeBundle {
  const tensors = value as TensorShape[];
  const lines = tensors.map((t, i) => `[${i}] ${tensorLine(t)}`);
  return {
    "text/plain": [`Array of ${tensors.length} tensor${tensors.length === 1 ? "" : "s"}:`, ...lines].join("\n"),
  };
}

/** A number as Python prints a float: `0.1`, `1.0`, `1e-07`. */
function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16)) {
    return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(v);
}

/** Whether a value is shaped like a tfjs optimizer. */
function isOptimizer(value: unknown): value is tfjs.Optimizer {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { getClassName?: unknown; applyGradients?: unknown; minimize?: unknown };
  return (
    typeof v.getClassName === "function" && typeof v.applyGradients === "function" && typeof v.minimize === "function"
  );
}

/**
 * An optimizer on one line with Keras's names for its settings, e.g.
 * `<SGD learning_rate=0.1, iterations=0>`, `<Adam learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, iterations=0>`.
 * tfjs's Momentum is Keras's SGD with momentum, its RMSProp Keras's RMSprop (`rho` is tfjs's `decay`).
 */
function optimizerText(optimizer: tfjs.Optimizer): string {
  const o = optimizerInternals(optimizer) as ReturnType<typeof optimizerInternals> & { rho?: number };
  const className = optimizer.getClassName();
  const settings: Array<[string, number | boolean | undefined]> = [["learning_rate", o.learningRate]];
  let name = className;
  switch (className) {
    case "Momentum":
      name = "SGD";
      settings.push(["momentum", o.momentum], ["nesterov", o.useNesterov ?? false]);
      break;
    case "RMSProp":
      name = "RMSprop";
      settings.push(["rho", o.decay], ["momentum", o.momentum], ["epsilon", o.epsilon], ["centered", o.centered]);
      break;
    case "Adagrad":
      settings.push(["initial_accumulator_value", o.initialAccumulatorValue]);
      break;
    case "Adadelta":
      settings.push(["rho", o.rho], ["epsilon", o.epsilon]);
      break;
    case "Adam":
    case "Adamax":
      settings.push(["beta_1", o.beta1], ["beta_2", o.beta2], ["epsilon", o.epsilon]);
      if (className === "Adamax") settings.push(["decay", o.decay]);
      break;
  }
  const iterations = (optimizer as unknown as { iterations?: number }).iterations;
  const parts = settings
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "boolean" ? (v ? "True" : "False") : pyFloat(v as number)}`);
  if (typeof iterations === "number") parts.push(`iterations=${iterations}`);
  return `<${name} ${parts.join(", ")}>`;
}

registerFormatter({ name: "tslab-dl.tensor", test: isTensor, format: tensorBundle });
registerFormatter({ name: "tslab-dl.tensor-array", test: isTensorArray, format: tensorArrayBundle });
registerFormatter({
  name: "tslab-dl.optimizer",
  test: isOptimizer,
  format: (v) => ({ "text/plain": optimizerText(v as tfjs.Optimizer) }),
});
