/**
 * Model configs: Keras (2 and 3) to TensorFlow.js layers and back.
 *
 * Every layer class, setting, initializer, regularizer, constraint and
 * activation is translated by an explicit table below; anything not in the
 * tables is refused with an error naming the layer and the setting. Nothing
 * from a file is ever evaluated, so a `Lambda` layer or a custom class cannot
 * run code here.
 */
import { tf } from "../../backend";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Which Keras dialect a config is written in. */
export type KerasDialect = "keras2" | "keras3";

/** A problem in a model config; the caller turns it into a `ModelFileError` naming the file. */
export class ConfigProblem extends Error {}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: Json | undefined): string {
  const text = JSON.stringify(v);
  return text === undefined ? "undefined" : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// ---------------------------------------------------------------- settings

type Converter = {
  /** Keras value to a tfjs argument. */
  in(v: Json, where: string): unknown;
  /** A tfjs `getConfig()` value to Keras. */
  out(v: unknown, dialect: KerasDialect, where: string): Json;
};

const plain: Converter = {
  in: (v) => v,
  out: (v) => (v === undefined ? null : (v as Json)),
};

/** Seeds and other optional numbers: Keras null is tfjs undefined. */
const optional: Converter = {
  in: (v) => (v === null ? undefined : v),
  out: (v) => (v === undefined ? null : (v as Json)),
};

/**
 * A table entry, if `key` is the table's own: every table below is an
 * allow-list, and `constructor`, `toString` or `valueOf` from a file must not
 * find `Object.prototype`'s members through it.
 *
 * @example
 * own(LOSSES, "toString"); // undefined
 */
export function own<T>(table: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const ACTIVATIONS_IN: { [keras: string]: string } = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  elu: "elu",
  selu: "selu",
  sigmoid: "sigmoid",
  hard_sigmoid: "hardSigmoid",
  softmax: "softmax",
  log_softmax: "logSoftmax",
  softplus: "softplus",
  softsign: "softsign",
  tanh: "tanh",
  swish: "swish",
  silu: "swish",
  mish: "mish",
  gelu: "gelu",
};
const ACTIVATIONS_OUT: { [tfjs: string]: string } = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  elu: "elu",
  selu: "selu",
  sigmoid: "sigmoid",
  hardSigmoid: "hard_sigmoid",
  softmax: "softmax",
  logSoftmax: "log_softmax",
  softplus: "softplus",
  softsign: "softsign",
  tanh: "tanh",
  swish: "swish",
  mish: "mish",
  gelu: "gelu",
};

const activation: Converter = {
  in(v, where) {
    if (v === null) return "linear";
    const name = isObject(v) && typeof v.class_name === "string" && !v.config ? v.class_name : v;
    const known = typeof name === "string" ? own(ACTIVATIONS_IN, name) : undefined;
    if (known) return known;
    throw new ConfigProblem(
      `${where}: activation ${show(v)} is not one tslab-dl knows (custom activations would need code from the file); ` +
        `known: ${Object.keys(ACTIVATIONS_IN).join(", ")}`,
    );
  },
  out(v, _d, where) {
    const name = String(v);
    const known = own(ACTIVATIONS_OUT, name);
    if (known) return known;
    throw new ConfigProblem(`${where}: activation "${name}" has no Keras equivalent`);
  },
};

const dataFormat: Converter = {
  in(v, where) {
    if (v === null || v === "channels_last") return "channelsLast";
    if (v === "channels_first") return "channelsFirst";
    throw new ConfigProblem(`${where}: data_format ${show(v)} is not channels_last or channels_first`);
  },
  out: (v) => (v === "channelsFirst" ? "channels_first" : "channels_last"),
};

/** A Keras 3 object reference carries `module` and `registered_name`; Keras 2 only class_name and config. */
function kerasObject(className: string, config: JsonObject, module: string, dialect: KerasDialect): JsonObject {
  return dialect === "keras3"
    ? { module, class_name: className, config, registered_name: null }
    : { class_name: className, config };
}

/** The class name of a serialized Keras object, refusing registered (custom) ones. */
function objectClass(v: JsonObject, kind: string, where: string): string {
  const cls = v.class_name;
  if (typeof cls !== "string") throw new ConfigProblem(`${where}: ${kind} ${show(v)} has no class_name`);
  const registered = v.registered_name;
  if (typeof registered === "string" && registered !== cls) {
    throw new ConfigProblem(
      `${where}: ${kind} "${registered}" is a custom class; tslab-dl only builds Keras's own classes`,
    );
  }
  const module = v.module;
  if (typeof module === "string" && !module.startsWith("keras")) {
    throw new ConfigProblem(
      `${where}: ${kind} ${cls} comes from module "${module}", not from Keras; custom classes are not loaded`,
    );
  }
  return cls;
}

function num(c: JsonObject, key: string, fallback: number): number {
  const v = c[key];
  return typeof v === "number" ? v : fallback;
}
function seedOf(c: JsonObject): number | undefined {
  return typeof c.seed === "number" ? c.seed : undefined;
}

const INIT_ALIASES: { [name: string]: string } = {
  glorot_uniform: "GlorotUniform",
  glorot_normal: "GlorotNormal",
  he_normal: "HeNormal",
  he_uniform: "HeUniform",
  lecun_normal: "LecunNormal",
  lecun_uniform: "LecunUniform",
  zeros: "Zeros",
  zero: "Zeros",
  ones: "Ones",
  one: "Ones",
  random_normal: "RandomNormal",
  random_uniform: "RandomUniform",
  truncated_normal: "TruncatedNormal",
  orthogonal: "Orthogonal",
  identity: "Identity",
};

