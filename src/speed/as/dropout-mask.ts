/**
 * Dropout's multipliers as `tf.dropout` draws them: seedrandom's alea (Baagøe's
 * multiply-with-carry in doubles) from the state its seeding left, one number per float,
 * rounded to float32; a float is kept (multiplier `scale` = 1 / keep) where that number plus
 * `keep` reaches 1 in float32, else dropped (0).
 */
export function dropoutMask(n: i32, s0: f64, s1: f64, s2: f64, c: f64, keep: f32, scale: f32, mult: usize): void {
  const end = (<usize>n) << 2;
  for (let off: usize = 0; off < end; off += 4) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    // t is in [0, 2091640): JavaScript's t | 0 is its floor, here without a round trip
    // through an integer (the chain from one c to the next is this loop's whole cost).
    c = floor<f64>(t);
    s2 = t - c;
    store<f32>(mult + off, <f32>s2 + keep >= 1 ? scale : 0);
  }
}
