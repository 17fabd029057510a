/**
 * Text as data: ragged sequences of word indexes ({@link Sequences}), Keras's
 * `pad_sequences` ({@link padSequences}) and `to_categorical` ({@link toCategorical}).
 */
import { inspect } from "node:util";
import { tf } from "../backend";
import { DatasetError } from "./errors";

/** Values shown at the head of the first sequence when a {@link Sequences} is displayed. */
const SHOWN = 10;

/**
 * A list of ragged integer sequences (one review, one sentence each), as
 * `keras.datasets.imdb.load_data` returns them: an ordinary array of `number[]`
 * (index it, take `.length`, loop over it, hand it to {@link padSequences}) that
 * displays itself in one line instead of thousands. `map`, `filter` and `slice`
 * return plain arrays.
 *
 * @example
 * const [[trainInput, trainTarget]] = await loadImdb();
 * trainInput;           // Sequences(25000) lengths 11–2494, first: [1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, …]
 * trainInput[0].length; // 218
 */
export class Sequences extends Array<number[]> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /**
   * Wrap arrays of numbers (not copied) as a `Sequences`.
   *
   * @example
   * const seqs = Sequences.wrap([[1, 2], [3]]);
   */
  static wrap(items: readonly number[][]): Sequences {
    const out = new Sequences();
    for (const item of items) out.push(item);
    return out;
  }

  /**
   * One line: how many sequences, their shortest and longest lengths, and the
   * head of the first.
   *
   * @example
   * Sequences.wrap([[1, 2, 3], [4]]).summary(); // "Sequences(2) lengths 1–3, first: [1, 2, 3]"
   */
  summary(): string {
    if (this.length === 0) return "Sequences(0)";
    let min = Infinity;
    let max = 0;
    for (const s of this) {
      if (s.length < min) min = s.length;
      if (s.length > max) max = s.length;
    }
    const first = this[0];
    const head = first.slice(0, SHOWN).join(", ") + (first.length > SHOWN ? ", …" : "");
    const lengths = min === max ? `length ${min}` : `lengths ${min}–${max}`;
    return `Sequences(${this.length}) ${lengths}, first: [${head}]`;
  }

  /**
   * The notebook display (`Symbol.for("Jupyter.display")`): {@link summary} as text.
   *
   * @example
   * seqs[Symbol.for("Jupyter.display")](); // { "text/plain": "Sequences(2) …" }
   */
  [Symbol.for("Jupyter.display")](): { "text/plain": string } {
    return { "text/plain": this.summary() };
  }

  /** `console.log` and the REPL show the summary too. */
  [inspect.custom](): string {
    return this.summary();
  }
}

/** Options for {@link padSequences}; the defaults are Keras's. */
export interface PadSequencesOptions {
  /** Length of every row. Default: the longest sequence. */
  maxlen?: number;
  /** Dtype of the tensor. Default `"int32"`. */
  dtype?: "int32" | "float32";
  /** Pad `"pre"` (before, the default) or `"post"` (after). */
  padding?: "pre" | "post";
  /** Cut sequences longer than `maxlen` at the `"pre"` (start, the default) or `"post"` (end). */
  truncating?: "pre" | "post";
  /** The padding value. Default 0. */
  value?: number;
}

function checkSide(name: string, v: unknown): "pre" | "post" {
  if (v === undefined) return "pre";
  if (v !== "pre" && v !== "post") {
    throw new DatasetError(`padSequences: ${name} "${String(v)}" not understood; expected "pre" or "post"`);
  }
  return v;
}

/**
 * Keras's `keras.utils.pad_sequences`: a `[sequences.length, maxlen]` tensor in
 * which each sequence is padded with `value` to `maxlen` (before it by default)
 * or cut to its last `maxlen` values (its first with `truncating: "post"`).
 * `maxlen` defaults to the longest sequence. With dtype int32, values are
 * truncated towards zero as NumPy's cast does.
 *
 * @example
 * padSequences([[1], [2, 3], [4, 5, 6]]).arraySync();               // [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
 * padSequences([[1], [2, 3], [4, 5, 6]], { maxlen: 2 }).arraySync(); // [[0, 1], [2, 3], [5, 6]]
 */