type Initializer = ReturnType<typeof tf.initializers.zeros>;

function varianceScalingMode(v: Json | undefined): "fanIn" | "fanOut" | "fanAvg" {
  if (v === "fan_out") return "fanOut";
  if (v === "fan_avg") return "fanAvg";
  return "fanIn";
}

const initializer: Converter = {
  in(v, where): Initializer | undefined {
    if (v === null) return undefined;
    const obj = typeof v === "string" ? { class_name: own(INIT_ALIASES, v) ?? v, config: {} } : v;
    if (!isObject(obj)) throw new ConfigProblem(`${where}: initializer ${show(v)} is not understood`);
    const cls = objectClass(obj, "initializer", where);
    const c = isObject(obj.config) ? obj.config : {};
    const seed = seedOf(c);
    switch (cls) {
      case "GlorotUniform":
        return tf.initializers.glorotUniform({ seed });
      case "GlorotNormal":
        return tf.initializers.glorotNormal({ seed });
      case "HeNormal":
        return tf.initializers.heNormal({ seed });
      case "HeUniform":
        return tf.initializers.heUniform({ seed });
      case "LecunNormal":
      case "LeCunNormal":
        return tf.initializers.leCunNormal({ seed });
      case "LecunUniform":
      case "LeCunUniform":
        return tf.initializers.leCunUniform({ seed });
      case "Zeros":
        return tf.initializers.zeros();
      case "Ones":
        return tf.initializers.ones();
      case "Constant":
        return tf.initializers.constant({ value: num(c, "value", 0) });
      case "RandomNormal":
        return tf.initializers.randomNormal({ mean: num(c, "mean", 0), stddev: num(c, "stddev", 0.05), seed });
      case "RandomUniform":
        return tf.initializers.randomUniform({ minval: num(c, "minval", -0.05), maxval: num(c, "maxval", 0.05), seed });
      case "TruncatedNormal":
        return tf.initializers.truncatedNormal({ mean: num(c, "mean", 0), stddev: num(c, "stddev", 0.05), seed });
      case "Orthogonal":
        return tf.initializers.orthogonal({ gain: num(c, "gain", 1), seed });
      case "Identity":
        return tf.initializers.identity({ gain: num(c, "gain", 1) });
      case "VarianceScaling": {
        // tfjs's "normal" is Keras's "truncated_normal"; Keras's untruncated normal is nearest to it.
        const distribution = c.distribution === "uniform" ? "uniform" : "normal";
        return tf.initializers.varianceScaling({
          scale: num(c, "scale", 1),
          mode: varianceScalingMode(c.mode),
          distribution,
          seed,
        });
      }
      default:
        throw new ConfigProblem(`${where}: initializer ${cls} is not one tslab-dl knows`);
    }
  },
  out(v, dialect, where) {
    if (v === null || v === undefined) return null;
    const o = v as { className?: string; config?: { [k: string]: unknown } };
    const c = o.config ?? {};
    const seed = (c.seed ?? null) as Json;
    const mod = "keras.initializers";
    switch (o.className) {
      case "GlorotUniform":
      case "GlorotNormal":
      case "HeNormal":
      case "HeUniform":
        return kerasObject(o.className, { seed }, mod, dialect);
      case "LeCunNormal":
        return kerasObject("LecunNormal", { seed }, mod, dialect);
      case "LeCunUniform":
        return kerasObject("LecunUniform", { seed }, mod, dialect);
      case "Zeros":
      case "Ones":
        return kerasObject(o.className, {}, mod, dialect);
      case "Constant":
        return kerasObject("Constant", { value: c.value as Json }, mod, dialect);
      case "RandomNormal":
      case "TruncatedNormal":
        return kerasObject(o.className, { mean: c.mean as Json, stddev: c.stddev as Json, seed }, mod, dialect);
      case "RandomUniform":
        return kerasObject("RandomUniform", { minval: c.minval as Json, maxval: c.maxval as Json, seed }, mod, dialect);
      case "Orthogonal":
        return kerasObject("Orthogonal", { gain: c.gain as Json, seed }, mod, dialect);
      case "Identity":
        return kerasObject("Identity", { gain: c.gain as Json }, mod, dialect);
      case "VarianceScaling": {
        const mode = c.mode === "fanOut" ? "fan_out" : c.mode === "fanAvg" ? "fan_avg" : "fan_in";
        const distribution = c.distribution === "uniform" ? "uniform" : "truncated_normal";
        return kerasObject("VarianceScaling", { scale: c.scale as Json, mode, distribution, seed }, mod, dialect);
      }
      default:
        throw new ConfigProblem(`${where}: initializer ${String(o.className)} has no Keras equivalent`);
    }
  },
};

const regularizer: Converter = {
  in(v, where) {
    if (v === null) return undefined;
    if (!isObject(v)) throw new ConfigProblem(`${where}: regularizer ${show(v)} is not understood`);
    const cls = objectClass(v, "regularizer", where);
    const c = isObject(v.config) ? v.config : {};
    if (cls === "L1L2" || cls === "L1" || cls === "L2") {
      return tf.regularizers.l1l2({ l1: num(c, "l1", 0), l2: num(c, "l2", 0) });
    }
    throw new ConfigProblem(`${where}: regularizer ${cls} is not one tslab-dl knows (L1, L2, L1L2)`);
  },
  out(v, dialect, where) {
    if (v === null || v === undefined) return null;
    const o = v as { className?: string; config?: { l1?: number; l2?: number } };
    if (o.className !== "L1L2")
      throw new ConfigProblem(`${where}: regularizer ${String(o.className)} has no Keras equivalent`);
    return kerasObject("L1L2", { l1: o.config?.l1 ?? 0, l2: o.config?.l2 ?? 0 }, "keras.regularizers", dialect);
  },
};

