/**
 * Packing a band of A for the register tiles (gemm-tiles.ts): `rows` rows (4 or 1) of kc of A's
 * columns from `band` (the byte address of the band's first value, A[i][k0]), read through
 * any element strides, stored k-major as [kc][rows] floats, so a tile reads the band with one
 * pointer and constant offsets.
 */

/** Copy the band's `rows` rows of kc values into `scratch` as [kc][rows]. */
export function packBand(band: usize, sai: i32, sak: i32, rows: i32, kc: i32, scratch: usize): void {
  let src = band;
  let dst = scratch;
  if (rows == 4) {
    for (let k = 0; k < kc; k++) {
      store<f32>(dst, load<f32>(src));
      store<f32>(dst, load<f32>(src + sai), 4);
      store<f32>(dst, load<f32>(src + 2 * sai), 8);
      store<f32>(dst, load<f32>(src + 3 * sai), 12);
      dst += 16;
      src += sak;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      store<f32>(dst, load<f32>(src));
      dst += 4;
      src += sak;
    }
  }
}

/**
 * {@link packBand} for 4 rows that keeps only the k where some of the 4 values is not ±0
 * (NaN included), writing their B row offsets (k·sbk, bytes) at `list`; returns how many
 * were kept. A product over the kept k gives the same sums for a finite B (each left-out
 * term is ±0 times a finite value), up to the sign of a zero.
 */
export function packBandSkip(band: usize, sai: i32, sak: i32, kc: i32, sbk: i32, scratch: usize, list: usize): i32 {
  let src = band;
  let dst = scratch;
  let count = 0;
  const zero = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const v = f32x4.replace_lane(
      f32x4.replace_lane(
        f32x4.replace_lane(f32x4.splat(load<f32>(src)), 1, load<f32>(src + sai)),
        2,
        load<f32>(src + 2 * sai),
      ),
      3,
      load<f32>(src + 3 * sai),
    );
    v128.store(dst, v);
    store<i32>(list + <usize>(4 * count), k * sbk);
    // Advance only past a k with a nonzero (or NaN) value: f32x4.ne(v, 0) is true for both.
    const keep = v128.any_true(f32x4.ne(v, zero));
    dst += keep ? 16 : 0;
    count += keep ? 1 : 0;
    src += sak;
  }
  return count;
}
