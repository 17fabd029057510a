/** The models of `npm run bench`'s table: the lesson's and its neighbours, as a learner would build them. */
import * as tf from "@tensorflow/tfjs";
import { cnnModel } from "./cnn-model";
import { tutorialModel } from "./model";

export interface BenchModel {
  /** The table's row. */
  title: string;
  batch: number;
  /** Its share of `--steps` (a CNN step costs tens of dense steps: fewer keep the run to minutes). */
  stepShare: number;
  /** Images as [28, 28] or, for convolutions, [28, 28, 1]. */
  channels: boolean;
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

/** By name, as `--models` and `bench/torch_models.py --model` take them. */
export const BENCH_MODELS: Record<string, BenchModel> = {
  lesson: {
    title: "the lesson's: Flatten, Dense 100 relu, Dropout 0.3, Dense 10 softmax; adam, batch 32",
    batch: 32,
    stepShare: 1,
    channels: false,
    build: tutorialModel,
  },
  sigmoid: {
    title: "previous chapter's: Dense 100 sigmoid, Dense 10 softmax; sgd, batch 32",
    batch: 32,
    stepShare: 1,
    channels: false,
    build: () => dense([[100, "sigmoid"]], "sgd"),
  },
  mlp: {
    title: "two hidden layers: Dense 300 relu, Dense 100 relu, Dense 10 softmax; rmsprop, batch 64",
    batch: 64,
    stepShare: 1,
    channels: false,
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
    channels: true,
    build: () => cnnModel(),
  },
};
