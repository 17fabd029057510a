/**
 * Keras 3's optimizers with Keras 3's documented defaults (`keras/src/optimizers/*.py`),
 * returning tfjs's own optimizers, which tslab-dl's fast path updates in place. tfjs's
 * `tf.train.*` take every value positionally and have other defaults (its `"adagrad"` trains
 * at 0.01, Keras's at 0.001); these take Keras's names in camelCase.
 */
import { tf } from "../backend";

/** `keras.optimizers.SGD`'s settings. */
export interface SGDArgs {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0 (plain SGD); above 0, momentum SGD. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/** `keras.optimizers.RMSprop`'s settings. */
export interface RMSpropArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Discounting factor of the squared gradients' average. Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  centered?: boolean;
}

/** `keras.optimizers.Adagrad`'s settings. */
export interface AdagradArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7, the only value tfjs's Adagrad computes with (its backend's epsilon). */
  epsilon?: number;
}

/** `keras.optimizers.Adam`'s and `Adamax`'s settings. */
export interface AdamArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the first moment (Keras's `beta_1`). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment (Keras's `beta_2`). Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** `keras.optimizers.Adadelta`'s settings. */
export interface AdadeltaArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay rate. Default 0.95. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const EPSILON = 1e-7;

/** The settings given, checked against the ones `optimizer` knows (a JavaScript caller may pass any). */
function checked<T extends object>(optimizer: string, args: T, known: (keyof T & string)[]): T {
  const unknown = Object.keys(args).filter((k) => !(known as string[]).includes(k));
  if (unknown.length > 0) {
    throw new Error(
      `keras.optimizers.${optimizer}: unknown setting${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; ` +
        `expected some of ${known.join(", ")}`,
    );
  }
  return args;
}

/**
 * Stochastic gradient descent, as Keras's `SGD`: learning rate 0.01, no momentum. With
 * `momentum` above 0 (and `nesterov`), tfjs's momentum optimizer, which follows the same path.
 *
 * @example
 * keras.optimizers.SGD();
 * keras.optimizers.SGD({ learningRate: 0.1 });
 * keras.optimizers.SGD({ momentum: 0.9, nesterov: true });
 */
export function SGD(args: SGDArgs = {}): tf.Optimizer {
  const {
    learningRate = 0.01,
    momentum = 0,
    nesterov = false,
  } = checked("SGD", args, ["learningRate", "momentum", "nesterov"]);
  if (momentum < 0 || momentum > 1)
    throw new Error(`keras.optimizers.SGD: momentum must be in [0, 1], found ${momentum}`);
  return momentum > 0 || nesterov ? tf.train.momentum(learningRate, momentum, nesterov) : tf.train.sgd(learningRate);
}

/**
 * RMSprop, as Keras's: learning rate 0.001, rho 0.9, momentum 0, epsilon 1e-7 (Keras's default
 * optimizer, what `compile` uses when given none).
 *
 * @example
 * keras.optimizers.RMSprop();
 */
export function RMSprop(args: RMSpropArgs = {}): tf.Optimizer {
  const {
    learningRate = 0.001,
    rho = 0.9,
    momentum = 0,
    epsilon = EPSILON,
    centered = false,
  } = checked("RMSprop", args, ["learningRate", "rho", "momentum", "epsilon", "centered"]);
  return tf.train.rmsprop(learningRate, rho, momentum, epsilon, centered);
}

/**
 * Adagrad, as Keras's: learning rate 0.001, initial accumulator 0.1, epsilon 1e-7.
 *
 * @example
 * keras.optimizers.Adagrad();
 */
export function Adagrad(args: AdagradArgs = {}): tf.Optimizer {
  const {
    learningRate = 0.001,
    initialAccumulatorValue = 0.1,
    epsilon = EPSILON,
  } = checked("Adagrad", args, ["learningRate", "initialAccumulatorValue", "epsilon"]);
  if (epsilon !== EPSILON) {
    throw new Error(
      `keras.optimizers.Adagrad: epsilon ${epsilon} is not supported; tfjs's Adagrad computes with its backend's epsilon, 1e-7 (Keras's default)`,
    );
  }
  return tf.train.adagrad(learningRate, initialAccumulatorValue);
}

/**
 * Adam, as Keras's: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
 *
 * @example
 * keras.optimizers.Adam();
 */
export function Adam(args: AdamArgs = {}): tf.Optimizer {
  const {
    learningRate = 0.001,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = EPSILON,
  } = checked("Adam", args, ["learningRate", "beta1", "beta2", "epsilon"]);
  return tf.train.adam(learningRate, beta1, beta2, epsilon);
}

/**
 * Adamax, as Keras's: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
 *
 * @example
 * keras.optimizers.Adamax();
 */
export function Adamax(args: AdamArgs = {}): tf.Optimizer {
  const {
    learningRate = 0.001,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = EPSILON,
  } = checked("Adamax", args, ["learningRate", "beta1", "beta2", "epsilon"]);
  return tf.train.adamax(learningRate, beta1, beta2, epsilon, 0);
}

/**
 * Adadelta, as Keras's: learning rate 0.001, rho 0.95, epsilon 1e-7.
 *
 * @example
 * keras.optimizers.Adadelta();
 */
export function Adadelta(args: AdadeltaArgs = {}): tf.Optimizer {
  const {
    learningRate = 0.001,
    rho = 0.95,
    epsilon = EPSILON,
  } = checked("Adadelta", args, ["learningRate", "rho", "epsilon"]);
  return tf.train.adadelta(learningRate, rho, epsilon);
}

/** Keras's optimizer names (as `keras.optimizers.get` takes them, in any case) and their factories. */
const BY_NAME: Record<string, () => tf.Optimizer> = {
  sgd: () => SGD(),
  rmsprop: () => RMSprop(),
  adagrad: () => Adagrad(),
  adam: () => Adam(),
  adamax: () => Adamax(),
  adadelta: () => Adadelta(),
};

/**
 * The optimizer Keras builds from `name` (`"adam"`, `"SGD"`), with Keras's defaults.
 *
 * @example
 * optimizerNamed("adagrad"); // Adagrad at 0.001
 */
export function optimizerNamed(name: string, where = "compile"): tf.Optimizer {
  const key = name.toLowerCase();
  const make = Object.hasOwn(BY_NAME, key) ? BY_NAME[key] : undefined;
  if (!make) {
    throw new Error(
      `${where}: unknown optimizer '${name}'; expected one of ${Object.keys(BY_NAME).join(", ")} ` +
        `(any case), or an optimizer object (keras.optimizers.Adam({ … }), tf.train.*)`,
    );
  }
  return make();
}
