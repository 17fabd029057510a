/**
 * The recurrent cells' activations in f64, without tables (the module must have no data
 * segments): exp, tanh, the gates (sigmoid or tfjs's hardSigmoid) and their slopes, each also
 * on two f64x2 lanes.
 */

/**
 * e^x in f64 without tables: x = n·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r⁹
 * (truncation below 3e-11 relative: far under float32's 6e-8, where every result is stored).
 */
export function expd(x: f64): f64 {
  if (x > 700) return Infinity;
  if (x < -700) return 0;
  const n = nearest(x * 1.4426950408889634);
  const r = x - n * 6.9314718036912381649e-1 - n * 1.90821492927058770002e-10;
  let p: f64 = 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>((<i64>(<i32>n + 1023)) << 52);
}

export function tanhd(x: f64): f64 {
  if (x > 20) return 1;
  if (x < -20) return -1;
  if (abs(x) < 1e-4) return x - (x * x * x) / 3;
  const e = expd(2 * x);
  return (e - 1) / (e + 1);
}

/*
 * The same functions on two f64 lanes at a time (f64x2): each lane runs exactly the scalar
 * function's operations in the same order, so every result is bit for bit the scalar one's
 * (IEEE-754 f64 arithmetic is the same in a lane as in a scalar register); the branches become
 * selects. The cells run their element-wise math over pairs of state columns with these.
 */

/** Each lane rounded to float32 and back (the scalar code's `<f64>(<f32>v)`). */
export function round2(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

/** {@link expd} in each lane. */
export function expd2(x: v128): v128 {
  const xc = f64x2.min(f64x2.max(x, f64x2.splat(-700)), f64x2.splat(700));
  const n = f64x2.nearest(f64x2.mul(xc, f64x2.splat(1.4426950408889634)));
  const r = f64x2.sub(
    f64x2.sub(xc, f64x2.mul(n, f64x2.splat(6.9314718036912381649e-1))),
    f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)),
  );
  let p = f64x2.splat(1.0 / 362880.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2ⁿ: n + 1023 in the exponent field (|x| ≤ 700 keeps it in [13, 2033]).
  const exponent = i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n)), i64x2.splat(1023));
  const e = f64x2.mul(p, i64x2.shl(exponent, 52));
  return v128.bitselect(
    f64x2.splat(0),
    v128.bitselect(f64x2.splat(Infinity), e, f64x2.gt(x, f64x2.splat(700))),
    f64x2.lt(x, f64x2.splat(-700)),
  );
}

/** {@link tanhd} in each lane. */
export function tanhd2(x: v128): v128 {
  const e = expd2(f64x2.mul(f64x2.splat(2), x));
  const general = f64x2.div(f64x2.sub(e, f64x2.splat(1)), f64x2.add(e, f64x2.splat(1)));
  const small = f64x2.sub(x, f64x2.div(f64x2.mul(f64x2.mul(x, x), x), f64x2.splat(3)));
  let t = v128.bitselect(small, general, f64x2.lt(f64x2.abs(x), f64x2.splat(1e-4)));
  t = v128.bitselect(f64x2.splat(1), t, f64x2.gt(x, f64x2.splat(20)));
  return v128.bitselect(f64x2.splat(-1), t, f64x2.lt(x, f64x2.splat(-20)));
}

/** {@link gate} in each lane. */
export function gate2(hard: i32, z: v128): v128 {
  if (hard)
    return f64x2.min(
      f64x2.splat(1.0),
      f64x2.max(f64x2.splat(0.0), f64x2.add(f64x2.mul(f64x2.splat(0.2), z), f64x2.splat(0.5))),
    );
  return f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), expd2(f64x2.neg(z))));
}

/** {@link slope} in each lane. */
export function slope2(hard: i32, z: v128, value: v128): v128 {
  if (hard) {
    const y = f64x2.add(f64x2.mul(f64x2.splat(0.2), z), f64x2.splat(0.5));
    const inside = v128.and(f64x2.ge(y, f64x2.splat(0)), f64x2.le(y, f64x2.splat(1)));
    return v128.bitselect(f64x2.splat(0.2), f64x2.splat(0), inside);
  }
  return f64x2.mul(value, f64x2.sub(f64x2.splat(1), value));
}

/** A gate's value: sigmoid (hard 0) or tfjs's hardSigmoid clip(0.2·z + 0.5, 0, 1) (hard 1). */
export function gate(hard: i32, z: f64): f64 {
  if (hard) return min(1.0, max(0.0, 0.2 * z + 0.5));
  return 1.0 / (1.0 + expd(-z));
}

/** The gate's derivative in z, from its value (sigmoid) or z (hardSigmoid: tfjs's clip passes ends). */
export function slope(hard: i32, z: f64, value: f64): f64 {
  if (hard) {
    const y = 0.2 * z + 0.5;
    return y >= 0 && y <= 1 ? 0.2 : 0;
  }
  return value * (1 - value);
}
