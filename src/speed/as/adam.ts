/**
 * One pass of tfjs's Adam update over a variable, its two moments and its gradient, with the
 * same float32 operations in the same order as tfjs's AdamOptimizer.applyGradients:
 * m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/(1−β1ᵗ)) / (√(v'/(1−β2ᵗ)) + ε)·(−lr) + w.
 * Outputs may be the inputs (in place). Whole vectors of 4, then a scalar tail, both through
 * {@link step}. (This file is in .prettierignore: prettier does not parse decorators on
 * functions.)
 *
 * Moments below the smallest normal float (1.2e-38) are stored as 0: weights that never get a
 * gradient (pixels that are 0 in every image) otherwise decay into subnormal numbers, which
 * x86 multiplies and divides about 60 times slower, and the update they would make (~1e-31)
 * is far below float32 resolution of any weight.
 */
import { add, div, floatBytes, mul, sqrt, vectorBytes } from "./lanes";

/** The smallest normal float32. */
const FLT_MIN: f32 = 1.1754943508222875e-38;

/** x where |x| ≥ FLT_MIN, else 0 (NaN too: the comparison is false). */
// @ts-ignore: decorator
@inline function flushTiny<T>(x: T): T {
  if (isVector<T>()) return v128.and(x, f32x4.ge(f32x4.abs(x), f32x4.splat(FLT_MIN)));
  else return abs<f32>(x) >= FLT_MIN ? x : 0;
}

/** One lane's update; the coefficients are the export's, in its order. */
// @ts-ignore: decorator
@inline function step<T>(
  w: usize, m: usize, v: usize, g: usize, outW: usize, outM: usize, outV: usize,
  b1: T, omb1: T, b2: T, omb2: T, c1: T, c2: T, lr: T, eps: T,
): void {
  const gv = load<T>(g);
  let nm = add<T>(mul<T>(load<T>(m), b1), mul<T>(gv, omb1));
  let nv = add<T>(mul<T>(load<T>(v), b2), mul<T>(mul<T>(gv, gv), omb2));
  nm = flushTiny<T>(nm);
  nv = flushTiny<T>(nv);
  store<T>(outM, nm);
  store<T>(outV, nv);
  const change = mul<T>(div<T>(div<T>(nm, c1), add<T>(sqrt<T>(div<T>(nv, c2)), eps)), lr);
  store<T>(outW, add<T>(change, load<T>(w)));
}

export function adam(
  n: i32, w: usize, m: usize, v: usize, g: usize, outW: usize, outM: usize, outV: usize,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  oneMinusAccBeta1: f32, oneMinusAccBeta2: f32, negLr: f32, epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const omb1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const omb2 = f32x4.splat(oneMinusBeta2);
  const c1 = f32x4.splat(oneMinusAccBeta1);
  const c2 = f32x4.splat(oneMinusAccBeta2);
  const lr = f32x4.splat(negLr);
  const eps = f32x4.splat(epsilon);
  const vecEnd = vectorBytes(n);
  const end = floatBytes(n);
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    step<v128>(w + off, m + off, v + off, g + off, outW + off, outM + off, outV + off, b1, omb1, b2, omb2, c1, c2, lr, eps);
  }
  for (; off < end; off += 4) {
    step<f32>(
      w + off, m + off, v + off, g + off, outW + off, outM + off, outV + off,
      beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, negLr, epsilon,
    );
  }
}
