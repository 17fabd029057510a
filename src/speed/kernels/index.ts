/**
 * tslab-dl's convolution and pooling kernels for tfjs's backends, in one list.
 */
import type * as tf from "@tensorflow/tfjs";
import { conv2DBackpropFilterWasm } from "./conv2d-backprop-filter";
import { maxPoolGradWasm } from "./max-pool-grad";

/**
 * Kernels a stock backend lacks (`Conv2DBackpropFilter`) or gets wrong (`MaxPoolGrad`) but
 * training needs, by backend and name: plain reference implementations, registered for good,
 * with the fast kernels on or off (see `installFastKernels`).
 */
export const CORRECTNESS_KERNELS: Record<string, Record<string, tf.KernelFunc>> = {
  wasm: { Conv2DBackpropFilter: conv2DBackpropFilterWasm, MaxPoolGrad: maxPoolGradWasm },
};
