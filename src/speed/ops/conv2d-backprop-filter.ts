/**
 * `Conv2DBackpropFilter` for tfjs's WebAssembly backend, which has none in 4.22 (so `fit`
 * on any model with a Conv2D layer threw). The filter gradient of a 2-D convolution:
 * dW[kh, kw, ci, co] = Σ over (b, oh, ow) of x[b, oh·sh + kh·dh − top, ow·sw + kw·dw − left, ci] · dy[b, oh, ow, co].
 *
 * Two versions: {@link conv2DBackpropFilterWasm}, plain loops, always registered (the kernel
 * stock tfjs lacks); and {@link conv2DBackpropFilterFast}, with the fast ops, as one matrix
 * product dW = im2col(x)ᵀ · dy in AssemblyScript, its patches packed straight from x.
 */
import * as tf from "@tensorflow/tfjs";
import { asOpsFor, type AsOps, type GemmA, MATRIX, PATCH_COLUMNS } from "../as-ops";
import { type BackendWasmLike, offset, type WasmModule } from "../internals";
import {
  type ConvAttrs,
  convScratch,
  gradientSums,
  isNarrow,
  productSize,
  SPARSE_MAX_PERMILLE,
  withScratch,
  writeConvGeometry,
} from "./conv-geometry";
import { correctOnWasm, replaceOnWasm } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Attributes tfjs passes to `Conv2DBackpropFilter` (see tfjs-core's `conv2DBackpropFilter`). */
interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

/** {@link Attrs} resolved into tfjs's convolution geometry. */
export function conv2DInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Omit<Attrs, "filterShape">,
  dilations: number | [number, number] = 1,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

function unsupported(attrs: Attrs, x: tf.TensorInfo, dy: tf.TensorInfo): boolean {
  return attrs.dataFormat === "NCHW" || x.dtype !== "float32" || dy.dtype !== "float32";
}

/** The kernel function registered as `Conv2DBackpropFilter` on `wasm` (NHWC float32). */
const conv2DBackpropFilterWasm: tf.KernelFunc = (args: OpArgs) => {
  const backend = args.backend as unknown as BackendWasmLike;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  if (unsupported(attrs, x, dy)) {
    throw new Error(
      `Conv2DBackpropFilter on wasm: tslab-dl's op takes NHWC float32 tensors, got ${attrs.dataFormat} ` +
        `${x.dtype}/${dy.dtype}; use the cpu backend or channelsLast`,
    );
  }
  const info = conv2DInfo(x.shape, attrs.filterShape, attrs);
  const out = backend.makeOutput([...attrs.filterShape], "float32");
  const heap = backend.wasm.HEAPF32;
  const o = offset(backend, out) >> 2;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  heap.fill(0, o, o + filterHeight * filterWidth * inChannels * outChannels);
  const xo = offset(backend, x) >> 2;
  const dyo = offset(backend, dy) >> 2;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyAt = dyo + ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xAt = xo + ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wAt = o + (kh * filterWidth + kw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const xv = heap[xAt + ci];
              const row = wAt + ci * outChannels;
              for (let co = 0; co < outChannels; co++) heap[row + co] += xv * heap[dyAt + co];
            }
          }
        }
      }
    }
  }
  return out;
};

/** Whether the filter gradient can be summed from dy's nonzeros (as/filter-gradient-sparse.ts's shapes; `count` columns). */
function sparseApplies(info: tf.backend_util.Conv2DInfo, count = info.outChannels): boolean {
  return info.inChannels % 4 === 0 && count % 4 === 0 && info.filterHeight * info.filterWidth <= 32;
}

/**
 * The bytes as/filter-gradient-sparse.ts takes for all of dW's columns: one K block's lists (a
 * block is at most 256 pixels, gemm.ts's KC), their lengths, the pixel table, dWᵀ, a row of zeros.
 */
