/**
 * Atomic writes: a file holding a user's work is written under a temporary
 * name in the same folder and renamed into place, so a crash or kill during
 * a save leaves the previous file intact.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ModelFileError } from "./errors";

/**
 * A temporary path beside `target` (same folder, so the rename is atomic). Its random part
 * comes from `crypto`, not `Math.random`: a save during training must not draw from a
 * seeded `Math.random` (setRandomSeed), or saving a checkpoint would change the next
 * epoch's shuffle and Dropout masks.
 */
export function temporaryPathFor(target: string): string {
  const rand = randomBytes(4).toString("hex");
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${rand}`);
}

/** Explain a failed write in the user's terms. */
export function writeError(target: string, e: unknown): ModelFileError {
  const err = e as NodeJS.ErrnoException;
  const hints: { [code: string]: string } = {
    ENOENT: "its folder does not exist",
    EACCES: "permission denied: choose a folder you can write to",
    EPERM: "operation not permitted: choose a folder you can write to",
    EROFS: "the file system is read-only",
    ENOSPC: "no space left on the device: free some space and save again",
    EDQUOT: "disk quota exceeded: free some space and save again",
    EISDIR: "an existing directory has that name: give a file name",
    ENOTDIR: "a part of the path is a file, not a folder",
  };
  const hint = (err && err.code && hints[err.code]) || (err?.message ?? String(e));
  return new ModelFileError(target, `could not be written: ${hint}; the previous file, if any, is unchanged`, {
    cause: e,
  });
}

/**
 * Run `write` on a temporary path beside `target`, then rename it into place.
 * On any failure the temporary file is removed and the error says what happened.
 *
 * @example
 * await writeAtomically("model.h5", async (tmp) => writeHdf5(tmp));
 */
export async function writeAtomically(target: string, write: (tmpPath: string) => Promise<void> | void): Promise<void> {
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw writeError(target, Object.assign(new Error("is a directory"), { code: "EISDIR" }));
  }
  const tmp = temporaryPathFor(target);
  try {
    await write(tmp);
    fsyncPath(tmp);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true, recursive: true });
    throw e instanceof ModelFileError ? e : writeError(target, e);
  }
}

/**
 * Write bytes or text to `target` atomically.
 *
 * @example
 * writeFileAtomic("model.json", JSON.stringify(json));
 */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw writeError(target, Object.assign(new Error("is a directory"), { code: "EISDIR" }));
  }
  const tmp = temporaryPathFor(target);
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw writeError(target, e);
  }
}

function fsyncPath(file: string): void {
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) return;
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
