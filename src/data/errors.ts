/**
 * Raised when a dataset cannot be found, read, verified or split: the message
 * names the file, the problem, what was expected and what was found.
 *
 * @example
 * try { await loadFashionMnist({ dir: "data" }); }
 * catch (e) { if (e instanceof DatasetError) console.error(e.message); }
 */
export class DatasetError extends Error {
  override name = "DatasetError";
}
