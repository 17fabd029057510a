/**
 * Bad Keras files are refused with a ModelFileError that says what and where,
 * never a crash or a hang, and a failed load leaves the model's weights as they were.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { ModelFileError } from "../../src/io/errors";
import {
  loadModelH5,
  loadModelKeras,
  loadWeightsH5,
  loadWeightsKeras3,
  saveModelH5,
  saveModelKeras,
  saveWeightsH5,
  saveWeightsKeras3,
} from "../../src/io/keras";
import { H5Reader } from "../../src/io/keras/h5-read";
import { writeH5Plain } from "../../src/io/keras/h5-write";
import { writeZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { kerasFixtures, lessonMlp, SKIP_FIXTURES, weightValues } from "./keras-helpers";

const dir = tempDir("tslab-dl-keras-errors-");
const fixtures = kerasFixtures();

/** Assert that `fn` rejects with a ModelFileError whose message matches every pattern. */
async function refuses(fn: () => Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(
    caught instanceof ModelFileError,
    `expected a ModelFileError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`,
  );
  assert.equal(caught.name, "ModelFileError");
  for (const p of patterns) assert.match(caught.message, p);
  return caught.message;
}

interface CraftedLayer {
  name: string;
  weights: { name: string; shape: number[] }[];
}

/** A whole-model .h5 file with the given config and zero-filled weights. */
async function craftWholeModel(file: string, config: object, layers: CraftedLayer[]): Promise<void> {
  await writeH5Plain(file, (w) => {
    w.string("/", "backend", "tensorflow", "utf8");
    w.string("/", "keras_version", "2.9.0", "utf8");
    w.string("/", "model_config", JSON.stringify(config), "ascii");
    w.group("/model_weights");
    w.names(
      "/model_weights",
      "layer_names",
      layers.map((l) => l.name),
    );
    for (const l of layers) {
      w.group(`/model_weights/${l.name}`);
      w.names(
        `/model_weights/${l.name}`,
        "weight_names",
        l.weights.map((x) => `${l.name}/${x.name}`),
      );
      if (l.weights.length) w.group(`/model_weights/${l.name}/${l.name}`);
      for (const x of l.weights) {
        w.float32(
          `/model_weights/${l.name}/${l.name}/${x.name}`,
          new Float32Array(x.shape.reduce((a, b) => a * b, 1)),
          x.shape,
        );
      }
    }
  });
}

const input = { class_name: "InputLayer", config: { batch_input_shape: [null, 4], dtype: "float32", name: "in" } };
const dense = (name: string, units: number) => ({
  class_name: "Dense",
  config: { name, trainable: true, dtype: "float32", units, activation: "relu", use_bias: true },
});
const sequential = (...layers: object[]) => ({
  class_name: "Sequential",
  config: { name: "crafted", layers: [input, ...layers] },
});

test("a Lambda layer is refused: loading never runs code from a file", async () => {
  const file = path.join(dir, "lambda.h5");
  const lambda = {
    class_name: "Lambda",
    config: { name: "sneaky", function: ["4wEAAAAAAAAA", null, null], function_type: "lambda" },
  };
  await craftWholeModel(file, sequential(dense("d", 2), lambda), [
    {
      name: "d",
      weights: [
        { name: "kernel:0", shape: [4, 2] },
        { name: "bias:0", shape: [2] },
      ],
    },
  ]);
  const msg = await refuses(() => loadModelH5(file), /lambda\.h5/, /layer "sneaky" \(Lambda\)/, /never runs code/);
  console.log(msg);
});

test("a custom (registered) class is refused, naming the layer and the class", async () => {
  const file = path.join(dir, "custom.h5");
  const custom = {
    module: "my_package.layers",
    class_name: "MyDense",
    config: { name: "mine", units: 2 },
    registered_name: "Custom>MyDense",
  };
  await craftWholeModel(file, sequential(custom), []);
  console.log(await refuses(() => loadModelH5(file), /layer "mine" \(MyDense\)/, /custom/));
});

