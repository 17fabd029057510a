import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { plt, Pyplot, Axes, FigureError, type PlotlyFigure, type PlotlyBarTrace } from "../../src/display";
import { FakeBridge } from "./fake-bridge";
import { parseXml } from "./xml";
import { readPNG, pixel } from "./png-read";

/** The one PNG of a figure's SVG and the one layout image of its Plotly figure. */
function pictures(svg: string, fig: PlotlyFigure) {
  const images = parseXml(svg).elements.filter((e) => e.tag === "image");
  const layoutImages = (fig.layout.images ?? []) as Array<{ source: string }>;
  return { images, layoutImages };
}

function bundleBytes(bundle: object): number {
  return Buffer.byteLength(JSON.stringify(bundle));
}

test("imshow of a 2-D array draws its pixels through gray_r, vmin and vmax, in the SVG and in Plotly alike", () => {
  const p = new Pyplot();
  p.imshow(
    [
      [0, 1],
      [0.5, 2],
    ],
    { cmap: "gray_r", vmin: 0, vmax: 1 },
  );
  const fig = p.gcf();
  const { images, layoutImages } = pictures(fig.toSVG(), fig.toPlotly());
  assert.equal(images.length, 1);
  assert.equal(layoutImages.length, 1);
  assert.equal(images[0].attrs.href, layoutImages[0].source);
  const png = readPNG(layoutImages[0].source);
  // Corners of the (enlarged) picture: 0 -> white, 1 -> black, 0.5 -> mid grey, 2 clipped to black.
  assert.deepEqual(pixel(png, 0, 0), [255, 255, 255, 255]);
  assert.deepEqual(pixel(png, png.width - 1, 0), [0, 0, 0, 255]);
  assert.deepEqual(pixel(png, 0, png.height - 1).slice(0, 3), [127, 127, 127]);
  assert.deepEqual(pixel(png, png.width - 1, png.height - 1), [0, 0, 0, 255]);
  // Square pixels: the panel is as wide as it is high, and its axes span the pixel edges.
  const box = fig.geometry().panels[0];
  assert.ok(Math.abs(box.x1 - box.x0 - (box.y1 - box.y0)) < 1e-9);
  assert.deepEqual(box.xRange, [-0.5, 1.5]);
  assert.deepEqual(box.yRange, [1.5, -0.5]);
  assert.match(String(fig), /image 2×2 \(gray_r, 0\.00 to 1\.00\)/);
});

test("imshow takes a tensor of shape [28, 28] or [1, 28, 28, 1] and viridis by default", () => {
  const t = tf.tidy(() => tf.linspace(0, 1, 784).reshape([1, 28, 28, 1]));
  const p = new Pyplot();
  p.imshow(t);
  const png = readPNG((p.gcf().toPlotly().layout.images as Array<{ source: string }>)[0].source);
  // viridis: dark purple at the low end, yellow at the high end.
  assert.deepEqual(pixel(png, 0, 0), [68, 1, 84, 255]);
  assert.deepEqual(pixel(png, png.width - 1, png.height - 1), [253, 231, 37, 255]);
  t.dispose();
  assert.throws(
    () => new Pyplot().imshow(tf.zeros([2, 28, 28, 3])),
    (e: Error) => {
      assert.ok(e instanceof FigureError);
      assert.match(e.message, /expected a 2-D image, got a tensor of shape \[2, 28, 28, 3\]/);
      return true;
    },
  );
  assert.throws(() => new Pyplot().imshow([[1, 2], [3]]), /row 1 has 1 values but row 0 has 2/);
  assert.throws(
    () => new Pyplot().imshow([[1]], { cmap: "jet" as "gray" }),
    /unknown colormap "jet"; use one of viridis/,
  );
});

test("subplots(2, 16) of 3×3 filters is one figure of 32 axis-free panels with ONE picture, far under 200 KB", () => {
  const bridge = new FakeBridge(true).install();
  try {
    const [fig, axs] = plt.subplots(2, 16, { figsize: [15, 2] });
    assert.equal(axs.length, 2);
    assert.equal(axs[1].length, 16);
    assert.ok(axs[1][15] instanceof Axes);
    let seed = 7;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 16; j++) {
        const w = [0, 1, 2].map(() => [0, 1, 2].map(() => (seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5));
        axs[i][j].imshow(w, { vmin: -0.5, vmax: 0.5 });
        axs[i][j].axis("off");
      }
    assert.equal(String(fig.toFigure()), "Figure 2×16 panels: 32 images 3×3 (viridis)");
    plt.show();
    assert.equal(bridge.displays.length, 1);
    const bundle = bridge.displays[0].bundle;
    const plotly = bundle["application/vnd.plotly.v1+json"] as PlotlyFigure;
    const { images, layoutImages } = pictures(bundle["image/svg+xml"] as string, plotly);
    assert.equal(images.length, 1);
    assert.equal(layoutImages.length, 1);
    // No axis lines or tick labels: axis("off").
    assert.equal(parseXml(bundle["image/svg+xml"] as string).elements.filter((e) => e.tag === "text").length, 0);
    assert.equal((plotly.layout.xaxis32 as { visible: boolean }).visible, false);
    // Without plotly.js (shipped once per session) the whole output is small.
    const size = bundleBytes({
      ...bundle,
      "text/html": (bundle["text/html"] as string).replace(/<script[^]*?plotly\.js[^]*?<\/script>/, ""),
    });
    assert.ok(size < 200_000, `filters figure is ${size} bytes`);
    // Every picture covers its panel: the PNG's colour at panel (1, 15)'s centre is filter 31's centre.
    const png = readPNG(layoutImages[0].source);
    const centre = pixel(png, Math.round(png.width * (15.5 / 16)), Math.round(png.height * 0.75));
    assert.equal(centre[3], 255);
  } finally {
    bridge.uninstall();
  }
});

