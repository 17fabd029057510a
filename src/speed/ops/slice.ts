/** `Slice` on wasm: a contiguous slice is one copy of just its bytes. */
import * as tf from "@tensorflow/tfjs";
import { elementCount } from "../../util/shape";
import { offset, type BackendWasmLike } from "../internals";
import type { OpConfig } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/**
 * Build the replacement for `Slice`: a contiguous slice (e.g. rows along the first axis, as
 * `model.fit` takes batches of its index array) is one copy of just those bytes; the stock
 * kernel first copies the whole input out of the heap, on every call.
 */
function slice(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { begin, size: sizes } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    if (x.dtype !== "float32" && x.dtype !== "int32" && x.dtype !== "bool") return stock(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, sizes);
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return stock(args);
    const out = backend.makeOutput(size_, x.dtype);
    const count = elementCount(size_);
    if (count === 0) return out;
    const bytes = x.dtype === "bool" ? 1 : 4;
    const from = offset(backend, x) + bytes * tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
    backend.wasm.HEAPU8.copyWithin(offset(backend, out), from, from + bytes * count);
    return out;
  };
}

export const sliceConfig: OpConfig = { kernelName: "Slice", backendName: "wasm", role: "replace", wrap: slice };
