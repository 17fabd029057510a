/**
 * BackupAndRestore with Keras 3 semantics: an interrupted `fit` resumes from the last
 * backup when it is run again.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../backend";
import { writeFileAtomic } from "../io/atomic";
import { ModelFileError } from "../io/errors";
import { readRegularFile } from "../regular-file";
import { randomAt, randomState, type RandomState, setRandomState } from "../seed";
import type { EpochLogs } from "./monitor";
import { betaPowers, setBetaPowers } from "./optimizer-state";
import { RESUMES_FIT, type ResumesFit, wrapFitForResume } from "./resume-fit";

wrapFitForResume();

/** Arguments of {@link BackupAndRestore}; names and defaults are Keras's, in camelCase. */
export interface BackupAndRestoreArgs {
  /** `"epoch"`: back up at the end of every epoch; a number n: every n batches. Default `"epoch"`. */
  saveFreq?: "epoch" | number;
  /** Delete the backup when training ends (not when it is interrupted). Default true. */
  deleteCheckpoint?: boolean;
}

/** What `backup.json` records; the weights file it names holds the tensors. */
interface BackupMeta {
  format: "tslab-dl-backup";
  /** Epochs completed (the epoch `fit` resumes at, 0-based). */
  epoch: number;
  /** Batches done in that epoch when saved (0 at an epoch's end); informative, as in Keras. */
  batch: number;
  weightsFile: string;
  specs: tf.io.WeightsManifestEntry[];
  /** How many of the specs are the model's weights; the rest are the optimizer's. */
  modelWeights: number;
  optimizerNames: string[];
  betaPowers: { accBeta1?: number; accBeta2?: number };
  random: RandomState | null;
  /** Whether the weights file holds the loop's sample order (`order`, int32). */
  hasOrder?: boolean;
}

/** tfjs's `util.shuffle` (Fisher–Yates from the end) drawing from `random`. */
function shuffleAsTfjs(array: Int32Array, random: () => number): void {
  for (let counter = array.length; counter > 0;) {
    const index = (random() * counter) | 0;
    counter--;
    const t = array[counter];
    array[counter] = array[index];
    array[index] = t;
  }
}

const META = "backup.json";
/** Largest backup.json read: it holds an epoch, a few numbers and the weight specs. */
const MAX_META_BYTES = 16 * 2 ** 20;

/**
 * Back up the training state so that an interrupted `fit` can resume.
 *
 * Behaves like `keras.callbacks.BackupAndRestore` (Keras 3): at the end of every epoch
 * (or every `saveFreq` batches) it writes the model's weights, the optimizer's state
 * (step count, Adam's moments…) and the number of epochs completed into `backupDir`.
 * When `fit` is called again with this callback after an interruption (the ■ button,
 * a kernel restart, a crash, a kill), it puts that state back and starts at the first
 * epoch not completed: `fit(x, y, { epochs: 10, … })` interrupted in epoch 4 runs
 * epochs 4 to 9 the second time. When `fit` ends normally the backup is deleted (keep
 * it with `deleteCheckpoint: false`). Beyond Keras, it also saves where the seeded
 * `Math.random` of {@link setRandomSeed} is and the order tfjs's loop holds the samples in
 * (tfjs shuffles the previous epoch's order again each epoch; a resumed `fit` gets its
 * `x` and `y` in that order), so a resumed seeded run draws the same batches and Dropout
 * masks and ends with exactly the weights of an uninterrupted one.
 * A backup made mid-epoch (`saveFreq` a number) resumes at the start of that epoch
 * with the mid-epoch weights, as in Keras.
 *
 * Every backup is atomic: the weights go to a new file and `backup.json`, renamed into
 * place last, names it, so a kill at any moment leaves the previous backup usable.
 * `backupDir` is the callback's own: do not share it with other runs or callbacks. The
 * model must be the same (architecture, compile arguments) as the one backed up.
 *
 * Arguments (defaults in brackets): `backupDir` (required), `saveFreq` ["epoch"],
 * `deleteCheckpoint` [true].
 *
 * @example
 * const backup = new BackupAndRestore("/tmp/backup");
 * await model.fit(x, y, { epochs: 10, callbacks: [backup] }); // interrupted in epoch 4…
 * await model.fit(x, y, { epochs: 10, callbacks: [backup] }); // …runs epochs 4 to 9
 */
