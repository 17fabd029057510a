/**
 * Arithmetic on tensor shapes shared by the data readers, the model-file readers and
 * the fast training path (none of which should depend on tfjs for it: the HDF5 worker
 * does not load tfjs).
 */

/**
 * The number of elements a tensor of `shape` holds (1 for a scalar's `[]`).
 *
 * @example
 * elementCount([32, 28, 28]); // 25088
 */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
