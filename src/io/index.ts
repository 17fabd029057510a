/**
 * Saving and restoring models and weights. The format follows the path:
 *
 * | path ends in   | format                                                      |
 * | -------------- | ----------------------------------------------------------- |
 * | `.weights.h5`  | Keras 3 weights (`model.save_weights("x.weights.h5")`)      |
 * | `.h5`, `.hdf5` | legacy Keras HDF5 (`model.save("x.h5")`, `save_weights("x.h5")`) |
 * | `.keras`       | Keras 3 zip archive (`model.save("x.keras")`)                |
 * | anything else  | TensorFlow.js layers format: a folder, or a `.json` file    |
 */
import { tf } from "../backend";
import { ModelFileError } from "./errors";
import { fileHandler, loadArtifacts, registerFileRouter, stripFileScheme } from "./tfjs-files";
import type * as KerasIO from "./keras";
import { requireOneOutput } from "../util/one-output";

export { ModelFileError } from "./errors";

registerFileRouter();

/** The file formats tslab-dl reads and writes. */
export type ModelFormat = "keras-weights-h5" | "keras-h5" | "keras" | "tfjs";

/**
 * The format a path stands for: the single switch every save and load goes through.
 *
 * @example
 * formatOf("best-model.h5");        // "keras-h5"
 * formatOf("model.weights.h5");     // "keras-weights-h5"
 * formatOf("model.keras");          // "keras"
 * formatOf("my-model");             // "tfjs"
 */
export function formatOf(target: string): ModelFormat {
  const p = stripFileScheme(target).toLowerCase();
  if (p.endsWith(".weights.h5")) return "keras-weights-h5";
  if (p.endsWith(".h5") || p.endsWith(".hdf5")) return "keras-h5";
  if (p.endsWith(".keras")) return "keras";
  return "tfjs";
}

/**
 * The Keras HDF5 and `.keras` readers and writers, loaded on first use (they
 * bring h5wasm); typed from the module itself, so the compiler sees any drift.
 */
function keras(): typeof KerasIO {
  return require("./keras") as typeof KerasIO;
}

/**
 * Save a whole model (architecture, weights, training config) to `path`;
 * the format follows the path (see {@link formatOf}). Writes are atomic.
 *
 * @example
 * await saveModel(model, "model-whole.h5");   // Keras HDF5, loads in Python Keras
 * await saveModel(model, "model-whole");      // TensorFlow.js folder
 */
export async function saveModel(model: tf.LayersModel, path: string): Promise<void> {
  switch (formatOf(path)) {
    case "keras-h5":
      return keras().saveModelH5(model, stripFileScheme(path));
    case "keras":
      return keras().saveModelKeras(model, stripFileScheme(path));
    case "keras-weights-h5":
      throw new ModelFileError(
        path,
        "a .weights.h5 file holds weights only: use saveWeights(model, path), or save the whole model as .h5, .keras or a folder",
      );
    case "tfjs":
      // Like Keras's save(): the compile config and optimizer state come along.
      await model.save(fileHandler(path), { includeOptimizer: true });
  }
}

/**
 * Load a whole model saved by {@link saveModel}, Python Keras or TensorFlow.js.
 * Loading never runs code from the file.
 *
 * @example
 * const model = await loadModel("model-whole.h5");
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  return asLoaded(await loadLayersModel(path));
}

type PredictArgs = Parameters<tf.LayersModel["predict"]>[1];

/**
 * A model {@link loadModel} returns: tfjs's `LayersModel` (a `Sequential` where the file holds
 * one), whose `predict` returns one `tf.Tensor`, as `keras.Sequential`'s and `keras.Model`'s do:
 * a model with several outputs refuses `predict` and answers `predictAll`.
 */
