/**
 * The models of `npm run bench`'s table, as a learner would build them: the lesson's and its
 * neighbours on Fashion-MNIST, the next chapter's CNN, and the book's chapter-9 recurrent nets on
 * token sequences of length 100 (batch 64, RMSprop 1e-4, binary cross-entropy).
 */
import * as tf from "@tensorflow/tfjs";
import { cnnModel } from "./cnn-model";
import { tutorialModel } from "./model";
import { loadFashionMnist } from "../src/data";
import { KerasGRU } from "../src/layers/gru";

interface BenchModel {
  /** The table's row. */
  title: string;
  batch: number;
  /** Its share of `--steps` (a CNN step costs tens of dense steps: fewer keep the run to minutes). */
  stepShare: number;
  /**
   * What a step trains on: Fashion-MNIST images as [28, 28] or, for convolutions, [28, 28, 1];
   * or token sequences ({@link benchTokens}) of length {@link SEQUENCE}, as ids or one-hot.
   */
  input: "images" | "channels" | "tokens" | "onehot";
  /** The vocabulary of a text model. */
  vocabulary?: number;
  build(): tf.LayersModel;
}

function dense(hidden: [number, string][], optimizer: string): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [28, 28] }));
  for (const [units, activation] of hidden) model.add(tf.layers.dense({ units, activation: activation as "relu" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** The length of the chapter-9 models' token sequences. */
const SEQUENCE = 100;

/**
 * Token ids for the text models, as bench/torch_models.py makes them: sequence i is
 * 1 + (i·37 + t·11 + t² mod 13) mod (vocabulary − 1), its first (i mod 3)·20 steps 0 (pre-padding);
 * label i mod 2.
 *
 * @example
 * benchTokens(2, 300); // → { ids: Float32Array(200), labels: Float32Array(2) }
 */
function benchTokens(count: number, vocabulary: number): { ids: Float32Array; labels: Float32Array } {
  const ids = new Float32Array(count * SEQUENCE);
  const labels = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let t = 0; t < SEQUENCE; t++)
      ids[i * SEQUENCE + t] = t < (i % 3) * 20 ? 0 : 1 + ((i * 37 + t * 11 + ((t * t) % 13)) % (vocabulary - 1));
  }
  return { ids, labels };
}

/**
 * The inputs and labels of `n` samples for a model that trains on `input`: the first `n`
 * Fashion-MNIST training images (pixels / 255; more than the training set starts over), or
 * {@link benchTokens} as ids or one-hot over `vocabulary`.
 */
export async function benchData(
  input: BenchModel["input"],
  n: number,
  vocabulary: number,
): Promise<[tf.Tensor, tf.Tensor]> {
  if (input === "tokens" || input === "onehot") {
    const { ids, labels } = benchTokens(n, vocabulary);
    const tokens = tf.tensor2d(ids, [n, SEQUENCE]);
    const x = input === "tokens" ? tokens : tf.tidy(() => tf.oneHot(tokens.toInt(), vocabulary).toFloat());
    if (input === "onehot") tokens.dispose();
    return [x, tf.tensor2d(labels, [n, 1])];
  }
  const [[images, labels]] = await loadFashionMnist({ download: false });
  const shape = input === "channels" ? [n, 28, 28, 1] : [n, 28, 28];
  // More samples than the training set (a long run): it starts over.
  const take = tf.tensor1d(
    Int32Array.from({ length: n }, (_, i) => i % images.shape[0]),
    "int32",
  );
  const x = tf.tidy(() => images.gather(take).toFloat().div(255).reshape(shape));
  const y = tf.tidy(() => labels.gather(take).toFloat());
  tf.dispose([images, labels, take]);
  return [x, y];
}

/** A chapter-9 model: `body` after the input, Dense(1, sigmoid) on top, RMSprop 1e-4, binary cross-entropy. */
function recurrent(body: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential({ layers: [...body, tf.layers.dense({ units: 1, activation: "sigmoid" })] });
  model.compile({ optimizer: tf.train.rmsprop(1e-4), loss: "binaryCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** By name, as `--models` and `bench/torch_models.py --model` take them. */
export const BENCH_MODELS: Record<string, BenchModel> = {
  lesson: {
    title: "the lesson's: Flatten, Dense 100 relu, Dropout 0.3, Dense 10 softmax; adam, batch 32",
    batch: 32,
    stepShare: 1,
    input: "images",
    build: tutorialModel,
  },
  sigmoid: {
    title: "previous chapter's: Dense 100 sigmoid, Dense 10 softmax; sgd, batch 32",
    batch: 32,
    stepShare: 1,
    input: "images",
    build: () => dense([[100, "sigmoid"]], "sgd"),
  },
  mlp: {
    title: "two hidden layers: Dense 300 relu, Dense 100 relu, Dense 10 softmax; rmsprop, batch 64",
    batch: 64,
    stepShare: 1,
    input: "images",
    build: () =>
      dense(
        [
          [300, "relu"],
          [100, "relu"],
        ],
        "rmsprop",
      ),
  },
  cnn: {
    title: "next chapter's CNN: Conv 32, pool, Conv 64, pool, Dense 100, Dropout 0.4; adam, batch 32",
    batch: 32,
    stepShare: 0.1,
    input: "channels",
    build: () => cnnModel(),
  },
  rnn: {
    title: "9-2: SimpleRNN(8) on one-hot words (100 × 200); rmsprop 1e-4, batch 64",
    batch: 64,
    stepShare: 0.2,
    input: "onehot",
    vocabulary: 200,
    build: () => recurrent([tf.layers.simpleRNN({ units: 8, inputShape: [SEQUENCE, 200] })]),
  },
  "embedding-rnn": {
    title: "9-2: Embedding(200, 16), SimpleRNN(8); rmsprop 1e-4, batch 64",
    batch: 64,
    stepShare: 0.2,
    input: "tokens",
    vocabulary: 200,
    build: () =>
      recurrent([
        tf.layers.embedding({ inputDim: 200, outputDim: 16, inputLength: SEQUENCE }),
        tf.layers.simpleRNN({ units: 8 }),
      ]),
  },
  lstm: {
    title: "9-3: Embedding(500, 16), LSTM(8); rmsprop 1e-4, batch 64",
    batch: 64,
    stepShare: 0.2,
    input: "tokens",
    vocabulary: 500,
    build: () =>
      recurrent([
        tf.layers.embedding({ inputDim: 500, outputDim: 16, inputLength: SEQUENCE }),
        tf.layers.lstm({ units: 8, recurrentActivation: "sigmoid" }),
      ]),
  },
  gru: {
    title: "9-3: Embedding(500, 16), GRU(8) (Keras's reset_after); rmsprop 1e-4, batch 64",
    batch: 64,
    stepShare: 0.2,
    input: "tokens",
    vocabulary: 500,
    build: () =>
      recurrent([
        tf.layers.embedding({ inputDim: 500, outputDim: 16, inputLength: SEQUENCE }),
        new KerasGRU({ units: 8 }),
      ]),
  },
};
