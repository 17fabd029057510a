/**
 * Hostile inputs, round 2: what Keras validates (Dropout rates, unique layer
 * names, learning-rate schedules, zip headers), names that could be loaded but
 * never saved, models too deep for tfjs, and error messages that stay short.
 * Each file is built with h5py or Node's zlib and loaded in a fresh process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { ModelFileError } from "../../src/io";
import { saveModelH5, saveModelKeras } from "../../src/io/keras";
import { readZip, writeZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { costText, h5py, MAX_REFUSAL_MB, type Refusal, refuseInChild, SKIP_H5PY, zipOf } from "./hostile-helpers";

const dir = tempDir("tslab-dl-hostile-validation-");

function lessonModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [4, 4], name: "flatten" }));
  model.add(tf.layers.dense({ units: 8, activation: "relu", name: "hidden" }));
  model.add(tf.layers.dropout({ rate: 0.3, name: "drop" }));
  model.add(tf.layers.dense({ units: 3, activation: "softmax", name: "out" }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

const loadCall = (file: string): string => `await load("src/io").loadModel(${JSON.stringify(file)});`;

function refused(t: { diagnostic(m: string): void }, file: string, ...patterns: RegExp[]): Refusal {
  const r = refuseInChild(loadCall(file), 60_000);
  t.diagnostic(`${path.basename(file)}: ${costText(r)}`);
  assert.equal(r.name, "ModelFileError", `expected a ModelFileError, got ${r.name}: ${r.message}`);
  for (const p of patterns) assert.match(r.message, p);
  assert.ok(r.message.length < 2000, `${r.message.length} characters`);
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
  return r;
}

/** A copy of the lesson model as `.h5` whose model_config (a dict `c`) the Python `edit` rewrites. */
async function h5With(name: string, edit: string): Promise<string> {
  const file = path.join(dir, name);
  await saveModelH5(lessonModel(), file);
  h5py(`
import json
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    c = json.loads(f.attrs["model_config"])
    layers = c["config"]["layers"]
${edit
  .trim()
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
    f.attrs["model_config"] = json.dumps(c)
`);
  return file;
}

/** A copy of the lesson model as `.keras` whose config.json the function rewrites. */
async function kerasWith(name: string, edit: (config: { config: { layers: object[] } }) => void): Promise<string> {
  const file = path.join(dir, name);
  await saveModelKeras(lessonModel(), file);
  const entries = readZip(fs.readFileSync(file), ["metadata.json", "config.json", "model.weights.h5"]);
  const config = JSON.parse(entries.get("config.json")!.toString("utf8")) as { config: { layers: object[] } };
  edit(config);
  entries.set("config.json", Buffer.from(JSON.stringify(config)));
  fs.writeFileSync(file, writeZip([...entries].map(([n, data]) => ({ name: n, data }))));
  return file;
}

test("a Dropout rate outside [0, 1) is refused at load, as Keras refuses it", { skip: SKIP_H5PY }, async (t) => {
  for (const rate of [2.0, 1.0, -0.1]) {
    const file = await h5With(
      `dropout-${rate}.h5`,
      `for l in layers:\n    if l["class_name"] == "Dropout": l["config"]["rate"] = ${rate}`,
    );
    refused(
      t,
      file,
      new RegExp(`layer "drop" \\(Dropout\\): rate = ${rate === 1 ? "1" : rate}; expected a number in \\[0, 1\\)`),
    );
  }
});

test(
  "two layers with one name are a ModelFileError naming it, not a tfjs RuntimeError",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = await h5With(
      "twice.h5",
      `for l in layers:\n    if l["class_name"] == "Dense": l["config"]["name"] = "same"`,
    );
    refused(t, file, /1 layer name\(s\) used more than once: "same"; expected unique names, as Keras requires/);
  },
);

test("layer names an .h5 file cannot hold are refused at load, so a loaded model can always be saved", async (t) => {
  for (const name of ["x/.", "top_level_model_weights", "a/b"]) {
    const file = await kerasWith(`name-${name.replace(/\W/g, "_")}.keras`, (c) => {
      const hidden = c.config.layers.find((l) => (l as { config: { name: string } }).config.name === "hidden") as {
        config: { name: string };
      };
      hidden.config.name = name;
    });
    refused(
      t,
      file,
      new RegExp(
        `layer "${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}" \\(Dense\\): the name cannot be saved as an \\.h5 group`,
      ),
    );
  }
});

