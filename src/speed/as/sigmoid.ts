/**
 * The sigmoid activation and its gradient, as tfjs's cpu backend computes them: the forward
 * pass 1 / (1 + e^−x) in float64, rounded once to float32 (the recurrent kernels' table-free
 * exp); the gradient dy·(y·(1 − y)) in float32.
 */
import { gate, gate2 } from "./activations";
import { load2, store2 } from "./lanes";

/** y = sigmoid(x) for n floats, two at a time as f64 lanes; y may be x. */
export function sigmoid(n: i32, x: usize, y: usize): void {
  const pairEnd = (<usize>(n & ~1)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < pairEnd; off += 8) store2(y + off, gate2(0, load2(x + off)));
  if (off < end) store<f32>(y + off, <f32>gate(0, <f64>load<f32>(x + off)));
}

/** dx = dy·(y·(1 − y)) for n floats, from sigmoid's output y; dx may be dy. */
export function sigmoidGrad(n: i32, y: usize, dy: usize, dx: usize): void {
  const one = f32x4.splat(1);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const v = v128.load(y + off);
    v128.store(dx + off, f32x4.mul(v128.load(dy + off), f32x4.mul(v, f32x4.sub(one, v))));
  }
  for (; off < end; off += 4) {
    const v = load<f32>(y + off);
    store<f32>(dx + off, load<f32>(dy + off) * (v * (1 - v)));
  }
}
