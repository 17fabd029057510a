/**
 * How deeply a JSON text nests, measured on the text without parsing it, so a
 * reader can refuse a deeply nested document before anything recursive sees it.
 * It imports nothing of the project: `io/` (model configs) and `data/` (dataset
 * indexes) each wrap it with their own error class.
 */

/**
 * The deepest bracket nesting outside strings, counting stopped once it passes `limit`
 * (so a hostile text costs one pass at most).
 *
 * @example
 * jsonDepth('{"a": [1, [2]]}', 100); // 3
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
