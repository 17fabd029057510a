/**
 * Ops for tfjs's WebAssembly backend that replace its slowest kernels: matrix products (its
 * generic loop is 5–15x slower than a register-tiled SIMD one, worst with a transposed
 * operand, as in every weight gradient), row gathers (a generic index computation per
 * element, run on every batch `model.fit` slices), `Identity`, float32 element-wise
 * arithmetic, `Sum` and `Slice`, and a one-pass Adam update. They run on the backend's own
 * memory: no copies in or out. The convolution and pooling ops are in `ops/`.
 */
import { elementCount } from "../util/shape";
import * as tf from "@tensorflow/tfjs";
import { asOpsFor } from "./as-ops";
import { offset, wasmMemory, type BackendWasmLike, type WasmModule } from "./internals";
import { instantiateOps, type BinaryName, type WasmOps } from "./wasm-ops";

type OpArgs = Parameters<tf.KernelFunc>[0];

const opsByModule = new WeakMap<WasmModule, WasmOps | null>();

/** Our ops instantiated on this backend's memory, or null where that memory cannot be imported (threaded build). */
export function opsFor(backend: BackendWasmLike): WasmOps | null {
  const wasm = backend.wasm;
  let ops = opsByModule.get(wasm);
  if (ops === undefined) {
    const memory = wasmMemory(backend);
    try {
      ops = memory ? instantiateOps(memory) : null;
    } catch {
      ops = null;
    }
    opsByModule.set(wasm, ops);
  }
  return ops;
}

/** Matrix dimensions and batch layout of a (possibly batched, possibly transposed) product, or null to fall back. */
interface GemmPlan {
  m: number;
  n: number;
  k: number;
  batchA: number;
  batchB: number;
  outShape: number[];
}

function plan(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): GemmPlan | null {
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
function runGemm(
  backend: BackendWasmLike,
  ops: WasmOps,
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
  const outAt = offset(backend, out);
  if (k === 0) {
    const heap = wasm.HEAPF32;
    const biasAt = bias ? offset(backend, bias) >> 2 : 0;
    for (let t = 0; t < batch * m; t++) {
      for (let j = 0; j < n; j++) {
        const v = bias ? heap[biasAt + j] : 0;
        heap[(outAt >> 2) + t * n + j] = relu ? Math.max(v, 0) : v;
      }
    }
    return out;
  }
  const scratchBytes = 4 * m * k + (transposeB ? 4 * k * n : 0);
  const scratch = wasm._malloc(scratchBytes);
  try {
    const aAt = offset(backend, a);
    const bAt = offset(backend, b);
    const biasAt = bias ? offset(backend, bias) : 0;
    const panel = scratch + 4 * m * k;
    for (let t = 0; t < batch; t++) {
      const at = aAt + 4 * m * k * (p.batchA === 1 ? 0 : t);
      let bt = bAt + 4 * k * n * (p.batchB === 1 ? 0 : t);
      if (transposeB && (t === 0 || p.batchB !== 1)) {
        const asKernels = asOpsFor(backend);
        if (asKernels) asKernels.transpose(n, k, bt, panel);
        else {
          const heap = wasm.HEAPF32;
          const src = bt >> 2;
          const dst = panel >> 2;
          for (let row = 0; row < n; row++) {
            for (let col = 0; col < k; col++) heap[dst + col * n + row] = heap[src + row * k + col];
          }
        }
      }
      if (transposeB) bt = panel;
      // op(A)[i, kk] lives at i*sai + kk*sak.
      const sai = transposeA ? 4 : 4 * k;
      const sak = transposeA ? 4 * m : 4;
      const ct = outAt + 4 * m * n * t;
      if (bias) (relu ? ops.gemmBiasRelu : ops.gemmBias)(m, n, k, at, sai, sak, bt, 4 * n, ct, 4 * n, scratch, biasAt);
      else (relu ? ops.gemmRelu : ops.gemm)(m, n, k, at, sai, sak, bt, 4 * n, ct, 4 * n, scratch);
    }
  } finally {
    wasm._free(scratch);
  }
  return out;
}

/** Build the replacement for `BatchMatMul`; `stock` runs what we do not handle. */
export function batchMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const ops = opsFor(backend);
    const p = ops && plan(a, b, transposeA, transposeB);
    if (!ops || !p) return stock(args);
    return runGemm(backend, ops, a, b, p, transposeA, transposeB, null, false);
  };
}

/** Build the replacement for `_FusedMatMul` (bias of n values, linear or relu activation). */
export function fusedMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
    };
    const ops = opsFor(backend);
    const p = ops && a && b && plan(a, b, transposeA, transposeB);
    const act = activation ?? "linear";
    const biasOk = !bias || (bias.dtype === "float32" && bias.shape.length === 1 && bias.shape[0] === p?.n); // as the stock kernel
    if (!ops || !p || !a || !b || !biasOk || preluActivationWeights || (act !== "linear" && act !== "relu")) {
      return stock(args);
    }
    return runGemm(backend, ops, a, b, p, transposeA, transposeB, bias ?? null, act === "relu");
  };
}

/** Build the replacement for `GatherV2`: rows along axis 0 are copied whole. */
export function gatherV2(stock: tf.KernelFunc): tf.KernelFunc {
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

/**
 * Build the replacement for `Slice`: a contiguous slice (e.g. rows along the first axis, as
 * `model.fit` takes batches of its index array) is one copy of just those bytes; the stock
 * kernel first copies the whole input out of the heap, on every call.
 */
export function slice(stock: tf.KernelFunc): tf.KernelFunc {
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

/** The float32 kernels replaced by {@link binary}, and the operation each runs. */
export const BINARY_OPS = {
  Add: "add",
  Sub: "sub",
  Multiply: "mul",
  RealDiv: "div",
} as const satisfies Record<string, BinaryName>;

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
export function binary(op: BinaryName): (stock: tf.KernelFunc) => tf.KernelFunc {
  return (stock) => (args: OpArgs) => {
    const backend = args.backend as BackendWasmLike;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const ops = opsFor(backend);
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

/**
 * Build the replacement for float32 `Sum` over leading axes (as in every bias gradient,
 * `[32, 100]` → `[100]`) or trailing axes (a softmax's denominators), computed in
 * JavaScript on the heap. The stock kernel transposes the reduced axes innermost first,
 * then adds each output's inputs in order in float32; this adds the same numbers in the
 * same order, rounding to float32 after each addition, so results are identical.
 */
export function sum(stock: tf.KernelFunc): tf.KernelFunc {
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
      if (asKernels) asKernels.sumRows(reduced, kept, xo << 2, oo << 2);
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

/**
 * Build the replacement for `Identity`: share the input's memory (counting one more
 * reference) instead of copying it. tfjs calls Identity to keep every input and output
 * an op's gradient needs, tens of times per training step; the stock wasm kernel
 * allocates and copies each. Sharing is safe because tensor memory is never written
 * after its kernel returns (`Variable.assign` swaps data, it does not overwrite it),
 * and it is what the cpu backend and wasm's own Reshape do.
 */
export function identity(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return stock(args);
    (args.backend as BackendWasmLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Name of the one-pass Adam op; see {@link ./adam}. */
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
export const adamWasm: tf.KernelFunc = (args: OpArgs) => {
  const backend = args.backend as BackendWasmLike;
  const inputs = args.inputs as unknown as AdamInputs;
  const attrs = args.attrs as unknown as AdamAttrs;
  const ops = opsFor(backend);
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
