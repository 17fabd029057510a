import assert from "node:assert/strict";
import { test } from "node:test";
import { BackendError, currentBackend, init, tf } from "../src/backend";
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
    (e: Error) => e instanceof BackendError && /unknown backend "webgpu": expected one of "tensorflow", "wasm", "cpu"/.test(e.message),
  );
});

test("bad input: an unavailable backend says why and what is available", { skip: tfjsNodeLoads && "tfjs-node loads here" }, async () => {
  await assert.rejects(
    init({ backend: "tensorflow" }),
    (e: Error) =>
      e instanceof BackendError &&
      /backend "tensorflow" is not available here: @tensorflow\/tfjs-node did not load/.test(e.message) &&
      /Available: "wasm", "cpu"/.test(e.message),
  );
  assert.equal(await init({ verbose: false }), "wasm", "a failed forced choice leaves init usable");
});
