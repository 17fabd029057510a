/**
 * EarlyStopping with Keras 3 semantics, `restoreBestWeights` included.
 */
import { tf } from "../backend";
import {
  checkMode,
  type EpochLogs,
  isImprovement,
  type Mode,
  monitorValue,
  resolveDirection,
  resolveLogs,
  warnMissing,
} from "./monitor";

/** Arguments of {@link EarlyStopping}; names and defaults are Keras's, in camelCase. */
export interface EarlyStoppingArgs {
  /** Quantity to monitor. Default `"val_loss"`. `accuracy` and `acc` are the same metric. */
  monitor?: string;
  /** Minimum change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** `"min"`, `"max"` or `"auto"` (from the metric's name). Default `"auto"`. */
  mode?: Mode;
  /** Training stops if the model does not beat this value. Default none. */
  baseline?: number;
  /** Restore the weights of the best epoch when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before starting to monitor. Default 0. */
  startFromEpoch?: number;
  /** 0: silent; 1: say when stopping and restoring. Default 0. */
  verbose?: number;
}

/**
 * Stop training when a monitored metric has stopped improving.
 *
 * Behaves like `keras.callbacks.EarlyStopping` (Keras 3): at the end of each
 * epoch the monitored value is compared with the best so far (minus `minDelta`);
 * after `patience` epochs without improvement, training stops and
 * `stoppedEpoch` holds that epoch (0-based; 0 when training ran to the end).
 * With `restoreBestWeights`, the weights of `bestEpoch` are put back when
 * training ends, whether it stopped early or not. An instance can be reused:
 * its state is reset when training begins.
 *
 * Arguments (defaults in brackets): `monitor` ["val_loss"], `minDelta` [0],
 * `patience` [0], `mode` ["auto"], `baseline` [none], `restoreBestWeights`
 * [false], `startFromEpoch` [0], `verbose` [0].
 *
 * @example
 * const earlyStopping = new EarlyStopping({ patience: 2, restoreBestWeights: true });
 * await model.fit(x, y, { epochs: 20, validationData: [xVal, yVal], callbacks: [earlyStopping] });
 * console.log(earlyStopping.stoppedEpoch); // e.g. 9
 */
export class EarlyStopping extends tf.Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: number;
  readonly mode: Mode;
  /** Minimum change that counts as an improvement (≥ 0). */
  private readonly minDelta: number;
  private direction: "min" | "max" | undefined;

  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch (0-based) at which training was stopped; 0 if it was not. */
  stoppedEpoch = 0;
  /** The epoch (0-based) with the best monitored value. */
  bestEpoch = 0;
  /** The best monitored value so far (`Infinity`/`-Infinity` before the first epoch). */
  best: number | undefined;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? "val_loss";
    this.patience = args.patience ?? 0;
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.verbose = args.verbose ?? 0;
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.mode = checkMode("EarlyStopping", args.mode);
  }

  override async onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = undefined;
    this.disposeBestWeights();
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const values = await resolveLogs(logs);
    const current = this.getMonitorValue(values);
    if (current === undefined || epoch < this.startFromEpoch) return;
    // Keras decides the direction first; we first check the monitor exists, so a
    // misspelt name gets the warning listing what is available, not a mode error.
    this.ensureDirection();
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      // If best weights were never set, the current weights are the best.
      this.bestWeights = this.snapshotWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.disposeBestWeights();
        this.bestWeights = this.snapshotWeights();
      }
      // Only restart waiting if we beat both the baseline and our previous best.
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.stoppedEpoch > 0 && this.verbose > 0) {
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    }
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      if (this.verbose > 0) {
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      }
      this.model.setWeights(this.bestWeights);
      this.disposeBestWeights();
    }
  }

  /** The monitored value, or `undefined` (with a warning listing what is available). */
  getMonitorValue(logs: { [key: string]: number }): number | undefined {
    const value = monitorValue(logs, this.monitor);
    if (value === undefined) warnMissing("EarlyStopping", "Early stopping", this.monitor, logs);
    return value;
  }

  private ensureDirection(): void {
    if (this.direction !== undefined) return;
    this.direction = resolveDirection("EarlyStopping", this.monitor, this.mode);
  }

  private isImprovement(value: number, reference: number | undefined): boolean {
    return isImprovement(this.direction ?? "min", this.minDelta, value, reference);
  }

  /** Copies that survive later updates: tfjs assigns variables new data, clones keep the old. */
  private snapshotWeights(): tf.Tensor[] {
    return this.model.getWeights().map((w) => tf.keep(w.clone()));
  }

  private disposeBestWeights(): void {
    this.bestWeights?.forEach((w) => w.dispose());
    this.bestWeights = undefined;
  }
}
