/** Helpers for the convolution tests: one computation on the cpu backend and on wasm, compared. */
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { assertClose, useWasm } from "./compare";

/** Deterministic values in [-1, 1) (a small LCG), the same on every backend. */
export function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Run `f` on `backend` (on wasm with or without the fast ops) and read its results as plain arrays (tensors disposed). */
export async function on(backend: "cpu" | "wasm", f: () => tf.Tensor[], fast = true): Promise<Float32Array[]> {
  if (backend === "wasm") {
    await useWasm();
    useFastOps(fast);
  } else await tf.setBackend("cpu");
  const out = tf.tidy(f);
  const read = out.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(out);
  useFastOps(true);
  return read;
}

/**
 * Assert that `f` gives the same arrays on wasm as on cpu, within float32 summation-order rounding,
 * with tslab-dl's fast ops (`fast`) or with stock tfjs and tslab-dl's reference ops.
 */
export async function assertSameOnWasmAsCpu(
  f: () => tf.Tensor[],
  what: string,
  fast: boolean,
  rtol = 1e-5,
): Promise<void> {
  const cpu = await on("cpu", f);
  const wasm = await on("wasm", f, fast);
  cpu.forEach((c, i) => assertClose(wasm[i], c, rtol, `${what}, result ${i}`));
}