test("5,000 Activation layers are a ModelFileError, not a RangeError from tfjs's recursion", async (t) => {
  const file = await kerasWith("deep.keras", (c) => {
    const out = c.config.layers.pop()!;
    for (let i = 0; i < 5000; i++) {
      c.config.layers.push({
        module: "keras.layers",
        class_name: "Activation",
        config: { name: `act_${i}`, trainable: true, dtype: "float32", activation: "relu" },
        registered_name: null,
      });
    }
    c.config.layers.push(out);
  });
  refused(t, file, /the model has 5004 layers, more than the 2000 tslab-dl builds/);
});

test(
  "a learning-rate schedule in the file's optimizer is named, and the model left uncompiled, not set to 0.001",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "schedule.h5");
    await saveModelH5(lessonModel(), file);
    h5py(`
import json
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    c = json.loads(f.attrs["training_config"])
    c["optimizer_config"]["config"]["learning_rate"] = {"class_name": "ExponentialDecay", "config": {
        "initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96, "staircase": False, "name": None}}
    f.attrs["training_config"] = json.dumps(c)
`);
    const r = refuseInChild(
      `const warnings = []; console.warn = (m) => warnings.push(String(m));
     const m = await load("src/io").loadModel(${JSON.stringify(file)});
     throw Object.assign(new Error(warnings.join("\\n")), { name: m.optimizer ? "compiled" : "uncompiled" });`,
      60_000,
    );
    t.diagnostic(r.message);
    assert.equal(r.name, "uncompiled", r.message);
    assert.match(
      r.message,
      /schedule\.h5: the model is not compiled \(optimizer \w+'s learning_rate .* is a schedule \(a ExponentialDecay\), which tfjs optimizers cannot follow/,
    );
  },
);

test("a zip whose directory and local header name different files is refused, as Python's zipfile refuses it", async (t) => {
  const good = path.join(dir, "good.keras");
  await saveModelKeras(lessonModel(), good);
  const bytes = fs.readFileSync(good);
  // The first local header names metadata.json; call it config.jsoX there only (same length).
  const at = bytes.indexOf(Buffer.from("config.json"));
  assert.ok(at > 0 && bytes.readUInt32LE(at - 30) === 0x04034b50, "the first config.json is in a local header");
  const bad = Buffer.from(bytes);
  bad.write("config.jsoX", at);
  const file = path.join(dir, "mismatch.keras");
  fs.writeFileSync(file, bad);
  refused(t, file, /its directory names an entry "config\.json", but the entry's own header names "config\.jsoX"/);
  const twice = path.join(dir, "twice.keras");
  const config = Buffer.from("{}");
  fs.writeFileSync(
    twice,
    zipOf([
      { name: "config.json", data: config, method: 0, size: 2, crc: 0 },
      { name: "config.json", data: config, method: 0, size: 2, crc: 0 },
    ]),
  );
  refused(t, twice, /holds two entries named "config\.json"/);
});

test(
  "300,000 weight names give an error message under 2,000 characters that says how many",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "many-names.h5");
    h5py(`
with h5py.File(${JSON.stringify(file)}, "w", libver="latest") as f:
    f.attrs["layer_names"] = np.array([b"d"])
    g = f.create_group("d")
    g.attrs["weight_names"] = np.array([("d/w_%d:0" % i).encode() for i in range(300000)])
`);
    const r = refuseInChild(
      `const tf = load("src/backend").tf; const m = tf.sequential(); m.add(tf.layers.dense({ units: 1, inputShape: [1], name: "d" }));
     await load("src/io").loadWeights(m, ${JSON.stringify(file)});`,
      60_000,
    );
    t.diagnostic(`${costText(r)}; ${r.message.length} characters`);
    assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message.slice(0, 300)}`);
    assert.ok(r.message.length < 2000, `${r.message.length} characters`);
    assert.match(
      r.message,
      /many-names\.h5: layer "d" \(Dense\) has 2 weights, but the file's layer "d" has 300000 \(d\/w_0:0, .*, and 299990 more\)/,
    );
    assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
  },
);

test("any ModelFileError message is cut to 2,000 characters, keeping its start and end", () => {
  const e = new ModelFileError("f.h5", `${"x".repeat(10_000)} the end`);
  assert.ok(e.message.length < 2100, `${e.message.length}`);
  assert.match(e.message, /^f\.h5: x+ … \(\d+ characters left out\) … x+ the end$/);
});
