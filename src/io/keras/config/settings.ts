/**
 * Keras setting values to tfjs arguments and back: activations, data formats,
 * initializers, regularizers and constraints. Each converter is an allow-list;
 * a value it does not know is refused with the layer and setting named.
 */
import { tf } from "../../../backend";
import {
  ConfigProblem,
  isObject,
  type Json,
  type JsonObject,
  type KerasDialect,
  kerasObject,
  num,
  objectClass,
  own,
  show,
} from "./json";

export type Converter = {
  /** Keras value to a tfjs argument. */
  in(v: Json, where: string): unknown;
  /** A tfjs `getConfig()` value to Keras. */
  out(v: unknown, dialect: KerasDialect, where: string): Json;
};

export const plain: Converter = {
  in: (v) => v,
  out: (v) => (v === undefined ? null : (v as Json)),
};

/** Seeds and other optional numbers: Keras null is tfjs undefined. */
export const optional: Converter = {
  in: (v) => (v === null ? undefined : v),
  out: (v) => (v === undefined ? null : (v as Json)),
};

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

export const activation: Converter = {
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

export const dataFormat: Converter = {
  in(v, where) {
    if (v === null || v === "channels_last") return "channelsLast";
    if (v === "channels_first") return "channelsFirst";
    throw new ConfigProblem(`${where}: data_format ${show(v)} is not channels_last or channels_first`);
  },
  out: (v) => (v === "channelsFirst" ? "channels_first" : "channels_last"),
};

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

export const initializer: Converter = {
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

export const regularizer: Converter = {
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

export const constraint: Converter = {
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
export const axis: Converter = {
  in(v, where) {
    if (typeof v === "number") return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === "number") return v[0];
    throw new ConfigProblem(`${where}: axis ${show(v)} is not a single axis`);
  },
  out: (v) => v as Json,
};
