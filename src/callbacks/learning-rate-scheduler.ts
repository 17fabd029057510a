/**
 * LearningRateScheduler with Keras 3 semantics: set the learning rate at the start
 * of every epoch from a function of the epoch and the current rate.
 */
import { tf } from "../backend";
import type { EpochLogs } from "./monitor";
import { checkNoSchedule } from "./schedules";
import { learningRate, LearningRateError, requireOptimizer, setLearningRate } from "./optimizer-state";

/** Arguments of {@link LearningRateScheduler}. */
export interface LearningRateSchedulerArgs {
  /** 0: quiet; 1: a line per epoch with the rate set. Default 0. */
  verbose?: number;
}

/**
 * Set the optimizer's learning rate at the beginning of every epoch to
 * `schedule(epoch, lr)`, where `epoch` is 0-based and `lr` the current rate.
 *
 * Behaves like `keras.callbacks.LearningRateScheduler` (Keras 3): the rate is
 * changed in place (tf.train.sgd, momentum, adam, adamax, rmsprop, adagrad,
 * adadelta), and the rate the epoch trained with is added to the epoch's logs as
 * `learning_rate`. A schedule that returns anything but a finite number stops
 * training with an error. For a rate that changes every step (Keras's
 * `optimizers.schedules`), see {@link withSchedule}.
 *
 * Arguments (defaults in brackets): `schedule` (required), `verbose` [0].
 *
 * @example
 * // Keep the initial rate for ten epochs, then decrease it exponentially.
 * const scheduler = new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 * await model.fit(x, y, { epochs: 15, callbacks: [scheduler] });
 */
export class LearningRateScheduler extends tf.Callback {
  readonly schedule: (epoch: number, lr: number) => number;
  readonly verbose: number;

  constructor(schedule: (epoch: number, lr: number) => number, args: LearningRateSchedulerArgs = {}) {
    super();
    if (typeof schedule !== "function") {
      throw new TypeError(
        `LearningRateScheduler: schedule must be a function (epoch, lr) => number, got ${typeof schedule}`,
      );
    }
    this.schedule = schedule;
    this.verbose = args.verbose ?? 0;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const optimizer = requireOptimizer(this.model, "LearningRateScheduler");
    checkNoSchedule(optimizer, "LearningRateScheduler");
    const lr = this.schedule(epoch, learningRate(optimizer));
    if (typeof lr !== "number" || !Number.isFinite(lr)) {
      throw new LearningRateError(
        `LearningRateScheduler: the output of the schedule function should be a finite number. ` +
          `Got: ${String(lr)} at epoch ${epoch}`,
      );
    }
    setLearningRate(optimizer, lr);
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override async onEpochEnd(_epoch: number, logs?: EpochLogs): Promise<void> {
    if (logs) logs.learning_rate = learningRate(requireOptimizer(this.model, "LearningRateScheduler"));
  }
}
