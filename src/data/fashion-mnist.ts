/**
 * Fashion-MNIST, as `keras.datasets.fashion_mnist.load_data()` returns it.
 */
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { tf } from "../backend";
import { readRegularFile } from "../regular-file";
import { elementCount } from "../util/shape";
import { digestOf, locateOrDownload, type ProgressReporter } from "./download";
import { DatasetError } from "./errors";

/** The four files, their SHA-256 and their size once gunzipped. */
export const FASHION_MNIST_FILES = {
  trainImages: {
    name: "train-images-idx3-ubyte.gz",
    /** Bytes once gunzipped: the IDX header and the data. */
    idxBytes: 47040016,
    sha256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
  },
  trainLabels: {
    name: "train-labels-idx1-ubyte.gz",
    /** Bytes once gunzipped: the IDX header and the data. */
    idxBytes: 60008,
    sha256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
  },
  testImages: {
    name: "t10k-images-idx3-ubyte.gz",
    /** Bytes once gunzipped: the IDX header and the data. */
    idxBytes: 7840016,
    sha256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
  },
  testLabels: {
    name: "t10k-labels-idx1-ubyte.gz",
    /** Bytes once gunzipped: the IDX header and the data. */
    idxBytes: 10008,
    sha256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
  },
} as const;

type FileKey = keyof typeof FASHION_MNIST_FILES;

/** The public mirror Keras downloads Fashion-MNIST from. */
const FASHION_MNIST_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

/** The Debian package `dataset-fashion-mnist` installs the files here. */
export const DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Options for {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** Look here first. */
  dir?: string;
  /** Download missing files into the Keras cache. Default true. */
  download?: boolean;
  /** Base URL to download from. Default {@link FASHION_MNIST_MIRROR}. */
  mirror?: string;
  /** System-wide folders searched after the cache. Default: Debian's `/usr/share/datasets/fashion-mnist`. */
  systemDirs?: string[];
  /** Where downloads go. Default `~/.keras/datasets/fashion-mnist` (as Keras). */
  cacheDir?: string;
  /** Check each file's SHA-256 against the published one. Default true. */
  verifyChecksum?: boolean;
  /** Report download progress (default: a line on stderr). */
  onProgress?: ProgressReporter;
}

/**
 * `[[trainImages, trainLabels], [testImages, testLabels]]`: images int32 `[N,28,28]`
 * with values 0–255; labels `[N]` with values 0–9, as float32 because tfjs's
 * `sparseCategoricalCrossentropy` accepts only float targets.
 */
export type FashionMnist = [[tf.Tensor3D, tf.Tensor1D], [tf.Tensor3D, tf.Tensor1D]];

/** The class names, by label. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

function kerasCacheDir(): string {
  return path.join(os.homedir(), ".keras", "datasets", "fashion-mnist");
}

/** The folders searched, in order. */
function fashionMnistSearchPath(options: FashionMnistOptions = {}): string[] {
  const dirs = [
    options.dir,
    process.env.FASHION_MNIST_DIR || undefined,
    options.cacheDir ?? kerasCacheDir(),
    ...(options.systemDirs ?? [DEBIAN_FASHION_MNIST_DIR]),
  ];
  return dirs.filter((d): d is string => d !== undefined && d !== "");
}

/** A parsed IDX file: dimensions and the raw unsigned bytes. */
interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/**
 * Parse an IDX file (already gunzipped) holding unsigned bytes, checking the
 * magic number, the rank and that the data is complete.
 *
 * @example
 * const { shape, data } = parseIdx(gunzipSync(fs.readFileSync(file)), file, 3);
 */
