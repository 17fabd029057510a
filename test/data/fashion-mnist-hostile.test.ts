/**
 * Hostile Fashion-MNIST files: a gzip bomb stops at the published file's size,
 * and a folder where a file belongs is a DatasetError, not EISDIR.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { FASHION_MNIST_FILES } from "../../src/data";
import { tempDir } from "../helpers";
import { costText, deflatedZeros, MAX_REFUSAL_MB, refuseInChild } from "../io/hostile-helpers";

/** A folder holding the four files as small, well-formed gzipped IDX files. */
function smallSet(): string {
  const dir = tempDir("tslab-dl-hostile-fashion-");
  const idx = (dims: number[]): Buffer => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(0x800 | dims.length, 0);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return gzipSync(Buffer.concat([header, Buffer.alloc(dims.reduce((a, b) => a * b, 1))]));
  };
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.trainImages.name), idx([2, 28, 28]));
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.trainLabels.name), idx([2]));
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.testImages.name), idx([1, 28, 28]));
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.testLabels.name), idx([1]));
  return dir;
}

const loadCall = (dir: string): string =>
  `await load("src/data").loadFashionMnist({ dir: ${JSON.stringify(dir)}, download: false, systemDirs: [], cacheDir: ${JSON.stringify(dir)} });`;

test("a gzip bomb in place of the training images stops at the published file's size", async (t) => {
  const dir = smallSet();
  // A gzip header, then 4 GiB of deflated zeros (4 MB on disk); the trailer is never reached.
  const bomb = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), deflatedZeros(4096)]);
  const file = path.join(dir, FASHION_MNIST_FILES.trainImages.name);
  fs.writeFileSync(file, bomb);
  const r = refuseInChild(loadCall(dir));
  t.diagnostic(`${bomb.length} bytes on disk; ${costText(r)}`);
  assert.equal(r.name, "DatasetError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /train-images-idx3-ubyte\.gz: inflates to more than 47040016 bytes, the size of the published file/,
  );
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
});

test("a folder where a dataset file belongs is a DatasetError naming it, not EISDIR", async (t) => {
  const dir = smallSet();
  const file = path.join(dir, FASHION_MNIST_FILES.testLabels.name);
  fs.rmSync(file);
  fs.mkdirSync(file);
  const r = refuseInChild(loadCall(dir));
  t.diagnostic(costText(r));
  assert.equal(r.name, "DatasetError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /t10k-labels-idx1-ubyte\.gz: is a folder, not a regular file; refused without reading it; expected the Fashion-MNIST file/,
  );
});

test("a file larger than any gzip of the published one is refused before it is read", async (t) => {
  const dir = smallSet();
  const file = path.join(dir, FASHION_MNIST_FILES.trainLabels.name);
  fs.writeFileSync(file, Buffer.alloc(200_000));
  const r = refuseInChild(loadCall(dir));
  t.diagnostic(costText(r));
  assert.equal(r.name, "DatasetError", `${r.name}: ${r.message}`);
  assert.match(
    r.message,
    /train-labels-idx1-ubyte\.gz: 200000 bytes, larger than a gzip of the published 60008-byte file/,
  );
});

test("a dataset file that is a symlink to /dev/zero is refused without reading from it", async (t) => {
  const dir = smallSet();
  const file = path.join(dir, FASHION_MNIST_FILES.trainImages.name);
  fs.rmSync(file);
  fs.symlinkSync("/dev/zero", file);
  const r = refuseInChild(loadCall(dir), 30_000);
  t.diagnostic(costText(r));
  assert.equal(r.name, "DatasetError", `${r.name}: ${r.message}`);
  assert.match(r.message, /train-images-idx3-ubyte\.gz: is a character device, not a regular file; refused/);
  assert.ok(r.peakGrowthMB < 100, costText(r));
  assert.ok(r.ms < 2_000, costText(r));
});

test("a dataset file that is a FIFO nobody writes to is refused at once instead of blocking", async (t) => {
  const dir = smallSet();
  const file = path.join(dir, FASHION_MNIST_FILES.testImages.name);
  fs.rmSync(file);
  execFileSync("mkfifo", [file]);
  // A blocked read would run into the child's 30 s limit, and refuseInChild would throw.
  const r = refuseInChild(loadCall(dir), 30_000);
  t.diagnostic(costText(r));
  assert.equal(r.name, "DatasetError", `${r.name}: ${r.message}`);
  assert.match(r.message, /t10k-images-idx3-ubyte\.gz: is a FIFO \(named pipe\), not a regular file; refused/);
  assert.ok(r.peakGrowthMB < 100, costText(r));
  assert.ok(r.ms < 2_000, costText(r));
});
