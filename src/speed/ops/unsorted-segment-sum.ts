/**
 * `UnsortedSegmentSum` for tfjs's WebAssembly backend, which 4.22 does not register (upstream
 * tfjs #8082). It is the gradient of `gather`, so without it no model with an `Embedding` layer
 * trains on wasm: `fit` throws "Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'"
 * at its first batch.
 *
 * `out[s] = Σ x[i]` over the rows i with `segmentIds[i] = s`, for `x` of shape [n, …] and
 * `segmentIds` of shape [n] (how `gather`'s gradient calls it): a scatter-add into the rows that
 * occur, the rest zero. Ids outside [0, numSegments) add nothing, as TensorFlow drops negative ids.
 * It runs on the backend's heap where the tensors already are: float32 rows whose ids are all
 * in range through the AssemblyScript scatter-add the planned Embedding unit uses
 * (as/scatter-add-rows.ts), anything else through the plain loop below, both adding each row
 * in order in float32.
 */
import type * as tf from "@tensorflow/tfjs";
import { asOpsFor } from "../as-ops";
import { type BackendWasmLike, offset } from "../internals";
import { elementCount } from "../../util/shape";
import { correctOnWasm } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** The kernel function registered as `UnsortedSegmentSum` on `wasm` (float32 or int32 `x`, int32 ids). */
const unsortedSegmentSumWasm: tf.KernelFunc = (args: OpArgs) => {
  const backend = args.backend as unknown as BackendWasmLike;
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as { numSegments: number };
  const n = x.shape[0] ?? 1;
  const rowShape = x.shape.slice(1);
  const width = elementCount(rowShape);
  if (segmentIds.dtype !== "int32" || elementCount(segmentIds.shape) !== n)
    throw new Error(
      `UnsortedSegmentSum on wasm: expected int32 segmentIds of ${n} elements (one per row of x, shape [${x.shape.join(", ")}]), found ${segmentIds.dtype} of shape [${segmentIds.shape.join(", ")}]`,
    );
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const heap = x.dtype === "int32" ? backend.wasm.HEAP32 : backend.wasm.HEAPF32;
  const o = offset(backend, out) >> 2;
  const xo = offset(backend, x) >> 2;
  const ids = offset(backend, segmentIds) >> 2;
  heap.fill(0, o, o + numSegments * width);
  const ops = x.dtype === "float32" ? asOpsFor(backend) : null;
  if (ops && idsInRange(backend.wasm.HEAP32, ids, n, numSegments)) {
    // The same adds in the same order, four lanes at a time (as/scatter-add-rows.ts, also the planned Embedding's).
    ops.scatterAddRows(n, width, 4 * xo, 4 * ids, 4 * o);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const s = backend.wasm.HEAP32[ids + i];
    if (s < 0 || s >= numSegments) continue;
    const to = o + s * width;
    const from = xo + i * width;
    for (let j = 0; j < width; j++) heap[to + j] += heap[from + j];
  }
  return out;
};

/** Whether the n int32 ids at `at` all lie in [0, segments). */
function idsInRange(heap: Int32Array, at: number, n: number, segments: number): boolean {
  for (let i = 0; i < n; i++) {
    const s = heap[at + i];
    if (s < 0 || s >= segments) return false;
  }
  return true;
}

export const unsortedSegmentSumConfig = correctOnWasm("UnsortedSegmentSum", unsortedSegmentSumWasm);
