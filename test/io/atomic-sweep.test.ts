/**
 * Saves killed mid-way leave temporary files; the next save beside them, and
 * the next .keras save or load, removes ours once they are a day old, and
 * nothing else.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { writeFileAtomic } from "../../src/io/atomic";
import { saveModelH5, saveModelKeras } from "../../src/io/keras";
import { tempDir } from "../helpers";

const TWO_DAYS_AGO = new Date(Date.now() - 2 * 24 * 3600 * 1000);

function aged(p: string): string {
  fs.utimesSync(p, TWO_DAYS_AGO, TWO_DAYS_AGO);
  return p;
}

function smallModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  return model;
}

test("a save removes our day-old temporary files beside its target, and keeps fresh ones and others' files", async () => {
  const dir = tempDir("tslab-dl-sweep-");
  const stale = path.join(dir, ".model.h5.tmp-4242-1a2b3c");
  fs.writeFileSync(stale, "left by a killed save");
  aged(stale);
  const fresh = path.join(dir, ".model.h5.tmp-4243-4d5e6f");
  fs.writeFileSync(fresh, "a save in progress");
  const otherTarget = path.join(dir, ".other.h5.tmp-4242-1a2b3c");
  fs.writeFileSync(otherTarget, "another target's");
  aged(otherTarget);
  const notOurs = path.join(dir, ".model.h5.tmp-notes");
  fs.writeFileSync(notOurs, "a user's file");
  aged(notOurs);
  await saveModelH5(smallModel(), path.join(dir, "model.h5"));
  assert.equal(fs.existsSync(stale), false, "the day-old temporary is removed");
  assert.equal(fs.existsSync(fresh), true, "a fresh temporary (a save in progress) is kept");
  assert.equal(fs.existsSync(otherTarget), true, "temporaries of another target are left to that target's saves");
  assert.equal(fs.existsSync(notOurs), true, "a name we never make is never removed");
  assert.ok(fs.existsSync(path.join(dir, "model.h5")));

  const staleJson = path.join(dir, ".model.json.tmp-7-abc");
  fs.writeFileSync(staleJson, "{");
  aged(staleJson);
  writeFileAtomic(path.join(dir, "model.json"), "{}");
  assert.equal(fs.existsSync(staleJson), false, "writeFileAtomic sweeps too");
});

test("a .keras save sweeps day-old tslab-dl-keras-* folders from the temporary folder, and only those", async () => {
  const stale = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-keras-"));
  fs.writeFileSync(path.join(stale, "model.weights.h5"), "left by a killed save");
  aged(stale);
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-keras-"));
  const other = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-other-"));
  aged(other);
  try {
    const dir = tempDir("tslab-dl-sweep-keras-");
    await saveModelKeras(smallModel(), path.join(dir, "m.keras"));
    assert.equal(fs.existsSync(stale), false, "the day-old scratch folder is removed");
    assert.equal(fs.existsSync(fresh), true, "a fresh one (another process at work) is kept");
    assert.equal(fs.existsSync(other), true, "other prefixes are not ours");
  } finally {
    for (const d of [stale, fresh, other]) fs.rmSync(d, { recursive: true, force: true });
  }
});
