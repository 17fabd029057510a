import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf } from "../../src/backend";
import { plotModel, mimeBundleOf, FigureError } from "../../src/display";
import { parseXml } from "./xml";

function lessonCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", padding: "same" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 100, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

test("plotModel of the lesson's CNN: the input box, then one box per layer linked by arrows, with their shapes", () => {
  const model = lessonCnn();
  const diagram = plotModel(model, { showShapes: true });
  const svg = parseXml(diagram.svg);
  const names = svg.elements.filter((e) => e.attrs.class === "layer-name").map((e) => e.text);
  assert.equal(names.length, 9);
  assert.match(names[0], /: InputLayer$/);
  assert.deepEqual(
    names.slice(1).map((n) => n.split(": ")[1]),
    ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense"],
  );
  assert.equal(names[1], `${model.layers[0].name}: Conv2D`);
  assert.equal(svg.elements.filter((e) => e.attrs.class === "link").length, 8);
  const shapes = svg.elements.filter((e) => e.attrs.class === "shape").map((e) => e.text);
  assert.ok(shapes.includes("output: (None, 28, 28, 32)"));
  assert.ok(shapes.includes("output: (None, 7, 7, 64)"));
  assert.ok(shapes.includes("input: (None, 3136)"));
  assert.ok(shapes.includes("output: (None, 10)"));
  // Without showShapes (Keras's default) only the names.
  assert.equal(parseXml(plotModel(model).svg).elements.filter((e) => e.attrs.class === "shape").length, 0);
});

test("plotModel displays as a picture that untrusted notebooks show (an <img> in the HTML), SVG and text", () => {
  const bundle = mimeBundleOf(plotModel(lessonCnn()));
  assert.ok(bundle);
  assert.match(
    bundle["text/html"] as string,
    /^<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" width="\d+" height="\d+"/,
  );
  assert.match(bundle["image/svg+xml"] as string, /^<svg /);
  assert.match(bundle["text/plain"] as string, /InputLayer\n.*Conv2D/);
});

test("plotModel toFile writes the SVG atomically (no temporary file left) and refuses other formats", () => {
  const dir = mkdtempSync(join(tmpdir(), "plot-model-"));
  try {
    const file = join(dir, "cnn-architecture.svg");
    const diagram = plotModel(lessonCnn(), { showShapes: true, toFile: file });
    assert.equal(readFileSync(file, "utf8"), diagram.svg);
    assert.deepEqual(readdirSync(dir), ["cnn-architecture.svg"]);
    assert.throws(
      () => plotModel(lessonCnn(), { toFile: join(dir, "cnn.png") }),
      (e: Error) => e instanceof FigureError && /give a \.svg file name/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