export class BackupAndRestore extends tf.Callback implements ResumesFit {
  readonly [RESUMES_FIT] = true;
  readonly backupDir: string;
  readonly saveFreq: "epoch" | number;
  readonly deleteCheckpoint: boolean;
  /** The epoch `fit` resumed at (0 when it started afresh). */
  restoredEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatchSeen = 0;
  private currentEpoch = 0;
  private saves = 0;
  /** Whether the current `fit` shuffles (told by `fit` before it starts). */
  private shuffles = true;
  /** The loop's order of the training samples, tracked while `Math.random` is seeded. */
  private order: Int32Array | undefined;
  /** The order read by {@link resumeOrder} for the `fit` about to start. */
  private pendingOrder: Int32Array | undefined;

  constructor(backupDir: string, args: BackupAndRestoreArgs = {}) {
    super();
    if (typeof backupDir !== "string" || backupDir === "") {
      throw new TypeError(`BackupAndRestore: backupDir must be a non-empty path, got ${JSON.stringify(backupDir)}`);
    }
    this.backupDir = backupDir;
    this.saveFreq = args.saveFreq ?? "epoch";
    this.deleteCheckpoint = args.deleteCheckpoint ?? true;
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new RangeError(
        `BackupAndRestore: invalid value for saveFreq: ${JSON.stringify(args.saveFreq)}; expected "epoch" or a positive integer`,
      );
    }
  }

  /** Told by `fit` before it starts. */
  noteShuffle(shuffle: boolean): void {
    this.shuffles = shuffle;
    this.pendingOrder = undefined;
  }

  /** The epoch the last backup resumes at, or `undefined` when there is no backup (read by `fit`). */
  resumeEpoch(): number | undefined {
    return this.readMeta()?.epoch;
  }

  /** The sample order the backed-up loop held, if it saved one (read by `fit`). */
  resumeOrder(): Int32Array | undefined {
    const meta = this.readMeta();
    if (!meta?.hasOrder) return undefined;
    const decoded = this.readWeights(meta);
    try {
      this.pendingOrder = Int32Array.from(decoded.order.dataSync());
    } finally {
      Object.values(decoded).forEach((t) => t.dispose());
    }
    return this.pendingOrder;
  }

  override async onTrainBegin(): Promise<void> {
    this.batchesSinceSave = 0;
    this.lastBatchSeen = 0;
    const meta = this.readMeta();
    this.restoredEpoch = meta?.epoch ?? 0;
    this.currentEpoch = this.restoredEpoch;
    const samples = Number(this.params?.samples);
    this.order =
      this.pendingOrder?.length === samples
        ? this.pendingOrder
        : Number.isInteger(samples) && samples > 0
          ? Int32Array.from({ length: samples }, (_, i) => i)
          : undefined;
    this.pendingOrder = undefined;
    if (meta) await this.restore(meta);
  }

  override async onEpochBegin(): Promise<void> {
    // The loop shuffles right after this, drawing from Math.random: draw the same here.
    const state = randomState();
    if (this.shuffles && this.order && state) shuffleAsTfjs(this.order, randomAt(state));
    else this.order = undefined; // unseeded: the order cannot be known, so it is not saved
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.currentEpoch = epoch + 1;
    this.lastBatchSeen = 0;
    if (this.saveFreq === "epoch") await this.save();
  }

  override async onBatchEnd(batch: number, _logs?: EpochLogs): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.save();
  }

  override async onTrainEnd(): Promise<void> {
    if (this.deleteCheckpoint) fs.rmSync(this.backupDir, { recursive: true, force: true });
  }

  /** Keras's batch counting: a batch index not above the last one seen starts a new epoch. */
  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === "epoch") return false;
    this.batchesSinceSave += batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave < this.saveFreq) return false;
    this.batchesSinceSave = 0;
    return true;
  }

  private metaPath(): string {
    return path.join(this.backupDir, META);
  }

  private readMeta(): BackupMeta | undefined {
    const file = this.metaPath();
    if (!fs.existsSync(file)) return undefined;
    let meta: BackupMeta;
    try {
      meta = JSON.parse(
        readRegularFile(file, MAX_META_BYTES, (problem) => new Error(problem)).toString("utf8"),
      ) as BackupMeta;
    } catch (e) {
      throw new ModelFileError(
        file,
        `is not a readable backup (${(e as Error).message}); delete ${this.backupDir} to start afresh`,
        {
          cause: e,
        },
      );
    }
    if (
      meta.format !== "tslab-dl-backup" ||
      !Number.isInteger(meta.epoch) ||
      typeof meta.weightsFile !== "string" ||
      !/^[\w.-]+$/.test(meta.weightsFile) ||
      meta.weightsFile.startsWith(".")
    ) {
      throw new ModelFileError(file, `is not a tslab-dl backup; BackupAndRestore needs a folder of its own`);
    }
    return meta;
  }

  private async save(): Promise<void> {
    const optimizer = this.model.optimizer;
    const optimizerWeights = optimizer ? await optimizer.getWeights() : [];
    const named = [
      ...this.model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() })),
      ...optimizerWeights.map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor })),
    ];
    const order = this.order ? tf.tensor1d(this.order, "int32") : undefined;
    if (order) named.push({ name: "order", tensor: order });
    const { data, specs } = await tf.io.encodeWeights(named);
    order?.dispose();
    // getWeights hands over the optimizer's own variables and one new tensor (the step count).
    optimizerWeights.forEach((w) => {
      if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    });
    fs.mkdirSync(this.backupDir, { recursive: true });
    const old = this.readMetaQuietly();
    this.saves += 1;
    const weightsFile = `weights-${process.pid}-${Date.now()}-${this.saves}.bin`;
    writeFileAtomic(path.join(this.backupDir, weightsFile), new Uint8Array(data as ArrayBuffer));
    const meta: BackupMeta = {
      format: "tslab-dl-backup",
      epoch: this.currentEpoch,
      batch: this.lastBatchSeen,
      weightsFile,
      specs,
      modelWeights: this.model.weights.length,
      optimizerNames: optimizerWeights.map((w) => w.name),
      betaPowers: optimizer ? betaPowers(optimizer) : {},
      random: randomState() ?? null,
      hasOrder: order !== undefined,
    };
    writeFileAtomic(this.metaPath(), JSON.stringify(meta));
    if (old && old.weightsFile !== weightsFile) fs.rmSync(path.join(this.backupDir, old.weightsFile), { force: true });
  }

  private readMetaQuietly(): BackupMeta | undefined {
    try {
      return this.readMeta();
    } catch {
      return undefined; // an unreadable old backup is being replaced anyway
    }
  }

  /** The tensors of a backup's weights file, by name. */
  private readWeights(meta: BackupMeta): tf.NamedTensorMap {
    const file = path.join(this.backupDir, meta.weightsFile);
    let bytes: Uint8Array;
    try {
      // A copy with an ArrayBuffer of its own; a device or FIFO planted in the folder is refused.
      bytes = new Uint8Array(readRegularFile(file, 2 ** 31 - 1, (problem) => new Error(problem)));
    } catch (e) {
      throw new ModelFileError(
        file,
        `could not be read (${(e as Error).message}); delete ${this.backupDir} to start afresh`,
        { cause: e },
      );
    }
    return tf.io.decodeWeights(bytes.buffer as ArrayBuffer, meta.specs);
  }

  private async restore(meta: BackupMeta): Promise<void> {
    const file = path.join(this.backupDir, meta.weightsFile);
    const model = this.model;
    const shapes = model.weights.map((w) => w.shape);
    const saved = meta.specs.slice(0, meta.modelWeights).map((s) => s.shape);
    if (saved.length !== shapes.length || saved.some((s, i) => s.join(",") !== shapes[i].join(","))) {
      throw new ModelFileError(
        file,
        `holds weights of shapes [${saved.map((s) => `[${s}]`).join(", ")}] but the model has ` +
          `[${shapes.map((s) => `[${s}]`).join(", ")}]; BackupAndRestore resumes the same model only ` +
          `(delete ${this.backupDir} to start afresh)`,
      );
    }
    const decoded = this.readWeights(meta);
    try {
      model.setWeights(meta.specs.slice(0, meta.modelWeights).map((s) => decoded[s.name]));
      const optimizer = model.optimizer;
      if (optimizer && meta.optimizerNames.length > 0) {
        await optimizer.setWeights(meta.optimizerNames.map((name, i) => ({ name, tensor: decoded[`optimizer/${i}`] })));
        setBetaPowers(optimizer, meta.betaPowers);
      }
    } finally {
      Object.values(decoded).forEach((t) => t.dispose());
    }
    if (meta.random) setRandomState(meta.random);
  }
}