test("a 4×8 grid of 28×28 feature maps stays under 200 KB of notebook", () => {
  const [fig, axs] = new Pyplot().subplots(4, 8, { figsize: [8, 4] });
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 8; j++) {
      axs[i][j].imshow(
        Array.from({ length: 28 }, (_, y) =>
          Array.from({ length: 28 }, (_, x) => Math.max(0, Math.sin(x / 3 + i) * Math.cos(y / 4 + j))),
        ),
      );
      axs[i][j].axis("off");
    }
  const bundle = fig.toFigure().mimeBundle({ plotly: "never" });
  const size = bundleBytes(bundle);
  assert.ok(size < 200_000, `feature maps figure is ${size} bytes`);
});

test("subplots squeezes a dimension of 1 as matplotlib, and keeps rows of axes otherwise", () => {
  const p = new Pyplot();
  const [, one] = p.subplots(1, 1);
  assert.ok(one instanceof Axes);
  const [, row] = p.subplots(1, 3);
  assert.equal(row.length, 3);
  assert.ok(row[2] instanceof Axes);
  const [, grid] = p.subplots(2, 3);
  assert.equal(grid.length, 2);
  assert.equal(grid[1].length, 3);
  // axs[i].plot draws into that panel only; plt.* calls go to the last axes.
  const [fig, axs] = p.subplots(1, 2);
  axs[0].plot([1, 2, 3]);
  axs[0].set_title("left");
  axs[1].setTitle("right");
  p.plot([3, 2, 1]);
  const plotly = fig.toFigure().toPlotly();
  assert.deepEqual(
    plotly.data.map((t) => [t.xaxis, t.y]),
    [
      ["x", [1, 2, 3]],
      ["x2", [3, 2, 1]],
    ],
  );
  assert.deepEqual(
    (plotly.layout.annotations as Array<{ text: string }>).map((a) => a.text),
    ["left", "right"],
  );
});

test("bar with class names: one bar per class, the names as tick labels, bars standing on zero", () => {
  const names = ["T-shirt/top", "Trouser", "Pullover"];
  const p = new Pyplot();
  p.bar(names, [0.1, 0.2, 0.7]);
  p.xlabel("class");
  p.ylabel("prob.");
  const fig = p.gcf();
  const plotly = fig.toPlotly();
  const bar = plotly.data[0] as PlotlyBarTrace;
  assert.equal(bar.type, "bar");
  assert.deepEqual(bar.x, [0, 1, 2]);
  assert.deepEqual(bar.y, [0.1, 0.2, 0.7]);
  const xaxis = plotly.layout.xaxis as { tickvals: number[]; ticktext: string[] };
  assert.deepEqual(xaxis.ticktext, names);
  assert.equal(fig.geometry().panels[0].yRange[0], 0);
  const svg = parseXml(fig.toSVG());
  const bars = svg.elements.find((e) => e.tag === "path" && e.attrs.class === "bars");
  assert.equal(bars?.attrs.d.match(/M/g)?.length, 3);
  assert.deepEqual(
    svg.elements.filter((e) => e.attrs.class === "xtick").map((e) => e.text),
    names,
  );
  assert.throws(() => p.bar([1, 2], [1]), /2 positions but 1 heights/);
});

test("hist counts as numpy's histogram (last bin closed) and returns counts and edges", () => {
  const p = new Pyplot();
  const [counts, edges] = p.hist([0, 0.5, 1, 1, 0.25], { bins: 2 });
  assert.deepEqual(counts, [2, 3]);
  assert.deepEqual(edges, [0, 0.5, 1]);
  const bar = p.gcf().toPlotly().data[0] as PlotlyBarTrace;
  assert.deepEqual(bar.x, [0.25, 0.75]);
  assert.equal(bar.width, 0.5);
  const [tensorCounts] = new Pyplot().hist(tf.tensor1d([1, 2, 3, 4]), { bins: 3 });
  assert.deepEqual(tensorCounts, [1, 1, 2]);
});

test("xticks with rotation turn the labels in the SVG and in Plotly; axis('off') hides a panel's axes", () => {
  const p = new Pyplot();
  p.plot([1, 2, 3]);
  p.xticks([0, 1, 2], ["a", "b", "c"], { rotation: 45 });
  const fig = p.gcf();
  assert.equal((fig.toPlotly().layout.xaxis as { tickangle: number }).tickangle, -45);
  const ticks = parseXml(fig.toSVG()).elements.filter((e) => e.attrs.class === "xtick");
  assert.deepEqual(
    ticks.map((e) => e.text),
    ["a", "b", "c"],
  );
  assert.match(ticks[0].attrs.transform, /^rotate\(-45 /);
  assert.throws(() => p.xticks([0, 1], ["a"]), /2 ticks but 1 labels/);
  p.axis("off");
  const off = p.gcf();
  assert.equal(parseXml(off.toSVG()).elements.filter((e) => e.tag === "text").length, 0);
  assert.equal((off.toPlotly().layout.xaxis as { visible: boolean }).visible, false);
});
