/**
 * Learning-rate schedules per training step, as Keras's `optimizers.schedules`, and
 * {@link withSchedule} to make a tfjs optimizer follow one.
 */
import { tf } from "../backend";
import { learningRate, LearningRateError, setLearningRate } from "./optimizer-state";

/** A learning rate as a function of the step (the number of updates applied so far, from 0). */
export interface LearningRateSchedule {
  /** The learning rate for the update after `step` updates. */
  at(step: number): number;
}

function checkSteps(name: string, arg: string, steps: number): void {
  if (!(steps > 0)) throw new RangeError(`${name}: argument \`${arg}\` must be > 0. Received: ${arg}=${steps}`);
}

/**
 * `initialLearningRate * decayRate ^ (step / decaySteps)`; with `staircase`, the
 * exponent is rounded down, so the rate drops every `decaySteps` steps.
 *
 * @example
 * const optimizer = withSchedule(tf.train.sgd(0.1), new ExponentialDecay(0.1, 1000, 0.96, true));
 */
export class ExponentialDecay implements LearningRateSchedule {
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
  ) {
    checkSteps("ExponentialDecay", "decaySteps", decaySteps);
  }

  at(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }
}

/**
 * `initialLearningRate / (1 + decayRate * step / decaySteps)`; with `staircase`,
 * `step / decaySteps` is rounded down.
 *
 * @example
 * const optimizer = withSchedule(tf.train.adam(0.01), new InverseTimeDecay(0.01, 100, 0.5));
 */
export class InverseTimeDecay implements LearningRateSchedule {
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
  ) {
    checkSteps("InverseTimeDecay", "decaySteps", decaySteps);
  }

  at(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate / (1 + this.decayRate * (this.staircase ? Math.floor(p) : p));
  }
}

/**
 * `values[0]` while `step <= boundaries[0]`, `values[1]` while
 * `boundaries[0] < step <= boundaries[1]`, …, `values[n]` after the last boundary.
 *
 * @example
 * // 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1.
 * const schedule = new PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1]);
 */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  constructor(
    readonly boundaries: number[],
    readonly values: number[],
  ) {
    if (boundaries.length !== values.length - 1) {
      throw new RangeError(
        `PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values. ` +
          `Received: boundaries=[${boundaries}] of length ${boundaries.length}, and values=[${values}] of length ${values.length}.`,
      );
    }
    if (boundaries.some((b, i) => i > 0 && !(b > boundaries[i - 1]))) {
      throw new RangeError(`PiecewiseConstantDecay: boundaries must increase strictly, got [${boundaries}]`);
    }
  }

  at(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i < 0 ? this.values.length - 1 : i];
  }
}

/** Options of {@link CosineDecay}; names and defaults are Keras's, in camelCase. */
export interface CosineDecayArgs {
  /** The lowest rate, as a fraction of the rate the decay starts from. Default 0. */
  alpha?: number;
  /** Warm up linearly from `initialLearningRate` to this rate first. Default none (no warmup). */
  warmupTarget?: number;
  /** Steps of warmup. Default 0. */
  warmupSteps?: number;
}

/**
 * Cosine decay (SGDR without restarts) with an optional linear warmup: from
 * `initialLearningRate` (or, with warmup, `warmupTarget`) down to `alpha` times
 * that rate over `decaySteps` steps, then constant.
 *
 * @example
 * const schedule = new CosineDecay(0, 1000, { warmupTarget: 0.1, warmupSteps: 100 });
 */
export class CosineDecay implements LearningRateSchedule {
  readonly alpha: number;
  readonly warmupTarget: number | undefined;
  readonly warmupSteps: number;

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    args: CosineDecayArgs = {},
  ) {
    checkSteps("CosineDecay", "decaySteps", decaySteps);
    this.alpha = args.alpha ?? 0;
    this.warmupTarget = args.warmupTarget;
    this.warmupSteps = args.warmupSteps ?? 0;
  }

  at(step: number): number {
    if (this.warmupTarget === undefined) return this.decayed(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decayed(s - this.warmupSteps, this.warmupTarget);
  }

  private decayed(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }
}

const SCHEDULED = Symbol("tslab-dl.schedule");
type Scheduled = tf.Optimizer & { [SCHEDULED]?: LearningRateSchedule };

/**
 * Make `optimizer` follow `schedule`: before each update its learning rate is set
 * to `schedule.at(optimizer.iterations)`, as a Keras optimizer does with a schedule
 * as its `learning_rate` (`tf.train.adam` takes only a number). Returns the same
 * optimizer. The step count is the optimizer's own, so it carries on across `fit`
 * calls and is saved and restored by {@link BackupAndRestore}. Works on every
 * training path: tfjs's, and tslab-dl's fast one (both call `applyGradients`).
 *
 * @example
 * const optimizer = withSchedule(tf.train.adam(), new CosineDecay(0.001, 10 * stepsPerEpoch));
 * model.compile({ optimizer, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
 */
export function withSchedule<T extends tf.Optimizer>(optimizer: T, schedule: LearningRateSchedule): T {
  if (typeof schedule?.at !== "function") {
    throw new TypeError(
      "withSchedule: schedule must have an at(step) method, e.g. new ExponentialDecay(0.1, 1000, 0.9)",
    );
  }
  learningRate(optimizer); // fails early for an optimizer without a settable rate
  const target = optimizer as Scheduled;
  if (target[SCHEDULED] === undefined) {
    // An own property in front of the prototype's method, which it calls at each step, so that
    // swapping the prototype's method (tslab-dl's fast Adam, on and off) still takes effect.
    Object.defineProperty(target, "applyGradients", {
      configurable: true,
      writable: true,
      value(this: Scheduled, gradients: Parameters<tf.Optimizer["applyGradients"]>[0]): void {
        setLearningRate(this, (this[SCHEDULED] as LearningRateSchedule).at(this.iterations));
        Object.getPrototypeOf(this).applyGradients.call(this, gradients);
      },
    });
  }
  target[SCHEDULED] = schedule;
  setLearningRate(optimizer, schedule.at(optimizer.iterations));
  return optimizer;
}

/**
 * Refuse to set the rate of an optimizer that follows a schedule (the schedule would
 * overwrite it at the next step), as Keras refuses.
 */
export function checkNoSchedule(optimizer: tf.Optimizer, who: string): void {
  if ((optimizer as Scheduled)[SCHEDULED] !== undefined) {
    throw new LearningRateError(
      `${who}: this optimizer follows a learning-rate schedule (withSchedule), hence its learning rate is not ` +
        `settable; use either the schedule or ${who}, not both`,
    );
  }
}
