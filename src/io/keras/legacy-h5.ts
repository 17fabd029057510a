/**
 * The legacy Keras HDF5 layout: what `model.save("x.h5")` and
 * `model.save_weights("x.h5")` write in tf.keras 2.x, and what Keras 3 still
 * reads and writes for `.h5` names.
 *
 * Whole model: root attributes `model_config` (JSON), `training_config`
 * (JSON, optional), `keras_version`, `backend`; group `model_weights` with
 * attribute `layer_names` and, per layer, a group with attribute
 * `weight_names` whose entries are dataset paths inside that group
 * (`dense/kernel:0`). Weights only: the same layer groups at the root.
 */
import { tf } from "../../backend";
import { ModelFileError } from "../errors";
import { parseLimitedJson } from "../json-limits";
import { ConfigProblem, type Json } from "./config/json";
import { specOf } from "./config/layers";
import { buildModel, readModelConfig } from "./config/read";
import { compileArgsFrom, trainingConfigOf } from "./config/training";
import { modelToKeras } from "./config/write";
import { checkPlan } from "./plan-checks";
import { h5join, H5Reader, stringAttr, stringListAttr } from "./h5-read";
import type { H5Tree } from "./h5-types";
import { type H5Writer, writeH5File } from "./h5-write";
import { kerasLayers, matchByName, type PendingLayer, readAndAssign, weightBudget, weightsOf } from "./weights";

/**
 * The Keras version our `.h5` files declare: their layout and configs are
 * tf.keras 2.9's, which both tf.keras 2.x and Keras 3 load.
 */
const LEGACY_KERAS_VERSION = "2.9.0";

/** Run `body` with a ConfigProblem turned into a ModelFileError for `file`. */
export function configErrors<T>(file: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof ConfigProblem) throw new ModelFileError(file, e.message, { cause: e });
    throw e;
  }
}

/** Parse a JSON attribute, with an error naming the file and the attribute; too deep or too long is refused. */
export function parseJson(file: string, what: string, text: string): Json {
  return parseLimitedJson(file, what, text) as Json;
}

function writeLayerGroups(w: H5Writer, root: string, model: tf.LayersModel): void {
  const layers = kerasLayers(model);
  w.names(
    root,
    "layer_names",
    layers.map((l) => l.name),
  );
  for (const layer of layers) {
    const group = h5join(root, layer.name);
    w.group(group);
    const weights = weightsOf(layer);
    // tf.keras names a recurrent layer's weights after its cell: "lstm/lstm_cell/kernel:0".
    const scope = [layer.name, ...(specOf(layer)?.cell ? [specOf(layer)!.cell!] : [])];
    w.names(
      group,
      "weight_names",
      weights.map((x) => `${scope.join("/")}/${x.short}:0`),
    );
    if (weights.length > 0) w.group(h5join(group, ...scope));
    for (const x of weights) {
      w.float32(h5join(group, ...scope, `${x.short}:0`), x.variable.read().dataSync() as Float32Array, x.shape);
    }
  }
  // tf.keras 2.x records the model's own (non-layer) weights here; ours has none.
  w.group(h5join(root, "top_level_model_weights"));
  w.names(h5join(root, "top_level_model_weights"), "weight_names", []);
}

/**
 * Save a whole model as a legacy Keras `.h5` file (what `model.save("x.h5")`
 * writes): architecture, weights and, when the model is compiled with a loss and
 * optimizer Keras knows, the training config. Optimizer state is not saved.
 *
 * @example
 * await saveModelH5(model, "model-whole.h5");   // keras.models.load_model("model-whole.h5") reads it
 */
export async function saveModelH5(model: tf.LayersModel, path: string): Promise<void> {
  const config = configErrors(path, () => modelToKeras(model, "keras2"));
  const training = configErrors(path, () => trainingConfigOf(model, "keras2"));
  await writeH5File(path, (w) => {
    w.string("/", "backend", "tensorflow", "utf8");
    w.string("/", "keras_version", LEGACY_KERAS_VERSION, "utf8");
    w.string("/", "model_config", JSON.stringify(config), "ascii");
    if (training) w.string("/", "training_config", JSON.stringify(training), "ascii");
    w.group("/model_weights");
    w.string("/model_weights", "backend", "tensorflow", "ascii");
    w.string("/model_weights", "keras_version", LEGACY_KERAS_VERSION, "ascii");
    writeLayerGroups(w, "/model_weights", model);
  });
}

/**
 * Save all the model's weights as a legacy Keras `.h5` weights file (what
 * `model.save_weights("x.h5")` writes in tf.keras 2.x).
 *
 * @example
 * await saveWeightsH5(model, "model-weights.h5");   // model.load_weights("model-weights.h5") in Keras
 */
export async function saveWeightsH5(model: tf.LayersModel, path: string): Promise<void> {
  await writeH5File(path, (w) => {
    w.string("/", "backend", "tensorflow", "ascii");
    w.string("/", "keras_version", LEGACY_KERAS_VERSION, "ascii");
    writeLayerGroups(w, "/", model);
  });
}

/** Where the layer groups are: the root of a weights file, `model_weights` of a whole-model file. */
function weightsRoot(tree: H5Tree, path: string): string {
  const root = tree.nodes["/"];
  if (stringListAttr(root, "layer_names") !== undefined) return "/";
  if (tree.nodes["/model_weights"]) return "/model_weights";
  if (tree.nodes["/layers"] || tree.nodes["/vars"]) {
    throw new ModelFileError(
      path,
      "is a Keras 3 weights file (layers/…/vars); name it .weights.h5 so that it is read as one",
    );
  }
  throw new ModelFileError(
    path,
    "is an HDF5 file but not a Keras weights file: it has no layer_names attribute and no model_weights group",
  );
}

