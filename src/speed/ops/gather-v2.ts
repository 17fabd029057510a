/**
 * `GatherV2` on wasm along axis 0: rows copied whole. The stock kernel computes a generic
 * index per element, on every batch `model.fit` slices (its shuffled index array).
 */
import type * as tf from "@tensorflow/tfjs";
import { elementCount } from "../../util/shape";
import { offset, type BackendWasmLike } from "../internals";
import { replaceOnWasm } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Build the replacement for `GatherV2`: rows along axis 0 are copied whole. */
function gatherV2(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const parsedAxis = axis < 0 ? axis + x.shape.length : axis;
    const fourBytes = x.dtype === "float32" || x.dtype === "int32";
    if (parsedAxis !== 0 || (batchDims ?? 0) !== 0 || !fourBytes || indices.dtype !== "int32" || x.shape.length < 1) {
      return stock(args);
    }
    const rows = x.shape[0];
    const rowLength = elementCount(x.shape.slice(1));
    const count = elementCount(indices.shape);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    if (count === 0 || rowLength === 0) return out;
    const heap = backend.wasm.HEAP32;
    const xAt = offset(backend, x) >> 2;
    const indicesAt = offset(backend, indices) >> 2;
    const outAt = offset(backend, out) >> 2;
    for (let t = 0; t < count; t++) {
      const index = heap[indicesAt + t];
      if (!(index >= 0 && index <= rows - 1)) {
        backend.wasm._free(offset(backend, out));
        throw new Error(`GatherV2: the index value ${index} is not in [0, ${rows - 1}]`);
      }
      const from = xAt + index * rowLength;
      heap.copyWithin(outAt + t * rowLength, from, from + rowLength);
    }
    return out;
  };
}

export const gatherV2Config = replaceOnWasm("GatherV2", gatherV2);
