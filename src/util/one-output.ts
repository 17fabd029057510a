/**
 * The check behind every `predict` typed as one `tf.Tensor` (keras.Sequential's, keras.Model's,
 * and the models `loadModel` returns): a model with several outputs is refused, pointing to
 * `predictAll`.
 */
import type * as tf from "@tensorflow/tfjs";

/** `predict` returns one tensor: a model with several outputs is refused, pointing to `predictAll`. */
export function requireOneOutput(model: tf.LayersModel): void {
  if (model.outputs.length !== 1) {
    throw new Error(
      `predict: model '${model.name}' has ${model.outputs.length} outputs ` +
        `(${model.outputs.map((o) => o.name).join(", ")}); predict returns one tensor. ` +
        `Use predictAll(x), which returns one tensor per output`,
    );
  }
}
