/** Turning the HDF5 library's errors into one line a learner can read. */

/**
 * The HDF5 library reports an error as its whole call stack (a dozen entries of
 * two lines each). The innermost entry names the cause best ("truncated file:
 * eof = …", "unable to open file"); this returns that, or the first line.
 *
 * @example
 * hdf5ErrorSummary(e); // "truncated file: eof = 100, sblock->base_addr = 0, stored_eof = 327840"
 */
export function hdf5ErrorSummary(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim());
  const entries = lines.filter((l) => /^#\d+:/.test(l));
  const last = entries[entries.length - 1];
  const detail = last ? last.replace(/^#\d+:\s*\S+\s+line \d+ in [^:]+:\s*/, "") : lines[0];
  return detail.slice(0, 300);
}