test("an unknown layer class is refused with the list of supported ones", async () => {
  const file = path.join(dir, "convlstm.h5");
  await craftWholeModel(file, sequential({ class_name: "ConvLSTM2D", config: { name: "rnn", filters: 8 } }), []);
  console.log(
    await refuses(
      () => loadModelH5(file),
      /layer "rnn" \(ConvLSTM2D\)/,
      /supported: InputLayer, Dense, .*Embedding, SimpleRNN, LSTM, GRU/,
    ),
  );
});

test("a setting tfjs does not have is refused, naming layer, setting and value", async () => {
  const file = path.join(dir, "setting.h5");
  const odd = dense("d", 2);
  (odd.config as { [k: string]: unknown }).kernel_quantizer = "int4";
  await craftWholeModel(file, sequential(odd), [
    {
      name: "d",
      weights: [
        { name: "kernel:0", shape: [4, 2] },
        { name: "bias:0", shape: [2] },
      ],
    },
  ]);
  console.log(await refuses(() => loadModelH5(file), /layer "d" \(Dense\)/, /kernel_quantizer = "int4"/));
});

test("weights that do not fit the config are refused, naming the layer and both shapes", async () => {
  const file = path.join(dir, "mismatch.h5");
  await craftWholeModel(file, sequential(dense("d", 2)), [
    {
      name: "d",
      weights: [
        { name: "kernel:0", shape: [4, 3] },
        { name: "bias:0", shape: [3] },
      ],
    },
  ]);
  console.log(await refuses(() => loadModelH5(file), /layer "d" \(Dense\)/, /kernel.*shape \[4, 3\].*shape \[4, 2\]/));
});

test("loading weights of another architecture is refused and leaves the model's weights untouched", async () => {
  const source = lessonMlp();
  const file = path.join(dir, "lesson-weights.h5");
  await saveWeightsH5(source, file);
  const other = tf.sequential();
  other.add(tf.layers.flatten({ inputShape: [28, 28] }));
  other.add(tf.layers.dense({ units: 100, activation: "relu", name: "h1" }));
  other.add(tf.layers.dense({ units: 50, activation: "relu", name: "h2" }));
  other.add(tf.layers.dense({ units: 10, activation: "softmax", name: "o" }));
  const before = weightValues(other);
  console.log(
    await refuses(
      () => loadWeightsH5(other, file),
      /weights for 2 layers/,
      /model has 3 layers with weights \(h1, h2, o\)/,
    ),
  );
  assert.deepEqual(weightValues(other), before);

  const narrower = lessonMlp(["a", "b", "c", "d"]);
  narrower.layers[1].setWeights(narrower.layers[1].getWeights());
  const wide = tf.sequential();
  wide.add(tf.layers.flatten({ inputShape: [28, 28] }));
  wide.add(tf.layers.dense({ units: 100, activation: "relu", name: "first" }));
  wide.add(tf.layers.dense({ units: 11, activation: "softmax", name: "last" }));
  const wideBefore = weightValues(wide);
  console.log(await refuses(() => loadWeightsH5(wide, file), /layer "last" \(Dense\)/, /\[100, 10\].*\[100, 11\]/));
  assert.deepEqual(weightValues(wide), wideBefore, "the first layer, which did fit, was not assigned either");
});

test("truncated .h5 files are refused at every cut, and the model keeps its weights", async () => {
  const model = lessonMlp();
  const file = path.join(dir, "full.h5");
  await saveWeightsH5(model, file);
  const bytes = fs.readFileSync(file);
  const target = lessonMlp(["a", "b", "c", "d"]);
  const before = weightValues(target);
  for (const cut of [0, 7, 100, 800, 2048, 4096, Math.floor(bytes.length / 2), bytes.length - 1]) {
    const truncated = path.join(dir, `cut-${cut}.h5`);
    fs.writeFileSync(truncated, bytes.subarray(0, cut));
    const msg = await refuses(
      () => loadWeightsH5(target, truncated),
      new RegExp(`cut-${cut}\\.h5`),
      /empty|not an HDF5 file|truncated|corrupt/,
    );
    if (cut === bytes.length - 1) console.log(msg);
    assert.deepEqual(weightValues(target), before, `cut at ${cut}: weights untouched`);
  }
});

