/**
 * One pass of tfjs's Adam update over a variable, its two moments and its gradient, with the
 * same float32 operations in the same order as tfjs's AdamOptimizer.applyGradients:
 * m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/(1−β1ᵗ)) / (√(v'/(1−β2ᵗ)) + ε)·(−lr) + w.
 * Outputs may be the inputs (in place). Whole vectors of 4, then a scalar tail.
 *
 * Moments below the smallest normal float (1.2e-38) are stored as 0: weights that never get a
 * gradient (pixels that are 0 in every image) otherwise decay into subnormal numbers, which
 * x86 multiplies and divides about 60 times slower, and the update they would make (~1e-31)
 * is far below float32 resolution of any weight.
 */

/** The smallest normal float32. */
const FLT_MIN: f32 = 1.1754943508222875e-38;

export function adam(
  n: i32,
  w: usize,
  m: usize,
  v: usize,
  g: usize,
  outW: usize,
  outM: usize,
  outV: usize,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  oneMinusAccBeta1: f32,
  oneMinusAccBeta2: f32,
  negLr: f32,
  epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const omb1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const omb2 = f32x4.splat(oneMinusBeta2);
  const c1 = f32x4.splat(oneMinusAccBeta1);
  const c2 = f32x4.splat(oneMinusAccBeta2);
  const lr = f32x4.splat(negLr);
  const eps = f32x4.splat(epsilon);
  const tiny = f32x4.splat(FLT_MIN);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const gv = v128.load(g + off);
    let nm = f32x4.add(f32x4.mul(v128.load(m + off), b1), f32x4.mul(gv, omb1));
    let nv = f32x4.add(f32x4.mul(v128.load(v + off), b2), f32x4.mul(f32x4.mul(gv, gv), omb2));
    // x where |x| ≥ FLT_MIN, else 0 (NaN too: the comparison is false).
    nm = v128.and(nm, f32x4.ge(f32x4.abs(nm), tiny));
    nv = v128.and(nv, f32x4.ge(f32x4.abs(nv), tiny));
    v128.store(outM + off, nm);
    v128.store(outV + off, nv);
    const step = f32x4.mul(f32x4.div(f32x4.div(nm, c1), f32x4.add(f32x4.sqrt(f32x4.div(nv, c2)), eps)), lr);
    v128.store(outW + off, f32x4.add(step, v128.load(w + off)));
  }
  for (; off < end; off += 4) {
    const gs = load<f32>(g + off);
    let nm = load<f32>(m + off) * beta1 + gs * oneMinusBeta1;
    let nv = load<f32>(v + off) * beta2 + gs * gs * oneMinusBeta2;
    nm = abs<f32>(nm) >= FLT_MIN ? nm : 0;
    nv = abs<f32>(nv) >= FLT_MIN ? nv : 0;
    store<f32>(outM + off, nm);
    store<f32>(outV + off, nv);
    const step = (nm / oneMinusAccBeta1 / (sqrt<f32>(nv / oneMinusAccBeta2) + epsilon)) * negLr;
    store<f32>(outW + off, step + load<f32>(w + off));
  }
}
