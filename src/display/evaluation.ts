/**
 * Evaluation results as numbers: `evaluate(model, x, y)` returns the loss and metrics
 * with their names, and any array of scalar tensors (what `model.evaluate` returns)
 * displays as a list of numbers, as Keras prints `[0.314, 0.887]`.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { JUPYTER_DISPLAY, registerFormatter, type MimeBundle } from "./registry";
import { xmlEscape } from "./escape";
import { isTensor } from "./tfjs-format";

/** A value shown with 4 significant digits (`0.3141`, `12.35`, `nan`). */
function short(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v).toLowerCase();
}

/**
 * The loss and metrics of {@link evaluate}: an array of numbers (`[loss, ...metrics]`,
 * as Keras's `model.evaluate` returns a list) that also knows their names.
 *
 * @example
 * const [loss, accuracy] = evaluate(model, xVal, yVal); // a cell's last value shows a table: loss, acc
 */
export class Evaluation extends Array<number> {
  /** The name of each value, as in the History: `["loss", "acc"]`. */
  names: string[] = [];

  static override get [Symbol.species](): ArrayConstructor {
    return Array; // map/filter give plain arrays
  }

  /** `{ loss: 0.314, acc: 0.887 }`, as Keras's `return_dict=True`. */
  toObject(): { [name: string]: number } {
    return Object.fromEntries(this.names.map((n, i) => [n, this[i]]));
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const values = Array.from(this, short); // the table, for reading; the text keeps every digit, as Keras prints
    const cells = this.names.map((_n, i) => `<td style="text-align:right">${xmlEscape(values[i])}</td>`).join("");
    const heads = this.names.map((n) => `<th style="text-align:right">${xmlEscape(n)}</th>`).join("");
    return {
      "text/html": `<table class="tslab-dl-evaluation"><thead><tr>${heads}</tr></thead><tbody><tr>${cells}</tr></tbody></table>`,
      "text/plain": `[${Array.from(this, String).join(", ")}]  (${this.names.join(", ")})`,
    };
  }
}

/**
 * Evaluate `model` on `x`, `y` and return the loss and metrics as numbers with their
 * names: a cell ending in `evaluate(model, x, y)` shows a table of `loss 0.3141, acc 0.8871`
 * (as text: `[0.31412, 0.88708]  (loss, acc)` with every digit),
 * and `const [loss, accuracy] = evaluate(model, x, y)` destructures like Keras's list.
 * Arguments are those of `model.evaluate` (`batchSize` defaults to 32).
 *
 * @example
 * const [valLoss, valAccuracy] = evaluate(model, xVal, yVal);
 * evaluate(model, xVal, yVal).toObject(); // { loss: 0.3141, acc: 0.8871 }
 */
export function evaluate(
  model: tfjs.LayersModel,
  x: tfjs.Tensor | tfjs.Tensor[],
  y: tfjs.Tensor | tfjs.Tensor[],
  args?: tfjs.ModelEvaluateArgs,
): Evaluation {
  const out = model.evaluate(x, y, args);
  const scalars = Array.isArray(out) ? out : [out];
  const result = new Evaluation();
  try {
    for (const s of scalars) result.push(s.dataSync()[0]);
  } finally {
    scalars.forEach((s) => s.dispose());
  }
  result.names =
    model.metricsNames.length === result.length ? [...model.metricsNames] : result.map((_, i) => `output_${i}`);
  return result;
}

/** Whether a value is a non-empty array of one-value tensors (what `model.evaluate` returns). */
function isScalarArray(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => isTensor(v) && v.size === 1 && !(v as { isDisposed?: boolean }).isDisposed)
  );
}

function scalarArrayBundle(value: unknown): MimeBundle {
  const values = (value as Array<{ dataSync(): ArrayLike<unknown> }>).map((t) => String(Number(t.dataSync()[0])));
  return { "text/plain": `[${values.join(", ")}]` };
}

registerFormatter({ name: "tslab-dl.scalar-array", test: isScalarArray, format: scalarArrayBundle });
