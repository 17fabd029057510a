/**
 * Files written here have the HDF5 layout of files written by Python Keras, as
 * h5py (what Keras reads through) sees them: the same groups, datasets, shapes,
 * dtypes, attribute names, attribute types (variable vs fixed-length strings,
 * ASCII vs UTF-8, float arrays) and name lists. Keras itself is not installable
 * here; its own files are the reference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import {
  loadModelH5,
  loadModelKeras,
  saveModelH5,
  saveModelKeras,
  saveWeightsH5,
  saveWeightsKeras3,
} from "../../src/io/keras";
import { readZip } from "../../src/util/zip";
import { PYTHON, repoRoot, tempDir } from "../helpers";
import { hasH5py } from "./hostile-helpers";
import { CH9_MODELS, ch9Input, kerasFixtures, lessonMlp, maxAbsDiff, predict, SKIP_FIXTURES } from "./keras-helpers";

const SCRIPT = path.join(repoRoot, "test", "io", "keras_h5_layout.py");
const fixtures = kerasFixtures();
const skip = !fixtures
  ? SKIP_FIXTURES
  : !hasH5py
    ? "needs /usr/bin/python3 with h5py (Debian package python3-h5py)"
    : undefined;
const dir = tempDir("tslab-dl-keras-layout-");

interface AttrLayout {
  class: string;
  shape: number[];
  vlen?: boolean;
  cset?: string;
  strpad?: number;
  itemsize?: number;
  value?: string | string[];
  python_type?: string;
}
interface NodeLayout {
  kind: string;
  attrs: { [name: string]: AttrLayout };
  shape?: number[];
  dtype?: string;
}
type Layout = { [path: string]: NodeLayout };

function layouts(...files: string[]): Layout[] {
  const run = spawnSync(PYTHON, [SCRIPT, ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, `h5py layout script failed: ${run.stderr}`);
  const all = JSON.parse(run.stdout) as { [file: string]: Layout };
  return files.map((f) => all[f]);
}

/** Attributes whose values are data, not layout (versions, JSON configs). */
const VALUE_FREE = new Set(["keras_version", "model_config", "training_config"]);

/**
 * Differences between two layouts, ignoring the subtrees in `skipped` (the
 * optimizer state, which tslab-dl does not save). For variable-length UTF-8
 * strings the padding flag is not compared: h5wasm marks them space-padded,
 * h5py null-terminated, and for variable-length strings HDF5 stores the length,
 * so h5py returns the same Python `str` (the value and python_type are compared).
 */
function differences(ours: Layout, theirs: Layout, skipped: string[]): string[] {
  const keep = (p: string): boolean => !skipped.some((s) => p === s || p.startsWith(`${s}/`));
  const out: string[] = [];
  const paths = new Set([...Object.keys(ours), ...Object.keys(theirs)].filter(keep));
  for (const p of [...paths].sort()) {
    const a = ours[p];
    const b = theirs[p];
    if (!a || !b) {
      out.push(`${p}: ${a ? "only in ours" : "missing in ours"}`);
      continue;
    }
    if (a.kind !== b.kind) out.push(`${p}: ${a.kind} vs ${b.kind}`);
    if (JSON.stringify(a.shape) !== JSON.stringify(b.shape))
      out.push(`${p}: shape ${JSON.stringify(a.shape)} vs ${JSON.stringify(b.shape)}`);
    if (a.dtype !== b.dtype) out.push(`${p}: dtype ${a.dtype} vs ${b.dtype}`);
    const names = new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)]);
    for (const n of names) {
      const x = a.attrs[n];
      const y = b.attrs[n];
      if (!x || !y) {
        out.push(`${p} @${n}: ${x ? "only in ours" : "missing in ours"}`);
        continue;
      }
      const fields: (keyof AttrLayout)[] = ["class", "shape", "vlen", "cset", "itemsize", "python_type"];
      if (!(x.vlen && y.vlen && x.cset === "utf8")) fields.push("strpad");
      if (!VALUE_FREE.has(n)) fields.push("value");
      for (const k of fields) {
        if (JSON.stringify(x[k]) !== JSON.stringify(y[k]))
          out.push(`${p} @${n}.${k}: ${JSON.stringify(x[k])} vs ${JSON.stringify(y[k])}`);
      }
    }
  }
  return out;
}

