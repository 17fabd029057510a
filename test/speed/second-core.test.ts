/**
 * The second core (src/speed/second-core.ts) on copies: this file starts the wasm backend with
 * `tf.setBackend`, before tslab-dl's `init` could share its heap, so every part's inputs are
 * copied to the worker's own memory and its outputs back (shared-heap.test.ts tests the worker
 * on tfjs's heap). A Conv2D unit's work split between this thread and the worker gives every
 * loss, metric and gradient bit for bit as one core does, on odd shapes (batch 7, 9×11 images,
 * 12 and 20 filters, same and valid padding, stride 2) and on the 8-2 CNN at its own threshold;
 * Dense layers split by columns likewise (by default not on copies); a part that fails in the
 * worker throws the worker's error here; and the sleeping worker does not keep a process alive.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import {
  secondCore,
  secondCoreParts,
  secondCoreSettings,
  splitWork,
  whenSecondCoreReady,
  type SecondCore,
} from "../../src/speed/second-core";
import { useWasm } from "./compare";
import { assertSameBits, bothWays, cnnStepBothWays, mlp300100, planStep } from "./second-core-steps";

before(async () => {
  await useWasm();
  useFastOps(true);
  assert.ok(await whenSecondCoreReady(), "the second core starts on this machine (2 cores)");
});

test("odd shapes: every part split between two cores gives the same bits as one core", () => {
  const saved = secondCoreSettings.minPartFlops;
  secondCoreSettings.minPartFlops = 0; // split every convolution, however small
  try {
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 11, 3], filters: 12, kernelSize: 3, padding: "same", activation: "relu" }),
        tf.layers.conv2d({ filters: 20, kernelSize: [3, 2], strides: 2, padding: "valid", activation: "relu" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, activation: "softmax" }),
      ],
    });
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const x = tf.randomUniform([7, 9, 11, 3], -1, 1, "float32", 3);
    const y = tf.tensor1d([0, 1, 2, 3, 1, 2, 0]);
    const { two, one, parts } = bothWays(m, x, y);
    // Two forward passes, two filter gradients, one input gradient (the first layer has none).
    assert.equal(parts, 5, "parts the worker ran in one step");
    assertSameBits(two, one, "odd shapes");
    tf.dispose([x, y]);
    m.dispose();
  } finally {
    secondCoreSettings.minPartFlops = saved;
  }
});

test("the 8-2 CNN's convolutions at batch 32: both convolutions' products go to the second core (5 parts), same bits", () => {
  const { two, one, parts } = cnnStepBothWays(5);
  // The first convolution's forward and filter gradient (7 MFLOP a part; no input gradient: it is the first
  // layer), the second's forward, filter gradient and input gradient (115 MFLOP a part).
  assert.equal(parts, 5, "forward and filter gradient of both convolutions, and the second one's input gradient");
  assertSameBits(two, one, "8-2 CNN");
});

test('Dense products split by columns on copies (splitDense "always") give the same bits as one core: odd widths, relu and linear, with and without bias', () => {
  const saved = { ...secondCoreSettings };
  Object.assign(secondCoreSettings, { minPartFlops: 0, splitDense: "always" });
  try {
    // 37 inputs: x has zeros (relu's) for dW's zero skipping; 29 and 13 columns: splits at 16 and 8, tails of 5 and 5.
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [37], units: 29, activation: "relu" }),
        tf.layers.dense({ units: 13, activation: "linear", useBias: false }),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const x = tf.tidy(() => tf.relu(tf.randomUniform([7, 37], -1, 1, "float32", 11)));
    const y = tf.tensor1d([0, 1, 2, 1, 0, 2, 1]);
    const { two, one, parts } = bothWays(m, x, y);
    // Forward and dW of the two layers 8 or more columns wide (the 3-column softmax layer has no second part).
    assert.equal(parts, 4, "parts the worker ran in one step");
    assertSameBits(two, one, "split Dense");
    tf.dispose([x, y]);
    m.dispose();
  } finally {
    Object.assign(secondCoreSettings, saved);
  }
});

test("on copies, Dense products stay on this thread by default: the 300/100 model's step hands nothing to the second core", () => {
  assert.equal(secondCore()?.heapMemory, null, "the worker has a memory of its own here");
  const m = mlp300100();
  const x = tf.randomUniform([64, 784], 0, 1, "float32", 2);
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10));
  assert.equal(planStep(m, x, y).parts, 0);
  tf.dispose([x, y]);
  m.dispose();
});

/** A 4×4 one-channel image of `value`s under a 3×3 filter of ones (2 filters, same padding). */
const ONES_INFO = tf.backend_util.computeConv2DInfo([1, 4, 4, 1], [3, 3, 1, 2], 1, 1, "same");

