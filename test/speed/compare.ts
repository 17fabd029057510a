/** Helpers for the speed tests: run the same computation on stock and fast ops and compare. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { useFastOps } from "../../src/speed";

/** Switch to the WebAssembly backend once. */
export async function useWasm(): Promise<void> {
  if (tf.getBackend() !== "wasm") {
    await tf.setBackend("wasm");
    await tf.ready();
  }
}

/** Run `f` with stock ops, then with tslab-dl's, and return both results as plain arrays. */
export function stockAndFast<T>(
  f: () => T,
  read: (value: T) => Float32Array[],
): { stock: Float32Array[]; fast: Float32Array[] } {
  useFastOps(false);
  const stock = read(f());
  useFastOps(true);
  const fast = read(f());
  return { stock, fast };
}

/** Read tensors (and dispose them). */
export function readAll(tensors: tf.Tensor | tf.Tensor[]): Float32Array[] {
  const list = Array.isArray(tensors) ? tensors : [tensors];
  const out = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return out;
}

/**
 * Assert |fast − stock| ≤ rtol·max|stock| element by element (a relative tolerance on the
 * tensor's scale: summing in another order moves results near zero by a few ulps of the large ones).
 */
export function assertClose(fast: Float32Array, stock: Float32Array, rtol: number, what: string): void {
  assert.equal(fast.length, stock.length, `${what}: length`);
  let scale = 0;
  for (const v of stock) scale = Math.max(scale, Math.abs(v));
  const tolerance = rtol * Math.max(scale, 1e-30);
  for (let i = 0; i < stock.length; i++) {
    if (!(Math.abs(fast[i] - stock[i]) <= tolerance)) {
      assert.fail(
        `${what}: element ${i}: fast ${fast[i]} vs stock ${stock[i]} (scale ${scale}, tolerance ${tolerance})`,
      );
    }
  }
}

/** A deterministic random tensor (values in [-1, 1)). */
export function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, "float32", seed);
}
