/** Float32 `Sum` on wasm over leading axes (every bias gradient) or trailing axes (a softmax's denominators). */
import * as tf from "@tensorflow/tfjs";
import { elementCount } from "../../util/shape";
import { asOpsFor } from "../as-ops";
import { offset, type BackendWasmLike } from "../internals";
import type { OpConfig } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/**
 * Build the replacement for float32 `Sum` over leading axes (as in every bias gradient,
 * `[32, 100]` → `[100]`) or trailing axes (a softmax's denominators), computed in
 * JavaScript on the heap. The stock kernel transposes the reduced axes innermost first,
 * then adds each output's inputs in order in float32; this adds the same numbers in the
 * same order, rounding to float32 after each addition, so results are identical.
 */
function sum(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    if (x.dtype !== "float32" || rank === 0) return stock(args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    const leading = axes.every((a, i) => a === i);
    const trailing = axes.every((a, i) => a === rank - axes.length + i);
    if (axes.length === 0 || !(leading || trailing)) return stock(args);
    const reduced = elementCount(axes.map((a) => x.shape[a]));
    const kept = elementCount(x.shape) / Math.max(reduced, 1);
    const outShape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    const out = backend.makeOutput(outShape, "float32");
    const heap = backend.wasm.HEAPF32;
    const xo = offset(backend, x) >> 2;
    const oo = offset(backend, out) >> 2;
    if (reduced === 0 || kept === 0) {
      heap.fill(0, oo, oo + elementCount(outShape));
      return out;
    }
    const f = Math.fround;
    if (trailing) {
      for (let i = 0; i < kept; i++) {
        let acc = 0;
        for (let j = 0; j < reduced; j++) acc = f(acc + heap[xo + i * reduced + j]);
        heap[oo + i] = acc;
      }
    } else {
      const asKernels = asOpsFor(backend);
      if (asKernels) asKernels.sumRows(reduced, kept, xo << 2, oo << 2, 0);
      else {
        heap.fill(0, oo, oo + kept);
        for (let i = 0; i < reduced; i++) {
          for (let j = 0; j < kept; j++) heap[oo + j] += heap[xo + i * kept + j];
        }
      }
    }
    return out;
  };
}

export const sumConfig: OpConfig = { kernelName: "Sum", backendName: "wasm", role: "replace", wrap: sum };
