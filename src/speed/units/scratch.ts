/**
 * Laying a unit's scratch floats out as the byte-sized blocks an op asks for, each on a 16-byte
 * boundary (the AssemblyScript ops load and store 4 floats at a time).
 */

/** Floats of scratch that hold blocks of `bytes` each, aligned, wherever the scratch starts. */
export function scratchFloatsFor(bytes: number[]): number {
  return 3 + bytes.reduce((total, b) => total + 4 * Math.ceil(b / 16), 0);
}

/**
 * The byte addresses of blocks of `bytes` each in the scratch at float index `at` (which holds
 * {@link scratchFloatsFor}(bytes) floats).
 *
 * @example
 * const [geometry, packed] = scratchBlocks(at.scratch, [GEOMETRY_BYTES, GEMM_SCRATCH_BYTES]);
 */
export function scratchBlocks(at: number, bytes: number[]): number[] {
  let next = Math.ceil((4 * at) / 16) * 16;
  return bytes.map((b) => {
    const block = next;
    next += 16 * Math.ceil(b / 16);
    return block;
  });
}
