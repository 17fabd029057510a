/**
 * The fast training path: tslab-dl's ops (compute functions: tfjs kernel implementations and
 * the WebAssembly functions they call), registered through tfjs's public kernel registry, and
 * patches on tfjs's training loop, optimizers and recurrent layers, so that `model.fit`,
 * `evaluate` and `predict` themselves get faster: nothing else in a user's code changes. See
 * `bench/` for the measurements. (In this project "kernel" is the Jupyter kernel; tfjs's own
 * names such as `registerKernel` and "stock kernel" keep tfjs's word.)
 *
 * On the WebAssembly backend, {@link installFastOps}:
 * - replaces `BatchMatMul` and `_FusedMatMul` (SIMD GEMM, with relaxed-SIMD fused
 *   multiply-add where Node compiles it), `GatherV2` along axis 0 (row copies), `Identity`
 *   (shares memory), float32 `Add`/`Sub`/`Multiply`/`RealDiv` (SIMD loops called without
 *   tfjs-wasm's `ccall`), float32 `Sum` over leading or trailing axes, contiguous `Slice`s,
 *   `Conv2D`, `FusedConv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter` and `MaxPoolGrad` (im2col and
 *   GEMM in AssemblyScript, `ops/`, `as/`); anything a replacement does not handle runs the
 *   stock kernel;
 * - adds Adam's update as one op per variable ({@link ADAM_OP}) and, for models of Flatten,
 *   Reshape, Dense, Dropout and Activation layers (`plan.ts`), one op per batch over a
 *   per-layer plan ({@link STEP_OP}; `units/`, `step-op.ts`, `train-function.ts`), with the
 *   batch loop gathering each batch inside that op (`fit-loop.ts`);
 * - updates SGD, Momentum, RMSProp, Adagrad and Adam in place (`optimizers.ts`);
 * - runs SimpleRNN, LSTM and GRU layers over their whole sequence as one op each way
 *   (`recurrent/`).
 * Ops that fix what stock tfjs lacks or gets wrong (`Conv2DBackpropFilter`,
 * `UnsortedSegmentSum`, `MaxPoolGrad` on wasm) are registered with the fast ops on or off.
 * Other backends are left alone. {@link explainFastPath} says which path a model takes.
 *
 * All of this relies on tfjs internals, reached through `internals.ts` only, and only with
 * the tfjs versions it was written for (4.22.x); other versions run stock tfjs with one warning.
 */
import * as tf from "@tensorflow/tfjs";
import { adamOpApplyGradients } from "./adam";
import { patchFitLoop } from "./fit-loop";
import { internalsSupported } from "./internals";
import { CORRECTNESS_OPS, FAST_CONV_OPS } from "./ops";
import { patchOptimizers, setFallback } from "./optimizers";
import { patchRecurrentLayers } from "./recurrent/fused-call";
import { planStepWasm, STEP_OP } from "./step-op";
import { patchTrainFunction } from "./train-function";
import {
  ADAM_OP,
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

/** What replaces what, per backend. A null factory adds an op tfjs has no kernel for. */
const REPLACEMENTS: Record<string, Record<string, Factory | tf.KernelFunc>> = {
  wasm: {
    BatchMatMul: batchMatMul as Factory,
    _FusedMatMul: fusedMatMul as Factory,
    GatherV2: gatherV2 as Factory,
    Identity: identity as Factory,
    Slice: slice as Factory,
    Sum: sum as Factory,
    ...Object.fromEntries(Object.entries(BINARY_OPS).map(([name, op]) => [name, binary(op)])),
    ...FAST_CONV_OPS,
  },
};
const ADDED: Record<string, Record<string, tf.KernelFunc>> = {
  wasm: { [ADAM_OP]: adamWasm, [STEP_OP]: planStepWasm },
};

/** The stock configs we replaced, to put back; keyed by `backend/kernel`. */
const replaced = new Map<string, tf.KernelConfig>();
const added = new Set<string>();
let enabled = true;

function backendsPresent(): string[] {
  return Object.keys(REPLACEMENTS).filter((name) => tf.getKernelsForBackend(name).length > 0);
}

/**
 * Register tslab-dl's fast ops on every backend that has replacements and is loaded
 * (today: `wasm`), route optimizers through their in-place updates and plannable models through the per-layer step op. Idempotent; call it after
 * `require("@tensorflow/tfjs-backend-wasm")` and before or after `tf.setBackend`.
 * Does nothing after {@link useFastOps}(false).
 *
 * @example
 * require("@tensorflow/tfjs-backend-wasm");
 * await tf.setBackend("wasm");
 * installFastOps();
 * await model.fit(x, y, { epochs: 1 }); // BatchMatMul, GatherV2, Adam now run tslab-dl's ops
 */
export function installFastOps(): void {
  if (!internalsSupported()) return;
  installCorrectnessOps();
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
  setFallback(tf.AdamOptimizer, adamOpApplyGradients);
  patchOptimizers(true);
  patchTrainFunction(true);
  patchFitLoop(true);
  patchRecurrentLayers(true);
}

/**
 * Kernels stock tfjs lacks or gets wrong on a backend (wasm's `Conv2DBackpropFilter`, without
 * which no conv net trains, and `MaxPoolGrad`) are registered whether or not the fast ops
 * are on, and stay: "stock" means tfjs's kernels wherever they are right.
 */
const correctnessInstalled = new Set<string>();
function installCorrectnessOps(): void {
  for (const [backendName, ops] of Object.entries(CORRECTNESS_OPS)) {
    if (tf.getKernelsForBackend(backendName).length === 0) continue;
    for (const [kernelName, kernelFunc] of Object.entries(ops)) {
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
function uninstallFastOps(): void {
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
 * Turn tslab-dl's fast ops off (`false`: tfjs's stock kernels and Adam, e.g. to compare
 * results or to rule them out when debugging) or back on (`true`).
 *
 * @example
 * useFastOps(false); // stock tfjs from here on
 * useFastOps(true);  // fast ops again
 */
export function useFastOps(on: boolean): void {
  enabled = on;
  if (internalsSupported()) installCorrectnessOps();
  if (on) installFastOps();
  else uninstallFastOps();
}

/**
 * Whether tslab-dl's ops are installed now, and which, as `backend/kernel` names.
 *
 * @example
 * await init();
 * fastOpsInstalled(); // ["wasm/Adam…", "wasm/BatchMatMul", …]; [] after useFastOps(false)
 */
export function fastOpsInstalled(): string[] {
  return [...replaced.keys(), ...added].sort();
}
