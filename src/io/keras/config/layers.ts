/**
 * The layer table: every Keras layer class tslab-dl reads and writes, with
 * each of its settings mapped to tfjs's argument (or accepted only at a value
 * that needs nothing from tfjs). A new layer class is added here once, for
 * both directions.
 */
import { tf } from "../../../backend";
import type { Json, JsonObject, KerasDialect } from "./json";
import {
  activation,
  constraint,
  type Converter,
  dataFormat,
  initializer,
  optional,
  plain,
  regularizer,
  axis,
} from "./settings";

export interface Field {
  keras: string;
  tfjs: string;
  conv: Converter;
  /** Omitted from Keras 3 output when null (Keras 3 Dense has no activity_regularizer entry). */
  omitNullIn3?: boolean;
}

type Accept = (v: Json) => boolean;
const isNull: Accept = (v) => v === null;
export const isFalse: Accept = (v) => v === false || v === null;
const anything: Accept = () => true;

interface LayerSpec {
  fields: Field[];
  /** Keras settings accepted only at values that need nothing from tfjs. */
  ignorable: { [key: string]: Accept };
  create(args: { [k: string]: unknown }): tf.layers.Layer;
  /** Whether Keras 3 records a build_config for this class. */
  buildConfig: boolean;
  /** Settings Keras writes for this class that tfjs has no argument for, at the value tfjs's behaviour matches. */
  written?: (dialect: KerasDialect) => JsonObject;
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
    written: () => ({ groups: 1 }),
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
    written: (dialect): JsonObject => (dialect === "keras3" ? { synchronized: false } : {}),
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
export const COMMON_KEYS = new Set([
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
export const REFUSED: { [className: string]: string } = {
  Lambda:
    "a Lambda layer holds Python code, and tslab-dl never runs code from a file; rebuild this layer in TypeScript",
  TFOpLambda: "a TFOpLambda layer holds a TensorFlow operation recorded as code; rebuild this step with tfjs layers",
  SlicingOpLambda:
    "a SlicingOpLambda layer holds a TensorFlow operation recorded as code; rebuild this step with tfjs layers",
};
