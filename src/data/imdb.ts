/**
 * IMDB movie reviews, as `keras.datasets.imdb.load_data()` and
 * `keras.datasets.imdb.get_word_index()` return them (Keras 3,
 * `keras/src/datasets/imdb.py`), step for step.
 */
import * as os from "node:os";
import * as path from "node:path";
import { tf } from "../backend";
import { jsonDepth } from "../util/json-depth";
import { digestName, digestOf, expectedDigest, locateOrDownload, readDataFile, type DownloadOptions } from "./download";
import { DatasetError } from "./errors";
import { MT19937 } from "./mt19937";
import { readNpz, type NpyArray } from "./npz";
import { Sequences } from "./sequences";

/** Keras's mirror, the same one Fashion-MNIST comes from. */
export const IMDB_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

/** The reviews: `imdb.npz`, 17,464,789 bytes, with the SHA-256 Keras checks. */
export const IMDB_FILE = {
  name: "imdb.npz",
  bytes: 17464789,
  sha256: "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
} as const;

/** The word index: `imdb_word_index.json`, with the MD5 Keras checks (the only digest it publishes). */
const IMDB_WORD_INDEX_FILE = {
  name: "imdb_word_index.json",
  md5: "bfafd718b763782e994055a2d397834f",
} as const;

/** Largest `imdb.npz` read: the published file is 17 MB; a file 4 times larger is not it. */
const MAX_NPZ_BYTES = 4 * IMDB_FILE.bytes;
/**
 * Largest `.npy` entry inflated. The published pickles hold about 6 million word
 * indexes each at 2–5 bytes apiece, some 15 MB; this leaves four times that and
 * bounds what a hostile entry can make the reader build.
 */
const MAX_ENTRY_BYTES = 64 * 2 ** 20;
/** Largest word index read (the published one is under 2 MB). */
const MAX_WORD_INDEX_BYTES = 32 * 2 ** 20;

/** Where the files are looked for and how they are fetched. */
export interface ImdbFileOptions extends DownloadOptions {
  /** Look here first. */
  dir?: string;
  /** Download a missing file into the Keras cache. Default true. */
  download?: boolean;
  /** Base URL to download from. Default {@link IMDB_MIRROR}. */
  mirror?: string;
  /** Where downloads go, and the third place looked. Default `~/.keras/datasets` (as Keras). */
  cacheDir?: string;
}

/** Options for {@link loadImdb}: Keras's `load_data` arguments, camel-cased, with its defaults. */
export interface ImdbOptions extends ImdbFileOptions {
  /** Keep the `numWords` most frequent words (indexes below `numWords`); the others become `oovChar`. Default: all. */
  numWords?: number;
  /** Replace the `skipTop` most frequent words (indexes below `skipTop`) with `oovChar`. Default 0. */
  skipTop?: number;
  /** Drop reviews of `maxlen` words or more (the start mark included), as Keras does. Default: keep all. */
  maxlen?: number;
  /** Seed of the shuffle (NumPy's `RandomState`). Default 113. */
  seed?: number;
  /** Put at the start of every review; `null` for none. Default 1. */
  startChar?: number | null;
  /** What words cut by `numWords`/`skipTop` become; `null` drops them. Default 2. */
  oovChar?: number | null;
  /** Added to every word index (0–2 are padding, start and out-of-vocabulary). Default 3. */
  indexFrom?: number;
}

/**
 * `[[trainInput, trainTarget], [testInput, testTarget]]`: reviews as
 * {@link Sequences} of word indexes, labels (1 positive, 0 negative) as float32
 * `[N]` tensors, the dtype tfjs's losses need.
 */
export type Imdb = [[Sequences, tf.Tensor1D], [Sequences, tf.Tensor1D]];

function kerasCacheDir(): string {
  return path.join(os.homedir(), ".keras", "datasets");
}