test("an empty file, random bytes, a missing file and a folder are refused with plain explanations", async () => {
  const empty = path.join(dir, "empty.h5");
  fs.writeFileSync(empty, "");
  console.log(await refuses(() => loadModelH5(empty), /is empty \(0 bytes\)/));
  const random = path.join(dir, "random.h5");
  let s = 12345;
  fs.writeFileSync(
    random,
    Buffer.from(Array.from({ length: 5000 }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) >> 16) & 255)),
  );
  console.log(await refuses(() => loadModelH5(random), /not an HDF5 file/));
  await refuses(() => loadModelH5(path.join(dir, "nowhere.h5")), /does not exist/);
  await refuses(() => loadModelH5(dir), /is a folder/);
  const zipped = path.join(dir, "zip.h5");
  fs.writeFileSync(zipped, writeZip([{ name: "a.txt", data: Buffer.from("hi") }]));
  console.log(await refuses(() => loadModelH5(zipped), /zip archive, not an HDF5 file/, /\.keras/));
});

test("an HDF5 file that is not a Keras model, and a weights-only file given as a model, are told apart", async () => {
  const plain = path.join(dir, "plain.h5");
  await writeH5Plain(plain, (w) => w.float32("/data", new Float32Array([1, 2]), [2]));
  console.log(await refuses(() => loadModelH5(plain), /not a Keras model: it has no model_config/));
  await refuses(() => loadWeightsH5(lessonMlp(), plain), /not a Keras weights file/);
  const weights = path.join(dir, "only-weights.h5");
  await saveWeightsH5(lessonMlp(), weights);
  console.log(await refuses(() => loadModelH5(weights), /holds weights only/));
  console.log(
    await refuses(() => loadWeightsKeras3(lessonMlp(), weights), /legacy Keras \.h5 weights file/, /name it \.h5/),
  );
});

test("a dataset declaring 10^12 elements is refused before any memory is allocated for it", async () => {
  const file = path.join(dir, "huge.h5");
  // A chunked dataset resized to 10^6 × 10^6 takes a few bytes on disk: HDF5 fills unwritten chunks.
  const h5 = (await import("h5wasm/node")) as unknown as {
    ready: Promise<unknown>;
    File: new (
      p: string,
      m: string,
    ) => {
      create_dataset(a: object): { resize(s: number[]): void };
      create_group(n: string): unknown;
      create_attribute(n: string, v: unknown, s: null, d: string): void;
      get(p: string): { create_attribute(n: string, v: unknown, s: number[] | null, d: string): void };
      close(): void;
    };
  };
  await h5.ready;
  const f = new h5.File(file, "w");
  f.create_attribute("backend", "tensorflow", null, "S");
  f.create_attribute("layer_names", ["d"], null, "A");
  f.create_group("d");
  f.get("d").create_attribute("weight_names", ["d/kernel:0", "d/bias:0"], [2], "A");
  f.create_group("d/d");
  f.create_dataset({
    name: "d/d/kernel:0",
    data: new Float32Array(4),
    shape: [2, 2],
    maxshape: [null, null],
    chunks: [2, 2],
  }).resize([1e6, 1e6]);
  f.create_dataset({ name: "d/d/bias:0", data: new Float32Array(2), shape: [2] });
  f.close();
  assert.ok(fs.statSync(file).size < 100_000);

  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [2], name: "d" }));
  const before = weightValues(model);
  console.log(await refuses(() => loadWeightsH5(model, file), /layer "d" \(Dense\)/, /shape \[1000000, 1000000\]/));
  assert.deepEqual(weightValues(model), before);

  // The reader itself refuses it too, whatever the caller expected.
  const { reader } = await H5Reader.open(file);
  try {
    console.log(
      await refuses(() => reader.read(["/d/d/kernel:0"]), /claims 1000000000000 elements/, /refused before reading/),
    );
  } finally {
    await reader.close();
  }
});

