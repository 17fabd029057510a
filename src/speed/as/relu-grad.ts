/**
 * Relu's gradient in place: dy[i] stays where y[i] > 0, becomes NaN where y[i] is NaN and 0
 * elsewhere (tfjs's relu gradient, NaN included). Whole vectors of 4, then a scalar tail.
 */
export function reluGrad(n: i32, y: usize, dy: usize): void {
  const zero = f32x4.splat(0);
  const nan = f32x4.splat(<f32>NaN);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const yv = v128.load(y + off);
    const kept = v128.and(v128.load(dy + off), f32x4.gt(yv, zero));
    v128.store(dy + off, v128.or(kept, v128.and(nan, f32x4.ne(yv, yv))));
  }
  for (; off < end; off += 4) {
    const ys = load<f32>(y + off);
    store<f32>(dy + off, ys > 0 ? load<f32>(dy + off) : ys != ys ? <f32>NaN : 0);
  }
}
