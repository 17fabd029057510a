/**
 * The scratch folders of `.keras` saves and loads on a shared temporary
 * folder: another user's stale folder, one of ours we cannot remove, and a
 * missing $TMPDIR. Each load runs in a fresh process (as `nobody` where a
 * second user is needed).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../src/backend";
import { saveModelKeras } from "../../src/io/keras";
import { tempDir } from "../helpers";
import { costText, refuseInChild } from "./hostile-helpers";

const asRoot = process.getuid?.() === 0;
const nobody = asRoot && spawnSync("runuser", ["-u", "nobody", "--", "true"]).status === 0;
const SKIP_NOBODY = nobody ? undefined : "needs root and runuser to act as a second user (nobody)";

/** A small .keras file anyone can read. */
async function sharedModel(): Promise<string> {
  const dir = tempDir("tslab-dl-hostile-scratch-");
  fs.chmodSync(dir, 0o755);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  const file = path.join(dir, "m.keras");
  await saveModelKeras(model, file);
  fs.chmodSync(file, 0o644);
  return file;
}

const aged = (p: string): void => {
  const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  fs.utimesSync(p, old, old);
};

const loadAndSave = (file: string): string => `
  const io = load("src/io");
  const m = await io.loadModel(${JSON.stringify(file)});
  await io.saveModel(m, require("node:path").join(require("node:os").tmpdir(), "again.keras"));`;

test(
  "another user's stale scratch folder and one of ours we cannot remove are skipped; the load and save succeed",
  { skip: SKIP_NOBODY },
  async (t) => {
    const file = await sharedModel();
    const tmp = tempDir("tslab-dl-shared-tmp-");
    fs.chmodSync(tmp, 0o1777);
    // Root's, in the old unnumbered naming: nobody must not even try it.
    const rootsOld = path.join(tmp, "tslab-dl-keras-AbC123");
    fs.mkdirSync(rootsOld, { mode: 0o700 });
    fs.writeFileSync(path.join(rootsOld, "model.weights.h5"), "root's");
    aged(rootsOld);
    // Root's, named for root's uid: not nobody's prefix either.
    const rootsNew = path.join(tmp, "tslab-dl-keras-0-XyZ789");
    fs.mkdirSync(rootsNew, { mode: 0o700 });
    aged(rootsNew);
    // nobody's own stale folder, holding a folder of root's that nobody cannot empty.
    const stuck = path.join(tmp, "tslab-dl-keras-65534-Stuck1");
    fs.mkdirSync(path.join(stuck, "locked"), { recursive: true });
    fs.writeFileSync(path.join(stuck, "locked", "w.h5"), "x");
    fs.chownSync(stuck, 65534, 65534);
    aged(stuck);
    const r = refuseInChild(loadAndSave(file), 60_000, { user: "nobody", env: { TMPDIR: tmp } });
    t.diagnostic(costText(r));
    assert.equal(r.name, "", `the load and save succeed as nobody: ${r.name}: ${r.message}`);
    assert.ok(fs.existsSync(path.join(tmp, "again.keras")), "the save as nobody landed");
    assert.ok(fs.existsSync(rootsOld) && fs.existsSync(rootsNew), "another user's folders are left alone");
    assert.ok(fs.existsSync(stuck), "the folder it could not remove is still there");
    assert.match(
      r.stderr,
      /could not remove the stale scratch folder .*tslab-dl-keras-65534-Stuck1 \(EACCES\); skipped it, remove it by hand/,
    );
    assert.equal(r.stderr.match(/could not remove/g)?.length, 1, `one notice, however many sweeps: ${r.stderr}`);
    const left = fs
      .readdirSync(tmp)
      .filter((n) => n.startsWith("tslab-dl-keras-65534-") && n !== "tslab-dl-keras-65534-Stuck1");
    assert.deepEqual(left, [], "the load's and the save's own scratch folders are gone");
  },
);

test("a missing temporary folder is a ModelFileError saying so, for a .keras load and save", async (t) => {
  const file = await sharedModel();
  const missing = path.join(tempDir("tslab-dl-no-tmp-"), "gone");
  const r = refuseInChild(`await load("src/io").loadModel(${JSON.stringify(file)});`, 60_000, {
    env: { TMPDIR: missing },
  });
  t.diagnostic(costText(r));
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /m\.keras: needs a scratch folder for the archive's weights, but the temporary folder .*gone does not exist; set TMPDIR/,
  );
  const s = refuseInChild(
    `const tf = load("src/backend").tf; const m = tf.sequential(); m.add(tf.layers.dense({ units: 1, inputShape: [1] }));
     await load("src/io").saveModel(m, ${JSON.stringify(path.join(path.dirname(file), "new.keras"))});`,
    60_000,
    { env: { TMPDIR: missing } },
  );
  assert.equal(s.name, "ModelFileError", `${s.name}: ${s.message}`);
  assert.match(s.message, /new\.keras: needs a scratch folder .* does not exist/);
});
