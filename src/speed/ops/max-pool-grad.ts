/**
 * `MaxPoolGrad` for tfjs's WebAssembly backend. The stock 4.22 kernel routes each gradient to
 * the wrong input when a window's values are all negative (it starts its running maximum
 * near 0 rather than at −∞, so the window's first input wins); max-pooling a layer without
 * relu in front trains wrong. This one picks, like the cpu backend, the first position of
 * each window's maximum in row-major order.
 */
import * as tf from "@tensorflow/tfjs";
import { asOpsFor } from "../as-ops";
import { type BackendWasmLike, offset } from "../internals";
import { GEOMETRY_BYTES, withScratch, writePoolGeometry } from "./conv-geometry";
import { correctOnWasm, replaceOnWasm } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Attributes tfjs passes to `MaxPoolGrad` and `AvgPoolGrad`. */
interface PoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** The pooling geometry of `xShape` under `attrs`. */
function poolInfo(xShape: readonly number[], attrs: PoolGradAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode,
  );
}

/** The kernel function registered as `MaxPoolGrad` on `wasm` (NHWC float32). */
const maxPoolGradWasm: tf.KernelFunc = (args: OpArgs) => {
  const backend = args.backend as unknown as BackendWasmLike;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const info = poolInfo(input.shape, args.attrs as unknown as PoolGradAttrs);
  const out = backend.makeOutput([...input.shape], "float32");
  const heap = backend.wasm.HEAPF32;
  const o = offset(backend, out) >> 2;
  const xo = offset(backend, input) >> 2;
  const dyo = offset(backend, dy) >> 2;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  heap.fill(0, o, o + batchSize * inHeight * inWidth * inChannels);
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * strideHeight - top);
      const h1 = Math.min(inHeight, oh * strideHeight - top + effectiveFilterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = Math.max(0, ow * strideWidth - left);
        const w1 = Math.min(inWidth, ow * strideWidth - left + effectiveFilterWidth);
        const dyAt = dyo + ((b * outHeight + oh) * outWidth + ow) * inChannels;
        for (let c = 0; c < inChannels; c++) {
          let best = -Infinity;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const i = image + (h * inWidth + w) * inChannels + c;
              if (heap[xo + i] > best) {
                best = heap[xo + i];
                at = i;
              }
            }
          }
          if (at >= 0) heap[o + at] += heap[dyAt + c];
        }
      }
    }
  }
  return out;
};

/** Build the fast `MaxPoolGrad` (AssemblyScript, four channels at a time); `reference` runs the rest. */
function maxPoolGradFast(reference: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as unknown as BackendWasmLike;
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const ops = asOpsFor(backend);
    if (!ops || input.dtype !== "float32" || dy.dtype !== "float32") return reference(args);
    const info = poolInfo(input.shape, args.attrs as unknown as PoolGradAttrs);
    const out = backend.makeOutput([...input.shape], "float32");
    const wasm = backend.wasm;
    withScratch(wasm, [GEOMETRY_BYTES], ([geometry]) => {
      writePoolGeometry(wasm, geometry, info);
      ops.maxPoolGrad(geometry, offset(backend, input), offset(backend, dy), offset(backend, out));
    });
    return out;
  };
}

export const maxPoolGradConfig = correctOnWasm("MaxPoolGrad", maxPoolGradWasm);
export const maxPoolGradFastConfig = replaceOnWasm("MaxPoolGrad", maxPoolGradFast);
