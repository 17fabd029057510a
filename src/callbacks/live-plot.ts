/**
 * LivePlot: a progress bar for the current epoch and loss curves redrawn in
 * place after every epoch, while `model.fit` runs.
 */
import { randomUUID } from "node:crypto";
import { tf } from "../backend";
import {
  JUPYTER_DISPLAY,
  currentBridge,
  display,
  updateDisplay,
  type Displayable,
  type MimeBundle,
} from "../display/registry";
import { savedEpochsSince, saveSequence } from "./checkpoint-log";
import { liveFigure } from "./live-plot-figure";
import { redrawDue, RunningLoss } from "./running-loss";

export { redrawDue } from "./running-loss";
import { plotlyCarrierBundle } from "../display";
import type { Figure } from "../display/figure";
import { xmlEscape } from "../display/escape";
import { resolveLogs, type EpochLogs } from "./monitor";
import { StopButton } from "./stop-button";

/** Arguments of {@link LivePlot}. */
export interface LivePlotArgs {
  /** History keys to draw in one panel (e.g. `["loss", "val_loss"]`); default: every metric, grouped as {@link plotHistory} does. */
  keys?: string[];
  /** Chart title. */
  title?: string;
  /** Minimum milliseconds between two progress-bar updates. Default 250. */
  updateEvery?: number;
  /** `"notebook"` (rich outputs), `"terminal"` (text), or `"auto"`: a notebook when one is attached. Default `"auto"`. */
  output?: "auto" | "notebook" | "terminal";
  /** Where terminal output goes. Default `process.stdout` (`\r` updates on a TTY, one line per epoch otherwise). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Show the loss-curve chart (notebook only). Default true. */
  chart?: boolean;
  /** Show a Stop button (a notebook with a widget front end only) that ends training at the next batch end. Default true. */
  stopButton?: boolean;
  /** Logarithmic y axes for the metric panels. Default false. */
  logY?: boolean;
  /** Draw the running training loss within each epoch too, redrawing the chart during epochs. Default true. */
  batchPoints?: boolean;
  /** Minimum milliseconds between two chart redraws during an epoch (more when a redraw is slow). Default 2000. */
  chartEvery?: number;
}

/** Time LivePlot spent, to check what watching costs. */
interface LivePlotTiming {
  /** From the start of training to its end (or now). */
  trainMs: number;
  /** Inside LivePlot's callbacks: reading losses, progress and chart redraws. */
  hookMs: number;
  /** Building and sending charts. */
  chartMs: number;
  /** Chart redraws, during and at the end of epochs. */
  chartDraws: number;
}

interface Collected {
  epoch: number[];
  history: { [key: string]: number[] };
}

/** A displayable value made of a ready bundle. */
function bundleValue(bundle: MimeBundle): Displayable {
  return { [JUPYTER_DISPLAY]: () => bundle };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60
    ? `${m}:${String(s).padStart(2, "0")}`
    : `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

/** Keras's order: training metrics, then their `val_` twins. */
function metricText(values: { [key: string]: number }): string {
  const entries = Object.entries(values).filter(([k]) => k !== "batch" && k !== "size");
  return [...entries.filter(([k]) => !k.startsWith("val_")), ...entries.filter(([k]) => k.startsWith("val_"))]
    .map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : String(v)}`)
    .join(" · ");
}

/**
 * Watch training live: a progress bar for the current epoch (batches done, rate,
 * time left, running loss) and the loss curves, redrawn in place after every
 * epoch with the best epoch marked. In a notebook this is two outputs updated
 * with `update_display_data` (no pile of outputs); in a terminal it is a one-line
 * text progress bar (`\r` updates on a TTY, one line per epoch otherwise).
 *
 * Per batch it only counts and, at most every `updateEvery` ms, reads the
 * running loss; the chart is rebuilt once per epoch. Pass `verbose: 0` to `fit`:
 * its default (1) also prints Keras's per-epoch lines (and tfjs-node's bar, where it runs). An instance can be
 * reused: its state is reset when training begins.
 *
 * The chart also shows the running training loss within each epoch (`batchPoints`),
 * redrawn during epochs no more often than every `chartEvery` ms and never sooner than
 * 49 times the last redraw's cost after it, so drawing stays under 2 % of training time
 * ({@link LivePlot.timing} says what it cost); the epochs where a {@link ModelCheckpoint}
 * saved the model (square markers); and, once the learning rate has changed
 * ({@link ReduceLROnPlateau}, {@link LearningRateScheduler}, {@link withSchedule}), the
 * rate per epoch in a panel of its own.
 *
 * Arguments (defaults in brackets): `keys` [all metrics], `title` [none],
 * `updateEvery` [250], `output` ["auto"], `stream` [process.stdout], `chart` [true],
 * `logY` [false], `batchPoints` [true], `chartEvery` [2000], `stopButton` [true: a Stop button that
 * ends training at the next batch end, where a widget front end can show it].
 *
 * @example
 * const live = new LivePlot({ logY: true });
 * const history = await model.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [live] });
 */
