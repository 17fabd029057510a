/**
 * tfjs's RMSProp update (not centered) in place, for n floats: ms = ms·decay + g²·(1−decay);
 * mom = mom·momentum + g·lr / √(ms + eps); w = w − mom. The same float32 operations in the
 * same order as tfjs's separate ops. Whole vectors of 4, then a scalar tail.
 */
export function rmsprop(
  n: i32,
  w: usize,
  g: usize,
  ms: usize,
  mom: usize,
  decay: f32,
  oneMinusDecay: f32,
  momentum: f32,
  lr: f32,
  eps: f32,
): void {
  const dv = f32x4.splat(decay);
  const odv = f32x4.splat(oneMinusDecay);
  const mv = f32x4.splat(momentum);
  const lv = f32x4.splat(lr);
  const ev = f32x4.splat(eps);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const gv = v128.load(g + off);
    const s = f32x4.add(f32x4.mul(v128.load(ms + off), dv), f32x4.mul(f32x4.mul(gv, gv), odv));
    v128.store(ms + off, s);
    const step = f32x4.div(f32x4.mul(gv, lv), f32x4.sqrt(f32x4.add(s, ev)));
    const mo = f32x4.add(f32x4.mul(v128.load(mom + off), mv), step);
    v128.store(mom + off, mo);
    v128.store(w + off, f32x4.sub(v128.load(w + off), mo));
  }
  for (; off < end; off += 4) {
    const gs = load<f32>(g + off);
    const s = load<f32>(ms + off) * decay + gs * gs * oneMinusDecay;
    store<f32>(ms + off, s);
    const mo = load<f32>(mom + off) * momentum + (gs * lr) / sqrt<f32>(s + eps);
    store<f32>(mom + off, mo);
    store<f32>(w + off, load<f32>(w + off) - mo);
  }
}
