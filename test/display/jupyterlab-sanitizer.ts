/**
 * HTML sanitizers as the notebook front ends configure them, for tests.
 *
 * - `jupyterLabSanitize`: the `sanitize-html` options of JupyterLab's default
 *   sanitizer (`packages/apputils/src/sanitizer.ts`, jupyterlab/jupyterlab):
 *   its allowed tags and attributes (extracted from Google Caja), `img` schemes
 *   (http, https, ftp, mailto, tel, attachment), and
 *   `allowedSchemesAppliedToAttributes: ['href', 'cite']`, so `src` (and with it
 *   `data:` images) is not scheme-checked (jupyterlab issue 5183). Its CSS
 *   allow-list is left out: charts rely on no style.
 * - `classicNotebookSanitize`: the very sanitizer Debian's classic Notebook 6.4.12
 *   runs for untrusted HTML (`notebook/static/components/sanitizer/index.js`, the
 *   same options bundled as an AMD module), with `allowedStyles: {}` as
 *   `security.js` passes when CSS is not allowed; `undefined` where that file is absent.
 */
import { existsSync, readFileSync } from "node:fs";

interface SanitizeHtml {
  (dirty: string, options: object): string;
  defaults: { allowedSchemes: string[] };
}
const sanitizeHtml = require("sanitize-html") as SanitizeHtml;
const defaults = sanitizeHtml.defaults;

const TAGS = [
  "a",
  "abbr",
  "acronym",
  "address",
  "area",
  "article",
  "aside",
  "audio",
  "b",
  "bdi",
  "bdo",
  "big",
  "blockquote",
  "br",
  "button",
  "canvas",
  "caption",
  "center",
  "cite",
  "code",
  "col",
  "colgroup",
  "colspan",
  "command",
  "data",
  "datalist",
  "dd",
  "del",
  "details",
  "dfn",
  "dir",
  "div",
  "dl",
  "dt",
  "em",
  "fieldset",
  "figcaption",
  "figure",
  "font",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "i",
  "img",
  "input",
  "ins",
  "kbd",
  "label",
  "legend",
  "li",
  "map",
  "mark",
  "menu",
  "meter",
  "nav",
  "nobr",
  "ol",
  "optgroup",
  "option",
  "output",
  "p",
  "pre",
  "progress",
  "q",
  "rowspan",
  "s",
  "samp",
  "section",
  "select",
  "small",
  "source",
  "span",
  "strike",
  "strong",
  "sub",
  "summary",
  "sup",
  "table",
  "tbody",
  "td",
  "textarea",
  "tfoot",
  "th",
  "thead",
  "time",
  "tr",
  "track",
  "tt",
  "u",
  "ul",
  "var",
  "video",
  "wbr",
];

const cellAttrs = [
  "abbr",
  "align",
  "axis",
  "bgcolor",
  "char",
  "charoff",
  "colspan",
  "headers",
  "height",
  "nowrap",
  "rowspan",
  "scope",
  "valign",
  "width",
];

const ATTRIBUTES = {
  "*": [
    "class",
    "dir",
    "draggable",
    "hidden",
    "id",
    "inert",
    "itemprop",
    "itemref",
    "itemscope",
    "lang",
    "spellcheck",
    "style",
    "title",
    "translate",
  ],
  a: ["accesskey", "coords", "href", "hreflang", "name", "rel", "shape", "tabindex", "target", "type"],
  caption: ["align"],
  div: ["align"],
  img: ["align", "alt", "border", "height", "hspace", "ismap", "name", "src", "usemap", "vspace", "width"],
  p: ["align"],
  progress: ["max", "min", "value"],
  table: ["align", "bgcolor", "border", "cellpadding", "cellspacing", "frame", "rules", "summary", "width"],
  tbody: ["align", "char", "charoff", "valign"],
  td: cellAttrs,
  tfoot: ["align", "char", "charoff", "valign"],
  th: cellAttrs,
  thead: ["align", "char", "charoff", "valign"],
  tr: ["align", "bgcolor", "char", "charoff", "valign"],
};

/** Sanitize HTML as JupyterLab's default sanitizer does (tags, attributes, URI schemes). */
export function jupyterLabSanitize(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: TAGS,
    allowedAttributes: ATTRIBUTES,
    allowedSchemesByTag: { img: defaults.allowedSchemes.concat(["attachment"]) },
    allowedSchemesAppliedToAttributes: ["href", "cite"],
  });
}

const CLASSIC = "/usr/lib/python3/dist-packages/notebook/static/components/sanitizer/index.js";

/** Debian's classic Notebook sanitizer, or `undefined` where the notebook package is not installed. */
export function classicNotebookSanitizer(): ((html: string) => string) | undefined {
  if (!existsSync(CLASSIC)) return undefined;
  let mod: { defaultSanitizer: { sanitize(html: string, options: object): string } } | undefined;
  const define = (a: unknown, b?: unknown) => {
    const factory = (typeof a === "function" ? a : b) as () => typeof mod;
    mod = factory();
  };
  new Function("define", readFileSync(CLASSIC, "utf8"))(define);
  if (!mod) return undefined;
  const sanitizer = mod.defaultSanitizer;
  return (html) => sanitizer.sanitize(html, { allowedStyles: {} });
}
