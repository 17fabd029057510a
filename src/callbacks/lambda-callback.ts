/**
 * LambdaCallback: a callback made of plain functions, as Keras's.
 */
import { tf } from "../backend";
import { type EpochLogs, resolveLogs } from "./monitor";

/** NumericLogs as the functions see them: plain numbers. */
type NumericLogs = { [key: string]: number };

/** The functions of a {@link LambdaCallback}; each is optional and may be async. */
export interface LambdaCallbackArgs {
  onTrainBegin?: (logs: NumericLogs) => void | Promise<void>;
  onTrainEnd?: (logs: NumericLogs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: NumericLogs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: NumericLogs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs: NumericLogs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: NumericLogs) => void | Promise<void>;
}

/**
 * A callback made of the functions you pass, like `keras.callbacks.LambdaCallback`:
 * `onTrainBegin(logs)`, `onTrainEnd(logs)`, `onEpochBegin(epoch, logs)`,
 * `onEpochEnd(epoch, logs)`, `onBatchBegin(batch, logs)`, `onBatchEnd(batch, logs)`
 * (Keras's `on_train_batch_begin`/`_end`). `epoch` and `batch` are 0-based. The
 * functions get the logs as plain numbers (tfjs hands over tensors); a key a
 * function adds or changes is written back, so it reaches the History and later
 * callbacks as in Keras. Functions may be async: training waits for them. A
 * function for batches reads the batch's values every batch (a small cost).
 *
 * @example
 * const printBatch = new LambdaCallback({ onBatchBegin: (batch) => console.log(batch) });
 * const lossLog: number[] = [];
 * const record = new LambdaCallback({ onEpochEnd: (epoch, logs) => void lossLog.push(logs.loss) });
 * await model.fit(x, y, { epochs: 3, callbacks: [printBatch, record] });
 */
export class LambdaCallback extends tf.Callback {
  private readonly fns: LambdaCallbackArgs;

  constructor(args: LambdaCallbackArgs = {}) {
    super();
    for (const [name, fn] of Object.entries(args)) {
      if (fn !== undefined && typeof fn !== "function") {
        throw new TypeError(`LambdaCallback: ${name} must be a function, got ${typeof fn}`);
      }
    }
    this.fns = { ...args };
  }

  override async onTrainBegin(logs?: EpochLogs): Promise<void> {
    const fn = this.fns.onTrainBegin;
    if (fn) await withNumbers(logs, (values) => fn(values));
  }

  override async onTrainEnd(logs?: EpochLogs): Promise<void> {
    const fn = this.fns.onTrainEnd;
    if (fn) await withNumbers(logs, (values) => fn(values));
  }

  override async onEpochBegin(epoch: number, logs?: EpochLogs): Promise<void> {
    const fn = this.fns.onEpochBegin;
    if (fn) await withNumbers(logs, (values) => fn(epoch, values));
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const fn = this.fns.onEpochEnd;
    if (fn) await withNumbers(logs, (values) => fn(epoch, values));
  }

  override async onBatchBegin(batch: number, logs?: EpochLogs): Promise<void> {
    const fn = this.fns.onBatchBegin;
    if (fn) await withNumbers(logs, (values) => fn(batch, values));
  }

  override async onBatchEnd(batch: number, logs?: EpochLogs): Promise<void> {
    const fn = this.fns.onBatchEnd;
    if (fn) await withNumbers(logs, (values) => fn(batch, values));
  }
}

/** Call `fn` with the logs as numbers, then write back what it added or changed. */
async function withNumbers(
  logs: EpochLogs | undefined,
  fn: (values: NumericLogs) => void | Promise<void>,
): Promise<void> {
  const values = await resolveLogs(logs);
  const before = { ...values };
  await fn(values);
  if (!logs) return;
  for (const [key, value] of Object.entries(values)) {
    if (!(key in before) || !Object.is(before[key], value)) logs[key] = value;
  }
}
