import assert from "node:assert/strict";
import { test } from "node:test";
import { BackendError, currentBackend, init, tf } from "../src/backend";
import { fastOpsInstalled } from "../src/speed";
import { captureConsole } from "./helpers";

let tfjsNodeLoads = true;
try {
  require.resolve("@tensorflow/tfjs-node");
  require("@tensorflow/tfjs-node");
} catch {
  tfjsNodeLoads = false;
}

test("init picks the fastest backend that loads and says so once", async () => {
  const { result, logs } = await captureConsole(async () => [await init(), await init()]);
  const expected = tfjsNodeLoads ? "tensorflow" : "wasm";
  assert.deepEqual(result, [expected, expected]);
  assert.equal(tf.getBackend(), expected);
  assert.equal(currentBackend(), expected);
  assert.equal(logs.filter((l) => l.startsWith("tslab-dl: TensorFlow.js backend = ")).length, 1);
});

test("options.backend forces a backend", async () => {
  assert.equal(await init({ backend: "cpu", verbose: false }), "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(await init({ backend: "wasm", verbose: false }), "wasm");
  assert.equal(tf.getBackend(), "wasm");
});

test("bad input: an unknown backend names the known ones", async () => {
  await assert.rejects(
    init({ backend: "webgpu" as never }),
    (e: Error) =>
      e instanceof BackendError &&
      /unknown backend "webgpu": expected one of "tensorflow", "wasm", "cpu"/.test(e.message),
  );
});

test(
  "bad input: an unavailable backend says why and what is available",
  { skip: tfjsNodeLoads && "tfjs-node loads here" },
  async () => {
    await assert.rejects(
      init({ backend: "tensorflow" }),
      (e: Error) =>
        e instanceof BackendError &&
        /backend "tensorflow" is not available here: @tensorflow\/tfjs-node did not load/.test(e.message) &&
        /Available: "wasm", "cpu"/.test(e.message),
    );
    assert.equal(await init({ verbose: false }), "wasm", "a failed forced choice leaves init usable");
  },
);

test("init installs tslab-dl's fast WebAssembly ops; fastOps: false puts the stock ones back", async () => {
  await init({ backend: "wasm", verbose: false });
  const fast = fastOpsInstalled();
  for (const name of ["wasm/BatchMatMul", "wasm/_FusedMatMul", "wasm/GatherV2", "wasm/Add"]) {
    assert.ok(fast.includes(name), `${name} installed by init(); got ${fast.join(", ")}`);
  }
  const fastMatMul = tf.getKernel("BatchMatMul", "wasm")?.kernelFunc;
  await init({ backend: "wasm", verbose: false, fastOps: false });
  assert.deepEqual(fastOpsInstalled(), []);
  assert.notEqual(tf.getKernel("BatchMatMul", "wasm")?.kernelFunc, fastMatMul, "stock BatchMatMul registered again");
  await init({ backend: "wasm", verbose: false }); // the choice sticks until asked otherwise
  assert.deepEqual(fastOpsInstalled(), []);
  await init({ backend: "wasm", verbose: false, fastOps: true });
  assert.deepEqual(fastOpsInstalled(), fast);
  // Same product either way.
  const a = tf.randomNormal([7, 13], 0, 1, "float32", 1);
  const b = tf.randomNormal([13, 5], 0, 1, "float32", 2);
  const withFast = await tf.matMul(a, b).data();
  await init({ backend: "wasm", verbose: false, fastOps: false });
  const withStock = await tf.matMul(a, b).data();
  await init({ backend: "wasm", verbose: false, fastOps: true });
  for (let i = 0; i < withStock.length; i++)
    assert.ok(Math.abs(withFast[i] - withStock[i]) <= 1e-5 * Math.max(1, Math.abs(withStock[i])));
});
