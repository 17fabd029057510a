/**
 * Only regular files are read: a model file (model.json, .h5, .keras,
 * .weights.h5) that is a symlink to /dev/zero or a FIFO is refused without a
 * read that could grow memory or block, each in a fresh process whose time and
 * peak memory are measured. Also a manifest naming one weights file many times,
 * and a path with a NUL byte.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { saveModel } from "../../src/io";
import { tempDir } from "../helpers";
import { costText, type Refusal, refuseInChild } from "./hostile-helpers";

const root = tempDir("tslab-dl-hostile-devices-");

/** A refusal of anything that is not a regular file costs next to nothing: no read happens. */
function refusedQuickly(t: { diagnostic(m: string): void }, call: string, ...patterns: RegExp[]): Refusal {
  // A blocked read would outlast the child's 30 s limit and refuseInChild would throw.
  const r = refuseInChild(call, 30_000);
  t.diagnostic(costText(r));
  assert.equal(r.name, "ModelFileError", `expected a ModelFileError, got ${r.name}: ${r.message}`);
  for (const p of patterns) assert.match(r.message, p);
  assert.ok(r.peakGrowthMB < 100, costText(r));
  assert.ok(r.ms < 2_000, costText(r));
  return r;
}

const loadModelOf = (p: string): string => `await load("src/io").loadModel(${JSON.stringify(p)});`;

/** `name` in a fresh folder: a symlink to /dev/zero, or a FIFO. */
function special(kind: "zero" | "fifo", folder: string, name: string): string {
  const dir = path.join(root, folder);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  if (kind === "zero") fs.symlinkSync("/dev/zero", file);
  else execFileSync("mkfifo", [file]);
  return file;
}

test("a model.json that is a symlink to /dev/zero is refused, as a folder's model.json and by name", async (t) => {
  const file = special("zero", "json-zero", "model.json");
  refusedQuickly(t, loadModelOf(path.dirname(file)), /model\.json: is a character device, not a regular file; refused/);
  refusedQuickly(t, loadModelOf(file), /model\.json: is a character device, not a regular file; refused/);
});

test("a model.json that is a FIFO nobody writes to is refused at once instead of blocking", async (t) => {
  const file = special("fifo", "json-fifo", "model.json");
  refusedQuickly(t, loadModelOf(path.dirname(file)), /model\.json: is a FIFO \(named pipe\), not a regular file/);
});

test("a .h5 and a .keras that are symlinks to /dev/zero or FIFOs are refused without reading", async (t) => {
  for (const kind of ["zero", "fifo"] as const) {
    const what =
      kind === "zero" ? /is a character device, not a regular file/ : /is a FIFO \(named pipe\), not a regular file/;
    refusedQuickly(t, loadModelOf(special(kind, `h5-${kind}`, "model.h5")), what);
    refusedQuickly(t, loadModelOf(special(kind, `keras-${kind}`, "model.keras")), what);
    const weights = special(kind, `weights-${kind}`, "model.weights.h5");
    refusedQuickly(
      t,
      `const tf = load("src/backend").tf; const m = tf.sequential(); m.add(tf.layers.dense({ units: 1, inputShape: [1] }));
       await load("src/io").loadWeights(m, ${JSON.stringify(weights)});`,
      what,
    );
  }
});

test("a manifest naming one weights file in 1,000 groups is refused before any weights are read", async (t) => {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 100, inputShape: [1000] }));
  const dir = path.join(root, "groups");
  await saveModel(model, dir);
  model.dispose();
  const jsonPath = path.join(dir, "model.json");
  const json = JSON.parse(fs.readFileSync(jsonPath, "utf8")) as tf.io.ModelJSON;
  const group = json.weightsManifest[0];
  json.weightsManifest = Array.from({ length: 1000 }, () => group);
  fs.writeFileSync(jsonPath, JSON.stringify(json));
  refusedQuickly(
    t,
    loadModelOf(dir),
    /weights-[0-9a-f]{12}\.bin: weights file is named more than once in model\.json's weightsManifest/,
  );
});

test("a path with a NUL byte is a ModelFileError naming it, not a TypeError from Node", async (t) => {
  for (const p of [path.join(root, "a\0b.h5"), path.join(root, "a\0b.keras"), path.join(root, "a\0b")]) {
    refusedQuickly(t, loadModelOf(p), /is not a valid path \(it holds a NUL byte\)/);
  }
});
