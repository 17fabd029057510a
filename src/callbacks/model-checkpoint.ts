/**
 * ModelCheckpoint with Keras 3 semantics: save the model (or its weights)
 * after every epoch, or only when the monitored value improves.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../backend";
import { saveModel, saveWeights } from "../io";
import { recordSave } from "./checkpoint-log";
import { formatPath, PathTemplateError } from "./format-path";
import { alternateName, checkMode, type EpochLogs, type Mode, monitorValue, resolveLogs, warnMissing } from "./monitor";

/** Python's `f"{x:.5f}"`: `inf` rather than JavaScript's `Infinity`. */
function fixed5(x: number): string {
  return Number.isFinite(x) ? x.toFixed(5) : x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
}

/** Arguments of {@link ModelCheckpoint}; names and defaults are Keras's, in camelCase. */
export interface ModelCheckpointArgs {
  /** Quantity to monitor. Default `"val_loss"`. */
  monitor?: string;
  /** 0: silent; 1: a line per save or skip. Default 0. */
  verbose?: number;
  /** Save only when the monitored value improves. Default false. */
  saveBestOnly?: boolean;
  /** Save weights only (`saveWeights`) instead of the whole model. Default false. */
  saveWeightsOnly?: boolean;
  /** `"min"`, `"max"` or `"auto"` (max for names with "acc", else min). Default `"auto"`. */
  mode?: Mode;
  /** With `saveBestOnly`, only save values better than this. Default none. */
  initialValueThreshold?: number;
}

/**
 * Save the model during training, like `keras.callbacks.ModelCheckpoint`.
 *
 * `filepath` may hold Keras placeholders filled from the epoch (1-based) and
 * its logs, e.g. `"ckpt-{epoch:02d}-{val_loss:.2f}.h5"`. The format follows
 * the path: `.h5` (Keras HDF5), `.keras`, `.weights.h5`, or a folder in the
 * TensorFlow.js format. Every save is atomic, and a failed save (unwritable
 * folder, full disk) stops training with a clear error instead of being skipped.
 *
 * Arguments (defaults in brackets): `monitor` ["val_loss"], `verbose` [0],
 * `saveBestOnly` [false], `saveWeightsOnly` [false], `mode` ["auto"],
 * `initialValueThreshold` [none].
 *
 * @example
 * const checkpoint = new ModelCheckpoint("best-model.h5", { saveBestOnly: true });
 * await model.fit(x, y, { epochs: 20, validationData: [xVal, yVal], callbacks: [checkpoint] });
 * const best = await loadModel("best-model.h5");
 */
export class ModelCheckpoint extends tf.Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: Mode;
  readonly initialValueThreshold: number | undefined;
  /** The best monitored value so far. */
  best: number;
  /** The last file written, if any. */
  lastSaved: string | undefined;
  private readonly direction: "min" | "max";

  constructor(filepath: string, args: ModelCheckpointArgs = {}) {
    super();
    if (typeof filepath !== "string" || filepath === "") {
      throw new TypeError(`ModelCheckpoint: filepath must be a non-empty string, got ${JSON.stringify(filepath)}`);
    }
    if (filepath.includes("\0")) {
      throw new PathTemplateError(
        `ModelCheckpoint: filepath ${JSON.stringify(filepath)} holds a NUL byte, which no file name may contain`,
      );
    }
    this.filepath = filepath;
    this.monitor = args.monitor ?? "val_loss";
    this.verbose = args.verbose ?? 0;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.mode = checkMode("ModelCheckpoint", args.mode);
    this.initialValueThreshold = args.initialValueThreshold;
    this.direction = this.mode !== "auto" ? this.mode : this.autoDirection();
    this.best = this.initialBest();
  }

  /** Keras's rule: "acc" in the name (or fmeasure) means higher is better. */
  private autoDirection(): "min" | "max" {
    const names = [this.monitor, alternateName(this.monitor) ?? ""];
    return names.some((n) => n.includes("acc") || n.startsWith("fmeasure")) ? "max" : "min";
  }

  private initialBest(): number {
    return this.initialValueThreshold ?? (this.direction === "min" ? Infinity : -Infinity);
  }

  private isImprovement(current: number): boolean {
    return this.direction === "min" ? current < this.best : current > this.best;
  }

  override async onTrainBegin(): Promise<void> {
    this.best = this.initialBest();
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const values = await resolveLogs(logs);
    const file = formatPath(this.filepath, { ...values, epoch: epoch + 1 });
    if (!this.saveBestOnly) {
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: saving model to ${file}`);
      await this.save(file, epoch);
      return;
    }
    const current = monitorValue(values, this.monitor);
    if (current === undefined) {
      warnMissing("ModelCheckpoint", "Can save best model only with it; skipping. Checkpointing", this.monitor, values);
      return;
    }
    if (this.isImprovement(current)) {
      if (this.verbose > 0) {
        console.log(
          `\nEpoch ${epoch + 1}: ${this.monitor} improved from ${fixed5(this.best)} to ${fixed5(current)}, saving model to ${file}`,
        );
      }
      this.best = current;
      await this.save(file, epoch);
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${fixed5(this.best)}`);
    }
  }

  private async save(file: string, epoch: number): Promise<void> {
    const dir = path.dirname(file);
    if (dir && !fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true });
    if (this.saveWeightsOnly) await saveWeights(this.model, file);
    else await saveModel(this.model, file);
    this.lastSaved = file;
    recordSave(this.model, epoch);
  }
}