const constraint: Converter = {
  in(v, where) {
    if (v === null) return undefined;
    if (!isObject(v)) throw new ConfigProblem(`${where}: constraint ${show(v)} is not understood`);
    const cls = objectClass(v, "constraint", where);
    const c = isObject(v.config) ? v.config : {};
    const axis = typeof c.axis === "number" ? c.axis : 0;
    switch (cls) {
      case "MaxNorm":
        return tf.constraints.maxNorm({ maxValue: num(c, "max_value", 2), axis });
      case "NonNeg":
        return tf.constraints.nonNeg();
      case "UnitNorm":
        return tf.constraints.unitNorm({ axis });
      case "MinMaxNorm":
        return tf.constraints.minMaxNorm({
          minValue: num(c, "min_value", 0),
          maxValue: num(c, "max_value", 1),
          rate: num(c, "rate", 1),
          axis,
        });
      default:
        throw new ConfigProblem(`${where}: constraint ${cls} is not one tslab-dl knows`);
    }
  },
  out(v, dialect, where) {
    if (v === null || v === undefined) return null;
    const o = v as { className?: string; config?: { [k: string]: unknown } };
    const c = o.config ?? {};
    const mod = "keras.constraints";
    switch (o.className) {
      case "MaxNorm":
        return kerasObject("MaxNorm", { max_value: c.maxValue as Json, axis: c.axis as Json }, mod, dialect);
      case "NonNeg":
        return kerasObject("NonNeg", {}, mod, dialect);
      case "UnitNorm":
        return kerasObject("UnitNorm", { axis: c.axis as Json }, mod, dialect);
      case "MinMaxNorm":
        return kerasObject(
          "MinMaxNorm",
          { min_value: c.minValue as Json, max_value: c.maxValue as Json, rate: c.rate as Json, axis: c.axis as Json },
          mod,
          dialect,
        );
      default:
        throw new ConfigProblem(`${where}: constraint ${String(o.className)} has no Keras equivalent`);
    }
  },
};

/** BatchNormalization's axis: Keras 2 may store [3]; tfjs wants one number. */
const axis: Converter = {
  in(v, where) {
    if (typeof v === "number") return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === "number") return v[0];
    throw new ConfigProblem(`${where}: axis ${show(v)} is not a single axis`);
  },
  out: (v) => v as Json,
};

// ---------------------------------------------------------------- layers

interface Field {
  keras: string;
  tfjs: string;
  conv: Converter;
  /** Omitted from Keras 3 output when null (Keras 3 Dense has no activity_regularizer entry). */
  omitNullIn3?: boolean;
}

type Accept = (v: Json) => boolean;
const isNull: Accept = (v) => v === null;
const isFalse: Accept = (v) => v === false || v === null;
const anything: Accept = () => true;

interface LayerSpec {
  fields: Field[];
  /** Keras settings accepted only at values that need nothing from tfjs. */
  ignorable: { [key: string]: Accept };
  create(args: { [k: string]: unknown }): tf.layers.Layer;
  /** Whether Keras 3 records a build_config for this class. */
  buildConfig: boolean;
}

const f = (keras: string, tfjs: string, conv: Converter = plain, extra: Partial<Field> = {}): Field => ({
  keras,
  tfjs,
  conv,
  ...extra,
});

const kernelFields = (): Field[] => [
  f("activation", "activation", activation),
  f("use_bias", "useBias"),
  f("kernel_initializer", "kernelInitializer", initializer),
  f("bias_initializer", "biasInitializer", initializer),
  f("kernel_regularizer", "kernelRegularizer", regularizer),
  f("bias_regularizer", "biasRegularizer", regularizer),
  f("activity_regularizer", "activityRegularizer", regularizer, { omitNullIn3: true }),
  f("kernel_constraint", "kernelConstraint", constraint),
  f("bias_constraint", "biasConstraint", constraint),
];

const LORA = { lora_rank: isNull, lora_alpha: anything, quantization_config: isNull };

/** Layers as tfjs types them; the factories take loosely typed args built from the tables. */
type Factory = (args: never) => tf.layers.Layer;
const make =
  (factory: Factory) =>
  (args: { [k: string]: unknown }): tf.layers.Layer =>
    (factory as (a: { [k: string]: unknown }) => tf.layers.Layer)(args);

