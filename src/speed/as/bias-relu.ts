/**
 * y[r][j] = y[r][j] + bias[j], then max(·, 0) if `relu`, in place over `rows` rows of `n`
 * floats: the epilogue of a convolution's matrix product.
 */
export function biasRelu(rows: i32, n: i32, y: usize, bias: usize, relu: i32): void {
  const vecEnd = n & ~3;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>(4 * r * n);
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = row + <usize>(4 * j);
      let v = v128.load(at);
      if (bias) v = f32x4.add(v, v128.load(bias + <usize>(4 * j)));
      if (relu) v = f32x4.max(v, zero);
      v128.store(at, v);
    }
    for (; j < n; j++) {
      const at = row + <usize>(4 * j);
      let v = load<f32>(at);
      if (bias) v += load<f32>(bias + <usize>(4 * j));
      if (relu) v = max(v, 0);
      store<f32>(at, v);
    }
  }
}
