/**
 * Training history (what `model.fit` returns) as loss curves and as a table.
 */
import { Figure } from "./figure";
import { COLORS, FigureError, type PanelSpec, type SeriesSpec } from "./figure-spec";
import { registerFormatter, type MimeBundle } from "./registry";
import { arquero, type Table } from "./tables";

/** A number, or a tfjs scalar whose value has not been read yet. */
export type ScalarLike = number | { dataSync(): unknown };

/**
 * Anything shaped like tfjs's `History`: `{ epoch: number[], history: { loss: [...], ... } }`,
 * or just its `history` record (`history.history`).
 */
export type HistoryLike =
  | { epoch?: ArrayLike<number>; history: { [key: string]: ArrayLike<ScalarLike> } }
  | { [key: string]: ArrayLike<ScalarLike> };

/** A history read into plain numbers. */
export interface HistoryData {
  /** Epoch indices, 0-based as in Keras's `history.epoch` (and `plt.plot(history.history['loss'])`). */
  epochs: number[];
  /** Metric name → one value per epoch (`NaN` where missing). */
  metrics: { [key: string]: number[] };
}

/** Options for {@link plotHistory}. */
export interface PlotHistoryOptions {
  /**
   * Keys to draw, all in one panel (e.g. `["loss", "val_loss"]`). Default: loss and
   * val_loss in one panel, each other metric with its `val_` twin in another.
   */
  keys?: string[];
  /** Figure title. */
  title?: string;
  /** x-axis title; default `"epoch"`. */
  xlabel?: string;
  /** y-axis title (single panel); default: the first key. */
  ylabel?: string;
  /**
   * The value whose best (lowest) epoch is marked: default `val_loss` when present,
   * else `loss`; `false` marks nothing.
   */
  monitor?: string | false;
  /** Whether higher is better for `monitor` (accuracy); default: true for names containing "acc". */
  higherIsBetter?: boolean;
  /** Pixels. */
  width?: number;
  /** Pixels. */
  height?: number;
}

/** Whether a value is shaped like a tfjs `History` (checked structurally: copies of tfjs differ). */
function isHistory(value: unknown): value is { epoch: number[]; history: { [key: string]: ArrayLike<ScalarLike> } } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { epoch?: unknown; history?: unknown };
  if (!Array.isArray(v.epoch) || typeof v.history !== "object" || v.history === null || Array.isArray(v.history))
    return false;
  const entries = Object.entries(v.history as object);
  return entries.length > 0 && entries.every(([, a]) => Array.isArray(a));
}

function scalar(v: ScalarLike | null | undefined): number {
  if (typeof v === "number") return v;
  if (v !== null && typeof v === "object" && typeof (v as { dataSync?: unknown }).dataSync === "function") {
    const data = (v as { dataSync(): ArrayLike<unknown> }).dataSync();
    return Number(data[0]);
  }
  return NaN;
}

/**
 * Read a History (or its `history` record) into plain numbers.
 *
 * @example
 * const { epochs, metrics } = historyData(await model.fit(x, y, { epochs: 3 }));
 * // epochs = [0, 1, 2], metrics.loss = [0.61, 0.43, 0.39]
 */
export function historyData(history: HistoryLike): HistoryData {
  const record = (isHistory(history) ? history.history : history) as { [key: string]: ArrayLike<ScalarLike> };
  if (typeof record !== "object" || record === null) {
    throw new FigureError(
      `expected a tfjs History ({ epoch, history }) or its history record, got ${record === null ? "null" : typeof record}`,
    );
  }
  const metrics: { [key: string]: number[] } = {};
  let n = 0;
  // Keras's order: training metrics, then their val_ twins (tfjs logs val_ first).
  const keys = Object.keys(record);
  const ordered = [...keys.filter((k) => !k.startsWith("val_")), ...keys.filter((k) => k.startsWith("val_"))];
  for (const [key, values] of ordered.map((k) => [k, record[k]] as const)) {
    if (!values || typeof values.length !== "number") {
      throw new FigureError(
        `history["${key}"] is not an array of numbers (got ${typeof values}); pass model.fit's History or history.history`,
      );
    }
    metrics[key] = Array.from(values, (v) => scalar(v));
    n = Math.max(n, metrics[key].length);
  }
  for (const key of Object.keys(metrics)) while (metrics[key].length < n) metrics[key].push(NaN);
  const given = isHistory(history) ? Array.from(history.epoch, Number) : [];
  const epochs = given.length === n ? given : Array.from({ length: n }, (_, i) => i);
  return { epochs, metrics };
}

