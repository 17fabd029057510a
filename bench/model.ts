/** The lesson's model, shared by the benchmark scripts. */
import * as tf from "@tensorflow/tfjs";

/** Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax), adam, sparse categorical cross-entropy, accuracy. */
export function tutorialModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [28, 28] }));
  model.add(tf.layers.dense({ units: 100, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}
