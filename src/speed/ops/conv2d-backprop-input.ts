/**
 * `Conv2DBackpropInput` on tfjs's WebAssembly backend as one matrix product and a scatter:
 * dx = col2im(dy · Wᵀ), in AssemblyScript, leaving out dy's zeros. The stock kernel is a direct loop, about as slow
 * as a convolution without any blocking.
 */
import * as tf from "@tensorflow/tfjs";
import { asOpsFor, GEMM_SKIP_SCRATCH_BYTES } from "../as-ops";
import { type BackendWasmLike, offset } from "../internals";
import { conv2DInfo } from "./conv2d-backprop-filter";
import { type ConvAttrs, GEOMETRY_BYTES, withScratch, writeConvGeometry } from "./conv-geometry";
import type { OpConfig } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Attributes tfjs passes to `Conv2DBackpropInput`. */
interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

/** Build the replacement for `Conv2DBackpropInput`; `stock` runs NCHW and other dtypes. */
function conv2DBackpropInputFast(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as unknown as BackendWasmLike;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as Attrs;
    const ops = asOpsFor(backend);
    if (!ops || attrs.dataFormat === "NCHW" || dy.dtype !== "float32" || filter.dtype !== "float32") {
      return stock(args);
    }
    const info = conv2DInfo(attrs.inputShape, filter.shape, attrs);
    const out = backend.makeOutput([...attrs.inputShape], "float32");
    const pixels = info.batchSize * info.outHeight * info.outWidth;
    const patch = info.filterHeight * info.filterWidth * info.inChannels;
    const co = info.outChannels;
    const wasm = backend.wasm;
    withScratch(
      wasm,
      [GEOMETRY_BYTES, 4 * patch * co, 4 * pixels * patch, GEMM_SKIP_SCRATCH_BYTES],
      ([geometry, filterT, col, scratch]) => {
        writeConvGeometry(wasm, geometry, info);
        ops.transpose(patch, co, offset(backend, filter), filterT);
        // dy is mostly zeros (max pooling's gradient reaches one input in four, relu's zeroes more):
        // leave out its zero terms, which is exact for a finite filter.
        const dyAt = offset(backend, dy);
        if (ops.allFinite(patch * co, filterT) === 1) {
          ops.gemmSkipZeros(pixels, patch, co, dyAt, 4 * co, 4, filterT, 4 * patch, col, 4 * patch, scratch);
        } else ops.gemm(pixels, patch, co, dyAt, 4 * co, 4, filterT, 4 * patch, col, 4 * patch, 0, scratch);
        ops.col2im(geometry, col, offset(backend, out));
      },
    );
    return out;
  };
}

export const conv2DBackpropInputConfig: OpConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  role: "replace",
  wrap: conv2DBackpropInputFast,
};