/** Names for a message: the first ten, and how many more (a file may list 300,000). */
function listed(names: string[]): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, 10).map((n) => (n.length > 60 ? `${n.slice(0, 60)}…` : n));
  return names.length > 10 ? `${shown.join(", ")}, and ${names.length - 10} more` : shown.join(", ");
}

/**
 * Pair the file's layers that have weights with the model's, in order, as
 * Keras's `load_weights` does for `.h5` files.
 */
function pairLayers(tree: H5Tree, root: string, model: tf.LayersModel, path: string): PendingLayer[] {
  const layerNames = stringListAttr(tree.nodes[root], "layer_names");
  if (!layerNames)
    throw new ModelFileError(path, `${root} has no layer_names attribute (or it is not a list of names)`);
  const fileLayers: { name: string; weightNames: string[] }[] = [];
  for (const name of layerNames) {
    const group = h5join(root, name);
    if (!tree.nodes[group])
      throw new ModelFileError(path, `layer_names lists "${name}", but there is no group ${group}`);
    const weightNames = stringListAttr(tree.nodes[group], "weight_names");
    if (!weightNames) throw new ModelFileError(path, `layer "${name}" has no weight_names attribute`);
    if (weightNames.length > 0) fileLayers.push({ name, weightNames });
  }
  const modelLayers = kerasLayers(model).filter((l) => l.weights.length > 0);
  if (fileLayers.length !== modelLayers.length) {
    throw new ModelFileError(
      path,
      `holds weights for ${fileLayers.length} layers (${listed(fileLayers.map((l) => l.name))}), but the model has ` +
        `${modelLayers.length} layers with weights (${listed(modelLayers.map((l) => l.name))}); ` +
        "build the same architecture before loading",
    );
  }
  return modelLayers.map((layer, i) => {
    const file = fileLayers[i];
    const count = layer.weights.length;
    if (file.weightNames.length !== count) {
      throw new ModelFileError(
        path,
        `layer "${layer.name}" (${layer.getClassName()}) has ${count} weights, but the file's layer "${file.name}" has ` +
          `${file.weightNames.length} (${listed(file.weightNames)})`,
      );
    }
    const order = matchByName(layer, file.weightNames);
    return { layer, paths: order.map((k) => h5join(root, file.name, file.weightNames[k])) };
  });
}

/**
 * Load a legacy Keras `.h5` weights file (or the weights of a whole-model
 * `.h5`) into a model of the same architecture, layer by layer in order, as
 * Keras's `load_weights` does. Everything is read and checked before any weight
 * changes: on an error the model is untouched.
 *
 * @example
 * await loadWeightsH5(model, "model-weights.h5");
 */
export async function loadWeightsH5(model: tf.LayersModel, path: string): Promise<void> {
  const { reader, tree } = await H5Reader.open(path);
  try {
    const root = weightsRoot(tree, path);
    const pending = pairLayers(tree, root, model, path);
    await readAndAssign(reader, tree, pending, path);
  } finally {
    await reader.close();
  }
}

/**
 * Load a whole model from a legacy Keras `.h5` file (tf.keras 2.x, standalone
 * Keras 2, or Keras 3 saving to `.h5`). The model is compiled when the file's
 * training config names an optimizer and loss tfjs has; optimizer state is
 * not restored. No code from the file is run: unknown or custom layers are errors.
 *
 * @example
 * const model = await loadModelH5("model-whole.h5");
 * model.predict(tf.zeros([1, 28, 28])).print();
 */
export async function loadModelH5(path: string): Promise<tf.LayersModel> {
  const { reader, tree } = await H5Reader.open(path);
  try {
    const root = tree.nodes["/"];
    const configText = stringAttr(root, "model_config");
    if (configText === undefined) {
      if (stringListAttr(root, "layer_names") !== undefined) {
        throw new ModelFileError(
          path,
          "holds weights only (Keras save_weights), no architecture: build the model, then load the weights into it",
        );
      }
      throw new ModelFileError(path, "is an HDF5 file but not a Keras model: it has no model_config attribute");
    }
    const plan = configErrors(path, () => checkPlan(readModelConfig(parseJson(path, "model_config", configText))));
    const model = configErrors(path, () => buildModel(plan, weightBudget(tree)));
    if (!tree.nodes["/model_weights"]) throw new ModelFileError(path, "has a model_config but no model_weights group");
    const pending = pairLayers(tree, "/model_weights", model, path);
    await readAndAssign(reader, tree, pending, path);
    const trainingText = stringAttr(root, "training_config");
    if (trainingText !== undefined) compileFrom(model, parseJson(path, "training_config", trainingText), path);
    return model;
  } finally {
    await reader.close();
  }
}

/** Compile a loaded model as Keras would, or say why not (Keras warns the same way). */
export function compileFrom(model: tf.LayersModel, trainingConfig: Json, path: string): void {
  const args = compileArgsFrom(trainingConfig);
  if (typeof args === "string") {
    console.warn(
      `tslab-dl: ${path}: the model is not compiled (${args}); call model.compile(...) before fit or evaluate`,
    );
    return;
  }
  model.compile({ optimizer: args.optimizer, loss: args.loss, metrics: args.metrics });
}
