/**
 * `Conv2D` and `FusedConv2D` (bias, relu or linear) on tfjs's WebAssembly backend as
 * one blocked matrix product in AssemblyScript, y = im2col(x) · W (+ bias, relu), its patches packed
 * straight from x.
 * The stock kernels run XNNPACK, which packs the filter again whenever it is a new tensor,
 * as it is after every optimizer step, and has no fused multiply-add in WebAssembly.
 */
import * as tf from "@tensorflow/tfjs";
import { asOpsFor, type AsOps, type GemmA, MATRIX, PATCH_ROWS } from "../as-ops";
import { type BackendWasmLike, offset, type WasmModule } from "../internals";
import { conv2DInfo } from "./conv2d-backprop-filter";
import {
  type ConvAttrs,
  convScratch,
  isDirect,
  isNarrow,
  productSize,
  withScratch,
  writeConvGeometry,
} from "./conv-geometry";
import { replaceOnWasm } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

interface Attrs extends ConvAttrs {
  dilations: number | [number, number];
  activation?: string;
}

/**
 * y = conv(x, filter) (+ bias) (relu) at byte addresses of the heap (`bias` 0: none), with
 * `scratch` laid out as {@link convScratch} says: the registered `Conv2D` and `FusedConv2D`
 * and the plan's Conv2D unit (units/conv2d.ts) all convolve here.
 */
export function convolveAt(
  ops: AsOps,
  heap: Pick<WasmModule, "HEAP32">,
  info: tf.backend_util.Conv2DInfo,
  scratch: number[],
  x: number,
  filter: number,
  bias: number,
  relu: boolean,
  y: number,
): void {
  const { pixels, patch, co } = productSize(info);
  if (pixels * co === 0) return;
  const [geometry, gemmScratch, col] = scratch;
  writeConvGeometry(heap, geometry, info);
  const narrow = isNarrow(info);
  if (narrow) ops.im2col(geometry, x, col);
  // A, the patch matrix: x itself (1×1), im2col(x) written out (few channels), or packed from x.
  const a: GemmA = isDirect(info)
    ? [MATRIX, x, 4 * patch, 4]
    : narrow
      ? [MATRIX, col, 4 * patch, 4]
      : [PATCH_ROWS, x, geometry, 0];
  // The product's last K block adds the bias and applies relu as it stores y.
  ops.gemm(pixels, co, patch, ...a, filter, 4 * co, y, 4 * co, 0, gemmScratch, bias, relu ? 1 : 0);
}

/** y = conv(x, filter) (+ bias) (relu) into a new tensor. */
function convolve(
  backend: BackendWasmLike,
  ops: AsOps,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  relu: boolean,
  attrs: Attrs,
): tf.TensorInfo {
  const info = conv2DInfo(x.shape, filter.shape, attrs, attrs.dilations);
  const out = backend.makeOutput([...info.outShape], "float32");
  withScratch(backend.wasm, convScratch(info), (scratch) => {
    const biasAt = bias ? offset(backend, bias) : 0;
    convolveAt(
      ops,
      backend.wasm,
      info,
      scratch,
      offset(backend, x),
      offset(backend, filter),
      biasAt,
      relu,
      offset(backend, out),
    );
  });
  return out;
}

function plain(attrs: Attrs, ...tensors: (tf.TensorInfo | undefined)[]): boolean {
  return attrs.dataFormat !== "NCHW" && tensors.every((t) => !t || t.dtype === "float32");
}

/** Build the replacement for `Conv2D` (NHWC float32; anything else runs `stock`). */
function conv2DFast(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as unknown as BackendWasmLike;
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as Attrs;
    const ops = asOpsFor(backend);
    if (!ops || !plain(attrs, x, filter)) return stock(args);
    return convolve(backend, ops, x, filter, undefined, false, attrs);
  };
}

/** Build the replacement for `FusedConv2D` with a per-channel bias (or none) and a linear or relu activation. */
function fusedConv2DFast(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: OpArgs) => {
    const backend = args.backend as unknown as BackendWasmLike;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as Attrs;
    const ops = asOpsFor(backend);
    const activation = attrs.activation ?? "linear";
    const channels = filter?.shape[3];
    const biasOk = !bias || (bias.shape.length === 1 && bias.shape[0] === channels);
    if (
      !ops ||
      !x ||
      !filter ||
      !plain(attrs, x, filter, bias) ||
      !biasOk ||
      preluActivationWeights ||
      (activation !== "linear" && activation !== "relu")
    ) {
      return stock(args);
    }
    return convolve(backend, ops, x, filter, bias, activation === "relu", attrs);
  };
}

export const conv2DConfig = replaceOnWasm("Conv2D", conv2DFast);
export const fusedConv2DConfig = replaceOnWasm("FusedConv2D", fusedConv2DFast);
