/**
 * Hostile or unlucky inputs get a ModelFileError saying what, where, expected
 * and found: never a RangeError, a raw errno, or the HDF5 library's stack.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { ModelFileError, saveModel } from "../../src/io";
import { loadWeightsH5, saveModelH5, saveModelKeras, saveWeightsH5, saveWeightsKeras3 } from "../../src/io/keras";
import { tempDir } from "../helpers";
import { costText, deflatedZeros, h5py, MAX_REFUSAL_MB, refuseInChild, SKIP_H5PY, zipOf } from "./hostile-helpers";

const dir = tempDir("tslab-dl-hostile-errors-");

function smallModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2], name: "d" }));
  return model;
}

function refusedInChild(t: { diagnostic(m: string): void }, call: string, ...patterns: RegExp[]): void {
  const r = refuseInChild(call);
  t.diagnostic(costText(r));
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  for (const p of patterns) assert.match(r.message, p);
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
}

const DEEP = "[".repeat(200_000) + "]".repeat(200_000);

test(
  "a 200 000-deep JSON config is a ModelFileError, not a RangeError (.h5 and model.json)",
  { skip: SKIP_H5PY },
  async (t) => {
    const h5 = path.join(dir, "deep.h5");
    await saveModelH5(smallModel(), h5);
    const deepFile = path.join(dir, "deep.json");
    fs.writeFileSync(deepFile, DEEP);
    h5py(`
with h5py.File(${JSON.stringify(h5)}, "r+") as f:
    del f.attrs["model_config"]
    f.attrs["model_config"] = open(${JSON.stringify(deepFile)}).read().encode()
`);
    refusedInChild(
      t,
      `await load("src/io").loadModel(${JSON.stringify(h5)});`,
      /deep\.h5: model_config nests more than 1000 levels deep/,
    );
    const tfjs = path.join(dir, "deep-tfjs");
    fs.mkdirSync(tfjs);
    fs.writeFileSync(path.join(tfjs, "model.json"), `{"modelTopology": ${DEEP}, "weightsManifest": []}`);
    refusedInChild(
      t,
      `await load("src/io").loadModel(${JSON.stringify(tfjs)});`,
      /model\.json: its JSON nests more than 1000 levels deep/,
    );
  },
);

test("a config over 16 MiB is refused before it is read (.keras entry, model.json)", async (t) => {
  const keras = path.join(dir, "big-config.keras");
  fs.writeFileSync(
    keras,
    zipOf([
      { name: "config.json", data: deflatedZeros(17), method: 8, size: 17 * 2 ** 20, crc: 0 },
      { name: "model.weights.h5", data: Buffer.from("x"), method: 0, size: 1, crc: 0 },
    ]),
  );
  refusedInChild(
    t,
    `await load("src/io").loadModel(${JSON.stringify(keras)});`,
    /big-config\.keras: config\.json is 17825792 bytes, more than the 16777216 \(16 MiB\) a model config may have/,
  );
  const tfjs = path.join(dir, "big-tfjs");
  fs.mkdirSync(tfjs);
  fs.writeFileSync(path.join(tfjs, "model.json"), "");
  fs.truncateSync(path.join(tfjs, "model.json"), 17 * 2 ** 20); // sparse: no disk used
  refusedInChild(
    t,
    `await load("src/io").loadModel(${JSON.stringify(tfjs)});`,
    /model\.json: the file is 17825792 bytes, more than/,
  );
});

test("saving under a path whose parent is a file says so, in one line, in every format", async () => {
  const file = path.join(dir, "a-file");
  fs.writeFileSync(file, "not a folder");
  const saves: [string, (target: string) => Promise<void>][] = [
    ["model.h5", (p) => saveModelH5(smallModel(), p)],
    ["weights.h5", (p) => saveWeightsH5(smallModel(), p)],
    ["model.weights.h5", (p) => saveWeightsKeras3(smallModel(), p)],
    ["model.keras", (p) => saveModelKeras(smallModel(), p)],
    ["tfjs-model", (p) => saveModel(smallModel(), p)],
  ];
  for (const [name, save] of saves) {
    const target = path.join(file, name);
    await assert.rejects(save(target), (e: Error) => {
      assert.ok(e instanceof ModelFileError, `${name}: ${e.name}: ${e.message}`);
      assert.match(e.message, /could not be written: a part of the path is a file, not a folder/, name);
      assert.doesNotMatch(e.message, /\n|HDF5|#0\d\d/, `${name}: one clear line, no HDF5 stack`);
      return true;
    });
  }
});

test("float16 weights are an unsupported dtype, not a corrupt file", { skip: SKIP_H5PY }, async () => {
  const file = path.join(dir, "half.h5");
  await saveWeightsH5(smallModel(), file);
  h5py(`
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    k = f["/d/d/kernel:0"][()]
    del f["/d/d/kernel:0"]
    f["/d/d/kernel:0"] = k.astype("float16")
`);
  await assert.rejects(loadWeightsH5(smallModel(), file), (e: Error) => {
    assert.ok(e instanceof ModelFileError, `${e.name}: ${e.message}`);
    assert.match(e.message, /\/d\/d\/kernel:0 holds float16 numbers, an unsupported dtype .*the file is not corrupt/);
    assert.doesNotMatch(e.message, /is corrupt/);
    return true;
  });
});
