/**
 * tslab-dl's convolution, pooling and segment-sum ops for tfjs's backends, in one list per role.
 */
import type * as tf from "@tensorflow/tfjs";
import { conv2DBackpropFilterFast, conv2DBackpropFilterWasm } from "./conv2d-backprop-filter";
import { conv2DBackpropInputFast } from "./conv2d-backprop-input";
import { conv2DFast, fusedConv2DFast } from "./conv2d";
import { maxPoolGradFast, maxPoolGradWasm } from "./max-pool-grad";
import { unsortedSegmentSumWasm } from "./unsorted-segment-sum";

/** Builds an op from the kernel registered before it (stock, or a reference one), which it runs for what it does not handle. */
type KernelFactory = (previous: tf.KernelFunc) => tf.KernelFunc;

/**
 * Kernels a stock backend lacks (`Conv2DBackpropFilter`, `UnsortedSegmentSum`: the gradients of
 * a convolution's filter and of an Embedding's `gather`) or gets wrong (`MaxPoolGrad`) but
 * training needs, by backend and name: plain reference implementations, registered for good,
 * with the fast ops on or off (see `installFastOps`).
 */
export const CORRECTNESS_OPS: Record<string, Record<string, tf.KernelFunc>> = {
  wasm: {
    Conv2DBackpropFilter: conv2DBackpropFilterWasm,
    MaxPoolGrad: maxPoolGradWasm,
    UnsortedSegmentSum: unsortedSegmentSumWasm,
  },
};

/** The fast conv and pooling ops on wasm (AssemblyScript, src/speed/as/), replacing those above or stock. */
export const FAST_CONV_OPS: Record<string, KernelFactory> = {
  Conv2DBackpropFilter: conv2DBackpropFilterFast,
  Conv2DBackpropInput: conv2DBackpropInputFast,
  Conv2D: conv2DFast,
  FusedConv2D: fusedConv2DFast,
  MaxPoolGrad: maxPoolGradFast,
};