export class LivePlot extends tf.Callback {
  readonly keys: string[] | undefined;
  readonly title: string | undefined;
  readonly updateEvery: number;
  readonly output: "auto" | "notebook" | "terminal";
  readonly showChart: boolean;
  /** The Stop button (shown when `stopButton` is on and widgets can be shown). */
  readonly stopButton: StopButton | undefined;
  readonly logY: boolean;
  readonly batchPoints: boolean;
  readonly chartEvery: number;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };

  /** Values seen so far, shaped like tfjs's History (`epoch` 0-based). */
  collected: Collected = { epoch: [], history: {} };
  /** What watching cost in the last (or current) training run. */
  timing: LivePlotTiming = { trainMs: 0, hookMs: 0, chartMs: 0, chartDraws: 0 };
  private batches = new RunningLoss();
  private learningRates: number[] = [];
  private lastChart = { at: 0, cost: 0, saves: 0 };
  private saveSince = 0;
  private rich = false;
  private progressId = "";
  private chartId = "";
  private trainStart = 0;
  private epochStart = 0;
  private lastRender = 0;
  private epoch = 0;
  private batchesDone = 0;
  private runningLoss: number | undefined;
  private lineOpen = false;

  constructor(args: LivePlotArgs = {}) {
    super();
    this.keys = args.keys;
    this.title = args.title;
    this.updateEvery = args.updateEvery ?? 250;
    this.output = args.output ?? "auto";
    this.stream = args.stream ?? process.stdout;
    this.showChart = args.chart ?? true;
    this.stopButton = args.stopButton === false ? undefined : new StopButton();
    this.logY = args.logY ?? false;
    this.batchPoints = args.batchPoints ?? true;
    this.chartEvery = args.chartEvery ?? 2000;
    if (!(this.chartEvery >= 0)) {
      throw new RangeError(`LivePlot: chartEvery must be a number of milliseconds ≥ 0, got ${args.chartEvery}`);
    }
    if (!(this.updateEvery >= 0)) {
      throw new RangeError(`LivePlot: updateEvery must be a number of milliseconds ≥ 0, got ${args.updateEvery}`);
    }
  }

  /** Epochs `fit` will run in all (`epochs` argument), from the callback params. */
  private get totalEpochs(): number {
    return Number(this.params?.epochs ?? 0);
  }

  /** Batches per epoch, from the callback params (`samples` / `batchSize`). */
  private get stepsPerEpoch(): number | undefined {
    const p = this.params ?? {};
    if (typeof p.steps === "number" && p.steps > 0) return p.steps;
    if (typeof p.samples === "number" && typeof p.batchSize === "number" && p.batchSize > 0)
      return Math.ceil(p.samples / p.batchSize);
    return undefined;
  }

  override async onTrainBegin(): Promise<void> {
    this.collected = { epoch: [], history: {} };
    this.timing = { trainMs: 0, hookMs: 0, chartMs: 0, chartDraws: 0 };
    this.batches = new RunningLoss();
    this.learningRates = [];
    this.lastChart = { at: performance.now(), cost: 0, saves: 0 };
    this.saveSince = saveSequence();
    this.rich = this.output === "notebook" || (this.output === "auto" && currentBridge().rich);
    const uid = randomUUID();
    this.progressId = `tslab-dl-progress-${uid}`;
    this.chartId = `tslab-dl-live-chart-${uid}`;
    this.trainStart = performance.now();
    this.lastRender = 0;
    this.lineOpen = false;
    if (!this.rich) return;
    this.stopButton?.show();
    if (this.showChart) {
      // plotly.js travels in its own output, so the chart's many updates stay small
      // and the saved notebook still has plotly.js after the last update.
      const carrier = plotlyCarrierBundle();
      if (carrier) display(bundleValue(carrier));
    }
    display(bundleValue(this.progressBundle("starting")), { displayId: this.progressId });
    if (this.showChart) display(bundleValue(this.waitingBundle()), { displayId: this.chartId });
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.batchesDone = 0;
    this.runningLoss = undefined;
    this.batches.startEpoch();
    this.epochStart = performance.now();
  }

  override async onBatchEnd(batch: number, logs?: EpochLogs): Promise<void> {
    const start = performance.now();
    this.batchesDone = batch + 1;
    await this.stopButton?.check(this.model, this.epoch, batch);
    if (this.tracksBatches()) this.recordBatch(logs);
    await this.progressDuringEpoch(logs, start);
    if (this.tracksBatches() && this.chartDue(performance.now())) this.drawChart();
    this.timing.hookMs += performance.now() - start;
  }

  /** Whether the running loss is collected and drawn within epochs. */
  private tracksBatches(): boolean {
    return this.batchPoints && this.rich && this.showChart;
  }

  /** Add the batch's loss to the epoch's running mean (see {@link RunningLoss}). */
  private recordBatch(logs: EpochLogs | undefined): void {
    const loss = logs?.loss;
    const steps = this.stepsPerEpoch;
    if (loss === undefined || steps === undefined) return;
    // A 4-byte synchronous read on the CPU and WebAssembly backends; awaiting data() costs more.
    const value = typeof loss === "number" ? loss : loss.dataSync()[0];
    const size = typeof logs?.size === "number" ? logs.size : 1;
    this.runningLoss = this.batches.add(value, size, this.epoch, Math.min(1, this.batchesDone / steps));
  }

  /** The progress bar, at most every `updateEvery` ms (and at each epoch's first batch). */
  private async progressDuringEpoch(logs: EpochLogs | undefined, now: number): Promise<void> {
    if (now - this.lastRender < this.updateEvery && this.batchesDone !== 1) return;
    if (!this.rich && !this.stream.isTTY) return;
    this.lastRender = now;
    if (!this.tracksBatches()) {
      // Read the loss only when it is shown: once per `updateEvery`, not every batch.
      const loss = logs?.loss;
      if (typeof loss === "number") this.runningLoss = loss;
      else if (loss !== undefined) this.runningLoss = (await loss.data())[0];
    }
    this.renderProgress("running");
  }

  /** A redraw during an epoch: after the first epoch's chart, when {@link redrawDue}. */
  private chartDue(now: number): boolean {
    if (this.collected.epoch.length === 0) return false;
    return redrawDue(now, this.lastChart.at, this.lastChart.cost, this.chartEvery);
  }

  private drawChart(): void {
    const start = performance.now();
    updateDisplay(bundleValue(this.figure().mimeBundle({ plotly: "never" })), this.chartId);
    const end = performance.now();
    this.lastChart = { at: end, cost: end - start, saves: this.savedEpochs().length };
    this.timing.chartMs += end - start;
    this.timing.chartDraws += 1;
  }

  private savedEpochs(): number[] {
    return savedEpochsSince(this.model, this.saveSince);
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const start = performance.now();
    const values = await resolveLogs(logs);
    this.learningRates.push(values.learning_rate ?? rateOf(this.model));
    this.collected.epoch.push(epoch);
    const n = this.collected.epoch.length;
    for (const [key, v] of Object.entries(values)) {
      const series = (this.collected.history[key] ??= []);
      while (series.length < n - 1) series.push(NaN);
      series.push(v);
    }
    for (const series of Object.values(this.collected.history)) while (series.length < n) series.push(NaN);
    this.lastValues = values;
    this.renderProgress("epoch-done");
    if (this.rich && this.showChart) this.drawChart();
    this.timing.hookMs += performance.now() - start;
  }

  override async onTrainEnd(): Promise<void> {
    this.stopButton?.finish();
    this.renderProgress("done");
    // A ModelCheckpoint after this callback in the list saved after the last redraw.
    const late = this.savedEpochs().length !== this.lastChart.saves;
    if (this.rich && this.showChart && this.collected.epoch.length > 0 && late) this.drawChart();
    this.timing.trainMs = performance.now() - this.trainStart;
  }

  /** The loss-curve figure of the epochs seen so far. */
  figure(): Figure {
    const { learning_rate: _rates, ...history } = this.collected.history;
    return liveFigure(
      {
        collected: { epoch: this.collected.epoch, history },
        batches: this.batches.points,
        learningRates: this.learningRates,
        saves: this.savedEpochs(),
      },
      { keys: this.keys, title: this.title, logY: this.logY },
    );
  }

  private lastValues: { [key: string]: number } = {};

  private status(phase: "starting" | "running" | "epoch-done" | "done"): { text: string; fraction: number } {
    const total = this.totalEpochs;
    const steps = this.stepsPerEpoch;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const epochLabel = `Epoch ${this.epoch + 1}/${total || "?"}`;
    if (phase === "starting")
      return { text: `Starting training: ${total || "?"} epochs of ${steps ?? "?"} batches`, fraction: 0 };
    if (phase === "done") {
      const ran = this.collected.epoch.length;
      const at = this.stopButton?.stoppedAt;
      const stopped = at
        ? ` (stopped with the Stop button at epoch ${at.epoch + 1}, batch ${at.batch + 1})`
        : ran > 0 && this.collected.epoch[ran - 1] + 1 < total
          ? ` (stopped early after epoch ${this.collected.epoch[ran - 1] + 1} of ${total})`
          : "";
      const last = metricText(this.lastValues);
      return {
        text: `Done: ${ran} epoch${ran === 1 ? "" : "s"} in ${duration((performance.now() - this.trainStart) / 1000)}${stopped}${last ? ` · ${last}` : ""}`,
        fraction: 1,
      };
    }
    if (phase === "epoch-done") {
      return {
        text: `${epochLabel} · ${this.batchesDone} batches in ${duration(elapsed)} · ${metricText(this.lastValues)}`,
        fraction: 1,
      };
    }
    const rate = elapsed > 0 ? this.batchesDone / elapsed : 0;
    const left = steps !== undefined && rate > 0 ? (steps - this.batchesDone) / rate : NaN;
    const loss = this.runningLoss !== undefined ? ` · loss ${this.runningLoss.toFixed(4)}` : "";
    return {
      text: `${epochLabel} · ${this.batchesDone}/${steps ?? "?"} batches · ${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} batch/s · ${duration(left)} left${loss}`,
      fraction: steps ? Math.min(1, this.batchesDone / steps) : 0,
    };
  }

  private progressBundle(phase: "starting" | "running" | "epoch-done" | "done"): MimeBundle {
    const { text, fraction } = this.status(phase);
    const percent = Math.round(fraction * 100);
    return {
      "text/html":
        `<div class="tslab-dl-progress"><progress value="${percent}" max="100" style="width:240px;vertical-align:middle"></progress> ` +
        `<span style="font-family:monospace">${xmlEscape(text)}</span></div>`,
      "text/plain": `${textBar(fraction)} ${text}`,
    };
  }

  private waitingBundle(): MimeBundle {
    const text = "Loss curves appear here after the first epoch.";
    return { "text/html": `<div class="tslab-dl-live-chart"><small>${text}</small></div>`, "text/plain": text };
  }

  private renderProgress(phase: "starting" | "running" | "epoch-done" | "done"): void {
    if (this.rich) {
      updateDisplay(bundleValue(this.progressBundle(phase)), this.progressId);
      return;
    }
    const { text, fraction } = this.status(phase);
    const line = `${textBar(fraction)} ${text}`;
    if (this.stream.isTTY) {
      const columns = (this.stream as { columns?: number }).columns ?? 120;
      this.stream.write(`\r${line.slice(0, Math.max(20, columns - 1)).padEnd(Math.min(columns - 1, 120))}`);
      this.lineOpen = phase !== "epoch-done" && phase !== "done";
      if (!this.lineOpen) this.stream.write("\n");
    } else if (phase === "epoch-done" || phase === "done") {
      this.stream.write(`${line}\n`);
    }
  }
}

/** The optimizer's learning rate, or NaN when it has none to read. */
function rateOf(model: tf.LayersModel | undefined): number {
  const rate = (model?.optimizer?.getConfig() as { learningRate?: unknown } | undefined)?.learningRate;
  return typeof rate === "number" ? rate : NaN;
}

function textBar(fraction: number, width = 24): string {
  const done = Math.round(fraction * width);
  return `[${"=".repeat(Math.max(0, done - 1))}${done > 0 ? (done === width ? "=" : ">") : ""}${".".repeat(width - done)}]`;
}
