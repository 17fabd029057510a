/**
 * Hostile .keras archives: zip bombs and junk entries cost nothing, because
 * sizes are checked from the central directory first and only the entries the
 * loader uses are inflated. Archives are built with Node's zlib.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { saveModelKeras } from "../../src/io/keras";
import { crc32, readZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import {
  costText,
  deflatedZeros,
  MAX_REFUSAL_MB,
  type RawEntry,
  type Refusal,
  refuseInChild,
  zipOf,
} from "./hostile-helpers";

const dir = tempDir("tslab-dl-hostile-zip-");

/** The entries of a real saved model, as stored raw entries. */
async function modelEntries(): Promise<RawEntry[]> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2] }));
  const file = path.join(dir, "good.keras");
  await saveModelKeras(model, file);
  return [...readZip(fs.readFileSync(file))].map(([name, data]) => {
    return { name, data, method: 0, size: data.length, crc: crc32(data) };
  });
}

function junk(name: string, mib: number): RawEntry {
  return { name, data: deflatedZeros(mib), method: 8, size: mib * 2 ** 20, crc: 0 };
}

function load(t: { diagnostic(m: string): void }, entries: RawEntry[], name: string): Refusal {
  const file = path.join(dir, name);
  fs.writeFileSync(file, zipOf(entries));
  t.diagnostic(`${name}: ${fs.statSync(file).size} bytes on disk`);
  const r = refuseInChild(`await load("src/io/keras").loadModelKeras(${JSON.stringify(file)});`);
  t.diagnostic(costText(r));
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
  return r;
}

test("junk entries the loader does not use are never inflated: the model loads at the cost of the model", async (t) => {
  const r = load(t, [...(await modelEntries()), junk("junk-1.bin", 700), junk("junk-2.bin", 700)], "junk.keras");
  assert.equal(r.name, "", `the model should load, but: ${r.name}: ${r.message}`);
});

test("an archive declaring more than 2 GiB in all is refused before anything is inflated", async (t) => {
  const r = load(t, [...(await modelEntries()), junk("junk-1.bin", 1500), junk("junk-2.bin", 1500)], "total.keras");
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /total\.keras: declares more than 2147483647 bytes in all once inflated \(at entry junk-2\.bin\)/,
  );
});

test("a zip bomb as model.weights.h5 is refused from its declared ratio, before inflating", async (t) => {
  const entries = (await modelEntries()).filter((e) => e.name !== "model.weights.h5");
  const bomb = [...entries, junk("model.weights.h5", 1024)];
  // The zip reader's own rule, whatever the loader checks first.
  assert.throws(
    () => readZip(zipOf(bomb), ["model.weights.h5"]),
    /entry model\.weights\.h5 would inflate \d+ bytes to 1073741824 .*a zip bomb/,
  );
  // The loader refuses it sooner still: 1 GiB is far more than a 12-weight model can use.
  const r = load(t, bomb, "bomb.keras");
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(r.message, /model\.weights\.h5 declares 1073741824 bytes, but the model's 12 weights need at most/);
});

test("an entry that inflates to more than it declares stops at its declared size", async (t) => {
  const entries = (await modelEntries()).filter((e) => e.name !== "model.weights.h5");
  const liar = { ...junk("model.weights.h5", 1024), size: 2 ** 20 };
  const r = load(t, [...entries, liar], "liar.keras");
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(r.message, /entry model\.weights\.h5 cannot be decompressed/);
});