function sparseFilterBytes(info: tf.backend_util.Conv2DInfo): number {
  if (!sparseApplies(info)) return 0;
  const { pixels, patch, co } = productSize(info);
  return 8 * Math.min(pixels, 256) * co + 4 * co + 8 * pixels + 4 * co * patch + 128;
}

/**
 * The scratch {@link filterGradientAt} needs, in bytes: {@link convScratch}'s blocks (the
 * dense product's), then those of the sum from dy's nonzeros.
 */
export function filterGradientScratch(info: tf.backend_util.Conv2DInfo): number[] {
  return [...convScratch(info), sparseFilterBytes(info)];
}

/**
 * dW = im2col(x)ᵀ · dy at byte addresses of the heap, `scratch` as {@link filterGradientScratch}
 * says: the registered `Conv2DBackpropFilter` and the plan's Conv2D unit both run it. `columns`
 * `[from, count]` computes only those filters' columns of dW (each column's sums are the same
 * either way: the second core takes part of them). Where dy is mostly zeros (at most
 * `maxPermille`/1000 nonzero, after max pooling's and relu's gradients) and x is finite, the
 * sums are formed from dy's nonzeros alone, the same numbers; otherwise by the dense product.
 */
export function filterGradientAt(
  ops: AsOps,
  heap: Pick<WasmModule, "HEAP32">,
  info: tf.backend_util.Conv2DInfo,
  scratch: number[],
  x: number,
  dy: number,
  dW: number,
  columns: [from: number, count: number] = [0, info.outChannels],
  maxPermille = SPARSE_MAX_PERMILLE,
): void {
  const { pixels, patch, co } = productSize(info);
  const [geometry, gemmScratch, col, sparse] = scratch;
  const [from, count] = columns;
  writeConvGeometry(heap, geometry, info);
  // Leaving out dy's zero terms is exact where x is finite (0 · ∞ would be NaN).
  const xFloats = info.batchSize * info.inHeight * info.inWidth * info.inChannels;
  if (sparseApplies(info, count) && ops.allFinite(xFloats, x) === 1) {
    if (ops.filterGradientSparse(geometry, x, dy, from, count, dW, sparse, maxPermille) === 1) {
      gradientSums.filter.sparse++;
      return;
    }
  }
  gradientSums.filter.dense++;
  // A = im2col(x)ᵀ: for a first layer's few channels im2col(x) written out once (it copies them
  // faster than the packing gathers them) and read through strides, else packed from x. The
  // same values in the same order: the same sums.
  const narrow = isNarrow(info);
  if (narrow) ops.im2col(geometry, x, col);
  const a: GemmA = narrow ? [MATRIX, col, 4, 4 * patch] : [PATCH_COLUMNS, x, geometry, 0];
  ops.gemm(patch, count, pixels, ...a, dy + 4 * from, 4 * co, dW + 4 * from, 4 * co, 0, gemmScratch, 0, 0);
}

/** Build the fast `Conv2DBackpropFilter`: dW = im2col(x)ᵀ · dy; anything else runs `reference`. */
function conv2DBackpropFilterFast(reference: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as unknown as BackendWasmLike;
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as Attrs;
    const ops = asOpsFor(backend);
    if (!ops || unsupported(attrs, x, dy)) return reference(args);
    const info = conv2DInfo(x.shape, attrs.filterShape, attrs);
    const out = backend.makeOutput([...attrs.filterShape], "float32");
    withScratch(backend.wasm, filterGradientScratch(info), (scratch) =>
      filterGradientAt(ops, backend.wasm, info, scratch, offset(backend, x), offset(backend, dy), offset(backend, out)),
    );
    return out;
  };
}

/** Stock wasm has none: without it no conv net trains. */
export const conv2DBackpropFilterConfig = correctOnWasm("Conv2DBackpropFilter", conv2DBackpropFilterWasm);
export const conv2DBackpropFilterFastConfig = replaceOnWasm("Conv2DBackpropFilter", conv2DBackpropFilterFast);
