import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { predictionView } from "../../src/display/prediction";
import { mimeBundleOf } from "../../src/display/registry";

test("predictionView draws the image pixel by pixel and one bar per class, the predicted one highlighted", () => {
  const image = [
    [0, 1],
    [0.5, 0],
  ];
  const bundle = mimeBundleOf(predictionView(image, [0.1, 0.7, 0.2], { labels: ["a", "b", "c"], target: 2 }))!;
  const svg = String(bundle["image/svg+xml"]);
  assert.deepEqual(
    [...svg.matchAll(/fill="rgb\((\d+),\1,\1\)"/g)].map((m) => Number(m[1])),
    [0, 255, 128, 0],
    "four grey pixels, in row order",
  );
  assert.equal([...svg.matchAll(/fill="#1f77b4"/g)].length, 1, "one highlighted bar");
  assert.match(
    svg,
    /<rect x="276" y="20" width="105.0" height="10" fill="#1f77b4"\/>/,
    "class b (p 0.7) is highlighted",
  );
  assert.match(svg, />c ✓</, "the true class is ticked");
  assert.equal(bundle["text/plain"], "predicted b (p = 0.700), true class c");
});

test("predictionView reads tensors and refuses an image that is not square", () => {
  const bundle = mimeBundleOf(predictionView(tf.ones([1, 3, 3]), tf.tensor1d([0.5, 0.5])))!;
  assert.equal([...String(bundle["image/svg+xml"]).matchAll(/rgb\(255,255,255\)/g)].length, 9);
  assert.throws(() => predictionView([1, 2, 3], [1]), { name: "RangeError", message: /must be square; got 3 pixels/ });
});
