/**
 * LivePlot's chart: the loss curves of {@link plotHistory}, plus the running training
 * loss within epochs, the epochs where ModelCheckpoint saved, and the learning rate
 * in a panel of its own once it has changed.
 */
import { Figure } from "../display/figure";
import { COLORS, type PanelSpec, type SeriesSpec } from "../display/figure-spec";
import { plotHistory } from "../display/history";

/** What LivePlot has seen, as the chart needs it. */
interface LiveData {
  /** Shaped like tfjs's History (`epoch` 0-based). */
  collected: { epoch: number[]; history: { [key: string]: number[] } };
  /** The running mean of the training loss within epochs: x = epoch - 1 + fraction of the epoch done. */
  batches: { x: number[]; y: number[] };
  /** The learning rate each epoch trained with (`NaN` where unknown). */
  learningRates: number[];
  /** Epochs (0-based) at which a ModelCheckpoint saved the model. */
  saves: number[];
}

/** Chart options, from {@link LivePlotArgs}. */
interface LiveFigureOptions {
  keys?: string[];
  title?: string;
  logY?: boolean;
}

/** The live chart of `data`. */
export function liveFigure(data: LiveData, options: LiveFigureOptions): Figure {
  const base = plotHistory(data.collected, {
    keys: options.keys?.filter((k) => k in data.collected.history),
    title: options.title,
  });
  const panels = base.spec.panels.map((panel) => withExtras(panel, data, options));
  const rates = learningRatePanel(data);
  // The history figure's size and grid were worked out for its own panels: recompute them.
  return new Figure({ ...base.spec, panels: rates ? [...panels, rates] : panels, width: undefined, grid: undefined });
}

function withExtras(panel: PanelSpec, data: LiveData, options: LiveFigureOptions): PanelSpec {
  const series = [...panel.series];
  const names = new Set(series.map((s) => s.name));
  if (names.has("loss") && data.batches.x.length > 0) {
    series.push({
      x: data.batches.x,
      y: data.batches.y,
      name: "loss (within epoch)",
      color: COLORS[0],
      width: 1,
      dash: "dot",
    });
  }
  const saved = checkpointMarkers(data, names);
  if (saved) series.push(saved);
  return { ...panel, series, logY: options.logY };
}

/** Markers on the monitored-looking curve (val_loss, else loss) at the epochs saved. */
function checkpointMarkers(data: LiveData, names: Set<string>): SeriesSpec | undefined {
  const key = ["val_loss", "loss"].find((k) => names.has(k));
  if (!key || data.saves.length === 0) return undefined;
  const values = data.collected.history[key];
  const epochs = [...new Set(data.saves)].filter((e) => data.collected.epoch.includes(e));
  if (epochs.length === 0) return undefined;
  return {
    x: epochs,
    y: epochs.map((e) => values[data.collected.epoch.indexOf(e)]),
    name: "checkpoint saved",
    mode: "markers",
    marker: "square-open",
    markerSize: 9,
    color: COLORS[2],
  };
}

/** A learning-rate panel (log axis) once the rate has taken more than one value. */
function learningRatePanel(data: LiveData): PanelSpec | undefined {
  const known = data.learningRates.filter(Number.isFinite);
  if (new Set(known).size < 2) return undefined;
  return {
    series: [{ x: data.collected.epoch, y: data.learningRates, name: "learning rate", color: COLORS[4] }],
    xlabel: "epoch",
    ylabel: "learning rate",
    title: "learning rate",
    integerX: true,
    logY: true,
  };
}
