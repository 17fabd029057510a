/**
 * CSVLogger with Keras 3 semantics: one CSV row per epoch, each written durably.
 */
import * as fs from "node:fs";
import { tf } from "../backend";
import { writeFileAtomic } from "../io/atomic";
import { ModelFileError } from "../io/errors";
import { readRegularFile } from "../regular-file";
import { type EpochLogs, resolveLogs } from "./monitor";

/** Arguments of {@link CSVLogger}; names and defaults are Keras's. */
export interface CSVLoggerArgs {
  /** Field separator. Default `","`. */
  separator?: string;
  /** Append to an existing file (to continue a training run) instead of overwriting it. Default false. */
  append?: boolean;
}

/** Largest log appended to (64 MiB: a million epochs of a dozen metrics). */
const MAX_LOG_BYTES = 64 * 2 ** 20;

/** The log to append to: a regular file of reasonable size, never a device or a FIFO. */
function readLog(file: string): string {
  const refuse = (problem: string, cause?: unknown): ModelFileError =>
    new ModelFileError(file, `CSVLogger(append: true): the log to append to ${problem}`, { cause });
  return readRegularFile(file, MAX_LOG_BYTES, refuse).toString("utf8");
}

/** A number as Python's `str(float)` writes it (`1.0`, `1e-05`, `nan`, `inf`), so files match Keras's. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  if (exponent < -4 || exponent >= 16) {
    const [mantissa, exp] = x.toExponential().split("e");
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Stream each epoch's results to a CSV file: a header `epoch,<metric>,...` (metrics
 * sorted by name, as Keras does), then one row per epoch with the 0-based epoch.
 *
 * Behaves like `keras.callbacks.CSVLogger` (Keras 3): `append: false` starts the file
 * afresh when training begins; `append: true` continues it, writing the header only
 * if the file is empty (so a resumed run, e.g. with {@link BackupAndRestore}, keeps
 * one table). A validation metric that `fit` will report but an epoch lacks is written
 * as `NA`. Numbers are written as Python writes them, so the file reads the same in
 * pandas (`pd.read_csv`). Unlike Keras, which appends to an open file, every row is
 * written atomically (the file is replaced by a complete copy, synced to disk): a crash
 * or a kill never leaves half a row, and each finished epoch's row survives it.
 *
 * Arguments (defaults in brackets): `filename` (required), `separator` [","], `append` [false].
 *
 * @example
 * const csvLogger = new CSVLogger("training.log");
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [csvLogger] });
 * // training.log: epoch,acc,loss,val_acc,val_loss\n0,0.81,0.53,0.85,0.42\n...
 */
export class CSVLogger extends tf.Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  /** The columns after `epoch`, fixed by the first epoch written (`undefined` before it). */
  keys: string[] | undefined;
  private text = "";
  private appendHeader = true;

  constructor(filename: string, args: CSVLoggerArgs = {}) {
    super();
    if (typeof filename !== "string" || filename === "") {
      throw new TypeError(`CSVLogger: filename must be a non-empty string, got ${JSON.stringify(filename)}`);
    }
    this.filename = filename;
    this.separator = args.separator ?? ",";
    this.append = args.append ?? false;
    if (this.separator.length === 0 || /["\r\n]/.test(this.separator)) {
      throw new RangeError(
        `CSVLogger: separator must be a non-empty string without quotes or newlines, got ${JSON.stringify(this.separator)}`,
      );
    }
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = undefined;
    this.text = this.append && fs.existsSync(this.filename) ? readLog(this.filename) : "";
    this.appendHeader = this.text.length === 0;
    if (this.text.length > 0 && !this.text.endsWith("\n")) this.text += "\n";
    writeFileAtomic(this.filename, this.text);
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const values = await resolveLogs(logs);
    const keys = (this.keys ??= this.columns(values));
    if (this.appendHeader) {
      this.text += this.line(["epoch", ...keys]);
      this.appendHeader = false;
    }
    this.text += this.line([String(epoch), ...keys.map((k) => (k in values ? pythonFloat(values[k]) : "NA"))]);
    writeFileAtomic(this.filename, this.text);
  }

  /** The logs' keys sorted, plus the validation metrics `fit` will report that this epoch lacks. */
  private columns(values: { [key: string]: number }): string[] {
    const keys = Object.keys(values).sort();
    const expected = ((this.params?.metrics as string[] | undefined) ?? []).filter((m) => m.startsWith("val_"));
    for (const name of expected) if (!keys.includes(name)) keys.push(name);
    return keys;
  }

  /** One CSV line, quoting fields as Python's `csv` module does (Excel dialect). */
  private line(fields: string[]): string {
    const quote = (f: string) => (f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
    return `${fields.map(quote).join(this.separator)}\n`;
  }
}
