/** `Identity` on wasm: shares its input's memory instead of copying it. */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasmLike } from "../internals";
import type { OpConfig } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/**
 * Build the replacement for `Identity`: share the input's memory (counting one more
 * reference) instead of copying it. tfjs calls Identity to keep every input and output
 * an op's gradient needs, tens of times per training step; the stock wasm kernel
 * allocates and copies each. Sharing is safe because tensor memory is never written
 * after its kernel returns (`Variable.assign` swaps data, it does not overwrite it),
 * and it is what the cpu backend and wasm's own Reshape do.
 */
function identity(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return stock(args);
    (args.backend as BackendWasmLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

export const identityConfig: OpConfig = {
  kernelName: "Identity",
  backendName: "wasm",
  role: "replace",
  wrap: identity,
};
