/**
 * Hostile IMDB files, each refused as a DatasetError in a fresh process with its
 * time and peak memory measured: pickles that would call a function, reduce
 * something other than NumPy's reconstruction, nest lists without end or declare
 * lengths far beyond the file, and paths that are a FIFO or a device.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { readZip, writeZip } from "../../src/util/zip";
import { tempDir } from "../helpers";
import { costText, deflatedZeros, MAX_REFUSAL_MB, refuseInChild, zipOf, type Refusal } from "../io/hostile-helpers";
import { python, SKIP_NUMPY, writeImdb } from "./imdb-helpers";

/** The issue's bound: a hostile file is refused within 2 s (refusals take milliseconds; a hang takes forever). */
const MAX_REFUSAL_MS = 2000;

/** Refuse `dir`'s imdb.npz in a fresh process; check the bounds and that it is a DatasetError. */
function refuse(t: { diagnostic(m: string): void }, dir: string): Refusal {
  const options = JSON.stringify({ dir, download: false, verifyChecksum: false, cacheDir: dir });
  const r = refuseInChild(`await load("src/data").loadImdb(${options});`, 60_000);
  t.diagnostic(costText(r));
  assert.equal(r.name, "DatasetError", `${r.name}: ${r.message}`);
  assert.ok(r.peakGrowthMB < MAX_REFUSAL_MB, costText(r));
  assert.ok(r.ms < MAX_REFUSAL_MS, costText(r));
  return r;
}

/** A folder holding imdb.npz made by NumPy, with x_train replaced by what `script` sets `x` to. */
function withTrain(script: string, ...argv: string[]): string {
  const dir = tempDir("tslab-dl-hostile-imdb-");
  const file = writeImdb(dir);
  python(
    `
src = np.load(sys.argv[1], allow_pickle=True)
arrays = {k: src[k] for k in ["y_train", "x_test", "y_test"]}
${script}
np.savez(sys.argv[1], x_train=x, **arrays)`,
    file,
    ...argv,
  );
  return dir;
}

/** A folder holding imdb.npz whose `entry` is replaced by `bytes` as written. */
function withEntry(entry: string, bytes: Buffer): string {
  const dir = tempDir("tslab-dl-hostile-imdb-");
  const file = writeImdb(dir);
  const entries = [...readZip(fs.readFileSync(file))].map(([name, data]) => ({
    name,
    data: name === entry ? bytes : data,
  }));
  fs.writeFileSync(file, writeZip(entries));
  return dir;
}

/** A .npy of an object array of `n` items whose pickle is `pickle`, as given. */
function objectNpy(pickle: Buffer, n = 300): Buffer {
  let header = `{'descr': '|O', 'fortran_order': False, 'shape': (${n},), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), pickle]);
}

test(
  "a pickle that would call os.system through __reduce__ is refused at its GLOBAL; nothing runs",
  { skip: SKIP_NUMPY },
  (t) => {
    const marker = path.join(tempDir(), "pwned");
    const dir = withTrain(
      `
import os
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[2],))
x = np.empty(2, dtype=object)
x[0] = [1, 2]
x[1] = Evil()`,
      marker,
    );
    const r = refuse(t, dir);
    assert.match(
      r.message,
      /x_train\.npy: the global posix\.system at offset \d+; a dataset file may hold only NumPy's array reconstruction/,
    );
    assert.match(r.message, /refused without calling anything/);
    assert.equal(fs.existsSync(marker), false, "os.system never ran");
  },
);

test(
  "a REDUCE of an allowed name that is not NumPy's reconstruction (numpy.ndarray) is refused",
  { skip: SKIP_NUMPY },
  (t) => {
    const dir = withTrain(`
class Odd:
    def __reduce__(self):
        return (np.ndarray, ((1,),))
x = np.empty(2, dtype=object)
x[0] = [1, 2]
x[1] = Odd()`);
    const r = refuse(t, dir);
    assert.match(
      r.message,
      /x_train\.npy: a REDUCE of numpy\.ndarray, which is not NumPy's array reconstruction at offset \d+/,
    );
  },
);

test("other globals and opcodes are refused by name: builtins.eval, a dict (EMPTY_DICT)", { skip: SKIP_NUMPY }, (t) => {
  const evalDir = withTrain(`
class E:
    def __reduce__(self):
        return (eval, ("1+1",))
x = np.empty(1, dtype=object)
x[0] = E()`);
  assert.match(refuse(t, evalDir).message, /the global builtins\.eval at offset \d+/);
  const dictDir = withTrain(`
x = np.empty(1, dtype=object)
x[0] = {"a": 1}`);
  assert.match(refuse(t, dictDir).message, /the pickle opcode 0x7d \(EMPTY_DICT\) at offset \d+/);
});

test(
  "lists nested too deep are refused (200 levels from NumPy), and a million lists by hand overflow no stack",
  { skip: SKIP_NUMPY },
  (t) => {
    const numpyDir = withTrain(`
v = [1]
for _ in range(200):
    v = [v]
