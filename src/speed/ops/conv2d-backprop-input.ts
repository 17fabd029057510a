/**
 * `Conv2DBackpropInput` on tfjs's WebAssembly backend as one matrix product and a scatter:
 * dx = col2im(dy · Wᵀ), in AssemblyScript, leaving out dy's zeros. The stock kernel is a direct loop, about as slow
 * as a convolution without any blocking.
 */
import * as tf from "@tensorflow/tfjs";
import { asOpsFor, type AsOps, GEMM_SKIP_SCRATCH_BYTES, MATRIX, MATRIX_SKIP } from "../as-ops";
import { type BackendWasmLike, offset, type WasmModule } from "../internals";
import { conv2DInfo } from "./conv2d-backprop-filter";
import {
  type ConvAttrs,
  GEOMETRY_BYTES,
  gradientSums,
  productSize,
  SPARSE_MAX_PERMILLE,
  withScratch,
  writeConvGeometry,
} from "./conv-geometry";
import { replaceOnWasm } from "./op-config";

type OpArgs = Parameters<tf.KernelFunc>[0];

/** Attributes tfjs passes to `Conv2DBackpropInput`. */
interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

/**
 * The scratch {@link inputGradientAt} needs, in bytes: the geometry block, Wᵀ, dy · Wᵀ, the
 * product's, and dy's nonzeros listed (as/input-gradient-sparse.ts).
 */
export function inputGradientScratch(info: tf.backend_util.Conv2DInfo): number[] {
  const { pixels, patch, co } = productSize(info);
  return [
    GEOMETRY_BYTES,
    4 * patch * co,
    4 * pixels * patch,
    GEMM_SKIP_SCRATCH_BYTES,
    8 * pixels * co + 4 * (pixels + 1),
  ];
}

/**
 * dx = col2im(dy · Wᵀ) at byte addresses of the heap, `scratch` as {@link inputGradientScratch}
 * says: the registered `Conv2DBackpropInput` and the plan's Conv2D unit both run it. Where dy is
 * mostly zeros (at most `maxPermille`/1000 nonzero) the sums are formed from its nonzeros alone
 * (as/input-gradient-sparse.ts, stride 1), else by the product leaving out zero bands.
 */
export function inputGradientAt(
  ops: AsOps,
  heap: Pick<WasmModule, "HEAP32">,
  info: tf.backend_util.Conv2DInfo,
  scratch: number[],
  dy: number,
  filter: number,
  dx: number,
  maxPermille = SPARSE_MAX_PERMILLE,
): void {
  const { pixels, patch, co } = productSize(info);
  const [geometry, filterT, col, gemmScratch, sparse] = scratch;
  writeConvGeometry(heap, geometry, info);
  ops.transpose(patch, co, filter, filterT);
  // dy is mostly zeros (max pooling's gradient reaches one input in four, relu's zeroes more):
  // leave out its zero terms, which is exact for a finite filter.
  if (ops.allFinite(patch * co, filterT) === 1) {
    if (ops.inputGradientSparse(geometry, dy, filterT, dx, sparse, maxPermille) === 1) {
      gradientSums.input.sparse++;
      return;
    }
    ops.gemm(pixels, patch, co, MATRIX_SKIP, dy, 4 * co, 4, filterT, 4 * patch, col, 4 * patch, 0, gemmScratch, 0, 0);
  } else ops.gemm(pixels, patch, co, MATRIX, dy, 4 * co, 4, filterT, 4 * patch, col, 4 * patch, 0, gemmScratch, 0, 0);
  gradientSums.input.dense++;
  ops.col2im(geometry, col, dx);
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
    withScratch(backend.wasm, inputGradientScratch(info), (scratch) =>
      inputGradientAt(
        ops,
        backend.wasm,
        info,
        scratch,
        offset(backend, dy),
        offset(backend, filter),
        offset(backend, out),
      ),
    );
    return out;
  };
}

export const conv2DBackpropInputConfig = replaceOnWasm("Conv2DBackpropInput", conv2DBackpropInputFast);
