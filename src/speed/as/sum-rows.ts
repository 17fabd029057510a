/**
 * out[j] = Σ_r x[r][j] over `rows` rows of `n` floats, adding the rows in order in float32
 * (the order of tfjs's own Sum over leading axes, so the same numbers): a bias's gradient.
 */
export function sumRows(rows: i32, n: i32, x: usize, out: usize): void {
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
