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
function temporaryPathFor(target: string): string {
  const rand = randomBytes(4).toString("hex");
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${rand}`);
}

/** Temporary files older than this are left over from a killed save, never one in progress. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Remove temporary files a killed save left beside `target` (ours only: the
 * names {@link temporaryPathFor} makes, older than a day). Called before each
 * atomic write, so that interrupted saves do not pile up.
 *
 * @example
 * sweepStaleTemporaries("checkpoints/best.h5");
 */
function sweepStaleTemporaries(target: string, now = Date.now()): void {
  const dir = path.dirname(target);
  const ours = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.tmp-\\d+-[0-9a-f]+$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    // No folder there: nothing was left behind, and the write itself reports the path.
    if (isMissing(e)) return;
    throw e;
  }
  for (const name of names) if (ours.test(name)) removeIfStale(path.join(dir, name), now);
}

/**
 * Remove `entry` (a file, or a folder and its contents) when it was last
 * modified more than {@link STALE_AFTER_MS} ago; links are removed, never followed.
 *
 * @example
 * removeIfStale("/tmp/tslab-dl-keras-abc123");
 */
export function removeIfStale(entry: string, now = Date.now()): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(entry);
  } catch (e) {
    if (isMissing(e)) return; // another process swept it first
    throw e;
  }
  if (now - st.mtimeMs > STALE_AFTER_MS) fs.rmSync(entry, { recursive: true, force: true });
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
    sweepStaleTemporaries(target);
    await write(tmp);
    fsyncPath(tmp);
    fs.renameSync(tmp, target);
  } catch (e) {
    removeTemporary(tmp);
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
    sweepStaleTemporaries(target);
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    removeTemporary(tmp);
    throw writeError(target, e);
  }
}

/**
 * Remove a temporary file after a failed write. When it was never created
 * (its folder is missing, or a part of the path is a file) there is nothing to
 * remove, and the write's own error is the one to report, not ENOTDIR from here.
 */
function removeTemporary(tmp: string): void {
  try {
    fs.rmSync(tmp, { force: true, recursive: true });
  } catch (e) {
    if (!isMissing(e)) throw e;
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
