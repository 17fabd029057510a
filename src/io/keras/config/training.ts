/**
 * Training configs: Keras's `training_config` (`.h5`) or `compile_config`
 * (`.keras`) to tfjs compile arguments, and a compiled tfjs model's settings
 * back to Keras's words.
 */
import { tf } from "../../../backend";
import { isObject, type Json, type JsonObject, type KerasDialect, kerasObject, num, own, show } from "./json";

/** Keras's loss names and aliases (keras/src/losses/__init__.py) → tfjs-layers' names: for files and for `keras.*`'s `compile`. */
export const KERAS_LOSSES: { readonly [keras: string]: string } = {
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
  kld: "kullbackLeiblerDivergence",
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
interface CompileArgs {
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
    if (typeof c.label_smoothing === "number" && c.label_smoothing !== 0)
      return `loss ${loss.class_name} with label_smoothing=${c.label_smoothing} has no tfjs string equivalent`;
    if (typeof loss.registered_name === "string" && loss.registered_name !== loss.class_name)
      return `loss ${loss.registered_name} is custom`;
    lossName = snake(loss.class_name);
  }
  const tfjsLoss = lossName === undefined ? undefined : own(KERAS_LOSSES, lossName);
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
  const known = metrics.filter((m) => m === "accuracy" || own(KERAS_LOSSES, m));
  return {
    optimizer: optimizer,
    loss: tfjsLoss,
    metrics: [...new Set(known.map((m) => (m === "accuracy" ? m : (own(KERAS_LOSSES, m) as string))))],
  };
}

const isNullish = (v: Json): boolean => v === null;
const isOff = (v: Json): boolean => v === null || v === false || v === 0;
const anyValue = (): boolean => true;

/**
 * Optimizer settings Keras writes that change nothing tfjs does at the values
 * accepted: TF 2.11–2.15's new optimizers and Keras 3 write them all, at null or off.
 */
const OPTIMIZER_COMMON: { [key: string]: (v: Json) => boolean } = {
  name: anyValue,
  learning_rate: anyValue,
  lr: anyValue,
  decay: isOff,
  weight_decay: isOff,
  clipnorm: isNullish,
  global_clipnorm: isNullish,
  clipvalue: isNullish,
  use_ema: isOff,
  ema_momentum: anyValue,
  ema_overwrite_frequency: anyValue,
  jit_compile: anyValue,
  is_legacy_optimizer: anyValue,
  loss_scale_factor: isNullish,
  gradient_accumulation_steps: isNullish,
};

/** The settings each optimizer reads (and so accepts at any value), by Keras's class name in lower case. */
const OPTIMIZER_SETTINGS: { [name: string]: string[] } = {
  adam: ["beta_1", "beta_2", "epsilon", "amsgrad"],
  sgd: ["momentum", "nesterov"],
  rmsprop: ["rho", "momentum", "epsilon", "centered"],
  adagrad: ["initial_accumulator_value"],
  adadelta: ["rho", "epsilon"],
  adamax: ["beta_1", "beta_2", "epsilon"],
};

/**
 * Keras's optimizer class, lower case: TF 2.11–2.15 write their ordinary
 * optimizers in `.h5` training configs as `Custom>Adam`, `Custom>RMSprop`, …
 * (Keras loads them as the ordinary ones).
 */
function optimizerName(className: string): string {
  const name = className.toLowerCase();
  const plain = name.startsWith("custom>") ? name.slice("custom>".length) : name;
  return own(OPTIMIZER_SETTINGS, plain) ? plain : name;
}

/** The first setting of an optimizer config tfjs could not honour, as a reason; undefined when all can be. */
function unsupportedSetting(className: string, name: string, c: JsonObject): string | undefined {
  const reads = own(OPTIMIZER_SETTINGS, name) ?? [];
  for (const [k, value] of Object.entries(c)) {
    if (reads.includes(k)) continue;
    const accept = own(OPTIMIZER_COMMON, k);
    if (accept && accept(value)) continue;
    return `optimizer ${className} setting ${k} = ${show(value)} has no tfjs equivalent`;
  }
  const lr = c.learning_rate ?? c.lr;
  if (lr !== undefined && typeof lr !== "number") {
    const schedule = isObject(lr) && typeof lr.class_name === "string" ? ` (a ${lr.class_name.slice(0, 80)})` : "";
    return (
      `optimizer ${className}'s learning_rate ${show(lr)} is a schedule${schedule}, which tfjs optimizers cannot follow; ` +
      "compile with a fixed rate, and follow the schedule with a LearningRateScheduler callback"
    );
  }
  if (c.epsilon !== undefined && typeof c.epsilon !== "number")
    return `optimizer ${className}'s epsilon is not a number`;
  return undefined;
}

function optimizerFrom(v: Json | undefined): tf.Optimizer | string {
  if (typeof v === "string") v = { class_name: v, config: {} };
  if (!isObject(v) || typeof v.class_name !== "string") return "the training configuration names no optimizer";
  const c = isObject(v.config) ? v.config : {};
  const lr = num(c, "learning_rate", num(c, "lr", NaN));
  const name = optimizerName(v.class_name);
  if (own(OPTIMIZER_SETTINGS, name)) {
    const problem = unsupportedSetting(v.class_name, name, c);
    if (problem) return problem;
  }
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
  if (own(KERAS_LOSSES, loss)) return loss;
  const entry = Object.entries(KERAS_LOSSES).find(([k, v]) => v === loss && k.length > 4);
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