export function padSequences(sequences: ArrayLike<ArrayLike<number>>, options: PadSequencesOptions = {}): tf.Tensor2D {
  const padding = checkSide("padding", options.padding);
  const truncating = checkSide("truncating", options.truncating);
  const dtype = options.dtype ?? "int32";
  if (dtype !== "int32" && dtype !== "float32") {
    throw new DatasetError(`padSequences: dtype "${String(dtype)}" is not supported; expected "int32" or "float32"`);
  }
  const n = sequences.length;
  let maxlen = options.maxlen;
  if (maxlen === undefined) {
    maxlen = 0;
    for (let i = 0; i < n; i++) {
      const s = sequences[i];
      if (s === null || typeof s !== "object" || typeof s.length !== "number") {
        throw new DatasetError(`padSequences: sequences must be a list of sequences; item ${i} is ${String(s)}`);
      }
      maxlen = Math.max(maxlen, s.length);
    }
  } else if (!Number.isInteger(maxlen) || maxlen < 1) {
    throw new DatasetError(`padSequences: maxlen must be a positive integer, got ${maxlen}`);
  }
  const size = n * maxlen;
  if (size > 2 ** 31 - 1) {
    throw new DatasetError(`padSequences: ${n} × ${maxlen} = ${size} values is more than one tensor can hold`);
  }
  const out = dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
  if (options.value) out.fill(options.value);
  for (let i = 0; i < n; i++) {
    const s = sequences[i];
    if (s === null || typeof s !== "object" || typeof s.length !== "number") {
      throw new DatasetError(`padSequences: sequences must be a list of sequences; item ${i} is ${String(s)}`);
    }
    const len = Math.min(s.length, maxlen);
    const from = truncating === "pre" ? s.length - len : 0;
    const to = padding === "pre" ? i * maxlen + maxlen - len : i * maxlen;
    for (let j = 0; j < len; j++) {
      const v = s[from + j];
      if (typeof v !== "number") {
        throw new DatasetError(
          `padSequences: sequence ${i} holds ${typeof v} at position ${from + j}; expected numbers`,
        );
      }
      out[to + j] = v;
    }
  }
  return tf.tensor2d(out, [n, maxlen], dtype);
}

/** A nested array's shape and values in C order; throws for ragged input. */
function flatten(x: unknown): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe) || ArrayBuffer.isView(probe)) {
    const a = probe as ArrayLike<unknown>;
    shape.push(a.length);
    if (shape.length > 32) throw new DatasetError("toCategorical: input nested more than 32 levels deep");
    if (a.length === 0) break;
    probe = a[0];
  }
  const values: number[] = [];
  let level: unknown[] = [x];
  for (let d = 0; d < shape.length; d++) {
    const next: unknown[] = [];
    for (const item of level) {
      const a = item as ArrayLike<unknown>;
      if (!(Array.isArray(a) || ArrayBuffer.isView(a)) || a.length !== shape[d]) {
        throw new DatasetError(
          `toCategorical: the input is ragged (at depth ${d}, a length of ${(a as { length?: number })?.length} where ${shape[d]} was expected); pad it first with padSequences`,
        );
      }
      for (let i = 0; i < a.length; i++) next.push(a[i]);
    }
    level = next;
  }
  for (const v of level) {
    if (typeof v !== "number") throw new DatasetError(`toCategorical: expected integers, found ${typeof v}`);
    values.push(v);
  }
  return { shape, values };
}

/**
 * Keras's `keras.utils.to_categorical`: one-hot rows, the class axis last, as
 * float32. `numClasses` defaults to the largest value + 1. A trailing axis of 1
 * is dropped first (`[N, 1]` gives `[N, numClasses]`), and `[N, T]` word indexes
 * give `[N, T, numClasses]`. Values are truncated to integers as NumPy's
 * `astype("int64")` does; a negative value or one ≥ `numClasses` is an error
 * (NumPy would index from the end for a negative one).
 *
 * @example
 * toCategorical([0, 1, 2, 3], 4).arraySync(); // [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
 * toCategorical(padSequences(trainInput, { maxlen: 100 })).shape; // [25000, 100, 300] with numWords 300
 */
export function toCategorical(y: tf.Tensor | ArrayLike<unknown>, numClasses?: number): tf.Tensor {
  let shape: number[];
  let values: ArrayLike<number>;
  if (y instanceof tf.Tensor) {
    shape = y.shape.slice();
    values = y.dataSync() as ArrayLike<number>;
  } else {
    ({ shape, values } = flatten(y));
  }
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const n = values.length;
  const ints = new Int32Array(n);
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = Math.trunc(values[i]);
    if (!Number.isFinite(v) || v < 0) {
      throw new DatasetError(`toCategorical: value ${values[i]} at flat index ${i} is not a class index (0 or more)`);
    }
    ints[i] = v;
    if (v > max) max = v;
  }
  let classes = numClasses;
  if (!classes) {
    if (n === 0) throw new DatasetError("toCategorical: no values to infer numClasses from; pass numClasses");
    classes = max + 1;
  } else if (!Number.isInteger(classes) || classes < 0) {
    throw new DatasetError(`toCategorical: numClasses must be a positive integer, got ${classes}`);
  } else if (max >= classes) {
    throw new DatasetError(`toCategorical: value ${max} is out of range for numClasses ${classes} (0–${classes - 1})`);
  }
  const size = n * classes;
  if (size > 2 ** 31 - 1) {
    throw new DatasetError(
      `toCategorical: ${n} values × ${classes} classes = ${size} floats (${(size / 2 ** 28).toFixed(1)} GiB) is more than one tensor can hold; use fewer words or shorter sequences`,
    );
  }
  const out = new Float32Array(size);
  for (let i = 0; i < n; i++) out[i * classes + ints[i]] = 1;
  return tf.tensor(out, [...shape, classes], "float32");
}
