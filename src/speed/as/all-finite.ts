/** 1 if the n floats at `x` are all finite (no NaN, no ±∞), else 0. */
export function allFinite(n: i32, x: usize): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    bad = v128.or(bad, i32x4.eq(v128.and(v128.load(x + <usize>(4 * i)), exponent), exponent));
  }
  for (; i < n; i++) {
    if ((load<i32>(x + <usize>(4 * i)) & 0x7f800000) == 0x7f800000) return 0;
  }
  return v128.any_true(bad) ? 0 : 1;
}
