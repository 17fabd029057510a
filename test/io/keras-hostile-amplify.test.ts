/**
 * Hostile inputs, round 2: HDF5 files whose declared sizes lie about their
 * bytes (compressed chunks never written, a chunk larger than its dataset), an
 * attribute reached through 20 hard links, and a filter HDF5 does not have.
 * Built with h5py; each load runs in a fresh process, memory and time measured.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { tf } from "../../src/backend";
import { saveModelH5, saveModelKeras, saveWeightsH5 } from "../../src/io/keras";
import { crc32, readZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { costText, h5py, type RawEntry, type Refusal, refuseInChild, SKIP_H5PY, zipOf } from "./hostile-helpers";

const dir = tempDir("tslab-dl-hostile-amplify-");

/** The issue's target: no input under 10 MB costs more than 200 MB or 2 s. */
const MAX_MB = 200;
const MAX_MS = 2_000;

function lessonModel(units = 100): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [28, 28], name: "flatten" }));
  model.add(tf.layers.dense({ units, activation: "relu", name: "hidden" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: "out" }));
  return model;
}

function checked(t: { diagnostic(m: string): void }, file: string, r: Refusal, ...patterns: RegExp[]): void {
  t.diagnostic(`${path.basename(file)}: ${fs.statSync(file).size} bytes; ${costText(r)}`);
  assert.equal(r.name, "ModelFileError", `expected a ModelFileError, got ${r.name}: ${r.message}`);
  for (const p of patterns) assert.match(r.message, p);
  assert.ok(r.peakGrowthMB < MAX_MB, costText(r));
  assert.ok(r.ms < MAX_MS, costText(r));
}

const intoLesson = (file: string, units = 100): string =>
  `const tf = load("src/backend").tf; const m = tf.sequential();
   m.add(tf.layers.flatten({ inputShape: [28, 28], name: "flatten" }));
   m.add(tf.layers.dense({ units: ${units}, activation: "relu", name: "hidden" }));
   m.add(tf.layers.dense({ units: 10, activation: "softmax", name: "out" }));
   await load("src/io").loadWeights(m, ${JSON.stringify(file)});`;

test(
  "a whole-model .h5 declaring 80,000 units in gzip chunks that were never written is refused before allocating",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "unwritten.h5");
    await saveModelH5(lessonModel(), file);
    h5py(`
import json
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    c = json.loads(f.attrs["model_config"])
    for l in c["config"]["layers"]:
        if l["config"]["name"] == "hidden": l["config"]["units"] = 80000
    f.attrs["model_config"] = json.dumps(c)
    g = f["model_weights/hidden/hidden"]
    del g["kernel:0"]; del g["bias:0"]
    g.create_dataset("kernel:0", shape=(784, 80000), dtype="<f4", chunks=(784, 1000), compression="gzip")
    g.create_dataset("bias:0", shape=(80000,), dtype="<f4", chunks=(1000,), compression="gzip")
    o = f["model_weights/out/out"]
    del o["kernel:0"]
    o.create_dataset("kernel:0", shape=(80000, 10), dtype="<f4", chunks=(1000, 10), compression="gzip")
`);
    const r = refuseInChild(`await load("src/io").loadModel(${JSON.stringify(file)});`, 60_000);
    checked(
      t,
      file,
      r,
      /layer "hidden" \(Dense\): its kernel of shape \[784, 80000\] needs 62720000 numbers, but the file holds/,
    );
  },
);

test(
  "a [784, 100] kernel stored as one gzip chunk of [784, 100000] is refused before it is inflated",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "big-chunk.h5");
    await saveWeightsH5(lessonModel(), file);
    h5py(`
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    g = f["hidden/hidden"]
    del g["kernel:0"]
    d = g.create_dataset("kernel:0", shape=(784, 100), maxshape=(784, None), dtype="<f4", chunks=(784, 100000), compression="gzip")
    d[...] = 0.5
`);
    const r = refuseInChild(intoLesson(file), 60_000);
    checked(
      t,
      file,
      r,
      /dataset \/hidden\/hidden\/kernel:0 \(shape \[784, 100\]\) is stored in chunks of shape \[784, 100000\], which inflate to 313600000 bytes/,
    );
  },
);