export const LAYERS: { [className: string]: LayerSpec } = {
  Dense: {
    fields: [f("units", "units"), ...kernelFields()],
    ignorable: { ...LORA },
    create: make(tf.layers.dense),
    buildConfig: true,
  },
  Conv2D: {
    fields: [
      f("filters", "filters"),
      f("kernel_size", "kernelSize"),
      f("strides", "strides"),
      f("padding", "padding"),
      f("data_format", "dataFormat", dataFormat),
      f("dilation_rate", "dilationRate"),
      ...kernelFields().map((x) => ({ ...x, omitNullIn3: false })),
    ],
    ignorable: { ...LORA, groups: (v) => v === 1 || v === null },
    create: make(tf.layers.conv2d),
    buildConfig: true,
  },
  MaxPooling2D: {
    fields: [
      f("pool_size", "poolSize"),
      f("padding", "padding"),
      f("strides", "strides"),
      f("data_format", "dataFormat", dataFormat),
    ],
    ignorable: {},
    create: make(tf.layers.maxPooling2d),
    buildConfig: false,
  },
  Flatten: {
    fields: [f("data_format", "dataFormat", dataFormat)],
    ignorable: {},
    create: make(tf.layers.flatten),
    buildConfig: true,
  },
  Dropout: {
    fields: [f("rate", "rate"), f("noise_shape", "noiseShape", optional), f("seed", "seed", optional)],
    ignorable: {},
    create: make(tf.layers.dropout),
    buildConfig: false,
  },
  BatchNormalization: {
    fields: [
      f("axis", "axis", axis),
      f("momentum", "momentum"),
      f("epsilon", "epsilon"),
      f("center", "center"),
      f("scale", "scale"),
      f("beta_initializer", "betaInitializer", initializer),
      f("gamma_initializer", "gammaInitializer", initializer),
      f("moving_mean_initializer", "movingMeanInitializer", initializer),
      f("moving_variance_initializer", "movingVarianceInitializer", initializer),
      f("beta_regularizer", "betaRegularizer", regularizer),
      f("gamma_regularizer", "gammaRegularizer", regularizer),
      f("beta_constraint", "betaConstraint", constraint),
      f("gamma_constraint", "gammaConstraint", constraint),
    ],
    ignorable: {
      renorm: isFalse,
      renorm_clipping: isNull,
      renorm_momentum: anything,
      fused: anything,
      virtual_batch_size: isNull,
      adjustment: isNull,
      synchronized: isFalse,
    },
    create: make(tf.layers.batchNormalization),
    buildConfig: true,
  },
  Activation: {
    fields: [f("activation", "activation", activation)],
    ignorable: {},
    create: make(tf.layers.activation),
    buildConfig: false,
  },
  Reshape: {
    fields: [f("target_shape", "targetShape")],
    ignorable: {},
    create: make(tf.layers.reshape),
    buildConfig: false,
  },
};

/** The Keras layer classes tslab-dl builds (tfjs uses the same class names). */
export const SUPPORTED_LAYERS = ["InputLayer", ...Object.keys(LAYERS)];

/** Layer settings every class shares, handled outside the tables. */
const COMMON_KEYS = new Set([
  "name",
  "trainable",
  "dtype",
  "batch_input_shape",
  "batch_shape",
  "input_shape",
  "batch_size",
  "input_dim",
]);

/** Classes whose refusal deserves its own explanation. */
const REFUSED: { [className: string]: string } = {
  Lambda:
    "a Lambda layer holds Python code, and tslab-dl never runs code from a file; rebuild this layer in TypeScript",
  TFOpLambda: "a TFOpLambda layer holds a TensorFlow operation recorded as code; rebuild this step with tfjs layers",
  SlicingOpLambda:
    "a SlicingOpLambda layer holds a TensorFlow operation recorded as code; rebuild this step with tfjs layers",
};

/** A tensor shape in a config: [null, 28, 28]. */
export type BatchShape = (number | null)[];

function asBatchShape(v: Json | undefined, where: string): BatchShape | undefined {
  if (v === undefined || v === null) return undefined;
  if (
    Array.isArray(v) &&
    v.every((d) => d === null || (typeof d === "number" && Number.isInteger(d) && d >= 0 && d < 2 ** 31))
  ) {
    return v as BatchShape;
  }
  throw new ConfigProblem(`${where}: input shape ${show(v)} is not a list of sizes`);
}

function checkDtype(v: Json | undefined, where: string): void {
  if (v === undefined || v === null || v === "float32") return;
  if (isObject(v) && isObject(v.config) && v.config.name === "float32") return;
  throw new ConfigProblem(`${where}: dtype ${show(v)} is not supported; tslab-dl models compute in float32`);
}

/** One layer of a Keras config, checked and translated to tfjs arguments. */
export interface LayerPlan {
  className: string;
  name: string;
  /** The full batch input shape given on this layer (InputLayer, or a first layer's batch_input_shape). */
  batchShape?: BatchShape;
  /** tfjs constructor arguments (without the input shape). */
  args: { [k: string]: unknown };
  /** The layers and tensors feeding this one (functional models). */
  inbound: [string, number, number][];
  /** Keras 3 `build_config.input_shape`, a fallback input shape. */
  buildShape?: BatchShape;
}

