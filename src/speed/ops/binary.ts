/**
 * Float32 `Add`, `Sub`, `Multiply` and `RealDiv` on wasm, calling AssemblyScript's loops
 * (as/binary.ts) directly instead of through tfjs-wasm's `ccall`.
 */
import type * as tf from "@tensorflow/tfjs";
import { elementCount } from "../../util/shape";
import { asOpsFor, type BinaryName } from "../as-ops";
import { offset, type BackendWasmLike } from "../internals";
import type { OpConfig } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Whether `small` broadcasts against `shape` by repeating along leading axes only (`[n]` against `[m, n]`). */
function isTrailing(small: readonly number[], shape: readonly number[]): boolean {
  let start = 0;
  while (start < small.length && small[start] === 1) start++;
  const trail = small.slice(start);
  if (trail.length > shape.length) return false;
  const offset = shape.length - trail.length;
  return trail.every((d, i) => d === shape[offset + i]);
}

/**
 * Build a replacement for a float32 binary kernel that calls tslab-dl's SIMD loops
 * directly. For the small tensors of a training step the stock kernels' cost is the call
 * into WebAssembly (shape arrays copied to the wasm stack through `ccall`), not the
 * arithmetic. Same shapes, a scalar on either side and trailing broadcasts (`[m, n]`
 * with `[n]`, one call per row) are handled; anything else runs the stock kernel.
 */
function binary(op: BinaryName): (stock: tf.KernelFunc) => tf.KernelFunc {
  return (stock) => (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const ops = asOpsFor(backend);
    if (!ops || a.dtype !== "float32" || b.dtype !== "float32") return stock(args);
    const na = elementCount(a.shape);
    const nb = elementCount(b.shape);
    const outShape = na >= nb ? a.shape : b.shape;
    const n = elementCount(outShape);
    const aRepeats = na !== n && !(na === 1 || isTrailing(a.shape, outShape));
    const bRepeats = nb !== n && !(nb === 1 || isTrailing(b.shape, outShape));
    if (aRepeats || bRepeats || outShape.length < Math.max(a.shape.length, b.shape.length)) return stock(args);
    if ((na === n && a.shape.length !== outShape.length) || (nb === n && b.shape.length !== outShape.length)) {
      return stock(args);
    }
    const out = backend.makeOutput([...outShape], "float32");
    if (n === 0) return out;
    const ao = offset(backend, a);
    const bo = offset(backend, b);
    const oo = offset(backend, out);
    if (na === n && nb === n) ops[`${op}_vv`](n, ao, bo, oo);
    else if (nb === 1) ops[`${op}_vs`](n, ao, bo, oo);
    else if (na === 1) ops[`${op}_sv`](n, ao, bo, oo);
    else if (na === n) {
      const vv = ops[`${op}_vv`];
      for (let i = 0; i < n; i += nb) vv(nb, ao + 4 * i, bo, oo + 4 * i);
    } else {
      const vv = ops[`${op}_vv`];
      for (let i = 0; i < n; i += na) vv(na, ao, bo + 4 * i, oo + 4 * i);
    }
    return out;
  };
}

/** The float32 kernels replaced by {@link binary}, and the operation each runs. */
const BINARY_KERNELS: [kernelName: string, op: BinaryName][] = [
  ["Add", "add"],
  ["Sub", "sub"],
  ["Multiply", "mul"],
  ["RealDiv", "div"],
];

export const binaryConfigs: OpConfig[] = BINARY_KERNELS.map(([kernelName, op]) => ({
  kernelName,
  backendName: "wasm",
  role: "replace",
  wrap: binary(op),
}));
