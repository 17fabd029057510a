/**
 * Faster TensorFlow.js kernels for training small dense models, registered through
 * tfjs's public kernel registry so that `model.fit` itself gets faster: nothing else in
 * a user's code changes. See `bench/` for the measurements.
 *
 * Replaced on the WebAssembly backend: `BatchMatMul` and `_FusedMatMul` (SIMD GEMM, with
 * relaxed-SIMD fused multiply-add where Node compiles it), `GatherV2` along axis 0 (row
 * copies), `Identity` (shares memory instead of copying), float32 `Add`/`Sub`/`Multiply`/
 * `RealDiv` (SIMD loops called without tfjs-wasm's `ccall`), float32 `Sum` over leading or
 * trailing axes, contiguous `Slice`s (one copy of just the bytes), and Adam's update (one kernel per variable, {@link ADAM_KERNEL}). Anything
 * a replacement does not handle (other dtypes, activations or broadcasts) runs the stock
 * kernel. Other backends are left alone.
 *
 * For models of Flatten, Reshape, Dense, Dropout and Activation layers (see `plan.ts`), each
 * `model.fit` step, each validation and `evaluate` batch and each `predict` batch runs as one
 * kernel over a per-layer plan ({@link STEP_KERNEL}; `units/`, `step-kernel.ts`,
 * `train-function.ts`), the batch loop gathers each batch inside that kernel (`fit-loop.ts`),
 * and SGD, Momentum, RMSProp, Adagrad and Adam update in place (`optimizers.ts`).
 * {@link explainFastPath} says which path a model takes.
 *
 * All of this relies on tfjs internals, reached through `internals.ts` only, and only with
 * the tfjs versions it was written for (4.22.x); other versions run stock tfjs with one warning.
 */
import * as tf from "@tensorflow/tfjs";
import { adamKernelApplyGradients } from "./adam";
import { patchFitLoop } from "./fit-loop";
import { internalsSupported } from "./internals";
import { CORRECTNESS_KERNELS, FAST_CONV_KERNELS } from "./kernels";
import { patchOptimizers, setFallback } from "./optimizers";
import { patchRecurrentLayers } from "./recurrent/fused-call";
import { planStepWasm, STEP_KERNEL } from "./step-kernel";
import { patchTrainFunction } from "./train-function";
import {
  ADAM_KERNEL,
  adamWasm,
  batchMatMul,
  BINARY_OPS,
  binary,
  fusedMatMul,
  gatherV2,
  identity,
  slice,
  sum,
} from "./wasm-backend";

export { explainFastPath } from "./explain";

type Factory = (stock: tf.KernelFunc) => tf.KernelFunc;

/** What replaces what, per backend. A null factory adds a kernel tfjs does not have. */
const REPLACEMENTS: Record<string, Record<string, Factory | tf.KernelFunc>> = {
  wasm: {
    BatchMatMul: batchMatMul as Factory,
    _FusedMatMul: fusedMatMul as Factory,
    GatherV2: gatherV2 as Factory,
    Identity: identity as Factory,
    Slice: slice as Factory,
    Sum: sum as Factory,
    ...Object.fromEntries(Object.entries(BINARY_OPS).map(([name, op]) => [name, binary(op)])),
    ...FAST_CONV_KERNELS,
  },
};
const ADDED: Record<string, Record<string, tf.KernelFunc>> = {
  wasm: { [ADAM_KERNEL]: adamWasm, [STEP_KERNEL]: planStepWasm },
};

/** The stock configs we replaced, to put back; keyed by `backend/kernel`. */
const replaced = new Map<string, tf.KernelConfig>();
const added = new Set<string>();
let enabled = true;

function backendsPresent(): string[] {
  return Object.keys(REPLACEMENTS).filter((name) => tf.getKernelsForBackend(name).length > 0);
}

