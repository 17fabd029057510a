/** Helpers for the speed tests: run the same computation on stock and fast ops and compare. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { setRandomSeed } from "../../src/seed";
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

/** What a fit leaves: its History's values and the model's final weights. */
export interface FitResult {
  history: Record<string, number[]>;
  weights: Float32Array[];
}

/**
 * One `fit` of a model built after `setRandomSeed(seed)` (same initial weights, Dropout masks
 * and shuffles on every run), with tslab-dl's fast ops on or off; the model is disposed and
 * the fast ops are back on afterwards.
 *
 * @example
 * const stock = await fitSeeded(false, 7, tutorialModel, x, y, { epochs: 2, verbose: 0 });
 */
export async function fitSeeded(
  fast: boolean,
  seed: number,
  build: () => tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  args: tf.ModelFitArgs,
): Promise<FitResult> {
  useFastOps(fast);
  setRandomSeed(seed);
  try {
    const model = build();
    const history = await model.fit(x, y, args);
    const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
    model.dispose();
    return { history: history.history as Record<string, number[]>, weights };
  } finally {
    setRandomSeed(undefined);
    useFastOps(true);
  }
}
