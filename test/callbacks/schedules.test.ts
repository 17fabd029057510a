import assert from "node:assert/strict";
import { test } from "node:test";
import { CosineDecay, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay } from "../../src/callbacks";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("ExponentialDecay: initial * rate^(step / decaySteps), floored with staircase", () => {
  const smooth = new ExponentialDecay(0.1, 100, 0.96);
  close(smooth.at(0), 0.1);
  close(smooth.at(50), 0.1 * 0.96 ** 0.5);
  close(smooth.at(250), 0.1 * 0.96 ** 2.5);
  const stairs = new ExponentialDecay(0.1, 100, 0.96, true);
  close(stairs.at(99), 0.1);
  close(stairs.at(100), 0.1 * 0.96);
  assert.throws(() => new ExponentialDecay(0.1, 0, 0.9), /`decaySteps` must be > 0\. Received: decaySteps=0/);
});

test("InverseTimeDecay: initial / (1 + rate * step / decaySteps)", () => {
  close(new InverseTimeDecay(0.1, 10, 0.5).at(5), 0.1 / 1.25);
  close(new InverseTimeDecay(0.1, 10, 0.5, true).at(19), 0.1 / 1.5);
});

test("PiecewiseConstantDecay: values[0] up to and including boundaries[0], and so on", () => {
  const s = new PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1]);
  assert.deepEqual(
    [0, 100000, 100001, 110000, 110001].map((step) => s.at(step)),
    [1.0, 1.0, 0.5, 0.5, 0.1],
  );
  assert.throws(() => new PiecewiseConstantDecay([1, 2], [1, 2]), /should be 1 less than the length of values/);
  assert.throws(() => new PiecewiseConstantDecay([2, 1], [1, 2, 3]), /increase strictly/);
});

test("CosineDecay: from the initial rate to alpha times it over decaySteps, with an optional linear warmup", () => {
  const s = new CosineDecay(0.1, 100, { alpha: 0.1 });
  close(s.at(0), 0.1);
  close(s.at(50), 0.1 * (0.9 * 0.5 + 0.1));
  close(s.at(100), 0.01);
  close(s.at(1000), 0.01);
  const warm = new CosineDecay(0, 100, { warmupTarget: 0.1, warmupSteps: 10 });
  close(warm.at(0), 0);
  close(warm.at(5), 0.05);
  close(warm.at(10), 0.1);
  close(warm.at(60), 0.05);
  close(warm.at(110), 0);
});