/**
 * Register tslab-dl's fast kernels on every backend that has replacements and is loaded
 * (today: `wasm`), route optimizers through their in-place updates and plannable models through the per-layer kernel. Idempotent; call it after
 * `require("@tensorflow/tfjs-backend-wasm")` and before or after `tf.setBackend`.
 * Does nothing after {@link useFastKernels}(false).
 *
 * @example
 * require("@tensorflow/tfjs-backend-wasm");
 * await tf.setBackend("wasm");
 * installFastKernels();
 * await model.fit(x, y, { epochs: 1 }); // BatchMatMul, GatherV2, Adam now run tslab-dl's kernels
 */
export function installFastKernels(): void {
  if (!internalsSupported()) return;
  installCorrectnessKernels();
  if (!enabled) return;
  for (const backendName of backendsPresent()) {
    for (const [kernelName, factory] of Object.entries(REPLACEMENTS[backendName])) {
      const key = `${backendName}/${kernelName}`;
      if (replaced.has(key)) continue;
      const stock = tf.getKernel(kernelName, backendName);
      if (!stock) continue;
      tf.unregisterKernel(kernelName, backendName);
      tf.registerKernel({ ...stock, kernelFunc: (factory as Factory)(stock.kernelFunc) });
      replaced.set(key, stock);
    }
    for (const [kernelName, kernelFunc] of Object.entries(ADDED[backendName] ?? {})) {
      const key = `${backendName}/${kernelName}`;
      if (added.has(key) || tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({ kernelName, backendName, kernelFunc });
      added.add(key);
    }
  }
  setFallback(tf.AdamOptimizer, adamKernelApplyGradients);
  patchOptimizers(true);
  patchTrainFunction(true);
  patchFitLoop(true);
  patchRecurrentLayers(true);
}

/**
 * Kernels stock tfjs lacks or gets wrong on a backend (wasm's `Conv2DBackpropFilter`, without
 * which no conv net trains, and `MaxPoolGrad`) are registered whether or not the fast kernels
 * are on, and stay: "stock" means tfjs's kernels wherever they are right.
 */
const correctnessInstalled = new Set<string>();
function installCorrectnessKernels(): void {
  for (const [backendName, kernels] of Object.entries(CORRECTNESS_KERNELS)) {
    if (tf.getKernelsForBackend(backendName).length === 0) continue;
    for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
      const key = `${backendName}/${kernelName}`;
      if (correctnessInstalled.has(key)) continue;
      const stock = tf.getKernel(kernelName, backendName);
      if (stock) tf.unregisterKernel(kernelName, backendName);
      tf.registerKernel({ ...stock, kernelName, backendName, kernelFunc });
      correctnessInstalled.add(key);
    }
  }
}

/** Put back every stock kernel and tfjs's own Adam. */
function uninstallFastKernels(): void {
  for (const [key, stock] of replaced) {
    tf.unregisterKernel(stock.kernelName, stock.backendName);
    tf.registerKernel(stock);
    replaced.delete(key);
  }
  for (const key of added) {
    const [backendName, kernelName] = key.split("/");
    tf.unregisterKernel(kernelName, backendName);
    added.delete(key);
  }
  patchOptimizers(false);
  patchTrainFunction(false);
  patchFitLoop(false);
  patchRecurrentLayers(false);
}

/**
 * Turn tslab-dl's fast kernels off (`false`: tfjs's stock kernels and Adam, e.g. to compare
 * results or to rule them out when debugging) or back on (`true`).
 *
 * @example
 * useFastKernels(false); // stock tfjs from here on
 * useFastKernels(true);  // fast kernels again
 */
export function useFastKernels(on: boolean): void {
  enabled = on;
  if (internalsSupported()) installCorrectnessKernels();
  if (on) installFastKernels();
  else uninstallFastKernels();
}

/**
 * Whether tslab-dl's kernels are installed now, and which, as `backend/kernel` names.
 *
 * @example
 * await init();
 * fastKernelsInstalled(); // ["wasm/Adam…", "wasm/BatchMatMul", …]; [] after useFastKernels(false)
 */
export function fastKernelsInstalled(): string[] {
  return [...replaced.keys(), ...added].sort();
}
