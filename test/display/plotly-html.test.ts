import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { mimeBundleOf, plotHistory, resetPlotlyInclusion, plotlyShipped } from "../../src/display";
import { plotlyCarrierBundle, plotlySource } from "../../src/display/plotly-html";
import { lessonHistory } from "./fixtures";
import { jupyterLabSanitize, classicNotebookSanitizer } from "./jupyterlab-sanitizer";

const PLOTLY_BYTES = readFileSync(require.resolve("plotly.js-basic-dist-min/plotly-basic.min.js")).length;

function htmlOf(value: unknown): string {
  const bundle = mimeBundleOf(value);
  assert.ok(bundle);
  return String(bundle["text/html"]);
}

test("plotly.js goes into the first chart of a session only; later charts add under 50 KB", () => {
  resetPlotlyInclusion();
  const first = mimeBundleOf(lessonHistory());
  const second = mimeBundleOf(lessonHistory());
  const third = mimeBundleOf(lessonHistory());
  assert.ok(first && second && third);
  assert.ok(String(first["text/html"]).length > PLOTLY_BYTES, "the first chart carries the whole bundle");
  assert.match(String(first["text/html"]), /plotly\.js 4\.\d+\.\d+ \(plotly\.js-basic-dist-min\), inlined by tslab-dl/);
  for (const later of [second, third]) {
    assert.doesNotMatch(String(later["text/html"]), /inlined by tslab-dl/);
    const bytes = Buffer.byteLength(JSON.stringify(later));
    assert.ok(bytes < 50_000, `a later chart's whole bundle is ${bytes} bytes`);
  }
  assert.equal(plotlyShipped(), true);
  resetPlotlyInclusion();
  assert.match(htmlOf(lessonHistory()), /inlined by tslab-dl/, "after a reset the next chart carries plotly.js again");
});

test("each chart's element id is unique, so several outputs of the same figure each draw", () => {
  const ids = [htmlOf(lessonHistory()), htmlOf(lessonHistory())].map((h) => /id="(tslab-dl-chart-[^"]+)"/.exec(h)?.[1]);
  assert.ok(ids[0] && ids[1]);
  assert.notEqual(ids[0], ids[1]);
});

test("the figure option plotly: 'never' / 'always' overrides the once-per-session rule", () => {
  resetPlotlyInclusion();
  const fig = plotHistory(lessonHistory());
  assert.doesNotMatch(String(fig.mimeBundle({ plotly: "never" })["text/html"]), /inlined by tslab-dl/);
  assert.equal(plotlyShipped(), false, "a chart without plotly.js does not count as shipping it");
  assert.match(String(fig.mimeBundle({ plotly: "always" })["text/html"]), /inlined by tslab-dl/);
  assert.match(String(fig.mimeBundle({ plotly: "always" })["text/html"]), /inlined by tslab-dl/);
});

test("the carrier output carries plotly.js once and nothing visible", () => {
  resetPlotlyInclusion();
  const carrier = plotlyCarrierBundle();
  assert.ok(carrier);
  assert.equal(carrier["text/plain"], "");
  assert.equal(plotlyCarrierBundle(), undefined, "a second carrier in the same session is not needed");
  assert.doesNotMatch(htmlOf(lessonHistory()), /inlined by tslab-dl/);
});

test("plotly.js sets window.Plotly even where an AMD loader (require.js) defines `define`", () => {
  resetPlotlyInclusion();
  const html = htmlOf(lessonHistory());
  const script = /<script type="text\/javascript">(\/\* plotly\.js[\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(script);
  let amdCalls = 0;
  const define = Object.assign(() => void amdCalls++, { amd: {} });
  const window: { [k: string]: unknown } = { define };
  window.window = window;
  window.self = window;
  const sandbox = vm.createContext(window);
  // The wrapper only runs the bundle when Plotly is not there; enough to check which global it sets.
  const fakeBundle = `(function (root, factory) { if (typeof define === "function" && define.amd) { define([], factory); } else if (typeof module === "object" && module.exports) { module.exports = factory(); } else { root.Plotly = factory(); } })(self, function () { return { newPlot: function () {} }; });`;
  const wrapped = script.replace(
    plotlySource()
      .replace(/<\/script/gi, "<\\/script")
      .replace(/<!--/g, "<\\!--"),
    fakeBundle,
  );
  assert.notEqual(wrapped, script, "the bundle sits verbatim inside the wrapper");
  vm.runInContext(wrapped, sandbox);
  assert.equal(amdCalls, 0, "the UMD bundle did not register with require.js");
  assert.equal(typeof (window.Plotly as { newPlot?: unknown })?.newPlot, "function");
});

test("the chart's data in the loader script cannot close the <script> element", () => {
  const html = htmlOf(plotHistory({ epoch: [0, 1], history: { "</script><b>x": [1, 2] } }));
  const loader = html.slice(html.lastIndexOf("<script"));
  assert.equal((loader.match(/<\/script/g) ?? []).length, 1);
});

test("untrusted notebooks: JupyterLab's sanitizer keeps the chart's <img> (data: SVG, width, height) and drops the scripts", () => {
  resetPlotlyInclusion();
  for (const html of [htmlOf(lessonHistory()), htmlOf(lessonHistory())]) {
    const clean = jupyterLabSanitize(html);
    assert.doesNotMatch(clean, /<script/);
    const img = /<img ([^>]*)\/?>/.exec(clean)?.[1] ?? "";
    assert.match(img, /src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]{1000,}"/);
    assert.match(img, /width="920"/);
    assert.match(img, /height="400"/);
    assert.match(clean, /<div class="tslab-dl-chart" id="tslab-dl-chart-/);
  }
});

test("untrusted notebooks: Debian's classic Notebook sanitizer keeps the chart's <img>", (t) => {
  const sanitize = classicNotebookSanitizer();
  if (!sanitize) {
    t.skip("Debian's jupyter-notebook is not installed (notebook/static/components/sanitizer/index.js)");
    return;
  }
  const clean = sanitize(htmlOf(lessonHistory()));
  assert.doesNotMatch(clean, /<script/);
  assert.match(clean, /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]{1000,}" width="920" height="400"/);
  // The same sanitizer drops a javascript: link, so it is really sanitizing.
  assert.doesNotMatch(sanitize('<a href="javascript:alert(1)">x</a>'), /javascript:/);
});
