/**
 * tfjs's SGD update in place: w = c·g + w, c = −learning rate, for n floats; the same float32
 * operations in the same order as tfjs's separate ops (no fused multiply-add). Whole vectors
 * of 4, then a scalar tail.
 */
export function sgd(n: i32, w: usize, g: usize, c: f32): void {
  const cv = f32x4.splat(c);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    v128.store(w + off, f32x4.add(f32x4.mul(cv, v128.load(g + off)), v128.load(w + off)));
  }
  for (; off < end; off += 4) {
    store<f32>(w + off, c * load<f32>(g + off) + load<f32>(w + off));
  }
}