/** Translate one serialized Keras layer. */
export function planLayer(raw: Json, where: string): LayerPlan {
  if (!isObject(raw)) throw new ConfigProblem(`${where}: a layer entry is ${show(raw)}, not an object`);
  const cls = raw.class_name;
  const config = raw.config;
  if (typeof cls !== "string" || !isObject(config)) {
    throw new ConfigProblem(`${where}: a layer entry has no class_name and config (found ${show(raw)})`);
  }
  const name = typeof config.name === "string" ? config.name : typeof raw.name === "string" ? raw.name : cls;
  const here = `layer "${name}" (${cls})`;
  const refused = own(REFUSED, cls);
  if (refused) throw new ConfigProblem(`${here}: ${refused}`);
  if (cls === "Sequential" || cls === "Functional" || cls === "Model") {
    throw new ConfigProblem(`${here}: models nested inside models are not supported; flatten it into one model`);
  }
  objectClass(raw, "layer", here);
  checkDtype(config.dtype, here);
  const inbound = inboundOf(raw.inbound_nodes, here);
  const buildConfig = isObject(raw.build_config) ? raw.build_config : undefined;
  const buildShape = buildConfig ? asBatchShape(buildConfig.input_shape, here) : undefined;
  if (cls === "InputLayer") {
    let batchShape = asBatchShape(config.batch_input_shape ?? config.batch_shape, here);
    if (!batchShape && Array.isArray(config.shape)) batchShape = [null, ...(asBatchShape(config.shape, here) ?? [])];
    if (!batchShape) throw new ConfigProblem(`${here}: no batch_shape or batch_input_shape`);
    for (const [k, v] of Object.entries(config)) {
      if (["batch_input_shape", "batch_shape", "shape", "batch_size", "dtype", "name"].includes(k)) continue;
      if ((k === "sparse" || k === "ragged" || k === "optional") && isFalse(v)) continue;
      if (k === "input_tensor" && v === null) continue;
      throw new ConfigProblem(`${here}: setting ${k} = ${show(v)} is not supported`);
    }
    return { className: cls, name, batchShape, args: { name }, inbound, buildShape };
  }
  const spec = own(LAYERS, cls);
  if (!spec) {
    throw new ConfigProblem(
      `${here}: layer class ${cls} is not one tslab-dl can build (custom or unsupported); supported: ${SUPPORTED_LAYERS.join(", ")}`,
    );
  }
  const args: { [k: string]: unknown } = { name };
  if (typeof config.trainable === "boolean") args.trainable = config.trainable;
  const byKey = new Map(spec.fields.map((x) => [x.keras, x]));
  for (const [k, v] of Object.entries(config)) {
    if (COMMON_KEYS.has(k)) continue;
    const field = byKey.get(k);
    if (field) {
      const value = field.conv.in(v, here);
      if (value !== undefined) args[field.tfjs] = value;
      continue;
    }
    const accept = own(spec.ignorable, k);
    if (accept && accept(v)) continue;
    throw new ConfigProblem(`${here}: setting ${k} = ${show(v)} is not supported by tslab-dl`);
  }
  let batchShape = asBatchShape(config.batch_input_shape ?? config.batch_shape, here);
  if (!batchShape && config.input_shape != null) {
    // Keras 3's legacy loader turns batch_input_shape into input_shape, batch dimension included.
    const s = asBatchShape(config.input_shape, here) ?? [];
    batchShape = s[0] === null ? s : [null, ...s];
  }
  if (!batchShape && typeof config.input_dim === "number") batchShape = [null, config.input_dim];
  return { className: cls, name, batchShape, args, inbound, buildShape };
}

/** Inbound nodes of a functional layer, Keras 2 (`[[name, node, tensor, kwargs]]`) or 3 (`{args: [keras tensors]}`). */
function inboundOf(v: Json | undefined, where: string): [string, number, number][] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigProblem(`${where}: inbound_nodes ${show(v)} is not a list`);
  if (v.length > 1) {
    throw new ConfigProblem(
      `${where}: the layer is called ${v.length} times (a shared layer); tslab-dl loads each layer used once`,
    );
  }
  if (v.length === 0) return [];
  const node = v[0];
  const refs: [string, number, number][] = [];
  const addRef = (r: Json): void => {
    if (Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "number" && typeof r[2] === "number") {
      refs.push([r[0], r[1], r[2]]);
      return;
    }
    throw new ConfigProblem(`${where}: inbound reference ${show(r)} is not understood`);
  };
  if (Array.isArray(node)) {
    for (const ref of node) addRef(ref);
  } else if (isObject(node) && Array.isArray(node.args)) {
    const visit = (a: Json): void => {
      if (isObject(a) && a.class_name === "__keras_tensor__" && isObject(a.config)) addRef(a.config.keras_history);
      else if (Array.isArray(a)) a.forEach(visit);
      else throw new ConfigProblem(`${where}: inbound argument ${show(a)} is not a tensor`);
    };
    node.args.forEach(visit);
    if (isObject(node.kwargs)) {
      for (const [k, val] of Object.entries(node.kwargs)) {
        if (k === "training" || k === "mask") continue;
        throw new ConfigProblem(`${where}: call argument ${k} = ${show(val)} is not supported`);
      }
    }
  } else {
    throw new ConfigProblem(`${where}: inbound node ${show(node)} is not understood`);
  }
  return refs;
}

/** A whole Keras model config, checked and translated. */
export interface ModelPlan {
  kind: "Sequential" | "Functional";
  name: string;
  layers: LayerPlan[];
  /** Sequential: the model's batch input shape. */
  inputShape?: BatchShape;
  inputs: [string, number, number][];
  outputs: [string, number, number][];
}

function tensorRefs(v: Json | undefined, where: string): [string, number, number][] {
  if (!Array.isArray(v)) throw new ConfigProblem(`${where}: ${show(v)} is not a list of layer references`);
  const list = typeof v[0] === "string" ? [v] : v;
  return list.map((r) => {
    if (Array.isArray(r) && typeof r[0] === "string")
      return [r[0], Number(r[1] ?? 0), Number(r[2] ?? 0)] as [string, number, number];
    throw new ConfigProblem(`${where}: ${show(r)} is not a layer reference`);
  });
}

/**
 * Check and translate a Keras model config (`model_config` of an `.h5` file,
 * `config.json` of a `.keras` file) into a plan for tfjs.
 */
