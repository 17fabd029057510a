/**
 * `npm run tutorial` where the real `imdb.npz` is absent: the IMDB lessons are skipped
 * with one line saying how to fetch the file and where to put it, and the run succeeds.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { findImdb, imdbSkipLine, LESSONS } from "../notebooks/tutorial";
import { repoRoot, tempDir } from "./helpers";

const tutorial = path.join(repoRoot, "dist", "notebooks", "tutorial.js");

test("the tutorial lists 9-2 and 9-3 as lessons that read IMDB", () => {
  assert.deepEqual(
    LESSONS.filter((l) => l.data === "imdb").map((l) => [l.id, l.file]),
    [
      ["09-2", "09-2-imdb-simplernn.ipynb"],
      ["09-3", "09-3-lstm-gru.ipynb"],
    ],
  );
});

test("without imdb.npz, `tutorial --lesson 09-3` prints one line with the fetch command and exits 0", () => {
  const home = tempDir();
  const r = spawnSync(process.execPath, [tutorial, "--lesson", "09-3"], {
    encoding: "utf8",
    env: { ...process.env, HOME: home, IMDB_DIR: "" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.stdout.split("\n").filter(Boolean);
  assert.equal(lines.length, 1, r.stdout);
  assert.match(lines[0], /^Skipping 09-3: imdb\.npz not found/);
  assert.match(
    lines[0],
    /curl -fL -o ~\/\.keras\/datasets\/imdb\.npz https:\/\/storage\.googleapis\.com\/tensorflow\/tf-keras-datasets\/imdb\.npz$/,
  );
  assert.ok(!fs.existsSync(path.join(home, ".local")), "no kernel installed, no Jupyter started");
});

test("findImdb finds imdb.npz in $IMDB_DIR, and the skip line names every skipped lesson", () => {
  const dir = tempDir();
  const saved = process.env.IMDB_DIR;
  try {
    process.env.IMDB_DIR = dir;
    assert.ok(!findImdb()?.startsWith(dir), "nothing in the empty folder");
    fs.writeFileSync(path.join(dir, "imdb.npz"), "");
    assert.equal(findImdb(), path.join(dir, "imdb.npz"));
  } finally {
    if (saved === undefined) delete process.env.IMDB_DIR;
    else process.env.IMDB_DIR = saved;
  }
  assert.match(imdbSkipLine(LESSONS.filter((l) => l.data)), /^Skipping 09-2, 09-3: /);
});
