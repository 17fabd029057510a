/**
 * tfjs models to Keras model configs: Keras 2's `{class_name, config}` as
 * tf.keras writes in `.h5`, or Keras 3's with `module`, `registered_name` and
 * `build_config` as in a `.keras` archive.
 */
import { tf } from "../../../backend";
import { ConfigProblem, type Json, type JsonObject, type KerasDialect } from "./json";
import { kerasClassOf, LAYERS, SUPPORTED_LAYERS } from "./layers";

/** Keras 3's dtype entry. */
const DTYPE_POLICY: JsonObject = {
  module: "keras",
  class_name: "DTypePolicy",
  config: { name: "float32" },
  registered_name: null,
};

function shapeJson(s: unknown): Json {
  return (s as (number | null)[]).map((d) => (d === undefined ? null : d));
}

/** A tfjs layer's config in Keras's words (one entry of `layers`). */
function layerToKeras(layer: tf.layers.Layer, dialect: KerasDialect): JsonObject {
  const cls = kerasClassOf(layer);
  const spec = cls === undefined ? undefined : LAYERS[cls];
  const here = `layer "${layer.name}" (${layer.getClassName()})`;
  if (cls === undefined || !spec) {
    throw new ConfigProblem(
      `${here}: tslab-dl cannot write this layer class in Keras format; supported: ${SUPPORTED_LAYERS.join(", ")}`,
    );
  }
  const tfjsConfig = { ...(layer.getConfig() as { [k: string]: unknown }), ...spec.configOf?.(layer) };
  const config: JsonObject = {
    name: layer.name,
    trainable: layer.trainable,
    dtype: dialect === "keras3" ? DTYPE_POLICY : "float32",
  };
  for (const field of spec.fields) {
    const v = field.conv.out(tfjsConfig[field.tfjs], dialect, here);
    if (dialect === "keras3" && ((field.omitNullIn3 && v === null) || field.keras2Only)) continue;
    config[field.keras] = v;
  }
  Object.assign(config, spec.written?.(dialect));
  if (dialect === "keras2") return { class_name: cls, config };
  const entry: JsonObject = { module: "keras.layers", class_name: cls, config, registered_name: null };
  if (spec.buildConfig) entry.build_config = { input_shape: shapeJson((layer.input as tf.SymbolicTensor).shape) };
  return entry;
}

function inputLayerToKeras(name: string, batchShape: Json, dialect: KerasDialect): JsonObject {
  if (dialect === "keras2") {
    return {
      class_name: "InputLayer",
      config: { batch_input_shape: batchShape, dtype: "float32", sparse: false, ragged: false, name },
    };
  }
  return {
    module: "keras.layers",
    class_name: "InputLayer",
    config: { batch_shape: batchShape, dtype: "float32", sparse: false, ragged: false, name },
    registered_name: null,
  };
}

/**
 * Whether a tfjs model is a plain stack: a `tf.Sequential`, or the model a
 * `tf.Sequential` keeps inside and trains (its `fit` runs that inner model, so
 * callbacks such as ModelCheckpoint receive it). Saving the inner one as a
 * Sequential gives Keras the model the user built (`model.layers[0]` is the first layer).
 */
export function isSequential(model: tf.LayersModel): boolean {
  return model instanceof tf.Sequential || isInnerOfSequential(model);
}

/** tfjs names the inner model `<sequential name>_model` and chains its layers one after another. */
function isInnerOfSequential(model: tf.LayersModel): boolean {
  if (!model.name.endsWith("_model") || model.inputs.length !== 1 || model.outputs.length !== 1) return false;
  const layers = model.layers;
  if (layers[0]?.getClassName() !== "InputLayer") return false;
  return layers.every(
    (layer, i) =>
      i === 0 ||
      (layer.inboundNodes.length === 1 &&
        layer.inboundNodes[0].inboundLayers.length === 1 &&
        layer.inboundNodes[0].inboundLayers[0] === layers[i - 1]),
  );
}

/** The name Keras should see: a Sequential's, not its inner model's. */
function sequentialName(model: tf.LayersModel): string {
  return model instanceof tf.Sequential ? model.name : model.name.replace(/_model$/, "");
}

/** The layers of a model that are not its InputLayers, in order. */
function bodyLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() !== "InputLayer");
}

/**
 * A tfjs model's config in Keras's words: `{class_name, config}` (Keras 2, as
 * tf.keras 2.x writes in `.h5`) or with `module`/`registered_name`/`build_config`
 * (Keras 3, as in a `.keras` archive).
 */
export function modelToKeras(model: tf.LayersModel, dialect: KerasDialect): JsonObject {
  if (!model.inputs || model.inputs.length === 0) {
    throw new ConfigProblem(
      "the model has no input shape yet: give its first layer an inputShape (or call it on data) before saving it whole",
    );
  }
  if (isSequential(model)) {
    const body = bodyLayers(model);
    const batchShape = shapeJson(model.inputs[0].shape);
    const inputName = dialect === "keras2" ? `${body[0]?.name ?? "input"}_input` : "input_layer";
    const layers = [inputLayerToKeras(inputName, batchShape, dialect), ...body.map((l) => layerToKeras(l, dialect))];
    const name = sequentialName(model);
    if (dialect === "keras2") return { class_name: "Sequential", config: { name, layers } };
    return {
      module: "keras",
      class_name: "Sequential",
      config: { name, trainable: true, dtype: DTYPE_POLICY, layers, build_input_shape: batchShape },
      registered_name: null,
      build_config: { input_shape: batchShape },
    };
  }
  return functionalToKeras(model, dialect);
}

function functionalToKeras(model: tf.LayersModel, dialect: KerasDialect): JsonObject {
  // tfjs's own topology JSON already records the graph in Keras 2's words.
  const topo = model.toJSON(null, false) as unknown as JsonObject;
  const topoConfig = topo.config as JsonObject;
  const topoLayers = topoConfig.layers as JsonObject[];
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const layers: JsonObject[] = topoLayers.map((entry) => {
    const name = String(entry.name);
    const layer = byName.get(name)!;
    const inbound = (entry.inbound_nodes ?? []) as Json[][];
    if (inbound.length > 1)
      throw new ConfigProblem(`layer "${name}": shared layers (called more than once) cannot be written`);
    let out: JsonObject;
    if (layer.getClassName() === "InputLayer") out = inputLayerToKeras(name, shapeJson(layer.batchInputShape), dialect);
    else out = layerToKeras(layer, dialect);
    out.name = name;
    if (dialect === "keras2") {
      out.inbound_nodes = inbound as Json;
    } else {
      out.inbound_nodes = inbound.map((node) => ({
        args: (node as Json[][]).map((ref) => {
          const src = byName.get(String(ref[0]))!;
          return {
            class_name: "__keras_tensor__",
            config: { shape: shapeJson(src.outputShape), dtype: "float32", keras_history: [ref[0], ref[1], ref[2]] },
          };
        }),
        kwargs: {},
      }));
    }
    return out;
  });
  const config: JsonObject = {
    name: model.name,
    trainable: true,
    layers,
    input_layers: topoConfig.input_layers,
    output_layers: topoConfig.output_layers,
  };
  if (dialect === "keras2") return { class_name: "Functional", config };
  const inputShapes = model.inputs.map((t) => shapeJson(t.shape));
  return {
    module: "keras.src.models.functional",
    class_name: "Functional",
    config,
    registered_name: "Functional",
    build_config: { input_shape: inputShapes.length === 1 ? inputShapes[0] : inputShapes },
  };
}
