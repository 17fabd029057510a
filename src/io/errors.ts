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
    super(shortened(`${path}: ${message}`), options);
    this.path = path;
  }
}

/** The longest message an error carries: a file's long lists are summarised, not copied whole. */
const MAX_MESSAGE_CHARS = 2000;

/**
 * A message cut to {@link MAX_MESSAGE_CHARS}, keeping its start (what and where) and its end
 * (what to do), with the number of characters left out in between.
 */
function shortened(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  const head = text.slice(0, 1400);
  const tail = text.slice(-400);
  return `${head} … (${text.length - head.length - tail.length} characters left out) … ${tail}`;
}
