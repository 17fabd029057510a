/**
 * tfjs's Momentum update in place, for n floats: acc = m·acc + g, then w = c·acc + w, or with
 * Nesterov w = c·(g + acc·m) + w; c = −learning rate, m the momentum. The same float32
 * operations in the same order as tfjs's separate ops. Whole vectors of 4, then a scalar tail.
 */

/**
 * The update; `nesterov` (a compile-time constant where it is inlined) for Nesterov's. (This file
 * is in .prettierignore: prettier does not parse decorators on functions.)
 */
// @ts-ignore: decorator
@inline function update(n: i32, w: usize, g: usize, acc: usize, c: f32, m: f32, nesterov: bool): void {
  const cv = f32x4.splat(c);
  const mv = f32x4.splat(m);
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let off: usize = 0;
  for (; off < vecEnd; off += 16) {
    const gv = v128.load(g + off);
    const a = f32x4.add(f32x4.mul(mv, v128.load(acc + off)), gv);
    v128.store(acc + off, a);
    const step = nesterov ? f32x4.mul(cv, f32x4.add(gv, f32x4.mul(a, mv))) : f32x4.mul(cv, a);
    v128.store(w + off, f32x4.add(step, v128.load(w + off)));
  }
  for (; off < end; off += 4) {
    const gs = load<f32>(g + off);
    const a = m * load<f32>(acc + off) + gs;
    store<f32>(acc + off, a);
    const step = nesterov ? c * (gs + a * m) : c * a;
    store<f32>(w + off, step + load<f32>(w + off));
  }
}

export function momentum(n: i32, w: usize, g: usize, acc: usize, c: f32, m: f32): void {
  update(n, w, g, acc, c, m, false);
}

export function nesterov(n: i32, w: usize, g: usize, acc: usize, c: f32, m: f32): void {
  update(n, w, g, acc, c, m, true);
}