test("bad .keras archives are refused: not a zip, truncated, a zip without a model, npz weights, an HDF5 file", async () => {
  const model = lessonMlp();
  const good = path.join(dir, "good.keras");
  await saveModelKeras(model, good);
  const bytes = fs.readFileSync(good);

  const random = path.join(dir, "random.keras");
  fs.writeFileSync(random, Buffer.alloc(3000, 7));
  console.log(await refuses(() => loadModelKeras(random), /not a zip archive/));
  for (const cut of [10, 2000, bytes.length - 30]) {
    const truncated = path.join(dir, `cut-${cut}.keras`);
    fs.writeFileSync(truncated, bytes.subarray(0, cut));
    console.log(await refuses(() => loadModelKeras(truncated), /truncated|too short to be a zip archive/));
  }
  const notKeras = path.join(dir, "photos.keras");
  fs.writeFileSync(notKeras, writeZip([{ name: "cat.jpg", data: Buffer.from("jpeg") }]));
  console.log(
    await refuses(() => loadModelKeras(notKeras), /not a Keras model: it has no config\.json \(entries: cat\.jpg\)/),
  );
  const npz = path.join(dir, "npz.keras");
  fs.writeFileSync(
    npz,
    writeZip([
      { name: "config.json", data: Buffer.from("{}") },
      { name: "model.weights.npz", data: Buffer.from("x") },
    ]),
  );
  await refuses(() => loadModelKeras(npz), /model\.weights\.npz/);
  const h5 = path.join(dir, "h5.keras");
  await saveModelH5(model, h5);
  await refuses(() => loadModelKeras(h5), /HDF5 file, not a \.keras zip archive/);

  // a corrupt byte inside the stored weights is caught by the CRC
  const flipped = Buffer.from(bytes);
  flipped[bytes.length - 5000] ^= 0xff;
  const corrupt = path.join(dir, "crc.keras");
  fs.writeFileSync(corrupt, flipped);
  console.log(await refuses(() => loadModelKeras(corrupt), /model\.weights\.h5 is corrupt/));
});

test("a Keras 3 weights file for a different model is refused, naming the layer", async () => {
  const file = path.join(dir, "k3.weights.h5");
  await saveWeightsKeras3(lessonMlp(), file);
  const other = tf.sequential();
  other.add(tf.layers.flatten({ inputShape: [28, 28] }));
  other.add(tf.layers.dense({ units: 100, name: "h" }));
  other.add(tf.layers.dense({ units: 10, name: "o" }));
  other.add(tf.layers.dense({ units: 3, name: "extra" }));
  const before = weightValues(other);
  console.log(
    await refuses(
      () => loadWeightsKeras3(other, file),
      /layer "extra" \(Dense\) has 2 weights, but the file has 0 at \/layers\/dense_2\/vars/,
    ),
  );
  assert.deepEqual(weightValues(other), before);
});

test(
  "damaged copies of a real Keras file either load or fail with a ModelFileError, never crash or hang",
  { skip: fixtures ? undefined : SKIP_FIXTURES },
  async () => {
    const source = fs.readFileSync(path.join(fixtures!, "tfkeras2.9.0_mlp_fashion_whole.h5"));
    let seed = 20261128;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const outcomes = { loaded: 0, refused: 0 };
    for (let i = 0; i < 16; i++) {
      const damaged = Buffer.from(source);
      // the first 4 KiB hold the superblock, object headers and the model_config
      for (let k = 0; k < 1 + Math.floor(rand() * 8); k++)
        damaged[Math.floor(rand() * 4096)] = Math.floor(rand() * 256);
      const file = path.join(dir, `damaged-${i}.h5`);
      fs.writeFileSync(file, damaged);
      try {
        await loadModelH5(file);
        outcomes.loaded += 1;
      } catch (e) {
        assert.ok(
          e instanceof ModelFileError,
          `damaged copy ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        );
        outcomes.refused += 1;
      }
    }
    console.log(`damaged copies: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.refused > 0, "some damage is detected");
  },
);
