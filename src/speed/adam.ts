/**
 * Adam in one kernel call per variable instead of about thirteen. tfjs's
 * `AdamOptimizer.applyGradients` builds each update from separate element-wise ops,
 * each a full pass over the weights plus the engine's bookkeeping; where the backend has
 * the {@link ADAM_KERNEL} kernel, the patched method runs that instead, with the same
 * arithmetic in the same order. Elsewhere (other backends, non-float32 variables) it
 * runs tfjs's own method unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_KERNEL, type AdamAttrs } from "./wasm-backend";

/** AdamOptimizer's private state, as tfjs 4.22 names it. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

type ApplyGradients = tf.AdamOptimizer["applyGradients"];

const stockApplyGradients: ApplyGradients = tf.AdamOptimizer.prototype.applyGradients;

function hasKernel(): boolean {
  return tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
}

const fastApplyGradients: ApplyGradients = function (
  this: tf.AdamOptimizer,
  variableGradients: Parameters<ApplyGradients>[0],
): void {
  const grads = Array.isArray(variableGradients)
    ? variableGradients.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] as tf.Tensor | undefined }));
  const engine = tf.engine();
  const allFloat = grads.every(
    ({ name, tensor }) => !tensor || (tensor.dtype === "float32" && engine.registeredVariables[name]?.dtype === "float32"),
  );
  if (!hasKernel() || !allFloat) {
    stockApplyGradients.call(this, variableGradients);
    return;
  }
  const self = this as unknown as AdamInternals;
  tf.tidy(() => {
    const oneMinusAccBeta1 = tf.sub(1, self.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, self.accBeta2);
    const attrs: AdamAttrs = {
      beta1: self.beta1,
      beta2: self.beta2,
      epsilon: self.epsilon,
      learningRate: self.learningRate,
    };
    grads.forEach(({ name, tensor: gradient }, i) => {
      const value = engine.registeredVariables[name];
      if (self.accumulatedFirstMoment[i] == null) {
        self.accumulatedFirstMoment[i] = {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
      if (self.accumulatedSecondMoment[i] == null) {
        self.accumulatedSecondMoment[i] = {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
      if (gradient == null) return;
      const firstMoment = (self.accumulatedFirstMoment[i] as { variable: tf.Variable }).variable;
      const secondMoment = (self.accumulatedSecondMoment[i] as { variable: tf.Variable }).variable;
      const inputs = { value, m: firstMoment, v: secondMoment, gradient, oneMinusAccBeta1, oneMinusAccBeta2 };
      const [newValue, newM, newV] = engine.runKernel(
        ADAM_KERNEL,
        inputs as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
      firstMoment.assign(newM);
      secondMoment.assign(newV);
      value.assign(newValue);
    });
    self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
    self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
  });
  self.incrementIterations();
};

/** Route `AdamOptimizer.applyGradients` through {@link ADAM_KERNEL} (true) or tfjs's own method (false). */
export function patchAdam(on: boolean): void {
  tf.AdamOptimizer.prototype.applyGradients = on ? fastApplyGradients : stockApplyGradients;
}
