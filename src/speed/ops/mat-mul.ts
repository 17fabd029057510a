/**
 * The matrix products behind `BatchMatMul` and `_FusedMatMul` on tfjs's WebAssembly backend:
 * AssemblyScript's gemm (as/gemm.ts, MATRIX_WHOLE) per batch entry, bias and relu fused.
 * tfjs-wasm's generic loop is 5–15x slower than a register-tiled SIMD one, worst with a
 * transposed operand, as in every weight gradient.
 */
import type * as tf from "@tensorflow/tfjs";
import { elementCount } from "../../util/shape";
import { gemmScratchBytes, MATRIX_WHOLE, type AsOps } from "../as-ops";
import { offset, type BackendWasmLike } from "../internals";

/** Matrix dimensions and batch layout of a (possibly batched, possibly transposed) product, or null to fall back. */
interface GemmPlan {
  m: number;
  n: number;
  k: number;
  batchA: number;
  batchB: number;
  outShape: number[];
}

/** The product's plan, or null where the stock kernel should run (other dtypes, ranks, mismatched or unbroadcastable shapes). */
export function planGemm(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): GemmPlan | null {
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null; // the stock kernel raises tfjs's own error
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = elementCount(outerA);
  const batchB = elementCount(outerB);
  let outer: number[];
  if (batchA === batchB && outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA;
  else if (batchB === 1 && outerB.length <= outerA.length) outer = outerA;
  else if (batchA === 1 && outerA.length <= outerB.length) outer = outerB;
  else return null;
  return { m, n, k, batchA, batchB, outShape: [...outer, m, n] };
}

/** C = op(A)·op(B) (+ bias) (then relu) into a new tensor; bias, if given, holds n floats. */
export function runGemm(
  backend: BackendWasmLike,
  ops: AsOps,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  p: GemmPlan,
  transposeA: boolean,
  transposeB: boolean,
  bias: tf.TensorInfo | null,
  relu: boolean,
): tf.TensorInfo {
  const out = backend.makeOutput(p.outShape, "float32");
  const { m, n, k } = p;
  const batch = Math.max(p.batchA, p.batchB);
  if (m * n === 0 || batch === 0) return out;
  const wasm = backend.wasm;
  const packed = gemmScratchBytes(m, k);
  const scratch = wasm._malloc(packed + (transposeB ? 4 * k * n : 0));
  try {
    const aAt = offset(backend, a);
    const bAt = offset(backend, b);
    const outAt = offset(backend, out);
    const biasAt = bias ? offset(backend, bias) : 0;
    const panel = scratch + packed;
    for (let t = 0; t < batch; t++) {
      const at = aAt + 4 * m * k * (p.batchA === 1 ? 0 : t);
      let bt = bAt + 4 * k * n * (p.batchB === 1 ? 0 : t);
      // A transposed B is copied row-major once per distinct B.
      if (transposeB && (t === 0 || p.batchB !== 1)) ops.transpose(n, k, bt, panel);
      if (transposeB) bt = panel;
      // op(A)[i, kk] lives at i*sai + kk*sak.
      const sai = transposeA ? 4 : 4 * k;
      const sak = transposeA ? 4 * m : 4;
      const ct = outAt + 4 * m * n * t;
      ops.gemm(m, n, k, MATRIX_WHOLE, at, sai, sak, bt, 4 * n, ct, 4 * n, 0, scratch, biasAt, relu ? 1 : 0);
    }
  } finally {
    wasm._free(scratch);
  }
  return out;
}
