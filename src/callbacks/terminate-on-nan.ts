/**
 * TerminateOnNaN with Keras 3 semantics: stop training at the first batch whose loss
 * is NaN or infinite.
 */
import { tf } from "../backend";
import type { EpochLogs } from "./monitor";

/** Arguments of {@link TerminateOnNaN}. */
export interface TerminateOnNaNArgs {
  /** Throw at once instead of stopping gracefully (other callbacks' `onTrainEnd` then do not run). Default false. */
  raiseError?: boolean;
}

/**
 * Raised by {@link TerminateOnNaN} with `raiseError: true`.
 *
 * @example
 * await model.fit(x, y, { callbacks: [new TerminateOnNaN({ raiseError: true })] }); // NaNLossError at the first NaN loss
 */
export class NaNLossError extends Error {
  override name = "NaNLossError";
}

/** A batch loss as a number (tfjs hands over a scalar tensor), or `undefined` when there is none. */
async function batchLoss(logs: EpochLogs | undefined): Promise<number | undefined> {
  const loss = logs?.loss;
  if (loss === undefined) return undefined;
  return typeof loss === "number" ? loss : (await loss.data())[0];
}

/**
 * Stop training when a batch's loss is NaN or ±Infinity.
 *
 * Behaves like `keras.callbacks.TerminateOnNaN` (Keras 3): after each batch it reads
 * the loss; on NaN or Infinity it prints `Batch N: Invalid loss, terminating training`
 * and sets `model.stopTraining`, so the epoch ends there and every callback's
 * `onTrainEnd` runs (ModelCheckpoint, BackupAndRestore and CSVLogger keep what they
 * wrote). With `raiseError: true` it throws a {@link NaNLossError} instead, which
 * skips the other callbacks' clean-up (useful to keep a backup untouched). It reads
 * one number per batch.
 *
 * Arguments (defaults in brackets): `raiseError` [false].
 *
 * @example
 * await model.fit(x, y, { epochs: 10, callbacks: [new TerminateOnNaN()] });
 */
export class TerminateOnNaN extends tf.Callback {
  readonly raiseError: boolean;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    this.raiseError = args.raiseError ?? false;
  }

  override async onBatchEnd(batch: number, logs?: EpochLogs): Promise<void> {
    const loss = await batchLoss(logs);
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new NaNLossError(
        `NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`,
      );
    }
    console.log(`Batch ${batch}: Invalid loss, terminating training`);
    this.model.stopTraining = true;
  }
}