function compiledMlp(names?: string[], modelName?: string): tf.Sequential {
  const model = lessonMlp(names, modelName);
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

test(
  "our whole-model .h5 has the layout of tf.keras 2.9's model.save('x.h5') (optimizer state aside)",
  { skip },
  async () => {
    const ours = path.join(dir, "model-whole.h5");
    await saveModelH5(compiledMlp(), ours);
    const theirs = path.join(fixtures!, "tfkeras2.9.0_mlp_fashion_whole.h5");
    const [a, b] = layouts(ours, theirs);
    assert.deepEqual(differences(a, b, ["/optimizer_weights"]), []);
    // the configs speak the same vocabulary: same classes, same settings per layer
    const oursConfig = JSON.parse(a["/"].attrs.model_config.value as string);
    const theirsConfig = JSON.parse(b["/"].attrs.model_config.value as string);
    const keysOf = (c: { config: { layers: { class_name: string; config: object }[] } }): string[][] =>
      c.config.layers.map((l) => [
        l.class_name,
        ...Object.keys(l.config)
          .filter((k) => k !== "batch_input_shape" || l.class_name === "InputLayer")
          .sort(),
      ]);
    assert.deepEqual(keysOf(oursConfig), keysOf(theirsConfig));
    assert.deepEqual(oursConfig.config.layers[0].config.batch_input_shape, [null, 28, 28]);
    const training = JSON.parse(a["/"].attrs.training_config.value as string);
    const theirsTraining = JSON.parse(b["/"].attrs.training_config.value as string);
    assert.deepEqual(Object.keys(training).sort(), Object.keys(theirsTraining).sort());
    assert.equal(training.loss, theirsTraining.loss);
    assert.equal(training.optimizer_config.class_name, "Adam");
  },
);

test("our .h5 weights file has the layout of tf.keras 2.9's save_weights('x.h5')", { skip }, async () => {
  const ours = path.join(dir, "model-weights.h5");
  await saveWeightsH5(lessonMlp(), ours);
  const [a, b] = layouts(ours, path.join(fixtures!, "tfkeras2.9.0_mlp_fashion_weights.h5"));
  assert.deepEqual(differences(a, b, []), []);
  // the comparison does see what Keras 2.3.1 did differently: fixed-length names
  const [old] = layouts(path.join(fixtures!, "keras2.3.1-standalone_cnn_mnist_whole.h5"));
  const mutated: Layout = JSON.parse(JSON.stringify(a));
  mutated["/"].attrs.layer_names = old["/model_weights"].attrs.layer_names;
  assert.ok(differences(mutated, b, []).some((d) => d.includes("@layer_names.vlen")));
});

test(
  "our .weights.h5 and the weights inside our .keras have the layout of Keras 3.10's save_weights (optimizer aside)",
  { skip },
  async () => {
    const names = ["flatten_5", "dense_10", "dropout_1", "dense_11"];
    const model = compiledMlp(names, "sequential_5");
    const ours = path.join(dir, "model.weights.h5");
    await saveWeightsKeras3(model, ours);
    const archive = path.join(dir, "model.keras");
    await saveModelKeras(model, archive);
    const inner = path.join(dir, "inner.weights.h5");
    fs.writeFileSync(inner, readZip(fs.readFileSync(archive)).get("model.weights.h5")!);
    const [a, c, b] = layouts(ours, inner, path.join(fixtures!, "keras3.10.0_mlp_fashion.weights.h5"));
    assert.deepEqual(differences(a, b, ["/optimizer"]), []);
    assert.deepEqual(differences(c, b, ["/optimizer"]), []);
  },
);

test(
  "our .keras config.json uses Keras 3's config vocabulary (module, registered_name, build_config, DTypePolicy)",
  { skip },
  async () => {
    const archive = path.join(dir, "vocab.keras");
    await saveModelKeras(compiledMlp(["flatten_5", "dense_10", "dropout_1", "dense_11"], "sequential_5"), archive);
    const ours = JSON.parse(readZip(fs.readFileSync(archive)).get("config.json")!.toString());
    const [legacy] = layouts(path.join(fixtures!, "keras3.10.0_mlp_fashion_whole_legacyh5.h5"));
    const theirs = JSON.parse(legacy["/"].attrs.model_config.value as string);
    // Keras 3 writes the same layer configs in .h5 and .keras; only the wrapper differs.
    const settings = (layers: { class_name: string; config: object }[]): string[][] =>
      layers.map((l) => [l.class_name, ...Object.keys(l.config).sort()]);
    assert.deepEqual(settings(ours.config.layers), settings(theirs.config.layers));
    assert.deepEqual(ours.config.layers[1].config.dtype, theirs.config.layers[1].config.dtype);
    assert.deepEqual(ours.config.layers[2].config.kernel_initializer.module, "keras.initializers");
    for (const layer of ours.config.layers) {
      assert.equal(layer.module, "keras.layers");
      assert.equal(layer.registered_name, null);
    }
    assert.deepEqual(ours.config.build_input_shape, theirs.config.build_input_shape);
    assert.deepEqual(ours.build_config, { input_shape: [null, 28, 28] });
  },
);

/** The lesson 8-2 CNN, compiled as the lesson compiles it. */
function lessonCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: "relu", padding: "same" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 100, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

test(
  "our CNN .h5 stores Conv2D and MaxPooling2D as Keras does: HWIO kernels, weightless pooling groups, tf.keras 2.9 strings and configs",
  { skip },
  async () => {
    const ours = path.join(dir, "best-cnn-model.h5");
    const model = lessonCnn();
    await saveModelH5(model, ours);
    const [a, cnn, mlp] = layouts(
      ours,
      path.join(fixtures!, "keras2.3.1-standalone_cnn_mnist_whole.h5"),
      path.join(fixtures!, "tfkeras2.9.0_mlp_fashion_whole.h5"),
    );
    // Keras's own CNN: the first four layers are Conv2D(32, 3×3), MaxPooling2D(2), Conv2D(64, 3×3), MaxPooling2D(2), as ours.
    const theirNames = ["conv2d_1", "max_pooling2d_1", "conv2d_2", "max_pooling2d_2"];
    const ourNames = model.layers.slice(0, 4).map((l) => l.name);
    const subtree = (layout: Layout, name: string): { [rel: string]: NodeLayout } =>
      Object.fromEntries(
        Object.entries(layout)
          .filter(([p]) => p === `/model_weights/${name}` || p.startsWith(`/model_weights/${name}/`))
          .map(([p, node]) => [p.split(name).join("<layer>"), node]),
      );
    ourNames.forEach((name, i) => {
      const x = subtree(a, name);
      const y = subtree(cnn, theirNames[i]);
      assert.deepEqual(
        Object.keys(x).sort(),
        Object.keys(y).sort(),
        `${name} vs ${theirNames[i]}: same groups and datasets`,
      );
      for (const rel of Object.keys(x)) {
        assert.equal(x[rel].kind, y[rel].kind, rel);
        assert.deepEqual(x[rel].shape, y[rel].shape, `${rel}: ${name}'s shape`);
        assert.equal(x[rel].dtype, y[rel].dtype, rel);
        assert.deepEqual(Object.keys(x[rel].attrs), Object.keys(y[rel].attrs), rel);
      }
    });
    assert.deepEqual(a[`/model_weights/${ourNames[0]}/${ourNames[0]}/kernel:0`].shape, [3, 3, 1, 32]);
    // A pooling layer has no weights: its weight_names is the same empty float array as in Keras's file.
    assert.deepEqual(
      a[`/model_weights/${ourNames[1]}`].attrs.weight_names,
      cnn["/model_weights/max_pooling2d_1"].attrs.weight_names,
    );
    // Names are stored as tf.keras 2.9 stores them (variable-length strings), not as Keras 2.3.1 did.
    const stringForm = (attr: AttrLayout) => [attr.class, attr.vlen, attr.cset];
    assert.deepEqual(
      stringForm(a[`/model_weights/${ourNames[0]}`].attrs.weight_names),
      stringForm(mlp["/model_weights/dense_14"].attrs.weight_names),
    );
    // Layer configs use Keras's vocabulary: the keys Keras 2.3.1 wrote for these layers, plus tf.keras's `groups`.
    type LayerConfig = { class_name: string; config: { [key: string]: unknown } };
    const ourLayers = (JSON.parse(a["/"].attrs.model_config.value as string).config.layers as LayerConfig[]).filter(
      (l) => l.class_name !== "InputLayer",
    );
    const theirConfig = JSON.parse(cnn["/"].attrs.model_config.value as string).config;
    const theirLayers = (Array.isArray(theirConfig) ? theirConfig : theirConfig.layers) as LayerConfig[];
    const keys = (l: LayerConfig) =>
      Object.keys(l.config)
        .filter((k) => k !== "batch_input_shape")
        .sort();
    assert.deepEqual(keys(ourLayers[0]), [...keys(theirLayers[0]), "groups"].sort());
    assert.deepEqual(keys(ourLayers[1]), keys(theirLayers[1]));
    assert.deepEqual(
      [
        ourLayers[0].config.kernel_size,
        ourLayers[0].config.strides,
        ourLayers[0].config.padding,
        ourLayers[0].config.data_format,
      ],
      [[3, 3], [1, 1], "same", "channels_last"],
    );
    assert.deepEqual(
      [ourLayers[1].config.pool_size, ourLayers[1].config.strides],
      [
        [2, 2],
        [2, 2],
      ],
    );
  },
);

/** A layer config's keys as Keras wrote them, the batch input shape of layers after the input aside. */
function configKeys(modelConfig: string): string[][] {
  const layers = JSON.parse(modelConfig).config.layers as { class_name: string; config: object }[];
  return layers.map((l) => [
    l.class_name,
    ...Object.keys(l.config)
      .filter((k) => k !== "batch_input_shape" || l.class_name === "InputLayer")
      .sort(),
  ]);
}

for (const { key, vocabulary, oneHot } of CH9_MODELS) {
  test(
    `chapter 9's ${key} checkpoint saved back: .h5 with tf.keras 2.14's layout (cell-scoped weight names, same configs), .keras with cell/vars, both reload to the same predictions`,
    { skip },
    async () => {
      const theirs = path.join(fixtures!, `tfkeras2.14.0_ch9_${key}-model.h5`);
      const model = await loadModelH5(theirs);
      const x = ch9Input(vocabulary, oneHot);
      const before = predict(model, x).flat();
      const ours = path.join(dir, `ch9-${key}.h5`);
      await saveModelH5(model, ours);
      const [a, b] = layouts(ours, theirs);
      // Optimizer state aside (tslab-dl does not save it), as for the other whole-model files.
      assert.deepEqual(differences(a, b, ["/optimizer_weights"]), []);
      assert.deepEqual(
        configKeys(a["/"].attrs.model_config.value as string),
        configKeys(b["/"].attrs.model_config.value as string),
      );
      const training = JSON.parse(a["/"].attrs.training_config.value as string);
      assert.equal(training.optimizer_config.class_name, "RMSprop");
      assert.ok(Math.abs(training.optimizer_config.config.learning_rate - 1e-4) < 1e-9);
      const again = await loadModelH5(ours);
      assert.ok(maxAbsDiff(predict(again, x).flat(), before) === 0, ".h5 round trip predicts the same");

      const archive = path.join(dir, `ch9-${key}.keras`);
      await saveModelKeras(model, archive);
      const files = readZip(fs.readFileSync(archive));
      const inner = path.join(dir, `ch9-${key}-inner.weights.h5`);
      fs.writeFileSync(inner, files.get("model.weights.h5")!);
      const [w] = layouts(inner);
      const recurrent = model.layers.find((l) => l.weights.length === 3)!;
      const group = key === "simplernn" ? "simple_rnn" : key;
      // Keras 3 keeps a recurrent layer's variables on its cell: layers/<layer>/cell/vars/0..2.
      assert.deepEqual(
        [0, 1, 2].map((i) => w[`/layers/${group}/cell/vars/${i}`]?.shape),
        recurrent.weights.map((v) => v.shape),
      );
      assert.equal(w[`/layers/${group}/vars`]?.kind, "group");
      const config = JSON.parse(files.get("config.json")!.toString());
      const layer = config.config.layers.find(
        (l: { class_name: string }) => l.class_name === (key === "simplernn" ? "SimpleRNN" : key.toUpperCase()),
      );
      assert.equal(layer.module, "keras.layers");
      assert.ok(!("time_major" in layer.config) && !("implementation" in layer.config), "no Keras 2-only settings");
      if (key === "gru") assert.equal(layer.config.reset_after, true);
      assert.equal(config.compile_config.optimizer.class_name, "RMSprop");
      const reloaded = await loadModelKeras(archive);
      assert.ok(maxAbsDiff(predict(reloaded, x).flat(), before) === 0, ".keras round trip predicts the same");
      assert.equal(reloaded.optimizer?.getClassName(), "RMSProp", "the .keras compile_config restores RMSprop");
      const rc = reloaded.optimizer.getConfig() as { learningRate: number; decay: number };
      assert.ok(Math.abs(rc.learningRate - 1e-4) < 1e-9 && rc.decay === 0.9, JSON.stringify(rc));
    },
  );
}
