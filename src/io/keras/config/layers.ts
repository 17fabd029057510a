/**
 * The layer table: every Keras layer class tslab-dl reads and writes, with
 * each of its settings mapped to tfjs's argument (or accepted only at a value
 * that needs nothing from tfjs). A new layer class is added here once, for
 * both directions.
 */
import { tf } from "../../../backend";
import { KerasGRU, type KerasGRUArgs } from "../../../layers/gru";
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

interface Field {
  keras: string;
  tfjs: string;
  conv: Converter;
  /** Omitted from Keras 3 output when null (Keras 3 Dense has no activity_regularizer entry). */
  omitNullIn3?: boolean;
  /** Written in Keras 2 configs only (Keras 3 refuses it: Embedding's input_length). */
  keras2Only?: boolean;
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
  /** The tfjs classes that save as this Keras class (default: the Keras class name itself). */
  tfjsClasses?: string[];
  /** tfjs settings its `getConfig()` leaves out, read from the layer for writing. */
  configOf?: (layer: tf.layers.Layer) => { [k: string]: unknown };
  /**
   * Keras's cell, for recurrent layers: their weights sit under `<layer>/<cell>/` in an `.h5`
   * file and under `cell/` of the layer's group in a `.keras` archive.
   */
  cell?: string;
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

/** What every Keras recurrent layer shares: tfjs runs it forwards, unrolled or not, without state. */
const RNN_IGNORABLE = {
  return_state: isFalse,
  go_backwards: isFalse,
  stateful: isFalse,
  unroll: isFalse,
  time_major: isFalse,
  // Masks never reach a loaded recurrent layer (Embedding's mask_zero is refused), so this changes nothing.
  zero_output_for_mask: anything,
  // Seeds only dropout's random masks; tfjs draws its own.
  seed: anything,
  activity_regularizer: isNull,
};

const rnnWritten =
  (implementation: boolean) =>
  (dialect: KerasDialect): JsonObject => ({
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    activity_regularizer: null,
    ...(dialect === "keras2"
      ? { time_major: false, ...(implementation ? { implementation: 2 } : {}) }
      : { zero_output_for_mask: false, seed: null }),
  });

const recurrentFields = (gated: boolean): Field[] => [
  f("units", "units"),
  f("activation", "activation", activation),
  ...(gated ? [f("recurrent_activation", "recurrentActivation", activation)] : []),
  f("use_bias", "useBias"),
  f("kernel_initializer", "kernelInitializer", initializer),
  f("recurrent_initializer", "recurrentInitializer", initializer),
  f("bias_initializer", "biasInitializer", initializer),
  f("kernel_regularizer", "kernelRegularizer", regularizer),
  f("recurrent_regularizer", "recurrentRegularizer", regularizer),
  f("bias_regularizer", "biasRegularizer", regularizer),
  f("kernel_constraint", "kernelConstraint", constraint),
  f("recurrent_constraint", "recurrentConstraint", constraint),
  f("bias_constraint", "biasConstraint", constraint),
  f("dropout", "dropout"),
  f("recurrent_dropout", "recurrentDropout"),
  f("return_sequences", "returnSequences"),
];

/** Keras's GRU: reset_after=False is tfjs's own GRU; reset_after=True (Keras's default) ours, which tfjs lacks. */
function createGru(args: { [k: string]: unknown }): tf.layers.Layer {
  if (args.resetAfter === false) return tf.layers.gru(args as unknown as Parameters<typeof tf.layers.gru>[0]);
  const rest = { ...args };
  delete rest.resetAfter;
  return new KerasGRU(rest as unknown as KerasGRUArgs);
}

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
  Embedding: {
    fields: [
      f("input_dim", "inputDim"),
      f("output_dim", "outputDim"),
      f("embeddings_initializer", "embeddingsInitializer", initializer),
      f("embeddings_regularizer", "embeddingsRegularizer", regularizer),
      f("activity_regularizer", "activityRegularizer", regularizer),
      f("embeddings_constraint", "embeddingsConstraint", constraint),
      f("input_length", "inputLength", optional, { keras2Only: true }),
    ],
    // A mask would have to be honoured by every layer after this one; tslab-dl's GRU does not take one.
    ignorable: { ...LORA, mask_zero: isFalse },
    create: make(tf.layers.embedding),
    buildConfig: true,
    written: () => ({ mask_zero: false }),
  },
  SimpleRNN: {
    fields: recurrentFields(false),
    ignorable: RNN_IGNORABLE,
    create: make(tf.layers.simpleRNN),
    buildConfig: true,
    written: rnnWritten(false),
    cell: "simple_rnn_cell",
  },
  LSTM: {
    fields: [...recurrentFields(true), f("unit_forget_bias", "unitForgetBias")],
    ignorable: { ...RNN_IGNORABLE, implementation: (v) => v === 1 || v === 2 },
    create: make(tf.layers.lstm),
    buildConfig: true,
    written: rnnWritten(true),
    configOf: (layer) => ({
      unitForgetBias: (layer as tf.layers.Layer & { cell: { unitForgetBias?: boolean } }).cell.unitForgetBias === true,
    }),
    cell: "lstm_cell",
  },
  GRU: {
    fields: [...recurrentFields(true), f("reset_after", "resetAfter")],
    ignorable: { ...RNN_IGNORABLE, implementation: (v) => v === 1 || v === 2 },
    create: createGru,
    buildConfig: true,
    written: rnnWritten(true),
    tfjsClasses: ["GRU", KerasGRU.className],
    cell: "gru_cell",
  },
};

/** The Keras layer classes tslab-dl builds. */
export const SUPPORTED_LAYERS = ["InputLayer", ...Object.keys(LAYERS)];

/** The Keras class a tfjs layer saves as, or undefined for a class tslab-dl cannot write. */
export function kerasClassOf(layer: tf.layers.Layer): string | undefined {
  const cls = layer.getClassName();
  return Object.keys(LAYERS).find((k) => (LAYERS[k].tfjsClasses ?? [k]).includes(cls));
}

/** The table entry for a tfjs layer, by the Keras class it saves as. */
export function specOf(layer: tf.layers.Layer): LayerSpec | undefined {
  const cls = kerasClassOf(layer);
  return cls === undefined ? undefined : LAYERS[cls];
}

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
