/**
 * tslab-dl's one-pass Adam op ({@link ADAM_OP}) on wasm: one call per variable (AssemblyScript's
 * as/adam.ts) instead of about thirteen element-wise ops; used by ../adam.ts where the update
 * cannot run in place.
 */
import type * as tf from "@tensorflow/tfjs";
import { elementCount } from "../../util/shape";
import { asOpsFor } from "../as-ops";
import { offset, type BackendWasmLike } from "../internals";
import type { OpConfig } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Name of the one-pass Adam op; see {@link ../adam}. */
export const ADAM_OP = "TslabDlAdam";

/** Inputs of {@link ADAM_OP}. */
interface AdamInputs {
  value: tf.TensorInfo;
  m: tf.TensorInfo;
  v: tf.TensorInfo;
  gradient: tf.TensorInfo;
  oneMinusAccBeta1: tf.TensorInfo;
  oneMinusAccBeta2: tf.TensorInfo;
}
/** Attributes of {@link ADAM_OP}. */
export interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** {@link ADAM_OP} on the WebAssembly backend: returns [newValue, newM, newV]. */
const adamWasm: tf.KernelFunc = (args: OpArgs) => {
  const backend = args.backend as BackendWasmLike;
  const inputs = args.inputs as unknown as AdamInputs;
  const attrs = args.attrs as unknown as AdamAttrs;
  const ops = asOpsFor(backend);
  if (!ops) throw new Error(`${ADAM_OP}: the WebAssembly backend's memory cannot be shared with tslab-dl's ops`);
  const shape = inputs.value.shape;
  const outs = [
    backend.makeOutput(shape, "float32"),
    backend.makeOutput(shape, "float32"),
    backend.makeOutput(shape, "float32"),
  ];
  const heap = backend.wasm.HEAPF32;
  const c1 = heap[offset(backend, inputs.oneMinusAccBeta1) >> 2];
  const c2 = heap[offset(backend, inputs.oneMinusAccBeta2) >> 2];
  const f = Math.fround;
  ops.adam(
    elementCount(shape),
    offset(backend, inputs.value),
    offset(backend, inputs.m),
    offset(backend, inputs.v),
    offset(backend, inputs.gradient),
    offset(backend, outs[0]),
    offset(backend, outs[1]),
    offset(backend, outs[2]),
    attrs.beta1,
    f(1 - attrs.beta1),
    attrs.beta2,
    f(1 - attrs.beta2),
    c1,
    c2,
    -attrs.learningRate,
    attrs.epsilon,
  );
  return outs;
};

export const adamConfig: OpConfig = { kernelName: ADAM_OP, backendName: "wasm", role: "add", kernelFunc: adamWasm };
