/**
 * tfjs's WebAssembly heap as a shared memory (internals.ts `shareWasmHeap`, called by tslab-dl's
 * `init` before the backend starts), and the second core computing on it with no copies
 * (second-core.ts): the heap is shared and the ops and the worker run on it; the 8-2 CNN's and
 * the 300/100 model's steps split by default (convolutions by images and filters, Dense products
 * by columns) and give every bit one core gives, also after the heap has grown under the worker;
 * a part that fails on the heap throws its error here; the patched binary is refused when it is
 * not laid out as expected; and where the fast ops are off or one core is allowed, the heap is
 * left as tfjs makes it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { init } from "../../src/backend";
import { sharedMemoryBinary, sharedWasmHeap, wasmBackend, wasmMemory } from "../../src/speed/internals";
import { secondCore, secondCoreParts, secondCoreSettings, whenSecondCoreReady } from "../../src/speed/second-core";
import { assertSameBits, bothWays, cnnStepBothWays, mlp300100 } from "./second-core-steps";

before(async () => {
  await init({ backend: "wasm", verbose: false });
  assert.ok(await whenSecondCoreReady(), "the second core starts on this machine (2 cores)");
});

test("init shares tfjs's heap: the ops and the worker compute on that one memory", () => {
  const memory = wasmMemory(wasmBackend());
  assert.ok(memory, "the backend's memory");
  assert.ok(memory.buffer instanceof SharedArrayBuffer, "tfjs's heap is a SharedArrayBuffer");
  assert.equal(sharedWasmHeap(), memory);
  assert.equal(secondCore()?.heapMemory, memory, "the worker runs on tfjs's heap, not a memory of its own");
  // tfjs's own kernels on the shared heap: a product and a convolution against the cpu backend's.
  const a = tf.randomUniform([5, 7], -1, 1, "float32", 1);
  const b = tf.randomUniform([7, 3], -1, 1, "float32", 2);
  const product = tf.matMul(a, b).dataSync();
  const [rows, cols] = [a.arraySync() as number[][], b.arraySync() as number[][]];
  const expected = rows.flatMap((row) => [0, 1, 2].map((j) => row.reduce((sum, v, k) => sum + v * cols[k][j], 0)));
  product.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `product ${i}: ${v} vs ${expected[i]}`));
  tf.dispose([a, b]);
});

test("the 8-2 CNN's step on the shared heap: 7 parts (both convolutions, the Dense 100's products), same bits as one core", () => {
  const { two, one, parts } = cnnStepBothWays(5);
  // Convolutions: forward and filter gradient of both, the second's input gradient (5); the
  // Dense 100 layer's forward and dW by columns, 8.8 MFLOP a part (2).
  assert.equal(parts, 7, "parts the worker ran in one step");
  assertSameBits(two, one, "8-2 CNN on the shared heap");
});

test("the 300/100 model splits its first layer's products by default, same bits, also after the heap grew", () => {
  const m = mlp300100();
  const x = tf.tidy(() => tf.relu(tf.randomUniform([64, 784], -1, 1, "float32", 2)));
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10));
  const first = bothWays(m, x, y);
  // 300 columns: forward and dW, 15 MFLOP a part; the 100-wide layer's parts (1.7 MFLOP) stay here.
  assert.equal(first.parts, 2, "parts the worker ran in one step");
  assertSameBits(first.two, first.one, "300/100 on the shared heap");
  // Grow the heap by 256 MB while the worker holds it: its next parts see the grown memory.
  const bytesBefore = wasmMemory(wasmBackend())?.buffer.byteLength ?? 0;
  const big = tf.zeros([64 * 1024 * 1024]);
  const grown = tf.ones([32, 784]); // allocated after the growth: high in the heap
  assert.ok((wasmMemory(wasmBackend())?.buffer.byteLength ?? 0) > bytesBefore, "the heap grew");
  const high = tf.tidy(() => tf.relu(tf.randomUniform([64, 784], -1, 1, "float32", 2)));
  const after = bothWays(m, high, y);
  assert.equal(after.parts, 2);
  assertSameBits(after.two, after.one, "300/100 on the grown heap, input above the old end");
  assertSameBits(after.two, first.two, "the same step's bits before and after the growth");
  tf.dispose([x, y, big, grown, high]);
  m.dispose();
});

test("a part that fails on the shared heap throws the worker's error here, and the next step still splits", () => {
  const core = secondCore();
  assert.ok(core);
  const beyond = 2 ** 32 - 4096; // past the heap's end, however far it has grown
  const info = tf.backend_util.computeConv2DInfo([1, 4, 4, 1], [3, 3, 1, 2], 1, 1, "same");
  core.start({
    kind: "convolve",
    info,
    scratch: [beyond, beyond, 0],
    x: beyond,
    filter: beyond,
    bias: 0,
    relu: false,
    y: beyond,
  });
  assert.throws(() => core.finish(), /the second core's part \(convolve\) failed: .*out of bounds/);
  const { two, one, parts } = cnnStepBothWays(6);
  assert.equal(parts, 7);
  assertSameBits(two, one, "the step after a failed part");
});

test("with the second core's defaults changed back (Dense not split), the 300/100 step hands nothing over", () => {
  const saved = { ...secondCoreSettings };
  secondCoreSettings.splitDense = "never";
  try {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 300, activation: "relu" })] });
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const x = tf.randomUniform([64, 784], 0, 1, "float32", 3);
    const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10));
    assert.equal(bothWays(m, x, y).parts, 0);
    tf.dispose([x, y]);
    m.dispose();
  } finally {
    Object.assign(secondCoreSettings, saved);
  }
});

test("sharedMemoryBinary: tfjs's single-threaded builds become shared-memory ones; anything else is refused", () => {
  const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  for (const name of ["tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm.wasm"]) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, name)));
    const shared = sharedMemoryBinary(bytes);
    assert.ok(shared, name);
    assert.equal(shared.length, bytes.length, `${name}: one byte changed, none added`);
    assert.equal(shared.filter((b, i) => b !== bytes[i]).length, 1, `${name}: one byte changed`);
  }
  // The threaded build imports its (already shared) memory: nothing to patch.
  assert.equal(
    sharedMemoryBinary(new Uint8Array(fs.readFileSync(path.join(dir, "tfjs-backend-wasm-threaded-simd.wasm")))),
    null,
  );
  assert.equal(sharedMemoryBinary(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), null, "no memory section");
  assert.equal(sharedMemoryBinary(new Uint8Array([1, 2, 3])), null, "not WebAssembly");
  // A memory section whose size runs past the end.
  assert.equal(sharedMemoryBinary(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 0x7f])), null, "truncated");
});

/** In a fresh process: tslab-dl's init with `options`, then whether tfjs's heap is shared. */
function sharedInFreshProcess(options: string, env: Record<string, string> = {}): string {
  const backend = path.join(__dirname, "../../src/backend.js");
  const internals = path.join(__dirname, "../../src/speed/internals.js");
  const script =
    `const b = require(${JSON.stringify(backend)}); const i = require(${JSON.stringify(internals)});` +
    `b.init(${options}).then(() => console.log("shared", i.sharedWasmHeap() !== null));`;
  const run = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

test("the heap stays tfjs's own where the fast ops are off or one core is allowed", () => {
  assert.equal(sharedInFreshProcess(`{ backend: "wasm", verbose: false }`), "shared true");
  assert.equal(sharedInFreshProcess(`{ backend: "wasm", verbose: false, fastOps: false }`), "shared false");
  assert.equal(sharedInFreshProcess(`{ backend: "wasm", verbose: false }`, { TSLAB_DL_THREADS: "1" }), "shared false");
});

test("each optimizer's update split across the two cores gives the same bits as on one core", async () => {
  const optimizers: [string, () => tf.Optimizer][] = [
    ["sgd", () => tf.train.sgd(0.1)],
    ["momentum", () => tf.train.momentum(0.1, 0.9)],
    ["nesterov", () => tf.train.momentum(0.1, 0.9, true)],
    ["rmsprop", () => tf.train.rmsprop(0.01, 0.9, 0.5)],
    ["adagrad", () => tf.train.adagrad(0.1)],
    ["adam", () => tf.train.adam(0.01)],
  ];
  // 40 003 elements: a part of 20 000 for the worker, and a scalar tail on it.
  const shape = [13, 3077];
  for (const [name, make] of optimizers) {
    const run = async (split: boolean): Promise<{ values: Float32Array[]; parts: number }> => {
      const saved = secondCoreSettings.minUpdateElements;
      secondCoreSettings.minUpdateElements = split ? 16384 : Infinity; // the default (65 536) would not split these
      try {
        const initial = tf.randomUniform(shape, -1, 1, "float32", 7);
        const w = tf.variable(initial, true, `w-${name}-${split}`);
        initial.dispose(); // the variable alone holds its memory: the update runs in place
        const optimizer = make();
        const before = secondCoreParts();
        for (let step = 0; step < 3; step++) {
          const g = tf.randomUniform(shape, -1, 1, "float32", 10 + step);
          optimizer.applyGradients({ [w.name]: g });
          g.dispose();
        }
        const parts = secondCoreParts() - before;
        const values = [w, ...(await optimizer.getWeights()).map((s) => s.tensor)].map((t) =>
          Float32Array.from(t.dataSync()),
        );
        w.dispose();
        optimizer.dispose();
        return { values, parts };
      } finally {
        secondCoreSettings.minUpdateElements = saved;
      }
    };
    const two = await run(true);
    const one = await run(false);
    assert.equal(two.parts, 3, `${name}: the worker took part of each of the 3 updates`);
    assert.equal(one.parts, 0);
    assertSameBits(two.values, one.values, `${name}'s update split`);
  }
});
