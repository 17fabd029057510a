/** The lesson's model, shared by the benchmark scripts. */
import * as tf from "@tensorflow/tfjs";

/** The lesson's `model_fn(a_layer)`: Flatten → Dense(100, relu) → [a_layer] → Dense(10, softmax), not compiled. */
export function modelFn(aLayer?: tf.layers.Layer): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [28, 28] }));
  model.add(tf.layers.dense({ units: 100, activation: "relu" }));
  if (aLayer) model.add(aLayer);
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

/** Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax), adam, sparse categorical cross-entropy, accuracy. */
export function tutorialModel(): tf.Sequential {
  const model = modelFn(tf.layers.dropout({ rate: 0.3 }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}
