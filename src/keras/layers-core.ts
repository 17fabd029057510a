/**
 * Keras 3's core layers as factories over tfjs's layers: the same arguments in camelCase, the
 * first ones positional as in Keras (`Dense(10, { activation: "softmax" })`), Keras's
 * automatic names (`dense`, `dense_1`, see `names.ts`) and Keras's initial weights (Glorot
 * *uniform* kernels where tfjs draws Glorot normal, zero biases, embeddings uniform in ±0.05).
 * The layers are tfjs's own classes (`Dense`, `Flatten`, …), so they save, load and train as
 * any tfjs layer. An argument the caller gives always wins over these defaults.
 */
import { tf } from "../backend";
import { layerNameFor } from "./names";

type Args<F extends (args: never) => unknown> = NonNullable<Parameters<F>[0]>;

/** `keras.layers.Dense`'s settings: tfjs's `dense` arguments except `units`. */
export type DenseArgs = Omit<Args<typeof tf.layers.dense>, "units">;
/** `keras.layers.Flatten`'s settings. */
export type FlattenArgs = Args<typeof tf.layers.flatten>;
/** `keras.layers.Dropout`'s settings: tfjs's `dropout` arguments except `rate`. */
export type DropoutArgs = Omit<Args<typeof tf.layers.dropout>, "rate">;
/** `keras.layers.Reshape`'s settings: tfjs's `reshape` arguments except `targetShape`. */
export type ReshapeArgs = Omit<Args<typeof tf.layers.reshape>, "targetShape">;
/** `keras.layers.Activation`'s settings: tfjs's `activation` arguments except `activation`. */
export type ActivationArgs = Omit<Args<typeof tf.layers.activation>, "activation">;
/** An activation's name, as tfjs spells it (`"relu"`, `"softmax"`, `"hardSigmoid"`). */
export type ActivationName = Args<typeof tf.layers.activation>["activation"];
/** `keras.layers.Embedding`'s settings: tfjs's `embedding` arguments except the two sizes. */
export type EmbeddingArgs = Omit<Args<typeof tf.layers.embedding>, "inputDim" | "outputDim">;

/** Keras's default kernel initializer (tfjs's Dense, Conv2D and recurrent layers draw Glorot normal). */
export const GLOROT_UNIFORM = "glorotUniform";

/**
 * A fully connected layer, as Keras's `Dense`: Glorot-uniform kernel, zero bias, named `dense`,
 * `dense_1`, ….
 *
 * @example
 * const dense = keras.layers.Dense(10, { activation: "softmax", inputShape: [784] });
 */
export function Dense(units: number, args: DenseArgs = {}): tf.layers.Layer {
  return tf.layers.dense({
    kernelInitializer: GLOROT_UNIFORM,
    biasInitializer: "zeros",
    ...args,
    units,
    name: layerNameFor("Dense", args.name),
  });
}

/**
 * Flattens each sample to a vector, as Keras's `Flatten` (named `flatten`, `flatten_1`, …).
 *
 * @example
 * keras.layers.Flatten({ inputShape: [28, 28] });
 */
export function Flatten(args: FlattenArgs = {}): tf.layers.Layer {
  return tf.layers.flatten({ ...args, name: layerNameFor("Flatten", args.name) });
}

/**
 * Drops a fraction `rate` of its inputs in training, as Keras's `Dropout` (named `dropout`, …).
 *
 * @example
 * keras.layers.Dropout(0.3);
 */
export function Dropout(rate: number, args: DropoutArgs = {}): tf.layers.Layer {
  return tf.layers.dropout({ ...args, rate, name: layerNameFor("Dropout", args.name) });
}

/**
 * Reshapes each sample to `targetShape`, as Keras's `Reshape` (named `reshape`, …).
 *
 * @example
 * keras.layers.Reshape([28, 28, 1], { inputShape: [784] });
 */
export function Reshape(targetShape: number[], args: ReshapeArgs = {}): tf.layers.Layer {
  return tf.layers.reshape({ ...args, targetShape, name: layerNameFor("Reshape", args.name) });
}

/**
 * Applies an activation function, as Keras's `Activation` (named `activation`, …).
 *
 * @example
 * keras.layers.Activation("relu");
 */
export function Activation(activation: ActivationName, args: ActivationArgs = {}): tf.layers.Layer {
  return tf.layers.activation({ ...args, activation, name: layerNameFor("Activation", args.name) });
}

/**
 * Word vectors, as Keras's `Embedding`: `inputDim` words of `outputDim` floats, drawn uniformly
 * in [-0.05, 0.05] (Keras's `"uniform"`), named `embedding`, ….
 *
 * @example
 * keras.layers.Embedding(500, 16, { inputLength: 100 });
 */
export function Embedding(inputDim: number, outputDim: number, args: EmbeddingArgs = {}): tf.layers.Layer {
  return tf.layers.embedding({
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
    ...args,
    inputDim,
    outputDim,
    name: layerNameFor("Embedding", args.name),
  });
}
