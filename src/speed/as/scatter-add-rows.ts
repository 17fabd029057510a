/**
 * dst[rows[r]] += src[r] for r = 0..count, rows of `width` floats, in order of r, each add
 * rounded to float32: the scatter-add of `gather`'s gradient (an Embedding table's), the sums
 * in the order the wasm `UnsortedSegmentSum` adds them. `rows` (int32) must lie in dst's rows.
 */
export function scatterAddRows(count: i32, width: i32, src: usize, rows: usize, dst: usize): void {
  const rowBytes = (<usize>width) << 2;
  const vecEnd = (<usize>(width & ~3)) << 2;
  for (let r = 0; r < count; r++) {
    const from = src + <usize>r * rowBytes;
    const to = dst + <usize>load<i32>(rows + ((<usize>r) << 2)) * rowBytes;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) v128.store(to + j, f32x4.add(v128.load(to + j), v128.load(from + j)));
    for (; j < rowBytes; j += 4) store<f32>(to + j, load<f32>(to + j) + load<f32>(from + j));
  }
}