x = np.empty(1, dtype=object)
x[0] = v`);
    assert.match(refuse(t, numpyDir).message, /x_train\.npy: lists nested more than 16 levels deep at offset \d+/);
    // PROTO 3, a million EMPTY_LISTs, then APPENDs (each would nest the top list one level deeper):
    // refused once the stack holds more than a pickle of lists ever needs.
    const n = 1_000_000;
    const pickle = Buffer.concat([
      Buffer.from([0x80, 3]),
      Buffer.alloc(n, 0x5d),
      Buffer.alloc(n - 1, 0x61),
      Buffer.from([0x2e]),
    ]);
    const r = refuse(t, withEntry("x_train.npy", objectNpy(pickle)));
    assert.match(
      r.message,
      /more than 100000 values on the pickle's stack at once \(NumPy's pickles need about 2000\) at offset 100130/,
    );
  },
);

test(
  "a pickle of ints as large as an entry may be stops at the item limits, its cost bounded",
  { skip: SKIP_NUMPY },
  (t) => {
    // 64 MiB of BININT1 + APPEND (3 bytes an int) in lists of 999,999: about 22 million ints, more than
    // the 16 million a pickle may hold in all (IMDB's holds about 6 million).
    const perList = 999_999;
    const block = Buffer.alloc(1 + 3 * perList);
    block[0] = 0x5d;
    for (let i = 0; i < perList; i++) block.set([0x4b, 7, 0x61], 1 + 3 * i);
    const blocks = Math.floor((64 * 2 ** 20 - 4096) / block.length);
    const pickle = Buffer.concat([Buffer.from([0x80, 3]), ...Array<Buffer>(blocks).fill(block), Buffer.from([0x2e])]);
    const r = refuse(t, withEntry("x_train.npy", objectNpy(pickle)));
    assert.match(r.message, /x_train\.npy: more than 16000000 list items in all at offset \d+/);
  },
);

test("declared lengths far beyond the file are refused before anything is allocated", { skip: SKIP_NUMPY }, (t) => {
  // BINUNICODE declaring 4 GiB − 1 with 3 bytes behind it.
  const unicode = Buffer.concat([Buffer.from([0x80, 3, 0x58, 0xff, 0xff, 0xff, 0xff]), Buffer.from("abc")]);
  assert.match(
    refuse(t, withEntry("x_train.npy", objectNpy(unicode))).message,
    /x_train\.npy: BINUNICODE declares 4294967295 bytes but only 3 remain in the file at offset 130/,
  );
  // BINBYTES8 declaring 2^60 bytes.
  const bytes8 = Buffer.concat([Buffer.from([0x80, 4, 0x8e]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x10])]);
  assert.match(
    refuse(t, withEntry("x_train.npy", objectNpy(bytes8))).message,
    /BINBYTES8 declares .* far beyond the file/,
  );
  // A FRAME longer than the rest.
  const frame = Buffer.concat([
    Buffer.from([0x80, 4, 0x95]),
    Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]),
    Buffer.from([0x2e]),
  ]);
  assert.match(
    refuse(t, withEntry("x_train.npy", objectNpy(frame))).message,
    /a FRAME longer than the rest of the file/,
  );
  // y_train's header declaring a trillion labels in a file of a few hundred bytes.
  const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (1000000000000,), }";
  const npy = Buffer.concat([
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]),
    Buffer.from(header),
    Buffer.alloc(16),
  ]);
  assert.match(
    refuse(t, withEntry("y_train.npy", npy)).message,
    /y_train\.npy: the header declares 1000000000000 items of 8 bytes \(shape \(1000000000000\)\), the file holds 16 bytes/,
  );
});

test("zip entries declaring more than an IMDB file can hold, or a bomb's ratio, are refused before inflating", (t) => {
  const dir = tempDir("tslab-dl-hostile-imdb-");
  // 1 GiB declared (deflated zeros, 1 MB on disk): over the 64 MiB an entry may have.
  const big = { name: "x_train.npy", data: deflatedZeros(1024), method: 8, size: 2 ** 30, crc: 0 };
  fs.writeFileSync(path.join(dir, "imdb.npz"), zipOf([big]));
  assert.match(
    refuse(t, dir).message,
    /imdb\.npz: entry x_train\.npy declares 1073741824 bytes, more than the 67108864 allowed; expected a NumPy \.npz file/,
  );
  // 60 MiB declared from 60 KB: a ratio of 1000, refused before inflating.
  const bomb = { name: "x_train.npy", data: deflatedZeros(60), method: 8, size: 60 * 2 ** 20, crc: 0 };
  const others = ["y_train.npy", "x_test.npy", "y_test.npy"].map((name) => ({
    name,
    data: Buffer.alloc(0),
    method: 0,
    size: 0,
    crc: 0,
  }));
  fs.writeFileSync(path.join(dir, "imdb.npz"), zipOf([bomb, ...others]));
  assert.match(refuse(t, dir).message, /entry x_train\.npy would inflate .* a zip bomb, refused before inflating/);
});

test("a FIFO or a device where imdb.npz belongs is refused without being read", (t) => {
  const fifoDir = tempDir("tslab-dl-hostile-imdb-");
  const fifo = path.join(fifoDir, "imdb.npz");
  const made = spawnSync("mkfifo", [fifo]);
  assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
  assert.match(
    refuse(t, fifoDir).message,
    /imdb\.npz: is a FIFO \(named pipe\), not a NumPy \.npz file; refused without reading it/,
  );
  const devDir = tempDir("tslab-dl-hostile-imdb-");
  fs.symlinkSync("/dev/zero", path.join(devDir, "imdb.npz"));
  assert.match(refuse(t, devDir).message, /imdb\.npz: is a character device, not a NumPy \.npz file/);
  const folderDir = tempDir("tslab-dl-hostile-imdb-");
  fs.mkdirSync(path.join(folderDir, "imdb.npz"));
  assert.match(
    refuse(t, folderDir).message,
    /imdb\.npz: is a folder, not a NumPy \.npz file; refused without reading it; expected the IMDB file imdb\.npz/,
  );
});
