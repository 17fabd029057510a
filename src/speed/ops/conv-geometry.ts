/** The attributes tfjs passes to a convolution, and its geometry laid out for the AssemblyScript ops (src/speed/as/conv-geometry.ts). */
import type * as tf from "@tensorflow/tfjs";
import { GEMM_SCRATCH_BYTES } from "../as-ops";
import type { WasmModule } from "../internals";

/** The attributes tfjs passes to every 2-D convolution kernel (see tfjs-core's `conv2d`). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: "same" | "valid" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Bytes of one geometry block. */
export const GEOMETRY_BYTES = 64;

/**
 * The sizes of a convolution as one matrix product, y = im2col(x) · W: `pixels` rows (output
 * pixels), `patch` = filterHeight·filterWidth·inChannels columns of im2col(x), `co` output channels.
 */
export function productSize(info: tf.backend_util.Conv2DInfo): { pixels: number; patch: number; co: number } {
  return {
    pixels: info.batchSize * info.outHeight * info.outWidth,
    patch: info.filterHeight * info.filterWidth * info.inChannels,
    co: info.outChannels,
  };
}

/** The fields both geometry blocks start with: batch, inHeight, inWidth, (in)channels, outHeight, outWidth. */
function imageFields(info: tf.backend_util.Conv2DInfo): number[] {
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth];
}

/** Whether a convolution reads x itself as its patch matrix: a 1×1 filter at stride 1 without padding. */
export function isDirect(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0
  );
}

/** Images of 1–3 channels (a first layer) pack faster as a whole patch matrix than band by band. */
export function isNarrow(info: tf.backend_util.Conv2DInfo): boolean {
  return !isDirect(info) && info.inChannels < 4;
}

/**
 * The scratch a convolution and its filter's gradient need, in bytes (conv2d.ts's `convolveAt`,
 * conv2d-backprop-filter.ts's `filterGradientAt`): the geometry block, the product's, and for
 * images of 1–3 channels ({@link isNarrow}) the whole patch matrix.
 */
export function convScratch(info: tf.backend_util.Conv2DInfo): number[] {
  const { pixels, patch } = productSize(info);
  return [GEOMETRY_BYTES, GEMM_SCRATCH_BYTES, isNarrow(info) ? 4 * pixels * patch : 0];
}

/**
 * The most of dy, in thousandths, that may be nonzero for a convolution's gradients to be
 * summed from its nonzeros (as/filter-gradient-sparse.ts, as/input-gradient-sparse.ts) rather
 * than by the dense product; above it the dense product is faster. Measured on 8-2's second
 * convolution by bench/sparse-conv.ts: both sparse ops overtake the dense products between 0.45
 * and 0.55 nonzero (2026-12-07, AMD EPYC); a training step's dy there is about 0.19.
 */
export const SPARSE_MAX_PERMILLE = 500;

/**
 * How many of this thread's convolution gradients were summed from dy's nonzeros (`sparse`) and
 * how many by the dense product (`dense`: dy too dense, x or W not finite, or a shape the sparse
 * ops do not take), since the process began: what test/speed/sparse-conv.test.ts checks a
 * training step by.
 */
export const gradientSums = {
  filter: { sparse: 0, dense: 0 },
  input: { sparse: 0, dense: 0 },
};

/** Write `info` as the 16 int32 of a geometry block at byte address `at` of the heap. */
export function writeConvGeometry(
  wasm: Pick<WasmModule, "HEAP32">,
  at: number,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const filter = [
    info.outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
  ];
  wasm.HEAP32.set([...imageFields(info), ...filter, padInfo.top, padInfo.left, 0], at >> 2);
}

/** Write pooling geometry `info` as the 12 int32 of a pool geometry block (src/speed/as/pool-geometry.ts) at `at`. */
export function writePoolGeometry(
  wasm: Pick<WasmModule, "HEAP32">,
  at: number,
  info: tf.backend_util.Conv2DInfo,
): void {
  const window = [info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth];
  wasm.HEAP32.set([...imageFields(info), ...window, info.padInfo.top, info.padInfo.left], at >> 2);
}

/**
 * Run `body` with `bytes` of tfjs's heap per entry of `sizes`, freed afterwards (also on a throw).
 *
 * @example
 * withScratch(backend.wasm, [GEOMETRY_BYTES, 4 * n], ([geometry, col]) => ops.im2col(geometry, x, col));
 */
export function withScratch<T>(wasm: WasmModule, sizes: number[], body: (addresses: number[]) => T): T {
  const addresses: number[] = [];
  try {
    for (const bytes of sizes) addresses.push(wasm._malloc(Math.max(bytes, 16)));
    return body(addresses);
  } finally {
    for (const at of addresses) wasm._free(at);
  }
}