export function planModel(raw: Json): ModelPlan {
  if (!isObject(raw)) throw new ConfigProblem(`the model config is ${show(raw)}, not an object`);
  const cls = raw.class_name;
  if (typeof cls !== "string") throw new ConfigProblem("the model config has no class_name");
  objectClass(raw, "model", `model (${cls})`);
  const config = raw.config;
  if (cls === "Sequential") {
    const layersRaw = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(layersRaw)) throw new ConfigProblem("the Sequential config has no list of layers");
    const name = isObject(config) && typeof config.name === "string" ? config.name : "sequential";
    const plans = layersRaw.map((l, i) => planLayer(l, `layer ${i}`));
    let inputShape: BatchShape | undefined;
    const rest = plans.filter((p) => p.className !== "InputLayer");
    if (
      plans.filter((p) => p.className === "InputLayer").length > 1 ||
      (plans.length > 0 && plans.slice(1).some((p) => p.className === "InputLayer"))
    ) {
      throw new ConfigProblem("the Sequential config has an InputLayer after its first layer");
    }
    if (plans[0]?.className === "InputLayer") inputShape = plans[0].batchShape;
    inputShape ??= rest[0]?.batchShape;
    if (!inputShape && isObject(config))
      inputShape = asBatchShape(config.build_input_shape, "the Sequential config's build_input_shape");
    inputShape ??= rest[0]?.buildShape;
    if (!inputShape) {
      throw new ConfigProblem(
        "the Sequential config gives no input shape (no InputLayer, batch_input_shape or build_input_shape)",
      );
    }
    if (rest.length === 0) throw new ConfigProblem("the Sequential config has no layers besides its input");
    return { kind: "Sequential", name, layers: rest, inputShape, inputs: [], outputs: [] };
  }
  if (cls === "Functional" || cls === "Model") {
    if (!isObject(config) || !Array.isArray(config.layers))
      throw new ConfigProblem(`the ${cls} config has no list of layers`);
    const name = typeof config.name === "string" ? config.name : "model";
    const plans = config.layers.map((l, i) => planLayer(l, `layer ${i}`));
    return {
      kind: "Functional",
      name,
      layers: plans,
      inputShape: undefined,
      inputs: tensorRefs(config.input_layers, "input_layers"),
      outputs: tensorRefs(config.output_layers, "output_layers"),
    };
  }
  const refusedModel = own(REFUSED, cls);
  if (refusedModel) throw new ConfigProblem(`model (${cls}): ${refusedModel}`);
  throw new ConfigProblem(
    `the model is a ${cls}, a class tslab-dl cannot build (only Sequential and Functional models)`,
  );
}

/**
 * How many numbers the layers of a model read from a file may allocate in all:
 * what the file holds. A 10 KB file whose config declares 8192×8192 layers is
 * refused before those weights are allocated, not after.
 */
export interface WeightBudget {
  /** Numbers the file holds for all weights together. */
  limit: number;
  /** Numbers allocated so far. */
  used: number;
}

/** tfjs's initializer arguments: every weight of a supported layer is created through one of these. */
const INITIALIZER_ARGS = [
  "kernelInitializer",
  "biasInitializer",
  "gammaInitializer",
  "betaInitializer",
  "movingMeanInitializer",
  "movingVarianceInitializer",
];

/**
 * The layer's arguments with every initializer replaced by zeros that count
 * against `budget` before allocating: the weights come from the file anyway.
 */
function withBudget(
  p: LayerPlan,
  args: { [k: string]: unknown },
  budget: WeightBudget | undefined,
): { [k: string]: unknown } {
  if (!budget) return args;
  const out = { ...args };
  for (const key of INITIALIZER_ARGS) {
    const init = tf.initializers.zeros();
    const zeros = init.apply.bind(init);
    const weight = key.replace(/Initializer$/, "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    init.apply = (shape: number[], dtype?: tf.DataType): tf.Tensor => {
      const n = shape.reduce((a, b) => a * b, 1);
      if (budget.used + n > budget.limit) {
        throw new ConfigProblem(
          `layer "${p.name}" (${p.className}): its ${weight} of shape [${shape.join(", ")}] needs ${n} numbers, ` +
            `but the file holds ${budget.limit} for the whole model${budget.used ? ` (${budget.used} already taken by earlier layers)` : ""}; ` +
            "the config does not match the file's weights, refused before allocating them",
        );
      }
      budget.used += n;
      return zeros(shape, dtype);
    };
    out[key] = init;
  }
  return out;
}

/** Build the tfjs model a plan describes (weights freshly initialised). */
export function buildModel(plan: ModelPlan, budget?: WeightBudget): tf.LayersModel {
  if (plan.kind === "Sequential") {
    const model = tf.sequential({ name: plan.name });
    plan.layers.forEach((p, i) => {
      const args = i === 0 ? { ...p.args, batchInputShape: plan.inputShape } : p.args;
      const layer = createLayer(p, withBudget(p, args, budget));
      tfjsStep(p, () => model.add(layer));
    });
    return model;
  }
  const tensors = new Map<string, tf.SymbolicTensor>();
  for (const p of plan.layers) {
    if (p.className === "InputLayer") {
      tensors.set(
        p.name,
        tfjsStep(p, () => tf.input({ batchShape: p.batchShape, name: p.name })),
      );
      continue;
    }
    const inputs = p.inbound.map(([layer, , index]) => {
      const t = tensors.get(layer);
      if (!t || index !== 0)
        throw new ConfigProblem(
          `layer "${p.name}" (${p.className}): its input ${layer}[${index}] comes from no earlier layer`,
        );
      return t;
    });
    if (inputs.length !== 1)
      throw new ConfigProblem(`layer "${p.name}" (${p.className}): has ${inputs.length} inputs, expected 1`);
    const layer = createLayer(p, withBudget(p, p.args, budget));
    const out = tfjsStep(p, () => layer.apply(inputs[0]) as tf.SymbolicTensor);
    tensors.set(p.name, out);
  }
  const pick = (refs: [string, number, number][], what: string): tf.SymbolicTensor[] =>
    refs.map(([name]) => {
      const t = tensors.get(name);
      if (!t) throw new ConfigProblem(`${what} names layer "${name}", which the config does not define`);
      return t;
    });
  const inputs = pick(plan.inputs, "input_layers");
  const outputs = pick(plan.outputs, "output_layers");
  try {
    return tf.model({ name: plan.name, inputs, outputs });
  } catch (e) {
    throw new ConfigProblem(`the model's graph could not be built: ${(e as Error).message}`);
  }
}

