/**
 * A small model file whose config declares huge layers is refused before the
 * layers' weights are allocated: a model is built within what its file holds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { saveModelH5, saveModelKeras } from "../../src/io/keras";
import { readZip, writeZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { costText, h5py, MAX_REFUSAL_MB, refuseInChild, SKIP_H5PY } from "./hostile-helpers";

const dir = tempDir("tslab-dl-hostile-config-");

function smallModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2], name: "first" }));
  model.add(tf.layers.dense({ units: 3, name: "second" }));
  return model;
}

/** Python that rewrites a Keras config (`c`, a dict) so that it declares two 8192×8192 Dense layers. */
const ENLARGE = `
def enlarge(c):
    layers = c["config"]["layers"]
    dense = [l for l in layers if l["class_name"] == "Dense"]
    for l in dense:
        l["config"]["units"] = 8192
    for l in layers:
        for key in ("batch_input_shape", "batch_shape"):
            if key in l["config"]:
                l["config"][key] = [None, 8192]
    return c
`;

function expectRefused(t: { diagnostic(m: string): void }, file: string): void {
  const r = refuseInChild(`await load("src/io").loadModel(${JSON.stringify(file)});`);
  t.diagnostic(`${path.basename(file)}: ${fs.statSync(file).size} bytes; ${costText(r)}`);
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /layer "first" \(Dense\): its kernel of shape \[8192, 8192\] needs 67108864 numbers, but the file holds 27 for the whole model/,
  );
  assert.match(r.message, /refused before allocating them/);
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
}

test(
  "a small .h5 whose config declares two 8192×8192 Dense layers is refused before they are allocated",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "huge-config.h5");
    await saveModelH5(smallModel(), file);
    h5py(`${ENLARGE}
import json
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    c = enlarge(json.loads(f.attrs["model_config"]))
    del f.attrs["model_config"]
    f.attrs["model_config"] = json.dumps(c).encode()
`);
    expectRefused(t, file);
  },
);

test(
  "a small .keras whose config declares two 8192×8192 Dense layers is refused before they are allocated",
  { skip: SKIP_H5PY },
  async (t) => {
    const good = path.join(dir, "good.keras");
    await saveModelKeras(smallModel(), good);
    const entries = readZip(fs.readFileSync(good));
    const configFile = path.join(dir, "config.json");
    fs.writeFileSync(configFile, entries.get("config.json")!);
    h5py(`${ENLARGE}
import json
p = ${JSON.stringify(configFile)}
c = enlarge(json.load(open(p)))
json.dump(c, open(p, "w"))
`);
    entries.set("config.json", fs.readFileSync(configFile));
    const file = path.join(dir, "huge-config.keras");
    fs.writeFileSync(file, writeZip([...entries].map(([name, data]) => ({ name, data }))));
    expectRefused(t, file);
  },
);