/** The folders searched, in order: `options.dir`, `$IMDB_DIR`, the Keras cache. */
export function imdbSearchPath(options: ImdbFileOptions = {}): string[] {
  const dirs = [options.dir, process.env.IMDB_DIR || undefined, options.cacheDir ?? kerasCacheDir()];
  return dirs.filter((d): d is string => d !== undefined && d !== "");
}

function howToGet(name: string, options: ImdbFileOptions): string {
  const url = new URL(name, options.mirror ?? IMDB_MIRROR).toString();
  const dest = path.join(options.cacheDir ?? kerasCacheDir(), name);
  return `To get it, download ${url} (e.g. curl -fL -O ${url} on a machine with internet access) and put it at ${dest}, or in a folder named by $IMDB_DIR or options.dir.`;
}

async function locateImdbFile(file: typeof IMDB_FILE | typeof IMDB_WORD_INDEX_FILE, options: ImdbFileOptions) {
  return locateOrDownload(
    {
      dataset: "IMDB",
      file,
      searched: imdbSearchPath(options),
      download: options.download !== false,
      cacheDir: options.cacheDir ?? kerasCacheDir(),
      mirror: options.mirror ?? IMDB_MIRROR,
      howToGet: howToGet(file.name, options),
    },
    options,
  );
}

/**
 * `$TSLAB_DL_IMDB_SHA256`: the SHA-256 an `imdb.npz` must have instead of Keras's, for a
 * file of one's own in IMDB's format (the lesson tests' small generated one). The file is
 * still checked, against that digest; anything but 64 hex digits is refused.
 */
function expectedImdbDigest(published: typeof IMDB_FILE | typeof IMDB_WORD_INDEX_FILE): ["sha256" | "md5", string] {
  const own = process.env.TSLAB_DL_IMDB_SHA256;
  if (published !== IMDB_FILE || own === undefined || own === "") return expectedDigest(published);
  if (!/^[0-9a-f]{64}$/i.test(own)) {
    throw new DatasetError(
      `$TSLAB_DL_IMDB_SHA256 must be the 64 hex digits of a SHA-256, found ${JSON.stringify(own)}; unset it to check Keras's published imdb.npz`,
    );
  }
  return ["sha256", own.toLowerCase()];
}

function verify(file: string, raw: Uint8Array, published: typeof IMDB_FILE | typeof IMDB_WORD_INDEX_FILE): void {
  const [algorithm, expected] = expectedImdbDigest(published);
  const actual = digestOf(raw, algorithm);
  if (actual !== expected) {
    throw new DatasetError(
      `${file}: checksum mismatch: expected ${digestName(algorithm)} ${expected}, found ${actual}; ` +
        `the file is not the published ${published.name}. Delete it to download it again.`,
    );
  }
}

/** The reviews of one array: lists of integers, checked. */
function reviews(array: NpyArray, where: string): number[][] {
  if (array.kind !== "object" || array.shape.length !== 1) {
    throw new DatasetError(
      `${where}: expected a 1-D object array of lists, found a ${array.kind} array of shape (${array.shape.join(", ")})`,
    );
  }
  return array.items.map((item, i) => {
    if (!Array.isArray(item)) throw new DatasetError(`${where}: item ${i} is not a list of ints`);
    for (let j = 0; j < item.length; j++) {
      if (typeof item[j] !== "number") {
        throw new DatasetError(`${where}: item ${i} holds something other than an int at position ${j}`);
      }
    }
    return item as number[];
  });
}

function labels(array: NpyArray, where: string, n: number): Float64Array {
  if (array.kind !== "numeric" || array.shape.length !== 1 || array.shape[0] !== n) {
    throw new DatasetError(
      `${where}: expected ${n} numeric labels, found a ${array.kind} array of shape (${array.shape.join(", ")})`,
    );
  }
  return array.values;
}

