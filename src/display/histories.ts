/**
 * Several training runs' histories overlaid in one chart, to compare models
 * (the TensorFlow tutorial's `HistoryPlotter`).
 */
import { Figure } from "./figure";
import { COLORS, FigureError, type PanelSpec, type SeriesSpec, type Dash } from "./figure-spec";
import { formatValue, historyData, panelGroups, type HistoryData, type HistoryLike } from "./history";

/** Options for {@link plotHistories}. */
export interface PlotHistoriesOptions {
  /**
   * Keys to draw (e.g. `["val_loss"]`). Default `["loss", "val_loss"]` where every run has
   * them, else every key all runs share. Keys are grouped into panels as {@link plotHistory} does:
   * a metric with its `val_` twin.
   */
  keys?: string[];
  /** Figure title. */
  title?: string;
  /** Logarithmic y axes (as the tutorial plots losses). Default false. */
  logY?: boolean;
  /** x-axis title; default `"epoch"`. */
  xlabel?: string;
  /** Pixels. */
  width?: number;
  /** Pixels. */
  height?: number;
}

/** Line styles per key within a panel: training solid, validation dashed, as the tutorial draws them. */
function dashOf(key: string, index: number, keys: string[]): Dash {
  if (keys.length === 1) return "solid";
  if (key.startsWith("val_")) return "dash";
  return index === 0 ? "solid" : "dot";
}

function defaultKeys(runs: Array<[string, HistoryData]>): string[] {
  const shared = Object.keys(runs[0][1].metrics).filter((k) => runs.every(([, d]) => k in d.metrics));
  const losses = ["loss", "val_loss"].filter((k) => shared.includes(k));
  return losses.length > 0 ? losses : shared;
}

/**
 * Overlay the histories of several runs: one colour per run, training curves solid,
 * validation curves dashed (all solid when one key is drawn), one panel per metric (with its `val_` twin). Each run
 * keeps its own epochs, so runs of different lengths (early stopping) line up.
 *
 * @example
 * const tiny = await tinyModel.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * const small = await smallModel.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * plotHistories({ tiny, small }, { keys: ["val_loss"] });
 */
export function plotHistories(runs: { [name: string]: HistoryLike }, options: PlotHistoriesOptions = {}): Figure {
  const entries = Object.entries(runs ?? {}).map(([name, h]) => [name, historyData(h)] as [string, HistoryData]);
  if (entries.length === 0) throw new FigureError("plotHistories: pass at least one run, e.g. { baseline: history }");
  const keys = options.keys ?? defaultKeys(entries);
  if (keys.length === 0) throw new FigureError("plotHistories: the runs share no metric; pass keys");
  for (const [name, data] of entries) {
    const missing = keys.filter((k) => !(k in data.metrics));
    if (missing.length) {
      throw new FigureError(
        `plotHistories: run "${name}" has no ${missing.map((k) => `"${k}"`).join(", ")}; available: ${Object.keys(data.metrics).join(", ")}`,
      );
    }
  }
  const groups = panelGroups(keys);
  const panels: PanelSpec[] = groups.map((group) => ({
    series: entries.flatMap(([name, data], r) =>
      group.map((key, k): SeriesSpec => ({
        x: data.epochs,
        y: data.metrics[key],
        name: keys.length === 1 ? name : `${name} ${key}`,
        color: COLORS[r % COLORS.length],
        dash: dashOf(key, k, keys),
      })),
    ),
    xlabel: options.xlabel ?? "epoch",
    ylabel: groups.length === 1 && group.length === 1 ? group[0] : group[0].replace(/^val_/, ""),
    title: groups.length > 1 ? group[0].replace(/^val_/, "") : undefined,
    integerX: entries.every(([, d]) => d.epochs.every(Number.isInteger)),
    logY: options.logY,
  }));
  const description =
    `Training histories of ${entries.length} run${entries.length === 1 ? "" : "s"} (${keys.join(", ")}): ` +
    entries
      .map(([name, d]) => {
        const last = d.epochs.length - 1;
        return `${name} ${d.epochs.length} epochs, last ${keys.map((k) => `${k}=${formatValue(d.metrics[k][last])}`).join(" ")}`;
      })
      .join("; ");
  return new Figure({ panels, title: options.title, width: options.width, height: options.height, description });
}
