/**
 * One training step through a model's plan with the second core and with one core, for the
 * second-core tests (second-core.test.ts on copies, shared-heap.test.ts on tfjs's heap).
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
