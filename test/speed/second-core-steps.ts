/**
 * One training step through a model's plan with the second core and with one core, and 8-2's
 * CNN, for the second-core tests (second-core.test.ts on copies, shared-heap.test.ts on tfjs's heap).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { planFor, planModel } from "../../src/speed/plan";
import { secondCoreParts, secondCoreSettings } from "../../src/speed/second-core";
import { STEP_OP, type StepAttrs } from "../../src/speed/step-op";

/** One training step through the plan: `[loss, accuracy, ...gradients]`, and how many parts the worker ran. */
export function planStep(m: tf.Sequential, x: tf.Tensor, y: tf.Tensor): { outs: Float32Array[]; parts: number } {
  const plan = planFor(m);
  assert.ok(plan, planModel(m).reason);
  const inputs: Record<string, tf.Tensor> = { x, y };
  plan.weights.forEach((w, i) => (inputs[`w${i}`] = w.read()));
  const attrs: StepAttrs = { plan, mode: "train" };
  const before = secondCoreParts();
  const result = tf.engine().runKernel(STEP_OP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const outs = result.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(result);
  return { outs, parts: secondCoreParts() - before };
}

/** The same step with the second core and with one core. */
export function bothWays(
  m: tf.Sequential,
  x: tf.Tensor,
  y: tf.Tensor,
): { two: Float32Array[]; one: Float32Array[]; parts: number } {
  const { outs: two, parts } = planStep(m, x, y);
  secondCoreSettings.enabled = false;
  try {
    const { outs: one, parts: none } = planStep(m, x, y);
    assert.equal(none, 0, "with the second core off, no part goes to it");
    return { two, one, parts };
  } finally {
    secondCoreSettings.enabled = true;
  }
}

export function assertSameBits(two: Float32Array[], one: Float32Array[], what: string): void {
  assert.equal(two.length, one.length, `${what}: outputs`);
  two.forEach((t, i) => {
    const [a, b] = [new Uint32Array(t.buffer), new Uint32Array(one[i].buffer)];
    const differs = a.findIndex((bits, j) => bits !== b[j]);
    assert.equal(differs, -1, `${what}: output ${i} differs at ${differs}: ${t[differs]} vs ${one[i][differs]}`);
    assert.equal(a.length, b.length, `${what}: output ${i} length`);
  });
}

/** 8-2's CNN, compiled (bench/cnn-model.ts) without its Dropout, which needs fit's noise seeds. */
function cnn8_2(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", padding: "same" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 100, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

/** One step of {@link cnn8_2} at batch 32 on images of seed `seed`, both ways ({@link bothWays}). */
export function cnnStepBothWays(seed: number): { two: Float32Array[]; one: Float32Array[]; parts: number } {
  const m = cnn8_2();
  const x = tf.randomUniform([32, 28, 28, 1], 0, 1, "float32", seed);
  const y = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10));
  try {
    return bothWays(m, x, y);
  } finally {
    tf.dispose([x, y]);
    m.dispose();
  }
}

/** The 300/100 model (bench/models.ts's), compiled with RMSProp. */
export function mlp300100(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 300, activation: "relu" }),
      tf.layers.dense({ units: 100, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "rmsprop", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}
