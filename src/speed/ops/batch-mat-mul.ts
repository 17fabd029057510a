/** `BatchMatMul` on wasm: float32 products of rank ≥ 2, either side transposed or broadcast (mat-mul.ts). */
import type * as tf from "@tensorflow/tfjs";
import { asOpsFor } from "../as-ops";
import type { BackendWasmLike } from "../internals";
import { planGemm, runGemm } from "./mat-mul";
import type { OpConfig } from "./op-config";

/** Build the replacement for `BatchMatMul`; `stock` runs what we do not handle. */
function batchMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasmLike;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const ops = asOpsFor(backend);
    const p = ops && planGemm(a, b, transposeA, transposeB);
    if (!ops || !p) return stock(args);
    return runGemm(backend, ops, a, b, p, transposeA, transposeB, null, false);
  };
}

export const batchMatMulConfig: OpConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  role: "replace",
  wrap: batchMatMul,
};
