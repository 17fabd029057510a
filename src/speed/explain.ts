/**
 * One line saying which path `model.fit`, `evaluate` and `predict` take for a model, and why.
 */
import * as tf from "@tensorflow/tfjs";
import { internalsSupported, compiledOptimizer, trainingModel, unsupportedReason } from "./internals";
import { describeUpdate } from "./optimizers";
import { planModel } from "./plan";
import { STEP_OP } from "./step-op";
import { LOSS_LABELS } from "./units/loss";

/** The recurrent layers src/speed/recurrent/ runs as one op per sequence where the plan does not cover the model. */
const SEQUENCE_OP_LAYERS = ["SimpleRNN", "LSTM", "GRU", "KerasGRU"];

/**
 * Which path a model trains on, in one line: the fast path (each layer a planned unit, the
 * whole step one WebAssembly op call, the optimizer updating in place) or stock tfjs,
 * with the reason. Dense chains, convolutional nets of Conv2D and MaxPooling2D (the 8-2
 * lesson's CNN: "Conv2D 3×3 relu, MaxPooling2D 2×2, …") and recurrent nets of SimpleRNN,
 * LSTM, GRU and KerasGRU ("SimpleRNN 8, Dense sigmoid"), after an optional Embedding of the
 * input's ids ("Embedding 500×16, LSTM 8, Dense sigmoid"), are planned; a model that is not
 * still uses tslab-dl's faster ops (matrix products, Adam, and the conv ops) on the
 * WebAssembly backend.
 *
 * @example
 * const model = tf.sequential({ layers: [
 *   tf.layers.flatten({ inputShape: [28, 28] }),
 *   tf.layers.dense({ units: 100, activation: "relu" }),
 *   tf.layers.dropout({ rate: 0.3 }),
 *   tf.layers.dense({ units: 10, activation: "softmax" }),
 * ] });
 * model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
 * explainFastPath(model);
 * // "fast path: 4 layers planned (Flatten, Dense relu, Dropout 0.3, Dense softmax), adam, sparse CE, accuracy"
 */
export function explainFastPath(model: tf.LayersModel): string {
  const stock = "stock tfjs: ";
  if (unsupportedReason() !== null) {
    internalsSupported(); // the one warning
    return stock + (unsupportedReason() as string);
  }
  const result = planModel(model);
  if (!result.plan) {
    const sequences = model.layers
      .filter((l) => SEQUENCE_OP_LAYERS.includes(l.getClassName()))
      .map((l) => `'${l.name}' (${l.getClassName()})`);
    const verb = sequences.length === 1 ? "runs" : "run";
    const recurrent = sequences.length ? `, and ${sequences.join(", ")} ${verb} each sequence as one op each way` : "";
    return `${stock}${result.reason}; tslab-dl's ops (matrix products, Adam, conv) still apply on wasm${recurrent}`;
  }
  const { plan } = result;
  const optimizer = describeUpdate(compiledOptimizer(trainingModel(model)));
  const metric = plan.accuracy ? ", accuracy" : "";
  const where =
    tf.getBackend() !== "wasm"
      ? ` (on the wasm backend; the current backend is '${tf.getBackend()}', which runs stock tfjs)`
      : tf.getKernel(STEP_OP, "wasm")
        ? ""
        : " (once tslab-dl's ops are installed: init() or installFastOps())";
  const count = plan.layers.length;
  return (
    `fast path${where}: ${count} layer${count === 1 ? "" : "s"} planned (${plan.layers.join(", ")}), ` +
    `${optimizer}, ${LOSS_LABELS[plan.loss]}${metric}`
  );
}
