/**
 * ReduceLROnPlateau with Keras 3 semantics: lower the optimizer's learning rate when
 * a monitored metric stops improving.
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
import { checkNoSchedule } from "./schedules";
import { learningRate, requireOptimizer, setLearningRate } from "./optimizer-state";

/** Arguments of {@link ReduceLROnPlateau}; names and defaults are Keras's, in camelCase. */
export interface ReduceLROnPlateauArgs {
  /** Quantity to monitor. Default `"val_loss"`. */
  monitor?: string;
  /** The rate is multiplied by this (`newLr = lr * factor`); must be < 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before the rate is reduced. Default 10. */
  patience?: number;
  /** `"min"`, `"max"` or `"auto"` (from the metric's name). Default `"auto"`. */
  mode?: Mode;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting epochs without improvement again. Default 0. */
  cooldown?: number;
  /** The rate never goes below this. Default 0. */
  minLr?: number;
  /** 0: quiet; 1: a line per reduction. Default 0. */
  verbose?: number;
}

/**
 * Reduce the learning rate when a metric has stopped improving.
 *
 * Behaves like `keras.callbacks.ReduceLROnPlateau` (Keras 3): at the end of each
 * epoch the monitored value is compared with the best so far; after `patience`
 * epochs without an improvement of more than `minDelta`, the optimizer's learning
 * rate becomes `max(lr * factor, minLr)` (in place, from the next batch on), and
 * for the next `cooldown` epochs no epoch counts as one without improvement. The
 * rate the epoch trained with is added to the epoch's logs as `learning_rate`, so
 * it lands in the History, in {@link CSVLogger} and in {@link LivePlot}. Works with
 * tf.train.sgd, momentum, adam, adamax, rmsprop, adagrad and adadelta. An instance
 * can be reused: its state is reset when training begins.
 *
 * Arguments (defaults in brackets): `monitor` ["val_loss"], `factor` [0.1],
 * `patience` [10], `mode` ["auto"], `minDelta` [1e-4], `cooldown` [0],
 * `minLr` [0], `verbose` [0].
 *
 * @example
 * const reduceLr = new ReduceLROnPlateau({ monitor: "val_loss", factor: 0.2, patience: 5, minLr: 0.001 });
 * await model.fit(x, y, { epochs: 50, validationData: [xVal, yVal], callbacks: [reduceLr] });
 */
export class ReduceLROnPlateau extends tf.Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: Mode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: number;
  private direction: "min" | "max" | undefined;

  /** Epochs since the last improvement (outside cooldown). */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The best monitored value so far (`undefined` before the first epoch). */
  best: number | undefined;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? "val_loss";
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1)) {
      throw new RangeError(`ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${args.factor}`);
    }
    this.patience = args.patience ?? 10;
    this.mode = checkMode("ReduceLROnPlateau", args.mode);
    this.minDelta = Math.abs(args.minDelta ?? 1e-4);
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.verbose = args.verbose ?? 0;
  }

  override async onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = undefined;
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const optimizer = requireOptimizer(this.model, "ReduceLROnPlateau");
    if (logs) logs.learning_rate = learningRate(optimizer);
    const values = await resolveLogs(logs);
    const current = monitorValue(values, this.monitor);
    if (current === undefined) {
      warnMissing("ReduceLROnPlateau", "Learning rate reduction is", this.monitor, values);
      return;
    }
    this.direction ??= resolveDirection("ReduceLROnPlateau", this.monitor, this.mode);
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(this.direction, this.minDelta, current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) this.reduce(optimizer, epoch);
    }
  }

  /** Whether epochs without improvement are not being counted yet. */
  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private reduce(optimizer: tf.Optimizer, epoch: number): void {
    checkNoSchedule(optimizer, "ReduceLROnPlateau");
    const oldLr = learningRate(optimizer);
    // Keras compares the float32 rate the optimizer holds with float32(minLr).
    if (!(Math.fround(oldLr) > Math.fround(this.minLr))) return;
    const newLr = Math.max(oldLr * this.factor, this.minLr);
    setLearningRate(optimizer, newLr);
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }
}