/** Run that convolution on the second core: `[corner, centre]` of the first filter's output. */
function convolveOnes(core: SecondCore, value: number): [number, number] {
  const [xAt, filterAt, yAt, geometry, scratch, col] = core.layout([64, 72, 128, 64, 4096, 576]) as number[];
  const heap = core.heap;
  heap.fill(value, xAt / 4, xAt / 4 + 16);
  heap.fill(1, filterAt / 4, filterAt / 4 + 18);
  const at = { x: xAt, filter: filterAt, bias: 0, relu: false, y: yAt };
  core.start({ kind: "convolve", info: ONES_INFO, scratch: [geometry, scratch, col], ...at });
  assert.equal(core.finish(), true);
  return [core.heap[yAt / 4], core.heap[yAt / 4 + 2 * 5]];
}

test("a part that fails in the worker throws the worker's error here, and the next part still runs", () => {
  const core: SecondCore | null = secondCore();
  assert.ok(core);
  const beyond = 2 ** 31; // far past the shared memory's end
  const at = { x: beyond, filter: beyond, bias: 0, relu: false, y: beyond };
  core.start({ kind: "convolve", info: ONES_INFO, scratch: [beyond, beyond, 0], ...at });
  assert.throws(() => core.finish(), /the second core's part \(convolve\) failed: .*out of bounds/);
  // A corner of a 4×4 image of ones under a 3×3 filter of ones, same padding: 4 terms; the centre: 9.
  assert.deepEqual(convolveOnes(core, 1), [4, 9]);
});

test("a wake with no new part runs nothing: each part runs once, with its own job", () => {
  const core: SecondCore | null = secondCore();
  assert.ok(core);
  assert.deepEqual(convolveOnes(core, 1), [4, 9]);
  const ran = core.workerRuns;
  for (let i = 0; i < 20; i++) {
    core.wakeWithoutPart();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // give the worker time to (wrongly) run
  }
  assert.equal(core.workerRuns, ran, "woken without a part, the worker ran nothing");
  assert.deepEqual(convolveOnes(core, 2), [8, 18], "the next part runs its own job");
  assert.equal(core.workerRuns, ran + 1);
});

test("on copies, a part that must run in place (an optimizer's update) stays on this thread", () => {
  const ran: [number, number][] = [];
  const before = secondCoreParts();
  splitWork(
    new Float32Array(16),
    8,
    16,
    (from, count) => ran.push([from, count]),
    () => ({
      inputs: [],
      outputs: [],
      scratch: [],
      inPlaceOnly: true,
      job: () => assert.fail("an in-place part's job is not built on copies"),
    }),
  );
  assert.deepEqual(ran, [
    [0, 8],
    [8, 8],
  ]);
  assert.equal(secondCoreParts(), before, "nothing went to the worker");
});

test("the sleeping worker does not keep a process alive", () => {
  const module = path.join(__dirname, "../../src/speed/second-core.js");
  const script = `const s = require(${JSON.stringify(module)}); s.whenSecondCoreReady().then((ok) => console.log("ready", ok));`;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(run.error, undefined, "the process ended by itself within 30 s");
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "ready true");
});
