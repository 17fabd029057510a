/**
 * Keras 3's convolution and pooling layers as factories over tfjs's: Keras's positional
 * arguments (`Conv2D(32, 3, …)` or `Conv2D(32, { kernelSize: 3, … })`, `MaxPooling2D(2)`),
 * Keras's names (`conv2d`, `max_pooling2d`, `average_pooling2d`) and Glorot-uniform kernels
 * with zero biases (tfjs's `conv2d` draws Glorot normal). The caller's arguments win.
 */
import { tf } from "../backend";
import { GLOROT_UNIFORM } from "./layers-core";
import { layerNameFor } from "./names";

type Args<F extends (args: never) => unknown> = NonNullable<Parameters<F>[0]>;

/** `keras.layers.Conv2D`'s settings: tfjs's `conv2d` arguments except `filters`. */
export type Conv2DArgs = Omit<Args<typeof tf.layers.conv2d>, "filters">;
/** `keras.layers.Conv2D`'s settings when the kernel size comes second, as in `Conv2D(32, 3, …)`. */
export type Conv2DRestArgs = Omit<Conv2DArgs, "kernelSize">;
/** `keras.layers.MaxPooling2D`'s settings. */
export type Pooling2DArgs = Args<typeof tf.layers.maxPooling2d>;
/** `keras.layers.MaxPooling2D`'s settings when the pool size comes first, as in `MaxPooling2D(2, …)`. */
export type Pooling2DRestArgs = Omit<Pooling2DArgs, "poolSize">;

/**
 * A 2-D convolution, as Keras's `Conv2D`: `filters` kernels of `kernelSize`, Glorot-uniform,
 * zero biases, named `conv2d`, `conv2d_1`, ….
 *
 * @example
 * keras.layers.Conv2D(32, { kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] });
 * keras.layers.Conv2D(64, 3, { activation: "relu", padding: "same" });
 */
export function Conv2D(filters: number, args: Conv2DArgs): tf.layers.Layer;
export function Conv2D(filters: number, kernelSize: number | number[], args?: Conv2DRestArgs): tf.layers.Layer;
export function Conv2D(
  filters: number,
  second: number | number[] | Conv2DArgs,
  third: Conv2DRestArgs = {},
): tf.layers.Layer {
  const args: Conv2DArgs =
    typeof second === "number" || Array.isArray(second) ? { ...third, kernelSize: second } : second;
  if (args?.kernelSize === undefined) {
    throw new Error(`keras.layers.Conv2D(${filters}, …): kernelSize is required (Keras's kernel_size), found none`);
  }
  return tf.layers.conv2d({
    kernelInitializer: GLOROT_UNIFORM,
    biasInitializer: "zeros",
    ...args,
    filters,
    name: layerNameFor("Conv2D", args.name),
  });
}

/** The arguments of a pooling factory: `(2)`, `([2, 2], {…})`, `({ poolSize: 2 })` or `()`. */
function poolingArgs(
  first: number | [number, number] | Pooling2DArgs | undefined,
  rest: Pooling2DRestArgs,
): Pooling2DArgs {
  if (first === undefined) return { ...rest };
  return typeof first === "number" || Array.isArray(first) ? { ...rest, poolSize: first } : first;
}

/**
 * The maximum over each `poolSize` window (default 2×2, strides the pool size), as Keras's
 * `MaxPooling2D`, named `max_pooling2d`, ….
 *
 * @example
 * keras.layers.MaxPooling2D(2);
 */
export function MaxPooling2D(
  poolSize?: number | [number, number] | Pooling2DArgs,
  args: Pooling2DRestArgs = {},
): tf.layers.Layer {
  const all = poolingArgs(poolSize, args);
  return tf.layers.maxPooling2d({ ...all, name: layerNameFor("MaxPooling2D", all.name) });
}

/**
 * The mean over each `poolSize` window (default 2×2), as Keras's `AveragePooling2D`, named
 * `average_pooling2d`, ….
 *
 * @example
 * keras.layers.AveragePooling2D(2);
 */
export function AveragePooling2D(
  poolSize?: number | [number, number] | Pooling2DArgs,
  args: Pooling2DRestArgs = {},
): tf.layers.Layer {
  const all = poolingArgs(poolSize, args);
  return tf.layers.averagePooling2d({ ...all, name: layerNameFor("AveragePooling2D", all.name) });
}
