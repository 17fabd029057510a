/**
 * A training's progress for a program that runs notebooks headlessly (`npm run tutorial`):
 * where the environment variable `TSLAB_DL_PROGRESS_FILE` names a file, every `fit` (whatever
 * its `verbose`) appends one line to it as each epoch begins, `fit 2: epoch 3/5`, counting the
 * fits of this process from 1. The program that started the kernel reads the file's last
 * line; nothing is written where the variable is unset.
 *
 * Importing tslab-dl registers the callback with tfjs (as the ProgbarLogger is registered),
 * at verbosity 0, so that `verbose: 0` fits report too.
 */
import * as fs from "node:fs";
import { tf } from "../backend";
import { registerOnce } from "./register-once";

/** The environment variable that names the progress file. */
export const PROGRESS_FILE_ENV = "TSLAB_DL_PROGRESS_FILE";

/** The line for an epoch (0-based) of a fit (1-based): `fit 2: epoch 3/5`. */
function progressLine(fit: number, epoch: number, epochs: number | undefined): string {
  return `fit ${fit}: epoch ${epoch + 1}/${epochs ?? "?"}`;
}

/**
 * Appends {@link progressLine} to `$TSLAB_DL_PROGRESS_FILE` as each epoch begins; registered
 * with tfjs at import, never passed in `callbacks`.
 *
 * @example
 * // TSLAB_DL_PROGRESS_FILE=/tmp/progress node train.js, then: tail -1 /tmp/progress
 * // fit 1: epoch 3/20
 */
class ProgressFile extends tf.Callback {
  private static fits = 0;
  private fit = 0;

  override async onTrainBegin(): Promise<void> {
    this.fit = ++ProgressFile.fits;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const file = process.env[PROGRESS_FILE_ENV];
    if (!file) return;
    const { epochs } = this.params as { epochs?: number };
    // A progress report must never stop the training it reports on.
    try {
      fs.appendFileSync(file, `${progressLine(this.fit, epoch, epochs)}\n`);
    } catch {
      /* an unwritable progress file only loses the report */
    }
  }
}

registerOnce("tslab-dl.progress-file", 0, ProgressFile);
