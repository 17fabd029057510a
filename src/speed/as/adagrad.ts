/**
 * tfjs's Adagrad update in place, for n floats: acc = acc + g²; w = (g / √(acc + eps))·(−lr) + w.
 * The same float32 operations in the same order as tfjs's separate ops. Whole vectors of 4,
 * then a scalar tail.
 */
export function adagrad(n: i32, w: usize, g: usize, acc: usize, negLr: f32, eps: f32): void {
  const lv = f32x4.splat(negLr);
  const ev = f32x4.splat(eps);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const gv = v128.load(g + off);
    const a = f32x4.add(v128.load(acc + off), f32x4.mul(gv, gv));
    v128.store(acc + off, a);
    const step = f32x4.mul(f32x4.div(gv, f32x4.sqrt(f32x4.add(a, ev))), lv);
    v128.store(w + off, f32x4.add(step, v128.load(w + off)));
  }
  for (; off < end; off += 4) {
    const gs = load<f32>(g + off);
    const a = load<f32>(acc + off) + gs * gs;
    store<f32>(acc + off, a);
    store<f32>(w + off, (gs / sqrt<f32>(a + eps)) * negLr + load<f32>(w + off));
  }
}
