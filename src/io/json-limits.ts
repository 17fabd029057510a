/**
 * Limits on the JSON a model file carries (its config, its manifest): what
 * Keras and TensorFlow.js write is a few kilobytes nested a dozen levels deep,
 * so anything far beyond is refused with a `ModelFileError` instead of a
 * `RangeError` from deep in a parser or a recursive walk.
 */
import { jsonDepth } from "../util/json-depth";
import { ModelFileError } from "./errors";

/**
 * Largest config text read: 16 MiB. A Keras config is about 1 KB per layer (2 MB for the
 * 2,000 layers tslab-dl builds), and parsing JSON costs several times its size, so a larger
 * one would cost far more memory than any model it could describe.
 */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;

/** Deepest nesting accepted; real configs nest about 10 levels. */
const MAX_JSON_DEPTH = 1000;

/**
 * Refuse config text longer than {@link MAX_CONFIG_BYTES}, before it is decoded.
 *
 * @example
 * checkConfigSize("m.keras", "config.json", entry.length);
 */
export function checkConfigSize(file: string, what: string, bytes: number): void {
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ModelFileError(
      file,
      `${what} is ${bytes} bytes, more than the ${MAX_CONFIG_BYTES} (16 MiB) a model config may have; refused before reading it`,
    );
  }
}

/**
 * Parse JSON, refusing text nested deeper than {@link MAX_JSON_DEPTH}: the
 * depth is measured on the text, iteratively, before anything recursive sees it.
 *
 * @example
 * const config = parseLimitedJson("m.h5", "model_config", text); // what "" for the whole file
 */
export function parseLimitedJson(file: string, what: string, text: string): unknown {
  const depth = jsonDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new ModelFileError(
      file,
      `${what || "its JSON"} nests more than ${MAX_JSON_DEPTH} levels deep (found at least ${depth}); a model config nests about 10; refused`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelFileError(
      file,
      `${what ? `${what} ` : ""}is not valid JSON (${(e as Error).message}); is the file truncated?`,
      { cause: e },
    );
  }
}
