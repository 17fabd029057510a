/**
 * `trainTestSplit`: scikit-learn's `train_test_split` for tensors and arrays,
 * with the same sizes, the same order of results and, for a given
 * `randomState`, the same rows.
 */
import { tf } from "../backend";
import { DatasetError } from "./errors";
import { MT19937 } from "./mt19937";
import { Sequences } from "./sequences";

/** Options for {@link trainTestSplit}; the defaults are scikit-learn's. */
export interface SplitOptions {
  /** A fraction in (0, 1) or a number of samples. Default: the complement of `trainSize`, or 0.25. */
  testSize?: number;
  /** A fraction in (0, 1) or a number of samples. Default: the complement of `testSize`. */
  trainSize?: number;
  /** Seed of the shuffle; the same seed picks the same rows as scikit-learn's `random_state`. */
  randomState?: number;
  /** Shuffle before splitting. Default true. */
  shuffle?: boolean;
}

/** What can be split: a tensor (samples along axis 0) or an array. */
export type Splittable = tf.Tensor | readonly unknown[];

function sampleCount(name: string, value: Splittable): number {
  if (value instanceof tf.Tensor) {
    if (value.rank === 0) throw new DatasetError(`trainTestSplit: ${name} is a scalar; expected samples along axis 0`);
    return value.shape[0];
  }
  if (Array.isArray(value)) return value.length;
  throw new DatasetError(`trainTestSplit: ${name} must be a tf.Tensor or an array, found ${typeof value}`);
}

function describeSize(v: number | undefined): string {
  return v === undefined ? "None" : String(v);
}

/** The sizes scikit-learn's `_validate_shuffle_split` computes. */
export function splitSizes(n: number, testSize?: number, trainSize?: number): { nTrain: number; nTest: number } {
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  const check = (name: string, v: number | undefined): void => {
    if (v === undefined) return;
    const ok = Number.isInteger(v) ? v > 0 && v < n : v > 0 && v < 1;
    if (!ok) {
      throw new DatasetError(
        `trainTestSplit: ${name}=${v} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`,
      );
    }
  };
  check("testSize", testSize);
  check("trainSize", trainSize);
  const isFraction = (v: number | undefined): v is number => v !== undefined && !Number.isInteger(v);
  if (isFraction(testSize) && isFraction(trainSize) && testSize + trainSize > 1) {
    throw new DatasetError(
      `trainTestSplit: testSize + trainSize = ${testSize + trainSize} should be in the (0, 1] range; reduce testSize and/or trainSize`,
    );
  }
  let nTest = testSize === undefined ? undefined : isFraction(testSize) ? Math.ceil(testSize * n) : testSize;
  let nTrain = trainSize === undefined ? undefined : isFraction(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (nTrain === undefined) nTrain = n - (nTest as number);
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new DatasetError(
      `trainTestSplit: the sum of train and test sizes = ${nTrain + nTest} should be smaller than the number of samples ${n}; reduce testSize and/or trainSize`,
    );
  }
  if (nTrain === 0) {
    throw new DatasetError(
      `trainTestSplit: with n_samples=${n}, testSize=${describeSize(testSize)} and trainSize=${describeSize(trainSize)}, the resulting train set would be empty; adjust testSize or trainSize`,
    );
  }
  return { nTrain, nTest };
}

function take<T extends Splittable>(value: T, indices: Int32Array): T {
  if (value instanceof tf.Tensor) {
    return tf.tidy(() => tf.gather(value, tf.tensor1d(indices, "int32"))) as T;
  }
  const arr = value as readonly unknown[];
  const rows = Array.from(indices, (i) => arr[i]);
  // Reviews stay Sequences, so the split halves still display in one line.
  return (arr instanceof Sequences ? Sequences.wrap(rows as number[][]) : rows) as unknown as T;
}

/**
 * Split `x` and `y` into random train and test subsets, as scikit-learn's
 * `train_test_split(x, y, test_size=…, random_state=…)`: same order of results
 * (`[xTrain, xTest, yTrain, yTest]`), same sizes (`ceil` of a fractional
 * `testSize`), and with the same `randomState`, the same rows.
 *
 * @example
 * const [trainScaled, valScaled, trainTarget, valTarget] =
 *   trainTestSplit(trainImages.div(255), trainLabels, { testSize: 0.2, randomState: 42 });
 */
export function trainTestSplit<X extends Splittable, Y extends Splittable>(
  x: X,
  y: Y,
  options: SplitOptions = {},
): [X, X, Y, Y] {
  const n = sampleCount("x", x);
  const ny = sampleCount("y", y);
  if (n !== ny) {
    throw new DatasetError(`trainTestSplit: x and y must have the same number of samples; found x: ${n}, y: ${ny}`);
  }
  const { nTrain, nTest } = splitSizes(n, options.testSize, options.trainSize);
  let order: Int32Array;
  if (options.shuffle ?? true) {
    const seed = options.randomState ?? Math.floor(Math.random() * 0x100000000);
    order = new MT19937(seed).permutation(n);
  } else {
    order = new Int32Array(n).map((_, i) => i);
  }
  // scikit-learn: test = permutation[:n_test], train = permutation[n_test:n_test + n_train];
  // without shuffling, train = [0, n_train), test = [n_train, n_train + n_test).
  const shuffled = options.shuffle ?? true;
  const testIdx = shuffled ? order.subarray(0, nTest) : order.subarray(nTrain, nTrain + nTest);
  const trainIdx = shuffled ? order.subarray(nTest, nTest + nTrain) : order.subarray(0, nTrain);
  return [take(x, trainIdx), take(x, testIdx), take(y, trainIdx), take(y, testIdx)];
}