test(
  "a dataset hard-linked 20 times with a 1 MB attribute is refused at its second path, its attribute read once",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "links.h5");
    await saveWeightsH5(lessonModel(), file);
    h5py(`
with h5py.File(${JSON.stringify(file)}, "r+", libver="latest") as f:
    d = f["hidden/hidden/kernel:0"]
    d.attrs["pad"] = np.zeros(250000, dtype="<f4")
    for i in range(20):
        f["link_%d" % i] = d
`);
    const r = refuseInChild(intoLesson(file), 60_000);
    checked(
      t,
      file,
      r,
      /the dataset \/hidden\/hidden\/kernel:0 is also linked at \/link_\d+; a Keras file links each dataset once/,
    );
  },
);

test(
  "a weight compressed with a filter HDF5 does not have (id 200) is named as such, not as external storage",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "filter-200.h5");
    await saveWeightsH5(lessonModel(), file);
    h5py(`
from h5py import h5p, h5z, h5s, h5t, h5d
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    g = f["out/out"]
    del g["bias:0"]
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_chunk((10,))
    dcpl.set_filter(200, h5z.FLAG_OPTIONAL)
    d = h5d.create(g.id, b"bias:0", h5t.IEEE_F32LE, h5s.create_simple((10,)), dcpl=dcpl)
    d.write_direct_chunk((0,), np.ones(10, "<f4").tobytes(), 0)
`);
    const r = refuseInChild(intoLesson(file), 60_000);
    checked(
      t,
      file,
      r,
      /dataset \/out\/out\/bias:0 \(shape \[10\]\) is compressed with HDF5 filter 200/,
      /not built into HDF5/,
    );
    assert.doesNotMatch(r.message, /external storage/);
  },
);

test("gzip-compressed weights that really hold their numbers still load", { skip: SKIP_H5PY }, async () => {
  const model = lessonModel();
  const file = path.join(dir, "gzip-ok.h5");
  await saveWeightsH5(model, file);
  h5py(`
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    for name in ("hidden/hidden/kernel:0", "out/out/kernel:0"):
        data = f[name][()]
        del f[name]
        f.create_dataset(name, data=data, chunks=True, compression="gzip")
`);
  const r = refuseInChild(
    `${intoLesson(file)} const w = m.getLayer("out").getWeights()[0].dataSync();
     throw Object.assign(new Error(Array.from(w.slice(0, 4)).join(",")), { name: "loaded" });`,
    60_000,
  );
  assert.equal(r.name, "loaded", `${r.name}: ${r.message}`);
  const expected = Array.from((model.getLayer("out").getWeights()[0].dataSync() as Float32Array).slice(0, 4));
  assert.deepEqual(r.message.split(",").map(Number), expected);
});

test("a .keras whose model.weights.h5 is padded to 64 MiB (under 100:1) is refused before it is inflated", async (t) => {
  const good = path.join(dir, "small.keras");
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [3], name: "d" }));
  await saveModelKeras(model, good);
  const entries = readZip(fs.readFileSync(good));
  // Zeros with a random byte every 40: deflate shrinks it about 20-fold, under the 100:1 bomb rule.
  const pad = Buffer.alloc(64 * 2 ** 20);
  const noise = randomBytes(pad.length / 40);
  for (let i = 0; i < noise.length; i++) pad[i * 40] = noise[i];
  const weights = Buffer.concat([entries.get("model.weights.h5")!, pad]);
  const deflated = zlib.deflateRawSync(weights, { level: 1 });
  const raw = (name: string): RawEntry => {
    const data = entries.get(name)!;
    return { name, data, method: 0, size: data.length, crc: crc32(data) };
  };
  const file = path.join(dir, "padded.keras");
  fs.writeFileSync(
    file,
    zipOf([
      raw("metadata.json"),
      raw("config.json"),
      { name: "model.weights.h5", data: deflated, method: 8, size: weights.length, crc: crc32(weights) },
    ]),
  );
  const r = refuseInChild(`await load("src/io").loadModel(${JSON.stringify(file)});`, 60_000);
  checked(
    t,
    file,
    r,
    /padded\.keras: model\.weights\.h5 declares 671\d{5} bytes, but the model's 16 weights need at most \d+ .*refused before inflating it/,
  );
});
