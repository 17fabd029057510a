/**
 * Adam in one op call per variable instead of about thirteen, for when its update cannot
 * run in place (`optimizers.ts`: some other tensor shares a variable's memory). tfjs's
 * `AdamOptimizer.applyGradients` builds each update from separate element-wise ops; where the
 * backend has the {@link ADAM_OP} op, this runs that instead, with the same
 * arithmetic in the same order, and assigns the new tensors as tfjs does. Elsewhere (other
 * backends, non-float32 variables) it runs tfjs's own method unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { optimizerInternals, registeredVariable, type OptimizerSlot } from "./internals";
import { ADAM_OP, type AdamAttrs } from "./ops/adam";

type ApplyGradients = tf.AdamOptimizer["applyGradients"];

/** tfjs's own `AdamOptimizer.applyGradients`. */
const stockAdamApplyGradients: ApplyGradients = tf.AdamOptimizer.prototype.applyGradients;

/** Adam's update through {@link ADAM_OP}, or tfjs's own where that op cannot run. */
export const adamOpApplyGradients: ApplyGradients = function (
  this: tf.AdamOptimizer,
  variableGradients: Parameters<ApplyGradients>[0],
): void {
  const grads = Array.isArray(variableGradients)
    ? variableGradients.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.keys(variableGradients).map((name) => ({
        name,
        tensor: variableGradients[name] as tf.Tensor | undefined,
      }));
  const allFloat = grads.every(
    ({ name, tensor }) => !tensor || (tensor.dtype === "float32" && registeredVariable(name)?.dtype === "float32"),
  );
  if (tf.getKernel(ADAM_OP, tf.getBackend()) === undefined || !allFloat) {
    stockAdamApplyGradients.call(this, variableGradients);
    return;
  }
  const self = optimizerInternals(this);
  const [first, second] = [(self.accumulatedFirstMoment ??= []), (self.accumulatedSecondMoment ??= [])];
  const slot = (list: (OptimizerSlot | undefined)[], i: number, name: string, suffix: string): tf.Variable =>
    (list[i] ??= {
      originalName: `${name}/${suffix}`,
      variable: tf.tidy(() => tf.zerosLike(registeredVariable(name) as tf.Variable).variable(false)),
    }).variable;
  tf.tidy(() => {
    const accBeta1 = self.accBeta1 as tf.Variable;
    const accBeta2 = self.accBeta2 as tf.Variable;
    const oneMinusAccBeta1 = tf.sub(1, accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, accBeta2);
    const attrs: AdamAttrs = {
      beta1: self.beta1 as number,
      beta2: self.beta2 as number,
      epsilon: self.epsilon as number,
      learningRate: self.learningRate,
    };
    grads.forEach(({ name, tensor: gradient }, i) => {
      const m = slot(first, i, name, "m");
      const v = slot(second, i, name, "v");
      if (gradient == null) return;
      const value = registeredVariable(name) as tf.Variable;
      const inputs = { value, m, v, gradient, oneMinusAccBeta1, oneMinusAccBeta2 };
      const [newValue, newM, newV] = tf
        .engine()
        .runKernel(ADAM_OP, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
    });
    accBeta1.assign(tf.mul(accBeta1, attrs.beta1));
    accBeta2.assign(tf.mul(accBeta2, attrs.beta2));
  });
  self.incrementIterations();
};
