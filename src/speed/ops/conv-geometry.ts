/** The attributes tfjs passes to a convolution, and its geometry laid out for the AssemblyScript ops (src/speed/as/conv-geometry.ts). */
import type * as tf from "@tensorflow/tfjs";
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

/** Write `info` as the 16 int32 of a geometry block at byte address `at` of the heap. */
export function writeConvGeometry(
  wasm: Pick<WasmModule, "HEAP32">,
  at: number,
  info: tf.backend_util.Conv2DInfo,
): void {
  wasm.HEAP32.set(
    [
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.outChannels,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.dilationHeight,
      info.dilationWidth,
      info.padInfo.top,
      info.padInfo.left,
      0,
    ],
    at >> 2,
  );
}

/** Write pooling geometry `info` as the 12 int32 of a pool geometry block (src/speed/as/pool-geometry.ts) at `at`. */
export function writePoolGeometry(
  wasm: Pick<WasmModule, "HEAP32">,
  at: number,
  info: tf.backend_util.Conv2DInfo,
): void {
  wasm.HEAP32.set(
    [
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.effectiveFilterHeight,
      info.effectiveFilterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    ],
    at >> 2,
  );
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
