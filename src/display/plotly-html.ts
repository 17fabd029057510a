/**
 * The HTML of a chart, and how plotly.js gets into a notebook: offline, at most
 * once per kernel session, and safely under the classic Notebook's require.js.
 *
 * A chart's `text/html` is, in order:
 * 1. `<div id=…><img src="data:image/svg+xml;base64,…" width height></div>`: the
 *    static picture. It needs no script, and survives JupyterLab's and the
 *    classic Notebook's HTML sanitizers (they keep `<img>` with `src`, `width`,
 *    `height`, `alt`, and do not check the scheme of `src`), so untrusted
 *    notebooks and viewers that run no JavaScript still show the chart.
 * 2. only in the first chart of a kernel session: plotly.js itself (1.2 MB,
 *    `plotly.js-basic-dist-min` from npm, never a CDN), evaluated with `define`,
 *    `module` and `exports` shadowed so no AMD/CommonJS loader captures it.
 * 3. a small loader that waits until `window.Plotly` exists and the picture is in
 *    the page, then draws the interactive chart and removes the picture. The chart
 *    keeps the figure's size where it fits and is scaled down as a whole (CSS
 *    `transform`, fonts and all) where the output area is narrower, as the picture
 *    is by `max-width: 100%`: matplotlib's inline backend's rule, a figure is its
 *    figsize, shrunk to fit. It follows the area's width (`ResizeObserver`), and
 *    draws the pictures of `imshow` with `image-rendering: pixelated`, as the SVG.
 *
 * When a notebook is reopened, outputs render in order, so the first chart's
 * output defines Plotly and the later ones find it. If the output that carried
 * plotly.js has been cleared, later charts keep their static picture
 * (see {@link resetPlotlyInclusion}).
 */
import { readFileSync } from "node:fs";
import type { MimeBundle } from "./registry";
import type { PlotlyFigure } from "./figure-spec";
import { xmlEscape } from "./escape";

/** When a chart's HTML carries plotly.js: once per session (`"auto"`), `"always"`, or `"never"`. */
export type PlotlyInclusion = "auto" | "always" | "never";

const SHIPPED_KEY = Symbol.for("tslab-dl.display.plotlyShipped");
type ShippedSlot = { [SHIPPED_KEY]?: boolean };
const slot = globalThis as unknown as ShippedSlot;

/** Whether a chart output of this kernel session already carried plotly.js. */
export function plotlyShipped(): boolean {
  return slot[SHIPPED_KEY] === true;
}

/**
 * Make the next chart carry plotly.js again. Use it after clearing (or deleting)
 * the output of the first chart of the session: a saved notebook then still has
 * one output that defines Plotly for the charts after it.
 *
 * @example
 * resetPlotlyInclusion();
 * display(history); // this chart's HTML carries plotly.js
 */
export function resetPlotlyInclusion(): void {
  delete slot[SHIPPED_KEY];
}

function takeInclusion(mode: PlotlyInclusion): boolean {
  if (mode === "never") return false;
  if (mode === "always") return true;
  if (plotlyShipped()) return false;
  slot[SHIPPED_KEY] = true;
  return true;
}

let bundleCache: string | undefined;

/** The plotly.js bundle source (plotly.js-basic-dist-min). */
export function plotlySource(): string {
  if (bundleCache === undefined) {
    const file = require.resolve("plotly.js-basic-dist-min/plotly-basic.min.js");
    bundleCache = readFileSync(file, "utf8");
  }
  return bundleCache;
}

/** The version of the bundled plotly.js, read from its banner. */
function plotlyVersion(): string {
  return /plotly\.js[^\n]*?v(\d+\.\d+\.\d+)/.exec(plotlySource().slice(0, 300))?.[1] ?? "unknown";
}

/**
 * plotly.js as one inline script: `define`/`module`/`exports` are shadowed so the
 * bundle always sets `window.Plotly`, even where require.js is loaded (the
 * classic Notebook); evaluated only when Plotly is not there yet.
 */
function plotlyScript(): string {
  const src = plotlySource()
    .replace(/<\/script/gi, "<\\/script")
    .replace(/<!--/g, "<\\!--");
  return (
    `<script type="text/javascript">/* plotly.js ${plotlyVersion()} (plotly.js-basic-dist-min), inlined by tslab-dl */\n` +
    `(function (define, module, exports) {\nif (window.Plotly && window.Plotly.newPlot) return;\n${src}\n}).call(window);\n` +
    `</script>`
  );
}

