/** `_FusedMatMul` on wasm: a product (mat-mul.ts) with a bias of n values and a linear or relu activation. */
import type * as tf from "@tensorflow/tfjs";
import { asOpsFor } from "../as-ops";
import type { BackendWasmLike } from "../internals";
import { planGemm, runGemm } from "./mat-mul";
import type { OpConfig } from "./op-config";

/** Build the replacement for `_FusedMatMul`; `stock` runs other activations, biases and dtypes. */
function fusedMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasmLike;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
    };
    const ops = asOpsFor(backend);
    const p = ops && a && b && planGemm(a, b, transposeA, transposeB);
    const act = activation ?? "linear";
    const biasOk = !bias || (bias.dtype === "float32" && bias.shape.length === 1 && bias.shape[0] === p?.n); // as the stock kernel
    if (!ops || !p || !a || !b || !biasOk || preluActivationWeights || (act !== "linear" && act !== "relu")) {
      return stock(args);
    }
    return runGemm(backend, ops, a, b, p, transposeA, transposeB, bias ?? null, act === "relu");
  };
}

export const fusedMatMulConfig: OpConfig = {
  kernelName: "_FusedMatMul",
  backendName: "wasm",
  role: "replace",
  wrap: fusedMatMul,
};
