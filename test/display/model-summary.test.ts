import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { mimeBundleOf, modelSummaryHTML } from "../../src/display";
import { FakeBridge } from "./fake-bridge";

function lessonModel() {
  const model = tf.sequential({ name: "lesson" });
  model.add(tf.layers.flatten({ inputShape: [28, 28], name: "flatten" }));
  model.add(tf.layers.dense({ units: 100, activation: "relu", name: "dense" }));
  model.add(tf.layers.dropout({ rate: 0.3, name: "dropout" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: "dense_1" }));
  return model;
}

/** Keras 3's summary of the lesson's model (`print_summary`, 88 columns). */
const KERAS_LESSON_SUMMARY = [
  'Model: "lesson"',
  "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
  "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃",
  "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩",
  "│ flatten (Flatten)                    │ (None, 784)                 │               0 │",
  "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
  "│ dense (Dense)                        │ (None, 100)                 │          78,500 │",
  "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
  "│ dropout (Dropout)                    │ (None, 100)                 │               0 │",
  "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
  "│ dense_1 (Dense)                      │ (None, 10)                  │           1,010 │",
  "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘",
  " Total params: 79,510 (310.59 KB)",
  " Trainable params: 79,510 (310.59 KB)",
  " Non-trainable params: 0 (0.00 B)",
];

/** What `fn` writes to stdout as text (other chunks, e.g. node:test's binary IPC, pass through). */
function stdoutOf(fn: () => void): string {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") {
      written.push(chunk);
      return true;
    }
    return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return written.join("");
}

test("a model's summary is an HTML table with Layer (type), Output Shape, Param # and Keras's totals", () => {
  const model = lessonModel();
  const html = String(mimeBundleOf(model)?.["text/html"]);
  assert.equal(html, modelSummaryHTML(model as unknown as Parameters<typeof modelSummaryHTML>[0]));
  assert.match(html, /<th[^>]*>Layer \(type\)<\/th><th[^>]*>Output Shape<\/th><th[^>]*>Param #<\/th><\/tr>/);
  const rows = [...html.matchAll(/<tr><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)].map(
    (m) => m.slice(1),
  );
  assert.deepEqual(rows, [
    ["flatten (Flatten)", "(None, 784)", "0"],
    ["dense (Dense)", "(None, 100)", "78,500"],
    ["dropout (Dropout)", "(None, 100)", "0"],
    ["dense_1 (Dense)", "(None, 10)", "1,010"],
  ]);
  assert.match(html, /Total params<\/td><td[^>]*>79,510 \(310\.59 KB\)</);
  assert.match(html, /Trainable params<\/td><td[^>]*>79,510 \(310\.59 KB\)</);
  assert.match(html, /Non-trainable params<\/td><td[^>]*>0 \(0\.00 B\)</);
  model.dispose();
});

test("a model's text/plain is Keras 3's summary, line for line", () => {
  const model = lessonModel();
  assert.equal(String(mimeBundleOf(model)?.["text/plain"]), KERAS_LESSON_SUMMARY.join("\n"));
  model.dispose();
});

test("model.summary() in a plain script prints Keras's table, not tfjs's layout", () => {
  const model = lessonModel();
  const out = stdoutOf(() => model.summary());
  assert.equal(out, `${KERAS_LESSON_SUMMARY.join("\n")}\n`);
  assert.doesNotMatch(out, /Input Shape/, "tfjs's own layout has an Input Shape column");
  model.dispose();
});

test("model.summary() with a printFn hands it Keras's lines one by one; lineLength narrows the table", () => {
  const model = lessonModel();
  const lines: unknown[] = [];
  const out = stdoutOf(() => model.summary(undefined, undefined, (line) => lines.push(line)));
  assert.equal(out, "", "nothing printed besides printFn");
  assert.deepEqual(lines, KERAS_LESSON_SUMMARY);
  const narrow: string[] = [];
  model.summary(60, undefined, (line) => narrow.push(String(line)));
  assert.equal(narrow.length, KERAS_LESSON_SUMMARY.length);
  assert.ok(
    narrow.slice(1, 12).every((l) => [...l].length === 60),
    "every table line is 60 characters",
  );
  assert.equal(narrow[6], "│ dense (Dense)            │ (None, 100)       │    78,500 │");
  model.dispose();
});

test("model.summary() in a notebook shows the HTML table with Keras's text as text/plain", () => {
  const model = lessonModel();
  const bridge = new FakeBridge(true).install();
  try {
    const out = stdoutOf(() => model.summary());
    assert.equal(out, "");
    assert.equal(bridge.displays.length, 1);
    const { bundle } = bridge.displays[0];
    assert.equal(bundle["text/plain"], KERAS_LESSON_SUMMARY.join("\n"));
    assert.match(String(bundle["text/html"]), /^<table class="tslab-dl-model-summary">/);
  } finally {
    bridge.uninstall();
    model.dispose();
  }
});

test("summary() of an empty Sequential still raises tfjs's error and prints nothing", () => {
  const model = tf.sequential({ name: "empty" });
  const lines: unknown[] = [];
  assert.throws(() => model.summary(undefined, undefined, (line) => lines.push(line)), /model is empty/);
  assert.deepEqual(lines, []);
  model.dispose();
});

test("a functional model with branches gets Keras's Connected to column", () => {
  const input = tf.input({ shape: [4], name: "x" });
  const a = tf.layers.dense({ units: 3, name: "a" }).apply(input) as import("@tensorflow/tfjs").SymbolicTensor;
  const b = tf.layers.dense({ units: 3, name: "b" }).apply(input) as import("@tensorflow/tfjs").SymbolicTensor;
  const sum = tf.layers.add({ name: "sum" }).apply([a, b]) as import("@tensorflow/tfjs").SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: sum, name: "branches" });
  const lines = String(mimeBundleOf(model)?.["text/plain"]).split("\n");
  assert.match(lines[2], /┃ Layer \(type\) +┃ Output Shape +┃ +Param # ┃ Connected to +┃$/);
  assert.equal([...lines[1]].length, 108);
  const rows = lines
    .filter((l) => l.startsWith("│"))
    .map((l) =>
      l
        .split("│")
        .map((c) => c.trim())
        .slice(1, -1),
    );
  assert.deepEqual(rows, [
    ["x (InputLayer)", "(None, 4)", "0", "-"],
    ["a (Dense)", "(None, 3)", "15", "x[0][0]"],
    ["b (Dense)", "(None, 3)", "15", "x[0][0]"],
    ["sum (Add)", "(None, 3)", "0", "a[0][0], b[0][0]"],
  ]);
  assert.equal(lines[lines.length - 3], " Total params: 30 (120.00 B)");
  model.dispose();
});

test("model.layers shows one line per layer, as Keras's list of layers, and a small table", () => {
  const model = lessonModel();
  const bundle = mimeBundleOf(model.layers);
  assert.equal(
    bundle?.["text/plain"],
    [
      "[<Flatten name=flatten, built=True>,",
      " <Dense name=dense, built=True>,",
      " <Dropout name=dropout, built=True>,",
      " <Dense name=dense_1, built=True>]",
    ].join("\n"),
  );
  const rows = [...String(bundle?.["text/html"]).matchAll(/<tr>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]),
  );
  assert.deepEqual(rows, [
    ["0", "flatten", "Flatten", "(None, 784)", "0"],
    ["1", "dense", "Dense", "(None, 100)", "78,500"],
    ["2", "dropout", "Dropout", "(None, 100)", "0"],
    ["3", "dense_1", "Dense", "(None, 10)", "1,010"],
  ]);
  model.dispose();
});
