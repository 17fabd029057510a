/**
 * The learning rate and the hidden step state of tfjs optimizers, the one place
 * tslab-dl's callbacks reach past tfjs's public API (tfjs 4.22).
 *
 * Reading the rate is public (`optimizer.getConfig().learningRate`); setting it is not:
 * `SGDOptimizer` and `MomentumOptimizer` have a public `setLearningRate` (it also refreshes
 * their cached `-learningRate` scalar), while Adam, RMSProp, Adagrad, Adadelta and Adamax
 * keep the rate in a protected `learningRate` field that every `applyGradients` reads
 * afresh. So does tslab-dl's fast Adam kernel (`src/speed/adam.ts` reads
 * `self.learningRate` on each step): a rate written here takes effect on the next batch on
 * every path. Adam's and Adamax's bias-correction products (`accBeta1`, `accBeta2`) are
 * not in `getWeights()`; tfjs's `setWeights` recomputes them with `pow`, which can differ
 * from the running product in the last bit, so {@link betaPowers} reads them for backups.
 */
import { tf } from "../backend";

/**
 * Raised when an optimizer has no learning rate tslab-dl knows how to change.
 *
 * @example
 * setLearningRate(model.optimizer, NaN); // LearningRateError: a learning rate must be a finite number, got NaN
 */
export class LearningRateError extends Error {
  override name = "LearningRateError";
}

interface RateFields {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
}

/**
 * The optimizer's current learning rate.
 *
 * @example
 * learningRate(tf.train.adam(0.001)); // 0.001
 */
export function learningRate(optimizer: tf.Optimizer): number {
  const value = (optimizer.getConfig() as { learningRate?: unknown }).learningRate;
  if (typeof value !== "number") {
    throw new LearningRateError(
      `${optimizer.getClassName()} has no numeric learning rate in its config (found ${JSON.stringify(value)}); ` +
        `use tf.train.sgd, momentum, adam, adamax, rmsprop, adagrad or adadelta`,
    );
  }
  return value;
}

/**
 * Set the optimizer's learning rate in place; it applies from the next training step.
 *
 * @example
 * setLearningRate(model.optimizer, 1e-4);
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (typeof lr !== "number" || !Number.isFinite(lr)) {
    throw new LearningRateError(`a learning rate must be a finite number, got ${String(lr)}`);
  }
  learningRate(optimizer); // says which optimizers work when this one does not
  const fields = optimizer as unknown as RateFields;
  if (typeof fields.setLearningRate === "function") fields.setLearningRate(lr);
  else fields.learningRate = lr;
}

/** The optimizer a compiled model trains with, or an error saying to compile it. */
export function requireOptimizer(model: tf.LayersModel, who: string): tf.Optimizer {
  const optimizer = model.optimizer;
  if (!optimizer) {
    throw new LearningRateError(`${who}: the model has no optimizer; call model.compile({ optimizer, loss }) first`);
  }
  return optimizer;
}

interface BetaFields {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** Adam's and Adamax's running `beta^t` products, or `{}` for other optimizers. */
export function betaPowers(optimizer: tf.Optimizer): { accBeta1?: number; accBeta2?: number } {
  const fields = optimizer as unknown as BetaFields;
  const out: { accBeta1?: number; accBeta2?: number } = {};
  if (fields.accBeta1 instanceof tf.Variable) out.accBeta1 = fields.accBeta1.dataSync()[0];
  if (fields.accBeta2 instanceof tf.Variable) out.accBeta2 = fields.accBeta2.dataSync()[0];
  return out;
}

/** Put back what {@link betaPowers} read (after `optimizer.setWeights`, which recomputes them). */
export function setBetaPowers(optimizer: tf.Optimizer, powers: { accBeta1?: number; accBeta2?: number }): void {
  const fields = optimizer as unknown as BetaFields;
  for (const key of ["accBeta1", "accBeta2"] as const) {
    const value = powers[key];
    const variable = fields[key];
    if (value !== undefined && variable instanceof tf.Variable) tf.tidy(() => variable.assign(tf.scalar(value)));
  }
}
