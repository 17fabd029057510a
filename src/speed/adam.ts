/**
 * Adam in one kernel call per variable instead of about thirteen. tfjs's
 * `AdamOptimizer.applyGradients` builds each update from separate element-wise ops,
 * each a full pass over the weights plus the engine's bookkeeping; where the backend has
 * the {@link ADAM_KERNEL} kernel, the patched method runs that instead, with the same
 * arithmetic in the same order. Elsewhere (other backends, non-float32 variables) it
 * runs tfjs's own method unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_KERNEL, kernelsFor, offset, type AdamAttrs, type BackendWasmLike } from "./wasm-backend";

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
    : Object.keys(variableGradients).map((name) => ({
        name,
        tensor: variableGradients[name] as tf.Tensor | undefined,
      }));
  const engine = tf.engine();
  const allFloat = grads.every(
    ({ name, tensor }) =>
      !tensor || (tensor.dtype === "float32" && engine.registeredVariables[name]?.dtype === "float32"),
  );
  if (!hasKernel() || !allFloat) {
    stockApplyGradients.call(this, variableGradients);
    return;
  }
  const self = this as unknown as AdamInternals;
  createMoments(
    self,
    grads.map(({ name }) => name),
  );
  if (updateInPlace(self, grads)) {
    self.incrementIterations();
    return;
  }
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

/** Create the zero moments tfjs creates on a variable's first update, for each variable in `names`. */
function createMoments(self: AdamInternals, names: string[]): void {
  const engine = tf.engine();
  names.forEach((name, i) => {
    const value = engine.registeredVariables[name];
    for (const [moments, suffix] of [
      [self.accumulatedFirstMoment, "m"],
      [self.accumulatedSecondMoment, "v"],
    ] as const) {
      if (moments[i] == null) {
        moments[i] = {
          originalName: `${name}/${suffix}`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
    }
  });
}

interface RefCounting extends BackendWasmLike {
  refCount(dataId: tf.DataId): number;
}

/**
 * The update written over the variables' and moments' own memory, with no tensor created or
 * disposed: about half of the step's Adam time was allocating, assigning and freeing three
 * new buffers per variable. Only where nothing else holds that memory (the backend counts one
 * reference to each buffer: no clone, no reshaped view, no saved copy shares it), so no other
 * tensor's values change, and only for vectors and matrices: tfjs-backend-wasm's convolutions
 * (XNNPACK) keep each filter packed in a cache keyed by its buffer, so a filter rewritten in
 * place would go on convolving with its old values; otherwise returns false and the caller runs the update that assigns
 * new tensors. Same arithmetic as the kernel path, and as tfjs: `1 - accBeta` and `accBeta·beta`
 * are rounded to float32 as tfjs's ops round them.
 */
function updateInPlace(self: AdamInternals, grads: { name: string; tensor: tf.Tensor | undefined }[]): boolean {
  if (tf.getBackend() !== "wasm") return false;
  const backend = tf.backend() as unknown as RefCounting;
  const kernels = kernelsFor(backend);
  if (!kernels || typeof backend.refCount !== "function") return false;
  const engine = tf.engine();
  const alone = (t: tf.Tensor): boolean => backend.refCount(t.dataId) === 1;
  const work: [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor][] = [];
  for (let i = 0; i < grads.length; i++) {
    const gradient = grads[i].tensor;
    if (gradient == null) continue;
    const value = engine.registeredVariables[grads[i].name];
    const m = self.accumulatedFirstMoment[i]?.variable;
    const v = self.accumulatedSecondMoment[i]?.variable;
    if (
      gradient.isDisposed ||
      !m ||
      !v ||
      !alone(value) ||
      !alone(m) ||
      !alone(v) ||
      value.rank > 2 ||
      !tf.util.arraysEqual(gradient.shape, value.shape)
    )
      return false;
    work.push([value, m, v, gradient]);
  }
  if (
    !alone(self.accBeta1) ||
    !alone(self.accBeta2) ||
    self.accBeta1.dtype !== "float32" ||
    self.accBeta2.dtype !== "float32"
  ) {
    return false;
  }
  const f = Math.fround;
  const heap = backend.wasm.HEAPF32;
  const acc1 = offset(backend, self.accBeta1) >> 2;
  const acc2 = offset(backend, self.accBeta2) >> 2;
  const c1 = f(1 - heap[acc1]);
  const c2 = f(1 - heap[acc2]);
  const { beta1: b1, beta2: b2 } = self;
  for (const [value, m, v, gradient] of work) {
    const [w, mAt, vAt] = [offset(backend, value), offset(backend, m), offset(backend, v)];
    kernels.adam(
      value.size,
      w,
      mAt,
      vAt,
      offset(backend, gradient),
      w,
      mAt,
      vAt,
      b1,
      f(1 - b1),
      b2,
      f(1 - b2),
      c1,
      c2,
      -self.learningRate,
      self.epsilon,
    );
  }
  heap[acc1] = f(heap[acc1] * f(self.beta1));
  heap[acc2] = f(heap[acc2] * f(self.beta2));
  return true;
}

/** Route `AdamOptimizer.applyGradients` through {@link ADAM_KERNEL} (true) or tfjs's own method (false). */
export function patchAdam(on: boolean): void {
  tf.AdamOptimizer.prototype.applyGradients = on ? fastApplyGradients : stockApplyGradients;
}
