/**
 * The gradients of 8-2's second convolution ([32,14,14,32] ⊛ [3,3,32,64], same) timed with dy
 * summed densely and from its nonzeros (src/speed/ops/conv-geometry.ts's SPARSE_MAX_PERMILLE
 * is set from this), dy as a training step gives it: max pooling's gradient (one pixel of each
 * 2×2 window, per channel) and relu's, at several fractions of nonzeros (past a quarter, nonzeros
 * scattered at random); x like a pooled relu
 * layer's output (a third exact zeros). Also the listing alone (the sparse op asked to give
 * up at once), what a dy too dense for it costs before the dense product runs.
 *
 *   node dist/bench/sparse-conv.js [--rounds 5]
 *
 * Prints microseconds per call, the fastest of `rounds` rounds of 20 calls each.
 */
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { init } from "../src/backend";
import { asOpsFor, type AsOps } from "../src/speed/as-ops";
import { type BackendWasmLike } from "../src/speed/internals";
import { conv2DInfo, filterGradientAt, filterGradientScratch } from "../src/speed/ops/conv2d-backprop-filter";
import { inputGradientAt, inputGradientScratch } from "../src/speed/ops/conv2d-backprop-input";
import { withScratch } from "../src/speed/ops/conv-geometry";

const X = [32, 14, 14, 32];
const W = [3, 3, 32, 64];

/** A small LCG's values in [0, 1). */
function uniform(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/** dy of [batch, h, w, c]: in each 2×2 window and channel one pixel nonzero with probability `kept`. */
function pooledGradient(shape: number[], kept: number, seed: number): Float32Array {
  const [batch, h, w, c] = shape;
  const out = new Float32Array(batch * h * w * c);
  const u = uniform(out.length * 3, seed);
  let r = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < h; i += 2) {
      for (let j = 0; j < w; j += 2) {
        for (let ch = 0; ch < c; ch++) {
          if (u[r++] >= kept * 4) continue;
          const pick = Math.floor(u[r++] * 4);
          const [di, dj] = [pick >> 1, pick & 1];
          out[((b * h + i + di) * w + j + dj) * c + ch] = u[r++] * 2 - 1;
        }
      }
    }
  }
  return out;
}

/** n values, each nonzero with probability `kept` (past what one pixel of each 2×2 window gives). */
function scattered(n: number, kept: number, seed: number): Float32Array {
  const u = uniform(2 * n, seed);
  return Float32Array.from({ length: n }, (_, i) => (u[2 * i] < kept ? u[2 * i + 1] * 2 - 1 : 0));
}

function timeIt(rounds: number, body: () => void): number {
  let best = Infinity;
  body();
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) body();
    best = Math.min(best, ((performance.now() - t0) / 20) * 1000);
  }
  return best;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--rounds");
  const rounds = at > 0 ? Number(process.argv[at + 1]) : 5;
  await init();
  const backend = tf.backend() as unknown as BackendWasmLike;
  const ops = asOpsFor(backend) as AsOps;
  const wasm = backend.wasm;
  const info = conv2DInfo(X, W, { strides: 1, pad: "same", dataFormat: "NHWC" });
  const xFloats = X.reduce((a, b) => a * b);
  const yFloats = 32 * 14 * 14 * 64;
  const wFloats = W.reduce((a, b) => a * b);
  const [x, dy, filter, dx, dW] = [xFloats, yFloats, wFloats, xFloats, wFloats].map((n) => wasm._malloc(4 * n));
  const xs = uniform(xFloats, 3).map((v) => (v < 1 / 3 ? 0 : v));
  wasm.HEAPF32.set(xs, x >> 2);
  wasm.HEAPF32.set(
    uniform(wFloats, 5).map((v) => v - 0.5),
    filter >> 2,
  );
  console.log(
    `| nonzeros of dy | filter, dense | filter, sparse | its listing | input, dense | input, sparse | its listing |`,
  );
  console.log(`|---:|---:|---:|---:|---:|---:|---:|`);
  for (const kept of [0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.45, 0.55, 1]) {
    const grad = kept <= 0.25 ? pooledGradient([32, 14, 14, 64], kept, 9) : scattered(yFloats, kept, 9);
    wasm.HEAPF32.set(grad, dy >> 2);
    const nonzero = grad.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) / grad.length;
    // The listing alone: the sparse op asked to give up unless nothing is nonzero.
    const cells = [
      withScratch(wasm, filterGradientScratch(info), (s) => [
        ...[0, 1000].map((permille) =>
          timeIt(rounds, () => filterGradientAt(ops, wasm, info, s, x, dy, dW, undefined, permille)),
        ),
        timeIt(rounds, () => ops.filterGradientSparse(s[0], x, dy, 0, 64, dW, s[3], 0)),
      ]),
      withScratch(wasm, inputGradientScratch(info), (s) => [
        ...[0, 1000].map((permille) =>
          timeIt(rounds, () => inputGradientAt(ops, wasm, info, s, dy, filter, dx, permille)),
        ),
        timeIt(rounds, () => ops.inputGradientSparse(s[0], dy, s[1], dx, s[4], 0)),
      ]),
    ].flat();
    console.log(`| ${nonzero.toFixed(3)} | ${cells.map((c) => c.toFixed(0)).join(" | ")} |`);
  }
  for (const p of [x, dy, filter, dx, dW]) wasm._free(p);
}

void main();
