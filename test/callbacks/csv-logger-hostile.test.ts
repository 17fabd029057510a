/**
 * CSVLogger(append: true) reads the log it continues: a log that is a device or
 * a FIFO is refused at once, in a fresh process so that a hang or growth shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers";
import { costText, refuseInChild } from "../io/hostile-helpers";

const appendTo = (file: string): string => `
  const cb = new (load("src/callbacks").CSVLogger)(${JSON.stringify(file)}, { append: true });
  await cb.onTrainBegin();`;

test("appending to a log that is a symlink to /dev/zero is a ModelFileError, without reading from it", () => {
  const file = path.join(tempDir("tslab-dl-hostile-csv-"), "log.csv");
  fs.symlinkSync("/dev/zero", file);
  const r = refuseInChild(appendTo(file), 30_000);
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /log\.csv: CSVLogger\(append: true\): the log to append to is a character device, not a regular file/,
  );
  assert.ok(r.peakGrowthMB < 100 && r.ms < 2_000, costText(r));
  assert.equal(fs.readlinkSync(file), "/dev/zero", "nothing was written in its place");
});

test("appending to a log that is a FIFO nobody writes to is refused at once instead of blocking", () => {
  const file = path.join(tempDir("tslab-dl-hostile-csv-"), "log.csv");
  execFileSync("mkfifo", [file]);
  const r = refuseInChild(appendTo(file), 30_000);
  assert.equal(r.name, "ModelFileError", `${r.name}: ${r.message}`);
  assert.match(r.message, /the log to append to is a FIFO \(named pipe\), not a regular file; refused/);
  assert.ok(r.peakGrowthMB < 100 && r.ms < 2_000, costText(r));
});
