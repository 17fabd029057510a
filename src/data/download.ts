/**
 * What every dataset loader shares: finding a file in a list of folders, else
 * downloading it from a mirror (progress on stderr, checksum verified before the
 * file is renamed into place), and reading a file safely (regular files only,
 * size checked before a byte is read).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { readRegularFile } from "../regular-file";
import { DatasetError } from "./errors";

/** Reports download progress: the file's name, bytes so far, and the total when the server says it. */
export type ProgressReporter = (file: string, receivedBytes: number, totalBytes: number | undefined) => void;

/** A published file: its name on the mirror and its digest (SHA-256, or MD5 where that is all Keras publishes). */
interface PublishedFile {
  name: string;
  sha256?: string;
  md5?: string;
}

/** The options every loader's download accepts. */
export interface DownloadOptions {
  /** Check the file's digest against the published one. Default true. */
  verifyChecksum?: boolean;
  /** Report download progress (default: a line on stderr). */
  onProgress?: ProgressReporter;
}

/**
 * The published digest's algorithm and value.
 *
 * @example
 * expectedDigest({ name: "a", md5: "bfaf…" }); // ["md5", "bfaf…"]
 */
export function expectedDigest(file: PublishedFile): ["sha256" | "md5", string] {
  if (file.sha256) return ["sha256", file.sha256];
  if (file.md5) return ["md5", file.md5];
  throw new DatasetError(`${file.name}: no published checksum is known`);
}

/**
 * The hex digest of `buf`.
 *
 * @example
 * digestOf(fs.readFileSync(file), "sha256");
 */
export function digestOf(buf: Uint8Array, algorithm: "sha256" | "md5"): string {
  return createHash(algorithm).update(buf).digest("hex");
}

/**
 * How a digest's algorithm is written in messages ("SHA-256", "MD5").
 *
 * @example
 * digestName("sha256"); // "SHA-256"
 */
export function digestName(algorithm: "sha256" | "md5"): string {
  return algorithm === "sha256" ? "SHA-256" : "MD5";
}

function causeText(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

function stderrProgress(file: string, got: number, total: number | undefined): void {
  const pct = total ? ` ${((100 * got) / total).toFixed(0)}%` : "";
  process.stderr.write(`\rDownloading ${file}: ${(got / 1e6).toFixed(1)} MB${pct}   `);
}

/**
 * Download `url` to `dest`: streamed to a temporary name beside it, hashed on the
 * way, and renamed into place only when the digest matches (unless
 * `verifyChecksum` is false); a failed download leaves nothing behind.
 *
 * @example
 * await downloadVerified(url, "/home/me/.keras/datasets/imdb.npz", IMDB_FILE, {});
 */
async function downloadVerified(
  url: string,
  dest: string,
  published: PublishedFile,
  options: DownloadOptions,
): Promise<void> {
  const [algorithm, expected] = expectedDigest(published);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  const progress = options.onProgress ?? stderrProgress;
  try {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new DatasetError(`could not download ${url}: ${(e as Error).message}${causeText(e)}`);
    }
    if (!res.ok || !res.body) {
      throw new DatasetError(`could not download ${url}: HTTP ${res.status} ${res.statusText}`);
    }
    const total = Number(res.headers.get("content-length")) || undefined;
    const out = fs.openSync(tmp, "w");
    const hash = createHash(algorithm);
    let got = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        fs.writeSync(out, chunk);
        hash.update(chunk);
        got += chunk.length;
        progress(path.basename(dest), got, total);
      }
      fs.fsyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    if (!options.onProgress) process.stderr.write("\n");
    const actual = hash.digest("hex");
    if (options.verifyChecksum !== false && actual !== expected) {
      throw new DatasetError(
        `${url}: checksum mismatch: expected ${digestName(algorithm)} ${expected}, found ${actual}; the download was discarded`,
      );
    }
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** How {@link locateOrDownload} finds one file. */
interface LocateRequest {
  /** The dataset's name for messages ("IMDB", "Fashion-MNIST"). */
  dataset: string;
  file: PublishedFile;
  /** Folders searched in order. */
  searched: string[];
  /** Whether to download when no folder has the file. */
  download: boolean;
  /** Where a download goes (a folder). */
  cacheDir: string;
  /** The mirror's base URL; the file's name is appended. */
  mirror: string;
  /** What a learner can do instead, said when the file is missing (one sentence). */
  howToGet: string;
}

/**
 * The first of `searched` holding the file, else the file downloaded into `cacheDir`.
 * A missing file (not allowed to download, or the download failed) is one
 * DatasetError listing every place looked and how to get the file.
 *
 * @example
 * const file = await locateOrDownload({ dataset: "IMDB", file: IMDB_FILE, searched, download: true, cacheDir, mirror, howToGet }, {});
 */
export async function locateOrDownload(req: LocateRequest, options: DownloadOptions): Promise<string> {
  const { name } = req.file;
  for (const dir of req.searched) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  const where = req.searched.map((d) => `  ${path.join(d, name)}`).join("\n");
  if (!req.download) {
    throw new DatasetError(`${req.dataset} file ${name} not found; searched:\n${where}\n${req.howToGet}`);
  }
  const dest = path.join(req.cacheDir, name);
  const url = new URL(name, req.mirror).toString();
  try {
    await downloadVerified(url, dest, req.file, options);
  } catch (e) {
    throw new DatasetError(
      `${req.dataset} file ${name} not found; searched:\n${where}\nand downloading it failed: ${(e as Error).message}\n${req.howToGet}`,
      { cause: e },
    );
  }
  return dest;
}

/** How {@link readDataFile} words its refusals. */
interface DataFileLimits {
  /** Largest size accepted, checked before a byte is read. */
  maxBytes: number;
  /** What the file should be, after "not" ("a gzipped IDX file"). */
  kind: string;
  /** What was expected, after "expected" ("the Fashion-MNIST file …"). */
  expected: string;
  /** The refusal for a file of `size` bytes over the limit (after "file: "). */
  tooLarge: (size: number) => string;
}

/**
 * Read a whole data file that must be a regular one of at most `req.maxBytes` (src/regular-file.ts:
 * a folder, FIFO, device or socket is refused before it is read), refusals as `DatasetError`s
 * that say what the file should have been.
 *
 * @example
 * const raw = readDataFile(file, { maxBytes: 2 ** 26, kind: "a NumPy .npz file", expected: "imdb.npz", tooLarge: (n) => `${n} bytes` });
 */
export function readDataFile(file: string, req: DataFileLimits): Buffer {
  return readRegularFile(
    file,
    req.maxBytes,
    (problem, cause) =>
      new DatasetError(
        `${file}: ${problem.replace("not a regular file", `not ${req.kind}`)}; expected ${req.expected}`,
        {
          cause,
        },
      ),
    (size) => new DatasetError(`${file}: ${req.tooLarge(size)}`),
  );
}