/** JSON safe inside a `<script>` element. */
function scriptJSON(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function loaderScript(id: string, figure: PlotlyFigure): string {
  // Plain ES5: it runs in whatever page shows the notebook.
  return `<script type="text/javascript">
(function () {
  var id = ${scriptJSON(id)};
  var fig = ${scriptJSON(figure)};
  var W = fig.layout.width, H = fig.layout.height;
  function pixelated() {
    if (document.getElementById("tslab-dl-plotly-style")) return;
    var style = document.createElement("style");
    style.id = "tslab-dl-plotly-style";
    style.textContent = ".tslab-dl-plotly image { image-rendering: crisp-edges; image-rendering: pixelated; }";
    (document.head || document.documentElement).appendChild(style);
  }
  function fit(host, box, div) {
    var room = host.clientWidth;
    var s = room > 0 && W > room ? room / W : 1;
    box.style.width = W * s + "px";
    box.style.height = H * s + "px";
    div.style.transform = s < 1 ? "scale(" + s + ")" : "";
    return room;
  }
  function plot(P, host) {
    host.setAttribute("data-plotted", "1");
    var img = host.querySelector("img");
    var box = document.createElement("div");
    box.className = "tslab-dl-plotly";
    box.style.overflow = "hidden";
    var div = document.createElement("div");
    div.style.width = W + "px";
    div.style.height = H + "px";
    div.style.transformOrigin = "0 0";
    box.appendChild(div);
    host.appendChild(box);
    if (img) img.style.display = "none";
    pixelated();
    var room = fit(host, box, div);
    function refit() {
      if (!document.documentElement.contains(host)) return stop();
      if (host.clientWidth !== room) room = fit(host, box, div);
    }
    var observer = typeof ResizeObserver === "function" ? new ResizeObserver(refit) : null;
    function stop() {
      if (observer) observer.disconnect();
      else window.removeEventListener("resize", refit);
    }
    function fail() {
      stop();
      if (img) img.style.display = "";
      if (box.parentNode) box.parentNode.removeChild(box);
    }
    if (observer) observer.observe(host);
    else window.addEventListener("resize", refit);
    try {
      P.newPlot(div, fig.data, fig.layout, { displaylogo: false, responsive: false }).then(function () {
        if (img && img.parentNode) img.parentNode.removeChild(img);
      }, fail);
    } catch (e) {
      fail();
    }
  }
  function tick(n) {
    var P = window.Plotly;
    var hosts = document.querySelectorAll('[id="' + id + '"]');
    var found = false;
    for (var i = 0; i < hosts.length; i++) {
      if (!hosts[i].getAttribute("data-plotted")) {
        found = true;
        if (P && P.newPlot) plot(P, hosts[i]);
      }
    }
    if ((!found || !(P && P.newPlot)) && n < 1200) setTimeout(function () { tick(n + 1); }, 50);
  }
  tick(0);
})();
</script>`;
}

/** Options for {@link chartHTML}. */
interface ChartHTMLOptions {
  width: number;
  height: number;
  /** Alternative text of the static picture. */
  alt: string;
  /** Unique id of the chart's element. */
  id: string;
  plotly: PlotlyInclusion;
}

/** The `data:` URI of an SVG document. */
export function svgDataURI(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

/** The `text/html` of a chart: static picture, plotly.js when due, loader. */
export function chartHTML(figure: PlotlyFigure, svg: string, options: ChartHTMLOptions): string {
  const picture =
    `<div class="tslab-dl-chart" id="${xmlEscape(options.id)}">` +
    `<img src="${svgDataURI(svg)}" width="${options.width}" height="${options.height}" alt="${xmlEscape(options.alt)}">` +
    `</div>`;
  const carry = takeInclusion(options.plotly) ? plotlyScript() + "\n" : "";
  return `${picture}\n${carry}${loaderScript(options.id, figure)}`;
}

/**
 * An output that only carries plotly.js (no visible content), for callers that
 * update one chart many times in place (the live training view): the chart's
 * updates then stay small, and the saved notebook keeps plotly.js in this output.
 * `undefined` when this session already shipped plotly.js.
 */
export function plotlyCarrierBundle(mode: PlotlyInclusion = "auto"): MimeBundle | undefined {
  if (!takeInclusion(mode)) return undefined;
  return { "text/html": plotlyScript(), "text/plain": "" };
}

/** A self-contained HTML page of a chart (plotly.js inlined), for plain Node scripts. */
export function standaloneHTML(
  figure: PlotlyFigure,
  svg: string,
  options: { width: number; height: number; title: string },
): string {
  const id = `tslab-dl-chart-${Date.now().toString(36)}`;
  const picture =
    `<div class="tslab-dl-chart" id="${id}">` +
    `<img src="${svgDataURI(svg)}" width="${options.width}" height="${options.height}" alt="${xmlEscape(options.title)}">` +
    `</div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${xmlEscape(options.title)}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; margin: 16px;">
${picture}
${plotlyScript()}
${loaderScript(id, figure)}
</body>
</html>
`;
}