/** The monitored value and its best epoch, or `undefined` when there is nothing to mark. */
function bestEpoch(
  data: HistoryData,
  monitor?: string | false,
  higherIsBetter?: boolean,
): { key: string; epoch: number; index: number; value: number } | undefined {
  if (monitor === false) return undefined;
  const key = monitor ?? ("val_loss" in data.metrics ? "val_loss" : "loss");
  const values = data.metrics[key];
  if (!values) {
    if (monitor !== undefined) {
      throw new FigureError(
        `monitor "${monitor}" is not in the history; available: ${Object.keys(data.metrics).join(", ")}`,
      );
    }
    return undefined;
  }
  const higher = higherIsBetter ?? /acc/i.test(key);
  let index = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (index < 0 || (higher ? v > values[index] : v < values[index])) index = i;
  }
  if (index < 0) return undefined;
  return { key, epoch: data.epochs[index], index, value: values[index] };
}

/** Group keys into panels: loss with val_loss, each metric with its val_ twin. */
export function panelGroups(keys: string[]): string[][] {
  const groups: string[][] = [];
  const used = new Set<string>();
  const bases = keys.filter((k) => !k.startsWith("val_"));
  const ordered = bases.includes("loss") ? ["loss", ...bases.filter((k) => k !== "loss")] : bases;
  for (const base of ordered) {
    const group = [base];
    used.add(base);
    if (keys.includes(`val_${base}`)) {
      group.push(`val_${base}`);
      used.add(`val_${base}`);
    }
    groups.push(group);
  }
  for (const k of keys) if (!used.has(k)) groups.push([k]);
  return groups;
}

export function formatValue(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v);
}

/**
 * The loss-curve figure of a History: loss and val_loss against epoch in one
 * panel, each metric with its `val_` twin in another, the best epoch of the
 * monitored value (val_loss, else loss) marked with a dashed line and a circle.
 *
 * @example
 * const history = await model.fit(xTrain, yTrain, { epochs: 10, validationSplit: 0.2 });
 * plotHistory(history);                                          // shows itself in a notebook
 * plotHistory(history, { keys: ["loss", "val_loss"], title: "Loss" });
 */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): Figure {
  const data = historyData(history);
  const keys = Object.keys(data.metrics);
  if (keys.length === 0) throw new FigureError("the history has no metrics to plot (did model.fit run any epoch?)");
  if (options.keys) {
    const missing = options.keys.filter((k) => !(k in data.metrics));
    if (missing.length) {
      throw new FigureError(
        `plotHistory: keys ${missing.map((k) => `"${k}"`).join(", ")} are not in the history; available: ${keys.join(", ")}`,
      );
    }
  }
  const groups = options.keys ? [options.keys] : panelGroups(keys);
  const best = bestEpoch(data, options.monitor, options.higherIsBetter);
  const xlabel = options.xlabel ?? "epoch";
  const panels: PanelSpec[] = groups.map((group) => {
    const series: SeriesSpec[] = group.map((key, i) => ({
      x: data.epochs,
      y: data.metrics[key],
      name: key,
      color: COLORS[i % COLORS.length],
    }));
    if (best && group.includes(best.key)) {
      series.push({
        x: [best.epoch],
        y: [best.value],
        name: `best epoch ${best.epoch} (${best.key} ${formatValue(best.value)})`,
        mode: "markers",
        marker: "circle-open",
        markerSize: 12,
        color: COLORS[3],
      });
    }
    return {
      series,
      xlabel,
      ylabel: groups.length === 1 ? (options.ylabel ?? group[0]) : group[0],
      title: groups.length > 1 ? group[0] : undefined,
      integerX: data.epochs.every(Number.isInteger),
      vlines: best ? [{ x: best.epoch, color: COLORS[3], dash: "dash" as const }] : [],
    };
  });
  const last = data.epochs.length - 1;
  const lastValues = keys.map((k) => `${k}=${formatValue(data.metrics[k][last])}`).join(" ");
  const description =
    `Training history: ${data.epochs.length} epoch${data.epochs.length === 1 ? "" : "s"}` +
    (best ? `, best epoch ${best.epoch} (${best.key} ${formatValue(best.value)})` : "") +
    (last >= 0 ? `; last epoch ${data.epochs[last]}: ${lastValues}` : "");
  return new Figure({ panels, title: options.title, width: options.width, height: options.height, description });
}

/**
 * The history as an arquero table: one row per epoch, one column per metric.
 *
 * @example
 * historyTable(history).orderby("val_loss").print();
 * // epoch | loss  | acc   | val_loss | val_acc
 */
export function historyTable(history: HistoryLike): Table {
  const data = historyData(history);
  return arquero().table({ epoch: data.epochs, ...data.metrics });
}

/**
 * A History's bundle: the loss curves, and as `text/plain` two lines (epochs, best and last
 * values; the keys), not a table of every epoch: `historyTable(history)` is that.
 */
function historyBundle(value: unknown): MimeBundle {
  const figure = plotHistory(value as HistoryLike);
  const bundle = figure.mimeBundle();
  const data = historyData(value as HistoryLike);
  bundle["text/plain"] = `${figure.toString()}\nkeys: ${Object.keys(data.metrics).join(", ")}`;
  return bundle;
}

registerFormatter({ name: "tslab-dl.history", test: isHistory, format: historyBundle });