function checkCount(name: string, v: number | null | undefined, min: number): void {
  if (v === undefined || v === null) return;
  if (!Number.isInteger(v) || v < min)
    throw new DatasetError(`loadImdb: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/**
 * Load IMDB like `keras.datasets.imdb.load_data()`, option for option:
 * `[[trainInput, trainTarget], [testInput, testTarget]]`, 25,000 reviews each,
 * as {@link Sequences} of word indexes (float32 label tensors beside them).
 *
 * Keras's steps, in its order: train and then test are shuffled by one
 * `np.random.RandomState(seed)`; `startChar` is put first and `indexFrom` added
 * to every word; with `maxlen`, reviews of `maxlen` words or more are dropped;
 * then every word outside `[skipTop, numWords)` becomes `oovChar` (with
 * `numWords` unset, Keras takes the largest index, so that one word too becomes
 * `oovChar`, as in Keras).
 *
 * `imdb.npz` is taken from `options.dir`, `$IMDB_DIR` or `~/.keras/datasets` (where
 * Keras caches it), or downloaded from Keras's mirror. Its SHA-256 is checked
 * before anything is read from it; the pickles inside are read by a reader that
 * understands only NumPy's object arrays of lists and never calls anything.
 * `$TSLAB_DL_IMDB_SHA256` names another digest to check instead, for a file of
 * your own in IMDB's format (the lesson tests use it for a small generated one).
 *
 * @example
 * const [[trainInput, trainTarget], [testInput, testTarget]] = await loadImdb({ numWords: 300 });
 * trainInput[0].length; // 218
 */
export async function loadImdb(options: ImdbOptions = {}): Promise<Imdb> {
  const seed = options.seed ?? 113;
  const skipTop = options.skipTop ?? 0;
  const startChar = options.startChar === undefined ? 1 : options.startChar;
  const oovChar = options.oovChar === undefined ? 2 : options.oovChar;
  const indexFrom = options.indexFrom ?? 3;
  checkCount("numWords", options.numWords, 0);
  checkCount("skipTop", skipTop, 0);
  checkCount("maxlen", options.maxlen, 0);
  checkCount("indexFrom", indexFrom, 0);
  checkCount("startChar", startChar, 0);
  checkCount("oovChar", oovChar, 0);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DatasetError(`loadImdb: seed must be an integer from 0 to 2**32-1, got ${seed}`);
  }

  const file = await locateImdbFile(IMDB_FILE, options);
  const raw = readDataFile(file, {
    maxBytes: MAX_NPZ_BYTES,
    kind: "a NumPy .npz file",
    expected: `the IMDB file ${IMDB_FILE.name}`,
    tooLarge: (size) =>
      `${size} bytes, far larger than the published ${IMDB_FILE.bytes}-byte ${IMDB_FILE.name}; refused before reading`,
  });
  // The published file is known to hold only lists of ints: check it is that file before parsing a byte.
  if (options.verifyChecksum !== false) verify(file, raw, IMDB_FILE);
  const arrays = readNpz(raw, file, ["x_train", "y_train", "x_test", "y_test"], {
    maxEntryBytes: MAX_ENTRY_BYTES,
    maxTotalBytes: 3 * MAX_ENTRY_BYTES,
  });
  const xTrain = reviews(arrays.get("x_train")!, `${file}: x_train.npy`);
  const xTest = reviews(arrays.get("x_test")!, `${file}: x_test.npy`);
  const yTrain = labels(arrays.get("y_train")!, `${file}: y_train.npy`, xTrain.length);
  const yTest = labels(arrays.get("y_test")!, `${file}: y_test.npy`, xTest.length);

  // Keras's steps, worked out on indexes and lengths first so each review is copied once.
  // One RandomState for both shuffles, train first.
  const rng = new MT19937(seed);
  let train = Array.from(rng.permutation(xTrain.length));
  let test = Array.from(rng.permutation(xTest.length));

  // The start mark counts towards maxlen: Keras filters after adding it.
  const marks = startChar !== null ? 1 : 0;
  if (options.maxlen) {
    const maxlen = options.maxlen;
    train = train.filter((i) => xTrain[i].length + marks < maxlen);
    test = test.filter((i) => xTest[i].length + marks < maxlen);
    if (train.length === 0 || test.length === 0) {
      throw new DatasetError(
        `loadImdb: after filtering for sequences shorter than maxlen=${maxlen}, no sequence was kept. Increase maxlen.`,
      );
    }
  }

  // Without numWords, Keras takes the largest index (start mark included) as the limit.
  let numWords = options.numWords;
  if (!numWords) {
    numWords = 0;
    for (const [x, kept] of [
      [xTrain, train],
      [xTest, test],
    ] as const) {
      for (const i of kept) {
        if (startChar !== null) numWords = Math.max(numWords, startChar);
        for (const w of x[i]) if (w + indexFrom > numWords) numWords = w + indexFrom;
      }
    }
  }
  const limit = numWords;
  // The start mark goes through the cut too, as in Keras (a skipTop above it makes it oovChar).
  const encode = (raw: number[]): number[] => {
    const out: number[] = [];
    const put = (w: number): void => {
      if (skipTop <= w && w < limit) out.push(w);
      else if (oovChar !== null) out.push(oovChar);
    };
    if (startChar !== null) put(startChar);
    for (const w of raw) put(w + indexFrom);
    return out;
  };

  return [
    [
      Sequences.wrap(train.map((i) => encode(xTrain[i]))),
      tf.tensor1d(
        train.map((i) => yTrain[i]),
        "float32",
      ),
    ],
    [
      Sequences.wrap(test.map((i) => encode(xTest[i]))),
      tf.tensor1d(
        test.map((i) => yTest[i]),
        "float32",
      ),
    ],
  ];
}

/**
 * The IMDB word index, as `keras.datasets.imdb.get_word_index()` returns it:
 * each word and its frequency rank (1 the most frequent). Add `indexFrom` (3)
 * to a rank to find the word in {@link loadImdb}'s sequences. Looked for, and
 * downloaded, as `imdb.npz` is; its MD5 is checked, and the JSON is read only
 * when it is a flat object of integers no larger than a few MB.
 *
 * @example
 * const wordIndex = await getImdbWordIndex();
 * const words = new Map([...wordIndex].map(([w, i]) => [i + 3, w]));
 * trainInput[0].slice(1, 6).map((i) => words.get(i)); // the review's first five words
 */
export async function getImdbWordIndex(options: ImdbFileOptions = {}): Promise<Map<string, number>> {
  const file = await locateImdbFile(IMDB_WORD_INDEX_FILE, options);
  const raw = readDataFile(file, {
    maxBytes: MAX_WORD_INDEX_BYTES,
    kind: "a JSON file",
    expected: `the IMDB word index ${IMDB_WORD_INDEX_FILE.name}`,
    tooLarge: (size) => `${size} bytes, far larger than the published word index; refused before reading`,
  });
  if (options.verifyChecksum !== false) verify(file, raw, IMDB_WORD_INDEX_FILE);
  const text = raw.toString("utf8");
  const depth = jsonDepth(text, 1);
  if (depth !== 1) {
    throw new DatasetError(
      `${file}: expected one flat JSON object of words and their indexes, found ${depth > 1 ? "nesting" : "no object"}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${file}: not valid JSON (${(e as Error).message}); is the file truncated?`, { cause: e });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new DatasetError(`${file}: expected a JSON object of words and their indexes`);
  }
  const index = new Map<string, number>();
  for (const [word, i] of Object.entries(parsed)) {
    if (!Number.isInteger(i)) {
      throw new DatasetError(
        `${file}: the word ${JSON.stringify(word)} has index ${JSON.stringify(i)}; expected an integer`,
      );
    }
    index.set(word, i as number);
  }
  return index;
}
