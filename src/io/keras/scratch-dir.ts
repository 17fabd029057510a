/**
 * Scratch folders for `.keras` saves and loads (the HDF5 library reads and
 * writes files by path, so an archive's `model.weights.h5` passes through one).
 *
 * Each is made with `mkdtemp` (mode 0700, a fresh name) under the system's
 * temporary folder, named per user (`tslab-dl-keras-<uid>-XXXXXX`), and removed
 * when the call ends. Folders a killed process left behind are swept once they
 * are a day old, but only our own: on a shared `/tmp`, another user's folder is
 * not looked into, and one we cannot remove is skipped with a notice on stderr,
 * never a failure of the save or load.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { removeIfStale } from "../atomic";
import { ModelFileError } from "../errors";

/** The prefix every user's scratch folders share; the uid follows. */
const SCRATCH_PREFIX = "tslab-dl-keras-";

/** Folders made before names carried a uid: the prefix and mkdtemp's six characters. */
const UNOWNED_NAME = /^tslab-dl-keras-[A-Za-z0-9]{6}$/;

const uid = (): number => process.getuid?.() ?? -1;

/**
 * This user's prefix.
 *
 * @example
 * scratchPrefix(); // "tslab-dl-keras-1000-" for uid 1000
 */
function scratchPrefix(): string {
  return `${SCRATCH_PREFIX}${uid() >= 0 ? uid() : os.userInfo().username}-`;
}

/** Stale folders we could not remove and already said so about, so that the notice comes once. */
const noticed = new Set<string>();

/**
 * Remove this user's day-old scratch folders from `tmp`: those named with our
 * prefix, and older unnumbered ones that we own. Nothing here throws.
 *
 * @example
 * sweepScratchDirs(os.tmpdir());
 */
function sweepScratchDirs(tmp: string, now = Date.now()): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return; // the caller reports a missing temporary folder
  }
  const mine = scratchPrefix();
  for (const name of names) {
    if (!name.startsWith(mine) && !UNOWNED_NAME.test(name)) continue;
    const entry = path.join(tmp, name);
    try {
      if (!name.startsWith(mine) && fs.lstatSync(entry).uid !== uid()) continue; // another user's
      removeIfStale(entry, now);
    } catch (e) {
      if (noticed.has(entry)) continue;
      noticed.add(entry);
      process.stderr.write(
        `tslab-dl: could not remove the stale scratch folder ${entry} ` +
          `(${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); skipped it, remove it by hand\n`,
      );
    }
  }
}

/**
 * Run `body` in a fresh scratch folder, removed afterwards. `file` (the
 * archive being saved or loaded) names the error when there is no temporary
 * folder to work in.
 *
 * @example
 * const bytes = await withScratchDir("m.keras", async (dir) => fs.readFileSync(path.join(dir, "w.h5")));
 */
export async function withScratchDir<T>(file: string, body: (dir: string) => Promise<T>): Promise<T> {
  const tmp = os.tmpdir();
  sweepScratchDirs(tmp);
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(tmp, scratchPrefix()));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" || code === "ENOTDIR"
        ? `the temporary folder ${tmp} does not exist`
        : `a scratch folder cannot be made in ${tmp} (${code ?? (e as Error).message})`;
    throw new ModelFileError(
      file,
      `needs a scratch folder for the archive's weights, but ${why}; set TMPDIR to a folder you can write to`,
      { cause: e },
    );
  }
  try {
    return await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
