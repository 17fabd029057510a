/**
 * How each of tslab-dl's ops is registered in tfjs's kernel registry, as tfjs-backend-wasm's
 * `KernelConfig`s: each op file exports its configs (the kernel's name, its backend, its role
 * and its function) and `registry.ts` lists them all; `installFastOps` (../index.ts) registers
 * from that one list.
 */
import type * as tf from "@tensorflow/tfjs";

/**
 * - `replace`: with the fast ops on, wraps the kernel registered before it (stock, or a `correct`
 *   one) and runs that for what it does not handle; `useFastOps(false)` puts the previous back.
 * - `add`: with the fast ops on, a kernel tfjs has none of (our own ops); removed when off.
 * - `correct`: a kernel stock tfjs lacks or gets wrong on that backend but training needs;
 *   registered for good, with the fast ops on or off ("stock" means tfjs wherever it is right).
 */
type OpRole = "replace" | "add" | "correct";

interface OpConfigBase {
  kernelName: string;
  backendName: string;
}

/** One op's registration; see {@link OpRole}. */
export type OpConfig =
  | (OpConfigBase & { role: Extract<OpRole, "replace">; wrap: (previous: tf.KernelFunc) => tf.KernelFunc })
  | (OpConfigBase & { role: Exclude<OpRole, "replace">; kernelFunc: tf.KernelFunc });

/** The config of a `replace` op on wasm: `wrap` builds the kernel from the one registered before it. */
export function replaceOnWasm(kernelName: string, wrap: (previous: tf.KernelFunc) => tf.KernelFunc): OpConfig {
  return { kernelName, backendName: "wasm", role: "replace", wrap };
}

/** The config of a `correct` op on wasm: `kernelFunc` registered for good. */
export function correctOnWasm(kernelName: string, kernelFunc: tf.KernelFunc): OpConfig {
  return { kernelName, backendName: "wasm", role: "correct", kernelFunc };
}
