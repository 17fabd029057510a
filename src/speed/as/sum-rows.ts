/**
 * out[j] = Σ_r x[r][j] over `rows` rows of `n` floats, adding the rows in order: in float32
 * (`wide` 0: the order of tfjs's own Sum over leading axes, so the same numbers; a
 * convolution's bias gradient), or in float64, rounded to float32 once at the end (`wide` 1: a
 * Dense layer's bias gradient, as its JavaScript sum in a Float64Array did).
 */
import { load2, store2 } from "./lanes";

export function sumRows(rows: i32, n: i32, x: usize, out: usize, wide: i32): void {
  if (wide != 0) {
    sumRowsWide(rows, n, x, out);
    return;
  }
  memory.fill(out, 0, <usize>(4 * n));
  const vecEnd = n & ~3;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>(4 * r * n);
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = out + <usize>(4 * j);
      v128.store(at, f32x4.add(v128.load(at), v128.load(row + <usize>(4 * j))));
    }
    for (; j < n; j++) {
      const at = out + <usize>(4 * j);
      store<f32>(at, load<f32>(at) + load<f32>(row + <usize>(4 * j)));
    }
  }
}

/** Two columns at a time down the rows in float64 lanes (0 + x[0][j] + x[1][j] + …), then the odd one. */
function sumRowsWide(rows: i32, n: i32, x: usize, out: usize): void {
  const stride = <usize>(4 * n);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    let sum = f64x2.splat(0);
    let at = x + <usize>(4 * j);
    for (let r = 0; r < rows; r++) {
      sum = f64x2.add(sum, load2(at));
      at += stride;
    }
    store2(out + <usize>(4 * j), sum);
  }
  for (; j < n; j++) {
    let sum: f64 = 0;
    let at = x + <usize>(4 * j);
    for (let r = 0; r < rows; r++) {
      sum += <f64>load<f32>(at);
      at += stride;
    }
    store<f32>(out + <usize>(4 * j), <f32>sum);
  }
}