export interface LoadedModel extends tf.LayersModel {
  /** The model's one output for `x`; a model with several outputs refuses (use `predictAll`). */
  predict(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor;
  /** One tensor per output of the model, in the order of its outputs. */
  predictAll(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor[];
}

/** The loaded model itself, with `predict` typed and checked as a Keras model's, and `predictAll`. */
function asLoaded(model: tf.LayersModel): LoadedModel {
  const predict = model.predict.bind(model);
  return Object.assign(model, {
    predict(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor {
      requireOneOutput(model);
      return predict(x, args) as tf.Tensor;
    },
    predictAll(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor[] {
      const out = predict(x, args);
      return Array.isArray(out) ? out : [out];
    },
  });
}

async function loadLayersModel(path: string): Promise<tf.LayersModel> {
  switch (formatOf(path)) {
    case "keras-h5":
      return keras().loadModelH5(stripFileScheme(path));
    case "keras":
      return keras().loadModelKeras(stripFileScheme(path));
    case "keras-weights-h5":
      throw new ModelFileError(
        path,
        "a .weights.h5 file holds weights only, no architecture: build the model, then loadWeights(model, path)",
      );
    case "tfjs": {
      const artifacts = loadArtifacts(path);
      try {
        return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      } catch (e) {
        throw new ModelFileError(path, `could not be turned into a model: ${(e as Error).message}`, { cause: e });
      }
    }
  }
}

/**
 * Save all the model's weights to `path` (format by path, atomic write).
 *
 * @example
 * await saveWeights(model, "model-weights.h5");
 */
export async function saveWeights(model: tf.LayersModel, path: string): Promise<void> {
  switch (formatOf(path)) {
    case "keras-h5":
      return keras().saveWeightsH5(model, stripFileScheme(path));
    case "keras-weights-h5":
      return keras().saveWeightsKeras3(model, stripFileScheme(path));
    case "keras":
      throw new ModelFileError(
        path,
        "a .keras file holds a whole model: use saveModel(model, path), or name the file .weights.h5",
      );
    case "tfjs":
      await model.save(fileHandler(path));
  }
}

/**
 * Load weights saved by {@link saveWeights} (or Keras's `save_weights`) into a
 * model of the same architecture. Everything is read and checked first; on any
 * error the model's current weights are untouched.
 *
 * @example
 * const model = modelFn(tf.layers.dropout({ rate: 0.3 }));
 * await loadWeights(model, "model-weights.h5");
 */
export async function loadWeights(model: tf.LayersModel, path: string): Promise<void> {
  switch (formatOf(path)) {
    case "keras-h5":
      return keras().loadWeightsH5(model, stripFileScheme(path));
    case "keras-weights-h5":
      return keras().loadWeightsKeras3(model, stripFileScheme(path));
    case "keras":
      throw new ModelFileError(path, "a .keras file holds a whole model: use loadModel(path)");
    case "tfjs":
      return loadTfjsWeights(model, path);
  }
}

function loadTfjsWeights(model: tf.LayersModel, path: string): void {
  const artifacts = loadArtifacts(path);
  const specs = (artifacts.weightSpecs ?? []).filter((s) => s.group !== "optimizer");
  const allSpecs = artifacts.weightSpecs ?? [];
  const targets = model.weights;
  if (specs.length !== targets.length) {
    throw new ModelFileError(
      path,
      `holds ${specs.length} weight arrays, but the model has ${targets.length} ` +
        `(file: ${specs.map((s) => s.name).join(", ") || "none"}; model: ${targets.map((w) => w.originalName).join(", ") || "none"}); ` +
        `build the same architecture before loading weights`,
    );
  }
  specs.forEach((spec, i) => {
    const want = targets[i].shape;
    if (spec.shape.length !== want.length || spec.shape.some((d, k) => d !== want[k])) {
      throw new ModelFileError(
        path,
        `weight ${i} (${spec.name}) has shape [${spec.shape}], but the model's ${targets[i].originalName} has shape [${want}]`,
      );
    }
  });
  const decoded = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, allSpecs);
  try {
    model.setWeights(specs.map((s) => decoded[s.name]));
  } finally {
    Object.values(decoded).forEach((t) => t.dispose());
  }
}
