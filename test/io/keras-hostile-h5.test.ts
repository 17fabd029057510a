/**
 * Hostile HDF5 files: nothing is read from outside the file (external raw
 * storage, external links, virtual datasets), link cycles are caught, and each
 * refusal is cheap. The files are built with h5py, as an attacker would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { saveModelKeras, saveWeightsH5, saveWeightsKeras3 } from "../../src/io/keras";
import { readZip, writeZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { costText, h5py, MAX_REFUSAL_MB, refuseInChild, SKIP_H5PY } from "./hostile-helpers";

const dir = tempDir("tslab-dl-hostile-h5-");
/** What an attacker wants: the bytes of a file the kernel can read (32 bytes: a 2×4 kernel's worth). */
const secret = path.join(dir, "secret.txt");
fs.writeFileSync(secret, "SECRET-KEY-0123456789abcdef-XYZ\n");

function smallModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2], name: "d" }));
  return model;
}

/** Replace dataset `inside` of the HDF5 file `file` by one whose bytes live in `secret` (external raw storage). */
function pointAtSecret(file: string, inside: string): void {
  h5py(`
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    del f[${JSON.stringify(inside)}]
    f.create_dataset(${JSON.stringify(inside)}, shape=(2, 4), dtype="<f4", external=[(${JSON.stringify(secret)}, 0, 32)])
`);
}

/** Load `call` in a child process and check the refusal, its message and its cost. */
function expectRefusal(t: { diagnostic(m: string): void }, call: string, ...patterns: RegExp[]): void {
  const r = refuseInChild(call);
  t.diagnostic(costText(r));
  assert.equal(r.name, "ModelFileError", `expected a ModelFileError, got ${r.name}: ${r.message}`);
  for (const p of patterns) assert.match(r.message, p);
  assert.doesNotMatch(r.message, /SECRET-KEY/);
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
}

test(
  "a legacy .h5 whose weight is external raw storage is refused; the other file is never read",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "external.h5");
    await saveWeightsH5(smallModel(), file);
    pointAtSecret(file, "/d/d/kernel:0");
    expectRefusal(
      t,
      `const m = load("src/backend").tf.sequential(); m.add(load("src/backend").tf.layers.dense({ units: 4, inputShape: [2], name: "d" }));
     await load("src/io/keras").loadWeightsH5(m, ${JSON.stringify(file)});`,
      /external\.h5: dataset \/d\/d\/kernel:0 .*keeps its data outside the file/,
      new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
      /read nothing from that path/,
    );
  },
);

test("a Keras 3 .weights.h5 whose weight is external raw storage is refused", { skip: SKIP_H5PY }, async (t) => {
  const file = path.join(dir, "external.weights.h5");
  await saveWeightsKeras3(smallModel(), file);
  pointAtSecret(file, "/layers/dense/vars/0");
  expectRefusal(
    t,
    `const m = load("src/backend").tf.sequential(); m.add(load("src/backend").tf.layers.dense({ units: 4, inputShape: [2], name: "d" }));
     await load("src/io/keras").loadWeightsKeras3(m, ${JSON.stringify(file)});`,
    /dataset \/layers\/dense\/vars\/0 .*keeps its data outside the file/,
  );
});

test("a .keras archive whose model.weights.h5 uses external raw storage is refused", { skip: SKIP_H5PY }, async (t) => {
  const good = path.join(dir, "good.keras");
  await saveModelKeras(smallModel(), good);
  const entries = readZip(fs.readFileSync(good));
  const h5 = path.join(dir, "inner.weights.h5");
  fs.writeFileSync(h5, entries.get("model.weights.h5")!);
  pointAtSecret(h5, "/layers/dense/vars/0");
  const file = path.join(dir, "external.keras");
  fs.writeFileSync(
    file,
    writeZip(
      [...entries].map(([name, data]) => ({ name, data: name === "model.weights.h5" ? fs.readFileSync(h5) : data })),
    ),
  );
  expectRefusal(
    t,
    `await load("src/io/keras").loadModelKeras(${JSON.stringify(file)});`,
    /external\.keras \(model\.weights\.h5\): dataset \/layers\/dense\/vars\/0 .*keeps its data outside the file/,
  );
});

test(
  "an external link to another HDF5 file is refused before anything is read through it",
  { skip: SKIP_H5PY },
  async (t) => {
    const target = path.join(dir, "target.h5");
    await saveWeightsH5(smallModel(), target);
    const file = path.join(dir, "elink.h5");
    h5py(`
with h5py.File(${JSON.stringify(file)}, "w") as f:
    f.attrs["layer_names"] = [b"d"]
    f["d"] = h5py.ExternalLink(${JSON.stringify(target)}, "/d")
`);
    expectRefusal(
      t,
      `const m = load("src/backend").tf.sequential(); m.add(load("src/backend").tf.layers.dense({ units: 4, inputShape: [2], name: "d" }));
     await load("src/io/keras").loadWeightsH5(m, ${JSON.stringify(file)});`,
      /\/d is an external link to "\/d" in another file \(".*target\.h5"\)/,
    );
  },
);

test("a virtual dataset (data assembled from another file) is refused", { skip: SKIP_H5PY }, async (t) => {
  const file = path.join(dir, "virtual.h5");
  await saveWeightsH5(smallModel(), file);
  h5py(`
layout = h5py.VirtualLayout(shape=(2, 4), dtype="<f4")
layout[:] = h5py.VirtualSource(${JSON.stringify(path.join(dir, "target.h5"))}, "/d/d/kernel:0", shape=(2, 4))
with h5py.File(${JSON.stringify(file)}, "r+") as f:
    del f["/d/d/kernel:0"]
    f["/d/d"].create_virtual_dataset("kernel:0", layout)
`);
  expectRefusal(
    t,
    `const m = load("src/backend").tf.sequential(); m.add(load("src/backend").tf.layers.dense({ units: 4, inputShape: [2], name: "d" }));
     await load("src/io/keras").loadWeightsH5(m, ${JSON.stringify(file)});`,
    /dataset \/d\/d\/kernel:0 is a virtual dataset \(its data comes from "\/d\/d\/kernel:0" in ".*target\.h5"\)/,
  );
});

test(
  "a link cycle (a group linked into itself) is refused at once instead of scanning until the time limit",
  { skip: SKIP_H5PY },
  async (t) => {
    const file = path.join(dir, "loop.h5");
    h5py(`
with h5py.File(${JSON.stringify(file)}, "w") as f:
    f.attrs["layer_names"] = [b"a"]
    f.create_group("a")["loop"] = f["/"]
    f["b"] = h5py.SoftLink("/a")
`);
    expectRefusal(
      t,
      `await load("src/io/keras").loadModelH5(${JSON.stringify(file)});`,
      /\/a\/loop links back to its ancestor \/: a link cycle/,
    );
    const shared = path.join(dir, "shared.h5");
    h5py(`
with h5py.File(${JSON.stringify(shared)}, "w") as f:
    g = f.create_group("g0")
    for i in range(1, 40):
        h = f.create_group("g%d" % i)
        h["x"] = g
        h["y"] = g
        g = h
`);
    expectRefusal(
      t,
      `await load("src/io/keras").loadModelH5(${JSON.stringify(shared)});`,
      /the group \/g\d+ is also linked at \/g\d+\/[xy]/,
    );
  },
);
