/**
 * Token ids as row numbers: the `n` ids at `ids` (float32, or int32 where `int32` is 1),
 * truncated toward zero as tfjs's cast to int32 truncates them, written as int32 at `out`
 * (the row list {@link copyRows} and {@link scatterAddRows} read). Returns the position of
 * the first id whose row is not in [0, rows), NaN included, or −1 when all are: the caller
 * throws before any row is read.
 */
export function tokenRows(n: i32, ids: usize, int32: i32, rows: i32, out: usize): i32 {
  const limit = <f32>rows;
  for (let i = 0; i < n; i++) {
    const at = (<usize>i) << 2;
    let row: i32;
    if (int32) {
      row = load<i32>(ids + at);
      if (row < 0 || row >= rows) return i;
    } else {
      const id = load<f32>(ids + at);
      // (−1, rows) truncates into [0, rows); the comparison is false for NaN.
      if (!(id > -1 && id < limit)) return i;
      row = <i32>id;
    }
    store<i32>(out + at, row);
  }
  return -1;
}
