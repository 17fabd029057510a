/**
 * Hostile TensorFlow.js model folders: a model.json cannot make us read a file
 * outside its folder, a device, or more bytes than its manifest describes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { saveModel } from "../../src/io";
import { tempDir } from "../helpers";
import { costText, MAX_REFUSAL_MB, refuseInChild } from "./hostile-helpers";

const root = tempDir("tslab-dl-hostile-tfjs-");
const secret = path.join(root, "secret.txt");

/** A saved 2→4 dense model in `root/<name>`, its manifest's paths replaced by `paths`. */
async function modelNaming(name: string, paths: string[]): Promise<string> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2] }));
  const dir = path.join(root, name);
  await saveModel(model, dir);
  const jsonPath = path.join(dir, "model.json");
  const json = JSON.parse(fs.readFileSync(jsonPath, "utf8")) as tf.io.ModelJSON;
  json.weightsManifest[0].paths = paths;
  fs.writeFileSync(jsonPath, JSON.stringify(json));
  return dir;
}

function refusedLoad(t: { diagnostic(m: string): void }, dir: string, ...patterns: RegExp[]): void {
  const r = refuseInChild(`await load("src/io").loadModel(${JSON.stringify(dir)});`, 60_000);
  t.diagnostic(costText(r));
  assert.equal(r.name, "ModelFileError", `expected a ModelFileError, got ${r.name}: ${r.message}`);
  for (const p of patterns) assert.match(r.message, p);
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
}

test("a weights path that climbs out of the model's folder (../secret.txt) is refused, even with the right size", async (t) => {
  // 40 bytes: exactly the 2×4 kernel and 4 biases the manifest describes.
  fs.writeFileSync(secret, "SECRET-KEY-0123456789abcdef-0123456789ab");
  const dir = await modelNaming("climb", ["../secret.txt"]);
  refusedLoad(t, dir, /names the weights file "\.\.\/secret\.txt"; expected a file name inside the model's folder/);
});

test("a weights path to /dev/zero, absolute or climbing, is refused without reading from it", async (t) => {
  refusedLoad(t, await modelNaming("zero-climb", ["../../../../../../../../dev/zero"]), /refused/);
  refusedLoad(t, await modelNaming("zero-abs", ["/dev/zero"]), /no absolute path/);
});

test("a weights file that is a link out of the folder, a device link or a folder is refused", async (t) => {
  const out = await modelNaming("link-out", ["w.bin"]);
  fs.symlinkSync(secret, path.join(out, "w.bin"));
  refusedLoad(
    t,
    out,
    /w\.bin: weights file named in model\.json is a link to .*secret\.txt, outside the model's folder/,
  );
  const dev = await modelNaming("link-dev", ["z.bin"]);
  fs.symlinkSync("/dev/zero", path.join(dev, "z.bin"));
  refusedLoad(t, dev, /z\.bin: weights file named in model\.json is not a regular file/);
  const folder = await modelNaming("folder", ["sub"]);
  fs.mkdirSync(path.join(folder, "sub"));
  refusedLoad(t, folder, /sub: weights file named in model\.json is not a regular file/);
});

test("a manifest declaring absurd weight sizes is refused before any weights file is read", async (t) => {
  const dir = await modelNaming("huge", ["w.bin"]);
  fs.writeFileSync(path.join(dir, "w.bin"), "");
  const jsonPath = path.join(dir, "model.json");
  const json = JSON.parse(fs.readFileSync(jsonPath, "utf8")) as tf.io.ModelJSON;
  json.weightsManifest[0].weights[0].shape = [1e6, 1e6];
  fs.writeFileSync(jsonPath, JSON.stringify(json));
  refusedLoad(t, dir, /describes 4\d{12} bytes of weights .*refused before reading/);
});
