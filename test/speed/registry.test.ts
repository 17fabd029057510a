import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { OP_CONFIGS } from "../../src/speed/ops/registry";
import { useWasm } from "./compare";

before(async () => {
  await useWasm();
});

test("the one list of registered ops names each kernel's backend and role", () => {
  assert.deepEqual(
    OP_CONFIGS.map((c) => `${c.backendName}/${c.kernelName} ${c.role}`),
    [
      "wasm/Conv2DBackpropFilter correct",
      "wasm/MaxPoolGrad correct",
      "wasm/UnsortedSegmentSum correct",
      "wasm/BatchMatMul replace",
      "wasm/_FusedMatMul replace",
      "wasm/GatherV2 replace",
      "wasm/Identity replace",
      "wasm/Slice replace",
      "wasm/Sum replace",
      "wasm/Add replace",
      "wasm/Sub replace",
      "wasm/Multiply replace",
      "wasm/RealDiv replace",
      "wasm/Conv2DBackpropFilter replace",
      "wasm/Conv2DBackpropInput replace",
      "wasm/Conv2D replace",
      "wasm/FusedConv2D replace",
      "wasm/MaxPoolGrad replace",
      "wasm/TslabDlAdam add",
      "wasm/TslabDlPlanStep add",
    ],
  );
});

test("with the fast ops off, the correct ops stay registered and the added ones are gone; on, every listed op is registered", () => {
  useFastOps(false);
  for (const config of OP_CONFIGS) {
    const registered = tf.getKernel(config.kernelName, config.backendName);
    if (config.role === "correct") {
      assert.equal(registered?.kernelFunc, config.kernelFunc, `${config.kernelName} is our correct op`);
    }
    if (config.role === "add") assert.equal(registered, undefined, `${config.kernelName} is removed`);
  }
  useFastOps(true);
  for (const config of OP_CONFIGS) {
    const registered = tf.getKernel(config.kernelName, config.backendName);
    assert.ok(registered, `${config.kernelName} is registered`);
    if (config.role === "add") assert.equal(registered.kernelFunc, config.kernelFunc, `${config.kernelName} is ours`);
  }
  // A kernel with a correct and a replace op ends with the replacement, wrapping the correct one.
  const correct = OP_CONFIGS.find((c) => c.kernelName === "MaxPoolGrad" && c.role === "correct");
  assert.ok(correct && correct.role === "correct");
  assert.notEqual(tf.getKernel("MaxPoolGrad", "wasm")?.kernelFunc, correct.kernelFunc);
});
