/** The next chapter's CNN (hg-mldl 8-2), shared by the CNN benchmark and tests. */
import * as tf from "@tensorflow/tfjs";

/**
 * Conv2D(32, 3, relu, same) → MaxPooling2D(2) → Conv2D(64, 3, relu, same) → MaxPooling2D(2) → Flatten →
 * Dense(100, relu) → Dropout(0.4) → Dense(10, softmax) on [28, 28, 1] images; adam, sparse categorical
 * cross-entropy, accuracy. `optimizer` replaces adam (tests use "sgd" to compare weights without Adam's
 * normalised steps).
 */
export function cnnModel(optimizer: string = "adam"): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", padding: "same" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 100, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}
