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
 *   `Conv2D`, `FusedConv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter` and `MaxPoolGrad`
 *   (im2col and GEMM); anything a replacement does not handle runs the stock kernel;
 * - adds Adam's update as one op per variable (`TslabDlAdam`, `ops/adam.ts`) and, for models of Flatten,
 *   Reshape, Dense, Dropout and Activation layers (`plan.ts`), one op per batch over a
 *   per-layer plan (`TslabDlPlanStep`; `units/`, `step-op.ts`, `train-function.ts`), with the
 *   batch loop gathering each batch inside that op (`fit-loop.ts`);
 * - updates SGD, Momentum, RMSProp, Adagrad and Adam in place (`optimizers.ts`);
 * - runs SimpleRNN, LSTM and GRU layers over their whole sequence as one op each way
 *   (`recurrent/`).
 * Ops that fix what stock tfjs lacks or gets wrong (`Conv2DBackpropFilter`,
 * `UnsortedSegmentSum`, `MaxPoolGrad` on wasm) are registered with the fast ops on or off.
 * Other backends are left alone. {@link explainFastPath} says which path a model takes.
 * Each op is one file of `ops/` (its kernel name, backend and role, `ops/op-config.ts`), all
 * listed in `ops/registry.ts`; their WebAssembly is AssemblyScript, one file per op in `as/`,
 * loaded by `as-ops.ts`.
 *
 * All of this relies on tfjs internals, reached through `internals.ts` only, and only with
 * the tfjs versions it was written for (4.22.x); other versions run stock tfjs with one warning.
 */
import * as tf from "@tensorflow/tfjs";
import { adamOpApplyGradients } from "./adam";
import { patchFitLoop } from "./fit-loop";
import { internalsSupported, shareWasmHeap } from "./internals";
import type { OpConfig } from "./ops/op-config";
import { OP_CONFIGS } from "./ops/registry";
import { patchOptimizers, setFallback } from "./optimizers";
import { patchRecurrentLayers } from "./recurrent/fused-call";
import { secondCoreAllowed } from "./second-core";
import { patchTrainFunction } from "./train-function";

export { explainFastPath } from "./explain";

/** The kernels we replaced, as they were, to put back; keyed by `backend/kernel`. */
const replaced = new Map<string, tf.KernelConfig>();
const added = new Set<string>();
let enabled = true;

const keyOf = (config: OpConfig): string => `${config.backendName}/${config.kernelName}`;
const backendLoaded = (backendName: string): boolean => tf.getKernelsForBackend(backendName).length > 0;

/**
 * Register tslab-dl's fast ops (`ops/registry.ts`) on every backend they are for that is loaded
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
  for (const config of OP_CONFIGS) {
    const key = keyOf(config);
    if (config.role === "correct" || !backendLoaded(config.backendName)) continue;
    const previous = tf.getKernel(config.kernelName, config.backendName);
    if (config.role === "replace") {
      if (replaced.has(key) || !previous) continue;
      tf.unregisterKernel(config.kernelName, config.backendName);
      tf.registerKernel({ ...previous, kernelFunc: config.wrap(previous.kernelFunc) });
      replaced.set(key, previous);
    } else {
      if (added.has(key) || previous) continue;
      tf.registerKernel({
        kernelName: config.kernelName,
        backendName: config.backendName,
        kernelFunc: config.kernelFunc,
      });
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
  for (const config of OP_CONFIGS) {
    const key = keyOf(config);
    if (config.role !== "correct" || correctnessInstalled.has(key) || !backendLoaded(config.backendName)) continue;
    const stock = tf.getKernel(config.kernelName, config.backendName);
    if (stock) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel({
      ...stock,
      kernelName: config.kernelName,
      backendName: config.backendName,
      kernelFunc: config.kernelFunc,
    });
    correctnessInstalled.add(key);
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
 * Before the WebAssembly backend starts (`init` calls it): where a second core may compute
 * (second-core.ts), make the backend's heap a shared memory, so the worker computes on it
 * without copies (internals.ts, `shareWasmHeap`). True when the heap will be shared; false
 * where the fast ops are off, one core is allowed, or tfjs cannot be given the shared binary.
 *
 * @example
 * require("@tensorflow/tfjs-backend-wasm");
 * prepareWasmHeap();
 * await tf.setBackend("wasm");
 */
export function prepareWasmHeap(): boolean {
  return enabled && secondCoreAllowed() && shareWasmHeap();
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