/** Run a tfjs step for layer `p`, naming the layer if tfjs refuses (a bad name, an impossible shape). */
function tfjsStep<T>(p: LayerPlan, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof ConfigProblem) throw e;
    throw new ConfigProblem(`layer "${p.name}" (${p.className}): tfjs could not build it: ${(e as Error).message}`);
  }
}

function createLayer(p: LayerPlan, args: { [k: string]: unknown }): tf.layers.Layer {
  const spec = own(LAYERS, p.className);
  if (!spec) throw new ConfigProblem(`layer "${p.name}": class ${p.className} is not one tslab-dl can build`);
  try {
    return spec.create(args);
  } catch (e) {
    throw new ConfigProblem(`layer "${p.name}" (${p.className}): tfjs refused its settings: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------- export

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
export function layerToKeras(layer: tf.layers.Layer, dialect: KerasDialect): JsonObject {
  const cls = layer.getClassName();
  const spec = own(LAYERS, cls);
  const here = `layer "${layer.name}" (${cls})`;
  if (!spec) {
    throw new ConfigProblem(
      `${here}: tslab-dl cannot write this layer class in Keras format; supported: ${SUPPORTED_LAYERS.join(", ")}`,
    );
  }
  const tfjsConfig = layer.getConfig() as { [k: string]: unknown };
  const config: JsonObject = {
    name: layer.name,
    trainable: layer.trainable,
    dtype: dialect === "keras3" ? DTYPE_POLICY : "float32",
  };
  for (const field of spec.fields) {
    const v = field.conv.out(tfjsConfig[field.tfjs], dialect, here);
    if (dialect === "keras3" && field.omitNullIn3 && v === null) continue;
    config[field.keras] = v;
  }
  if (cls === "Conv2D") config.groups = 1;
  if (cls === "BatchNormalization" && dialect === "keras3") config.synchronized = false;
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
export function bodyLayers(model: tf.LayersModel): tf.layers.Layer[] {
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

// ---------------------------------------------------------------- training config

const LOSSES: { [keras: string]: string } = {
  sparse_categorical_crossentropy: "sparseCategoricalCrossentropy",
  categorical_crossentropy: "categoricalCrossentropy",
  binary_crossentropy: "binaryCrossentropy",
  mean_squared_error: "meanSquaredError",
  mse: "meanSquaredError",
  mean_absolute_error: "meanAbsoluteError",
  mae: "meanAbsoluteError",
  mean_absolute_percentage_error: "meanAbsolutePercentageError",
  mape: "meanAbsolutePercentageError",
  mean_squared_logarithmic_error: "meanSquaredLogarithmicError",
  msle: "meanSquaredLogarithmicError",
  hinge: "hinge",
  squared_hinge: "squaredHinge",
  categorical_hinge: "categoricalHinge",
  kl_divergence: "kullbackLeiblerDivergence",
  kullback_leibler_divergence: "kullbackLeiblerDivergence",
  poisson: "poisson",
  cosine_similarity: "cosineProximity",
  log_cosh: "logcosh",
  logcosh: "logcosh",
};

function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** What `model.compile` needs, recovered from a Keras training config. */
export interface CompileArgs {
  optimizer: tf.Optimizer;
  loss: string;
  metrics: string[];
}

/**
 * Compile arguments from a Keras 2 `training_config` or a Keras 3
 * `compile_config`, or a reason why they cannot be recovered.
 */
export function compileArgsFrom(raw: Json | undefined): CompileArgs | string {
  if (!isObject(raw)) return "the file holds no training configuration";
  const opt = raw.optimizer_config ?? raw.optimizer;
  const optimizer = optimizerFrom(opt);
  if (typeof optimizer === "string") return optimizer;
  let lossName: string | undefined;
  const loss = raw.loss;
  if (typeof loss === "string") lossName = loss;
  else if (isObject(loss) && typeof loss.class_name === "string") {
    const c = isObject(loss.config) ? loss.config : {};
    if (c.from_logits === true) return `loss ${loss.class_name} with from_logits=True has no tfjs equivalent`;
    if (typeof loss.registered_name === "string" && loss.registered_name !== loss.class_name)
      return `loss ${loss.registered_name} is custom`;
    lossName = snake(loss.class_name);
  }
  const tfjsLoss = lossName === undefined ? undefined : own(LOSSES, lossName);
  if (!tfjsLoss) return `loss ${show(loss)} is not one tslab-dl knows`;
  const metrics: string[] = [];
  const visit = (m: Json): void => {
    if (Array.isArray(m)) m.forEach(visit);
    else if (typeof m === "string") metrics.push(m === "acc" ? "accuracy" : m);
    else if (isObject(m) && isObject(m.config) && typeof m.config.name === "string") {
      const n = m.config.name;
      if (n === "accuracy" || n === "acc") metrics.push("accuracy");
    }
  };
  if (raw.metrics != null) visit(raw.metrics);
  const known = metrics.filter((m) => m === "accuracy" || own(LOSSES, m));
  return {
    optimizer: optimizer,
    loss: tfjsLoss,
    metrics: [...new Set(known.map((m) => (m === "accuracy" ? m : (own(LOSSES, m) as string))))],
  };
}

function optimizerFrom(v: Json | undefined): tf.Optimizer | string {
  if (typeof v === "string") v = { class_name: v, config: {} };
  if (!isObject(v) || typeof v.class_name !== "string") return "the training configuration names no optimizer";
  const c = isObject(v.config) ? v.config : {};
  const lr = num(c, "learning_rate", num(c, "lr", NaN));
  const name = v.class_name.toLowerCase();
  const rate = (fallback: number): number => (Number.isFinite(lr) ? lr : fallback);
  switch (name) {
    case "adam":
      if (c.amsgrad === true) return "Adam with amsgrad=True has no tfjs equivalent";
      return tf.train.adam(rate(0.001), num(c, "beta_1", 0.9), num(c, "beta_2", 0.999), num(c, "epsilon", 1e-7));
    case "sgd": {
      const momentum = num(c, "momentum", 0);
      if (momentum === 0) return tf.train.sgd(rate(0.01));
      return tf.train.momentum(rate(0.01), momentum, c.nesterov === true);
    }
    case "rmsprop":
      return tf.train.rmsprop(
        rate(0.001),
        num(c, "rho", 0.9),
        num(c, "momentum", 0),
        num(c, "epsilon", 1e-7),
        c.centered === true,
      );
    case "adagrad":
      return tf.train.adagrad(rate(0.001), num(c, "initial_accumulator_value", 0.1));
    case "adadelta":
      return tf.train.adadelta(rate(0.001), num(c, "rho", 0.95), num(c, "epsilon", 1e-7));
    case "adamax":
      return tf.train.adamax(rate(0.001), num(c, "beta_1", 0.9), num(c, "beta_2", 0.999), num(c, "epsilon", 1e-7));
    default:
      return `optimizer ${v.class_name} is not one tslab-dl knows`;
  }
}

/** A tfjs optimizer as Keras's `{class_name, config}`, or undefined. */
function optimizerToKeras(opt: tf.Optimizer, dialect: KerasDialect): JsonObject | undefined {
  const cls = opt.getClassName();
  const c = opt.getConfig() as { [k: string]: number | boolean };
  const lr = c.learningRate as number;
  let out: { cls: string; config: JsonObject } | undefined;
  switch (cls) {
    case "Adam":
      out = {
        cls: "Adam",
        config: {
          learning_rate: lr,
          beta_1: c.beta1 as number,
          beta_2: c.beta2 as number,
          epsilon: c.epsilon as number,
          amsgrad: false,
        },
      };
      break;
    case "SGD":
      out = { cls: "SGD", config: { learning_rate: lr, momentum: 0, nesterov: false } };
      break;
    case "Momentum":
      out = {
        cls: "SGD",
        config: { learning_rate: lr, momentum: c.momentum as number, nesterov: c.useNesterov === true },
      };
      break;
    case "RMSProp":
      out = {
        cls: "RMSprop",
        config: {
          learning_rate: lr,
          rho: c.decay as number,
          momentum: c.momentum as number,
          epsilon: c.epsilon as number,
          centered: c.centered === true,
        },
      };
      break;
    case "Adagrad":
      out = {
        cls: "Adagrad",
        config: { learning_rate: lr, initial_accumulator_value: c.initialAccumulatorValue as number },
      };
      break;
    case "Adadelta":
      out = { cls: "Adadelta", config: { learning_rate: lr, rho: c.rho as number, epsilon: c.epsilon as number } };
      break;
    case "Adamax":
      out = {
        cls: "Adamax",
        config: {
          learning_rate: lr,
          beta_1: c.beta1 as number,
          beta_2: c.beta2 as number,
          epsilon: c.epsilon as number,
        },
      };
      break;
  }
  if (!out) return undefined;
  const config = { name: dialect === "keras3" ? snake(out.cls) : out.cls, ...out.config };
  return kerasObject(out.cls, config, "keras.optimizers", dialect);
}

function lossToKeras(loss: unknown): string | undefined {
  if (typeof loss !== "string") return undefined;
  if (own(LOSSES, loss)) return loss;
  const entry = Object.entries(LOSSES).find(([k, v]) => v === loss && k.length > 4);
  return entry?.[0];
}

function metricsToKeras(metrics: unknown): string[] | undefined {
  const list = metrics === undefined || metrics === null ? [] : Array.isArray(metrics) ? metrics : [metrics];
  const out: string[] = [];
  for (const m of list) {
    if (m === "accuracy" || m === "acc") out.push("accuracy");
    else if (typeof m === "string" && lossToKeras(m)) out.push(lossToKeras(m)!);
    else return undefined;
  }
  return out;
}

/**
 * The model's compile settings as Keras's training config (Keras 2,
 * `training_config` of an `.h5`) or `compile_config` (Keras 3), or undefined
 * when the model is not compiled or uses a loss, metric or optimizer Keras
 * would not know.
 */
export function trainingConfigOf(model: tf.LayersModel, dialect: KerasDialect): JsonObject | undefined {
  const compiled = model as tf.LayersModel & { optimizer?: tf.Optimizer; loss?: unknown; metrics?: unknown };
  if (!compiled.optimizer || compiled.loss === undefined) return undefined;
  const loss = lossToKeras(compiled.loss);
  const metrics = metricsToKeras(compiled.metrics);
  const optimizer = optimizerToKeras(compiled.optimizer, dialect);
  if (!loss || !metrics || !optimizer) return undefined;
  if (dialect === "keras2") {
    return { loss, metrics, weighted_metrics: null, loss_weights: null, optimizer_config: optimizer };
  }
  return {
    optimizer,
    loss,
    loss_weights: null,
    metrics,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}
