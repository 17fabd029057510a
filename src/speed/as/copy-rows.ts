/**
 * A batch's rows gathered from a data set: rows rows[0..count) (int32 at `rows`) of `src`, each
 * `rowBytes` long, copied in order to `dst` (the plan's batch loop, step-op.ts).
 */
export function copyRows(count: i32, rowBytes: i32, src: usize, rows: usize, dst: usize): void {
  const bytes = <usize>rowBytes;
  for (let r = 0; r < count; r++) {
    const from = src + <usize>load<i32>(rows + ((<usize>r) << 2)) * bytes;
    memory.copy(dst + <usize>r * bytes, from, bytes);
  }
}
