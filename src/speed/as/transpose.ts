/** out[c][r] = a[r][c] for an r×c float32 matrix (a filter seen as [kh·kw·ci, co], turned for the input gradient's product). */
export function transpose(rows: i32, cols: i32, a: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(out + <usize>(4 * (c * rows + r)), load<f32>(a + <usize>(4 * (r * cols + c))));
    }
  }
}
