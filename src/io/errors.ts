/**
 * Raised when a model or weights file cannot be written or read: the message
 * names the file, the part of it (layer, key) that failed, what was expected
 * and what was found.
 *
 * @example
 * try { await loadWeights(model, "w.h5"); }
 * catch (e) { if (e instanceof ModelFileError) console.error(e.message); }
 */
export class ModelFileError extends Error {
  override name = "ModelFileError";
  /** The file or directory concerned. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}
