/**
 * Keras's per-epoch lines for `fit`: what `verbose` prints in Keras 3.
 *
 * tfjs's `fit` takes `verbose` (default 1, as in Keras) but prints nothing in Node without
 * tfjs-node. Importing tslab-dl registers this callback with tfjs for `verbose >= 1`
 * (`tf.registerCallbackConstructor`, as tfjs-node registers its progress bar), so
 * `model.fit(x, y, { epochs: 5 })` shows, as Keras does:
 *
 * ```
 * Epoch 1/5
 * 1500/1500 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - acc: 0.8123 - loss: 0.5345 - val_acc: 0.8502 - val_loss: 0.4123
 * ```
 *
 * - `verbose: 1` in a notebook: one live line per epoch, updated in place while the epoch
 *   runs (at most every 250 ms), ending as the line above; in a terminal or a headless run,
 *   the line once the epoch ends.
 * - `verbose: 2`: one plain line per epoch, `1500/1500 - 3s - 2ms/step - acc: … - loss: …`.
 * - `verbose: 0`: nothing.
 *
 * Metrics are the running means of the epoch so far (weighted by batch size, as tfjs and
 * Keras average an epoch), training metrics in alphabetical order, then validation metrics.
 */
import { tf } from "../backend";
import { registerOnce } from "./register-once";
import { JUPYTER_DISPLAY, currentBridge, display, updateDisplay } from "../display/registry";

/** Cells of Keras's bar. */
const BAR_WIDTH = 20;
/** Least time between two updates of the live line. */
const UPDATE_EVERY_MS = 250;

type Logs = { [key: string]: number | tf.Scalar | undefined };

interface FitParams {
  epochs?: number;
  steps?: number | null;
  samples?: number | null;
  batchSize?: number;
  verbose?: number;
}

/** A displayable whose output is `text` as it is (not inspected as a value). */
function plainText(text: string): { [JUPYTER_DISPLAY](): { "text/plain": string } } {
  return { [JUPYTER_DISPLAY]: () => ({ "text/plain": text }) };
}

/** A log value as a number: a 4-byte read for a scalar tensor. */
function valueOf(v: number | tf.Scalar | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === "number" ? v : v.dataSync()[0];
}

/** Keras's number format: 4 decimals, or scientific notation for tiny values. */
function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v).toLowerCase();
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(4) : v.toFixed(4);
}

/** Keras's time per step: `2ms/step`, `1s/step`, `350us/step`. */
function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/** The metrics part: ` - acc: 0.8123 - loss: 0.5345 - val_acc: …`. */
function formatMetrics(values: Map<string, number>): string {
  const names = [...values.keys()];
  const ordered = [
    ...names.filter((n) => !n.startsWith("val_")).sort(),
    ...names.filter((n) => n.startsWith("val_")).sort(),
  ];
  return ordered.map((name) => ` - ${name}: ${formatValue(values.get(name)!)}`).join("");
}

/**
 * Prints Keras's per-epoch lines for `fit({ verbose: 1 | 2 })`; registered with tfjs at
 * import (see the module's header), so it is not passed in `callbacks`.
 *
 * @example
 * await model.fit(x, y, { epochs: 2, validationSplit: 0.2 }); // verbose 1 (the default)
 * // Epoch 1/2
 * // 300/300 ━━━━━━━━━━━━━━━━━━━━ 1s 2ms/step - acc: 0.7712 - loss: 0.6501 - val_acc: …
 */
export class ProgbarLogger extends tf.Callback {
  private epoch = 0;
  private steps: number | undefined;
  private seen = 0;
  private batches = 0;
  private sums = new Map<string, number>();
  private started = 0;
  private lastUpdate = 0;
  private displayId: string | undefined;
  private static epochDisplays = 0;

  private get fitParams(): FitParams {
    return this.params as FitParams;
  }

  private get verbose(): number {
    return this.fitParams.verbose ?? 1;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    const { steps, samples, batchSize } = this.fitParams;
    this.steps = steps ?? (samples && batchSize ? Math.ceil(samples / batchSize) : undefined);
    this.seen = 0;
    this.batches = 0;
    this.sums = new Map();
    this.started = performance.now();
    this.lastUpdate = 0;
    this.displayId = undefined;
    if (this.verbose === 1 && currentBridge().rich) {
      this.displayId = `tslab-dl-progbar-${process.pid}-${ProgbarLogger.epochDisplays++}`;
      display(plainText(this.text(false)), { displayId: this.displayId });
    }
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const size = valueOf(logs?.size) ?? 1;
    this.batches = batch + 1;
    this.seen += size;
    for (const [name, v] of Object.entries(logs ?? {})) {
      if (name === "batch" || name === "size") continue;
      const value = valueOf(v);
      if (value !== undefined) this.sums.set(name, (this.sums.get(name) ?? 0) + value * size);
    }
    if (!this.displayId) return;
    const now = performance.now();
    if (now - this.lastUpdate < UPDATE_EVERY_MS) return;
    this.lastUpdate = now;
    updateDisplay(plainText(this.text(false)), this.displayId);
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const values = new Map<string, number>();
    for (const [name, sum] of this.sums) values.set(name, sum / Math.max(1, this.seen));
    // The epoch's own logs (tfjs's averages, and the validation metrics) have the last word.
    for (const [name, v] of Object.entries(logs ?? {})) {
      const value = valueOf(v);
      if (value !== undefined) values.set(name, value);
    }
    const line = this.text(true, values);
    if (this.displayId) updateDisplay(plainText(line), this.displayId);
    else process.stdout.write(`${line}\n`);
    this.epoch = epoch + 1;
  }

  /** The epoch's header and progress line. */
  private text(done: boolean, values?: Map<string, number>): string {
    const header = `Epoch ${this.epoch + 1}/${this.fitParams.epochs ?? "?"}`;
    const means = values ?? new Map([...this.sums].map(([name, sum]) => [name, sum / Math.max(1, this.seen)]));
    const seconds = (performance.now() - this.started) / 1000;
    const steps = this.steps ?? this.batches;
    const count = `${String(this.batches).padStart(String(steps).length)}/${steps}`;
    const perStep = this.batches > 0 ? formatPerStep(seconds / this.batches) : "";
    if (this.verbose >= 2) return `${header}\n${count} - ${Math.round(seconds)}s - ${perStep}${formatMetrics(means)}`;
    const filled = steps > 0 ? Math.round((BAR_WIDTH * Math.min(this.batches, steps)) / steps) : 0;
    const bar = "━".repeat(filled) + (done ? "" : " ".repeat(BAR_WIDTH - filled));
    const time = done ? `${Math.round(seconds)}s ${perStep}` : this.eta(seconds, steps);
    return `${header}\n${count} ${bar.padEnd(BAR_WIDTH)} ${time}${formatMetrics(means)}`;
  }

  /** Keras's estimate of the time left in the epoch while it runs. */
  private eta(seconds: number, steps: number): string {
    if (this.batches === 0 || steps <= this.batches) return `${Math.round(seconds)}s`;
    const left = Math.round((seconds / this.batches) * (steps - this.batches));
    return `${left}s`;
  }
}

// For `verbose >= 1`.
registerOnce("tslab-dl.progbar-logger", 1, ProgbarLogger);
