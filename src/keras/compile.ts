/**
 * `compile` as Keras 3 takes it: the optimizer optional (Keras's default is RMSprop at 0.001),
 * optimizer names with Keras's defaults (`"adagrad"` at 0.001, where tfjs's string trains at
 * 0.01), and Keras's snake-case loss and metric names beside tfjs's camelCase ones. What
 * reaches tfjs is tfjs's own names and optimizer objects, so the fast path recognises them.
 */
import { tf } from "../backend";
import { optimizerNamed, RMSprop } from "./optimizers";
import { own } from "../io/keras/config/json";
import { KERAS_LOSSES } from "../io/keras/config/training";

type TfCompileArgs = Parameters<tf.LayersModel["compile"]>[0];

/** A keras-built model's `compile` settings: tfjs's, with the optimizer optional and Keras's names accepted. */
export interface KerasCompileArgs {
  /** A Keras name (`"sgd"`, `"rmsprop"`, `"adam"`, `"adagrad"`, …, Keras's defaults) or an optimizer. Default `RMSprop()`. */
  optimizer?: string | tf.Optimizer;
  /** A Keras name (`"sparse_categorical_crossentropy"`, `"mse"`, …), a tfjs name (`"sparseCategoricalCrossentropy"`) or a function. */
  loss: TfCompileArgs["loss"];
  /** `"accuracy"`, a list of names (Keras's or tfjs's), or functions. */
  metrics?: TfCompileArgs["metrics"];
}

const TFJS_LOSSES = [...new Set(Object.values(KERAS_LOSSES))];

/** One loss name as tfjs knows it, or a clear error listing the known ones. */
function lossName(name: string): string {
  if (TFJS_LOSSES.includes(name)) return name;
  const tfjs = own(KERAS_LOSSES, name);
  if (tfjs) return tfjs;
  throw new Error(
    `compile: unknown loss '${name}'; expected one of Keras's ${Object.keys(KERAS_LOSSES).join(", ")} ` +
      `or tfjs's ${TFJS_LOSSES.join(", ")}, or a loss function`,
  );
}

/** A Keras metric name in tfjs's spelling: `binary_accuracy` → `binaryAccuracy`; `accuracy`, `mse` stay. */
function metricName(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

type Loss = TfCompileArgs["loss"];
type Metrics = NonNullable<TfCompileArgs["metrics"]>;

function losses(loss: Loss): Loss {
  if (typeof loss === "string") return lossName(loss);
  if (Array.isArray(loss)) return loss.map((l) => (typeof l === "string" ? lossName(l) : l)) as Loss;
  if (typeof loss === "function") return loss;
  return Object.fromEntries(Object.entries(loss).map(([k, l]) => [k, typeof l === "string" ? lossName(l) : l])) as Loss;
}

function metrics(m: Metrics): Metrics {
  if (typeof m === "string") return metricName(m);
  if (Array.isArray(m)) return m.map((x) => (typeof x === "string" ? metricName(x) : x));
  if (typeof m === "function") return m;
  return Object.fromEntries(Object.entries(m).map(([k, x]) => [k, typeof x === "string" ? metricName(x) : x]));
}

/**
 * Keras's compile settings as tfjs's: the optimizer built with Keras's defaults (RMSprop when
 * none is given), loss and metric names in tfjs's spelling.
 *
 * @example
 * model.compile(tfjsCompileArgs({ loss: "sparse_categorical_crossentropy", metrics: "accuracy" }));
 */
export function tfjsCompileArgs(args: KerasCompileArgs): TfCompileArgs {
  if (args == null || args.loss == null) {
    throw new Error('compile: a loss is required (e.g. loss: "sparse_categorical_crossentropy"), found none');
  }
  const optimizer =
    args.optimizer === undefined
      ? RMSprop()
      : typeof args.optimizer === "string"
        ? optimizerNamed(args.optimizer)
        : args.optimizer;
  const out: TfCompileArgs = { optimizer, loss: losses(args.loss) };
  if (args.metrics !== undefined) out.metrics = metrics(args.metrics);
  return out;
}
