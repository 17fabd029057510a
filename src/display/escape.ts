/**
 * Escaping user text for the markup tslab-dl writes: XML/HTML (SVG, tables, widgets,
 * chart HTML) and Plotly's text (titles, labels, legend names).
 */

/**
 * Escape text for XML or HTML content and attribute values (quotes included).
 *
 * @example
 * xmlEscape(`a < b & "c"`); // "a &lt; b &amp; &quot;c&quot;"
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Plotly interprets a few HTML tags in text (`<b>`, `<br>`); escape them so user text
 * shows literally. Quotes stay: Plotly would show `&quot;` as typed.
 *
 * @example
 * escapePlotlyText("x<sup>2</sup>"); // "x&lt;sup&gt;2&lt;/sup&gt;"
 */
export function escapePlotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