export function parseIdx(buf: Uint8Array, file: string, expectedRank: number): IdxArray {
  if (buf.length < 4) {
    throw new DatasetError(`${file}: truncated: ${buf.length} bytes, too short for the 4-byte IDX magic number`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0);
  const expectedMagic = 0x00000800 | expectedRank;
  if (magic !== expectedMagic) {
    throw new DatasetError(
      `${file}: wrong magic number: expected 0x${expectedMagic.toString(16).padStart(8, "0")} ` +
        `(IDX, unsigned bytes, ${expectedRank} dimensions), found 0x${magic.toString(16).padStart(8, "0")}; ` +
        `is this a Fashion-MNIST ${expectedRank === 1 ? "labels" : "images"} file?`,
    );
  }
  const headerBytes = 4 + 4 * expectedRank;
  if (buf.length < headerBytes) {
    throw new DatasetError(`${file}: truncated: header needs ${headerBytes} bytes, file has ${buf.length}`);
  }
  const shape: number[] = [];
  for (let i = 0; i < expectedRank; i++) shape.push(view.getUint32(4 + 4 * i));
  const count = elementCount(shape);
  const found = buf.length - headerBytes;
  if (found < count) {
    throw new DatasetError(`${file}: truncated data: header says ${shape.join("x")} = ${count} bytes, found ${found}`);
  }
  if (found > count) {
    throw new DatasetError(
      `${file}: ${found - count} unexpected bytes after the ${shape.join("x")} data; the file is not a clean IDX file`,
    );
  }
  return { shape, data: buf.subarray(headerBytes, headerBytes + count) };
}

async function locate(key: FileKey, options: FashionMnistOptions): Promise<string> {
  return locateOrDownload(
    {
      dataset: "Fashion-MNIST",
      file: FASHION_MNIST_FILES[key],
      searched: fashionMnistSearchPath(options),
      download: options.download !== false,
      cacheDir: options.cacheDir ?? kerasCacheDir(),
      mirror: options.mirror ?? FASHION_MNIST_MIRROR,
      howToGet: "Install Debian's dataset-fashion-mnist, set FASHION_MNIST_DIR, or allow downloading.",
    },
    options,
  );
}

/**
 * Read and parse one file; its structure is checked here, its checksum by {@link verify}.
 * Nothing larger than the published file is read or inflated: a gzip bomb stops at that size.
 */
function readParsed(key: FileKey, file: string, rank: number): { raw: Uint8Array; idx: IdxArray } {
  const limit = FASHION_MNIST_FILES[key].idxBytes;
  const expected = `expected the Fashion-MNIST file ${FASHION_MNIST_FILES[key].name}`;
  const refuse = (problem: string, cause?: unknown): DatasetError =>
    new DatasetError(`${file}: ${problem}; ${expected}`, { cause });
  // gzip never grows data by more than a few bytes per 16 KB block.
  const maxGzip = limit + (limit >> 10) + 1024;
  const raw = readRegularFile(
    file,
    maxGzip,
    refuse,
    (size) =>
      new DatasetError(
        `${file}: ${size} bytes, larger than a gzip of the published ${limit}-byte file can be; refused before reading`,
      ),
  );
  return { raw, idx: parseIdx(gunzipOrThrow(raw, file, limit), file, rank) };
}

function verify(key: FileKey, file: string, raw: Uint8Array): void {
  const actual = digestOf(raw, "sha256");
  const expected = FASHION_MNIST_FILES[key].sha256;
  if (actual !== expected) {
    throw new DatasetError(
      `${file}: checksum mismatch: expected SHA-256 ${expected}, found ${actual}; ` +
        `the file is not the published Fashion-MNIST ${FASHION_MNIST_FILES[key].name}. Delete it to download it again.`,
    );
  }
}

function gunzipOrThrow(raw: Uint8Array, file: string, limit: number): Uint8Array {
  try {
    // One byte over the limit is enough to know the file is not the published one.
    return gunzipSync(raw, { maxOutputLength: limit + 1 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new DatasetError(
        `${file}: inflates to more than ${limit} bytes, the size of the published file; refused (a damaged file or a gzip bomb)`,
        { cause: e },
      );
    }
    throw new DatasetError(`${file}: not a readable gzip file (${(e as Error).message}); expected a gzipped IDX file`);
  }
}

function checkPair(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): void {
  if (images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new DatasetError(`${imagesFile}: expected 28x28 images, found ${images.shape[1]}x${images.shape[2]}`);
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new DatasetError(
      `image/label count mismatch: ${imagesFile} has ${images.shape[0]} images, ${labelsFile} has ${labels.shape[0]} labels`,
    );
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] > 9) {
      throw new DatasetError(`${labelsFile}: label ${labels.data[i]} at index ${i} is out of range; expected 0–9`);
    }
  }
}

/**
 * Load Fashion-MNIST like `keras.datasets.fashion_mnist.load_data()`:
 * `[[trainImages, trainLabels], [testImages, testLabels]]`, images int32
 * `[60000|10000, 28, 28]` with values 0–255, labels `[N]` with values 0–9
 * (float32, the dtype tfjs's sparse categorical cross-entropy needs).
 *
 * Each file is taken from the first of `options.dir`, `$FASHION_MNIST_DIR`,
 * `~/.keras/datasets/fashion-mnist` and `/usr/share/datasets/fashion-mnist`
 * that has it, or downloaded from Keras's mirror into the Keras cache. Every
 * file is checked (SHA-256, IDX header, length) before any tensor is made.
 *
 * @example
 * const [[trainInput, trainTarget], [testInput, testTarget]] = await loadFashionMnist();
 * trainInput.shape; // [60000, 28, 28]
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  const files = {
    trainImages: await locate("trainImages", options),
    trainLabels: await locate("trainLabels", options),
    testImages: await locate("testImages", options),
    testLabels: await locate("testLabels", options),
  };
  // Structure first (the most specific message), then checksums, then consistency.
  const read = {
    trainImages: readParsed("trainImages", files.trainImages, 3),
    trainLabels: readParsed("trainLabels", files.trainLabels, 1),
    testImages: readParsed("testImages", files.testImages, 3),
    testLabels: readParsed("testLabels", files.testLabels, 1),
  };
  if (options.verifyChecksum !== false) {
    for (const key of Object.keys(read) as FileKey[]) verify(key, files[key], read[key].raw);
  }
  const trainImages = read.trainImages.idx;
  const trainLabels = read.trainLabels.idx;
  const testImages = read.testImages.idx;
  const testLabels = read.testLabels.idx;
  checkPair(trainImages, trainLabels, files.trainImages, files.trainLabels);
  checkPair(testImages, testLabels, files.testImages, files.testLabels);
  const images = (a: IdxArray): tf.Tensor3D =>
    tf.tensor3d(Int32Array.from(a.data), a.shape as [number, number, number], "int32");
  // float32 labels: tfjs's sparseCategoricalCrossentropy rejects int32 targets.
  const labels = (a: IdxArray): tf.Tensor1D => tf.tensor1d(Float32Array.from(a.data), "float32");
  return [
    [images(trainImages), labels(trainLabels)],
    [images(testImages), labels(testLabels)],
  ];
}
