/**
 * loadImdb against a reference computed in Python, by the steps Keras's
 * `imdb.load_data` takes, on an IMDB-format file NumPy writes at test time.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { inspect } from "node:util";
import { tf } from "../../src/backend";
import { DatasetError, getImdbWordIndex, loadImdb, Sequences, trainTestSplit, type ImdbOptions } from "../../src/data";
import { mimeBundleOf } from "../../src/display/registry";
import { tempDir } from "../helpers";
import { python, SKIP_NUMPY, writeImdb } from "./imdb-helpers";

/**
 * Keras's `load_data` steps, written out in Python over `np.load(allow_pickle=True)`:
 * one RandomState shuffles train then test; the start mark goes first and
 * index_from is added; reviews of maxlen or more are dropped; words outside
 * [skip_top, num_words) become oov_char (or go, when it is None), num_words
 * defaulting to the largest index.
 */
const REFERENCE = `
def reference(path, num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3):
    with np.load(path, allow_pickle=True) as f:
        xtr, ytr, xte, yte = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    order = np.arange(len(xtr))
    rng.shuffle(order)
    xtr, ytr = xtr[order], ytr[order]
    order = np.arange(len(xte))
    rng.shuffle(order)
    xte, yte = xte[order], yte[order]
    head = [] if start_char is None else [start_char]
    xtr = [head + [w + index_from for w in x] for x in xtr]
    xte = [head + [w + index_from for w in x] for x in xte]
    ytr, yte = [int(y) for y in ytr], [int(y) for y in yte]
    if maxlen:
        ktr = [i for i, x in enumerate(xtr) if len(x) < maxlen]
        kte = [i for i, x in enumerate(xte) if len(x) < maxlen]
        xtr, ytr = [xtr[i] for i in ktr], [ytr[i] for i in ktr]
        xte, yte = [xte[i] for i in kte], [yte[i] for i in kte]
        if not xtr or not xte:
            return {"error": "no sequence kept"}
    if not num_words:
        num_words = max(max(x) for x in xtr + xte)
    inside = lambda w: skip_top <= w < num_words
    if oov_char is not None:
        cut = lambda x: [w if inside(w) else oov_char for w in x]
    else:
        cut = lambda x: [w for w in x if inside(w)]
    return {"x_train": [cut(x) for x in xtr], "y_train": ytr, "x_test": [cut(x) for x in xte], "y_test": yte}

print(json.dumps([reference(sys.argv[1], **kw) for kw in json.loads(sys.argv[2])]))
`;

type Reference = { x_train: number[][]; y_train: number[]; x_test: number[][]; y_test: number[] } | { error: string };

/** Keras's keyword arguments for our options. */
function kerasKwargs(o: ImdbOptions): Record<string, unknown> {
  const map: Record<string, string> = {
    numWords: "num_words",
    skipTop: "skip_top",
    maxlen: "maxlen",
    seed: "seed",
    startChar: "start_char",
    oovChar: "oov_char",
    indexFrom: "index_from",
  };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [map[k], v]));
}

const CASES: ImdbOptions[] = [
  {},
  { numWords: 500 },
  { numWords: 1000, skipTop: 20 },
  { maxlen: 101 },
  { maxlen: 150, numWords: 300, skipTop: 5 },
  { seed: 7, startChar: null, indexFrom: 3, numWords: 800 },
  { startChar: null, oovChar: null, indexFrom: 0, numWords: 300, skipTop: 2 },
  { startChar: 9, oovChar: 4, indexFrom: 10 },
];

async function compare(file: string, cases: ImdbOptions[]): Promise<void> {
  const refs = JSON.parse(python(REFERENCE, file, JSON.stringify(cases.map(kerasKwargs)))) as Reference[];
  for (const [i, options] of cases.entries()) {
    const ref = refs[i];
    if ("error" in ref) throw new Error(`the reference refused ${JSON.stringify(options)}`);
    const [[xTrain, yTrain], [xTest, yTest]] = await loadImdb({
      ...options,
      dir: path.dirname(file),
      download: false,
      verifyChecksum: false,
    });
    const label = JSON.stringify(options);
    assert.ok(xTrain instanceof Sequences, label);
    assert.deepEqual(Array.from(xTrain), ref.x_train, `x_train for ${label}`);
    assert.deepEqual(Array.from(xTest), ref.x_test, `x_test for ${label}`);
    assert.deepEqual(Array.from(yTrain.dataSync()), ref.y_train, `y_train for ${label}`);
    assert.deepEqual(Array.from(yTest.dataSync()), ref.y_test, `y_test for ${label}`);
    assert.equal(yTrain.dtype, "float32");
    tf.dispose([yTrain, yTest]);
  }
}

test(
  "loadImdb matches Keras's load_data steps for eight option sets (np.savez file)",
  { skip: SKIP_NUMPY },
  async (t) => {
    const file = writeImdb(tempDir());
    await compare(file, CASES);
    const [[x]] = await loadImdb({ dir: path.dirname(file), download: false, verifyChecksum: false, maxlen: 101 });
    // The file has reviews of 99 and 100 words: 100 + the start mark is not below 101, so it goes.
    t.diagnostic(`maxlen 101 kept ${x.length} of 300 training reviews, longest ${Math.max(...x.map((s) => s.length))}`);
    assert.ok(x.every((s) => s.length < 101));
    assert.ok(x.some((s) => s.length === 100));
  },
);

test("np.savez_compressed (deflated entries) reads the same as np.savez", { skip: SKIP_NUMPY }, async () => {
  const file = writeImdb(tempDir(), true);
  assert.equal(fs.readFileSync(file).readUInt16LE(8), 8, "the first entry is deflated");
  await compare(file, [{}, { numWords: 500, maxlen: 200 }]);
});

test(
  "pickles of protocol 4 (STACK_GLOBAL, FRAME, NumPy 2's numpy._core) and of Python 2 (str, int flags) read the same",
  { skip: SKIP_NUMPY },
  async () => {
    const base = writeImdb(tempDir());
    const expected = await loadImdb({ dir: path.dirname(base), download: false, verifyChecksum: false, numWords: 700 });
    for (const variant of ["protocol4", "python2"]) {
      const dir = tempDir();
      python(
        `
import pickle, io, zipfile
src = np.load(sys.argv[1], allow_pickle=True)
arrays = {k: src[k] for k in ["x_train", "y_train", "x_test", "y_test"]}
class Py2Pickler(pickle._Pickler):
    # Python 2 pickled NumPy's b"b" as a str: SHORT_BINSTRING.
    dispatch = dict(pickle._Pickler.dispatch)
    def save_bytes(self, obj):
        self.write(b"U" + bytes([len(obj)]) + obj)
        self.memoize(obj)
    def save_str(self, obj):
        self.save_bytes(obj.encode("latin1"))
    def save_bool(self, obj):
        # Older NumPy reduced a dtype with the ints 0 and 1 for its flags.
        self.write(b"K" + bytes([int(obj)]))
    dispatch[bytes] = save_bytes
    dispatch[str] = save_str
    dispatch[bool] = save_bool
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for name, a in arrays.items():
        f = io.BytesIO()
        np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(a))
        if a.dtype != object:
            f.write(a.tobytes())
        elif sys.argv[3] == "protocol4":
            p = pickle.dumps(a, protocol=4)
            assert b"numpy.core.multiarray" in p
            f.write(p.replace(b"\\x8c\\x15numpy.core.multiarray", b"\\x8c\\x16numpy._core.multiarray"))
        else:
            Py2Pickler(f, protocol=2).dump(a)
        z.writestr(name + ".npy", f.getvalue())
`,
        base,
        path.join(dir, "imdb.npz"),
        variant,
      );
      const [[x, y], [xt]] = await loadImdb({ dir, download: false, verifyChecksum: false, numWords: 700 });
      assert.deepEqual(Array.from(x), Array.from(expected[0][0]), variant);
      assert.deepEqual(Array.from(xt), Array.from(expected[1][0]), variant);
      assert.deepEqual(Array.from(y.dataSync()), Array.from(expected[0][1].dataSync()), variant);
    }
  },
);

test("maxlen that keeps nothing is an error, as in Keras", { skip: SKIP_NUMPY }, async () => {
  const file = writeImdb(tempDir());
  // Every review has the start mark: none is shorter than 1.
  await assert.rejects(
    loadImdb({ dir: path.dirname(file), download: false, verifyChecksum: false, maxlen: 1 }),
    (e: Error) => e instanceof DatasetError && /no sequence was kept\. Increase maxlen/.test(e.message),
  );
});

test("the published file's SHA-256 is checked before anything is parsed", { skip: SKIP_NUMPY }, async () => {
  const file = writeImdb(tempDir());
  await assert.rejects(
    loadImdb({ dir: path.dirname(file), download: false, cacheDir: tempDir() }),
    (e: Error) =>
      e instanceof DatasetError &&
      e.message.includes(
        `${file}: checksum mismatch: expected SHA-256 69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f`,
      ) &&
      /Delete it to download it again/.test(e.message),
  );
});

test("a missing imdb.npz is one DatasetError naming every place looked and how to get the file", async () => {
  const dir = tempDir();
  const cacheDir = tempDir();
  process.env.IMDB_DIR = path.join(dir, "env");
  try {
    await assert.rejects(loadImdb({ dir, cacheDir, download: false }), (e: Error) => {
      assert.ok(e instanceof DatasetError);
      assert.match(e.message, /^IMDB file imdb\.npz not found; searched:\n/);
      for (const where of [dir, path.join(dir, "env"), cacheDir])
        assert.ok(e.message.includes(path.join(where, "imdb.npz")));
      assert.ok(e.message.includes("https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"));
      assert.ok(e.message.includes(`put it at ${path.join(cacheDir, "imdb.npz")}`));
      return true;
    });
  } finally {
    delete process.env.IMDB_DIR;
  }
});

test("a failed download is the same message with the reason, and leaves nothing in the cache", async () => {
  const cacheDir = tempDir();
  // A port nothing listens on: the fetch fails at once, offline or not.
  await assert.rejects(
    loadImdb({ cacheDir, mirror: "http://127.0.0.1:9/", onProgress: () => {} }),
    (e: Error) =>
      e instanceof DatasetError &&
      /IMDB file imdb\.npz not found; searched:[\s\S]*and downloading it failed: could not download http:\/\/127\.0\.0\.1:9\/imdb\.npz/.test(
        e.message,
      ) &&
      /To get it, download/.test(e.message),
  );
  assert.deepEqual(fs.readdirSync(cacheDir), []);
});

test("options are checked: a negative or fractional count is a DatasetError naming it", async () => {
  await assert.rejects(
    loadImdb({ numWords: 2.5, download: false }),
    /loadImdb: numWords must be an integer ≥ 0, got 2\.5/,
  );
  await assert.rejects(
    loadImdb({ seed: -1, download: false }),
    /loadImdb: seed must be an integer from 0 to 2\*\*32-1/,
  );
});

test(
  "Sequences display in one line (Jupyter bundle, console) and survive trainTestSplit",
  { skip: SKIP_NUMPY },
  async () => {
    const file = writeImdb(tempDir());
    const [[x, y]] = await loadImdb({ dir: path.dirname(file), download: false, verifyChecksum: false, numWords: 500 });
    const lengths = x.map((s) => s.length);
    const head = x[0].slice(0, 10).join(", ");
    const text = `Sequences(300) lengths ${Math.min(...lengths)}–${Math.max(...lengths)}, first: [${head}, …]`;
    assert.deepEqual(mimeBundleOf(x), { "text/plain": text });
    assert.equal(inspect(x), text);
    assert.ok(Array.isArray(lengths) && !(lengths instanceof Sequences), "map gives a plain array");
    const [trainX, valX, trainY] = trainTestSplit(x, y, { testSize: 0.2, randomState: 42 });
    assert.ok(trainX instanceof Sequences && valX instanceof Sequences);
    assert.equal(trainX.length, 240);
    assert.equal(valX.length, 60);
    assert.deepEqual(trainY.shape, [240]);
    assert.equal(Sequences.wrap([[4]]).summary(), "Sequences(1) length 1, first: [4]");
    assert.equal(Sequences.wrap([]).summary(), "Sequences(0)");
  },
);

test("getImdbWordIndex reads a flat JSON object into a Map; nesting, non-integers and a wrong MD5 are refused", async () => {
  const dir = tempDir();
  const file = path.join(dir, "imdb_word_index.json");
  const opts = { dir, download: false, verifyChecksum: false, cacheDir: tempDir() };
  fs.writeFileSync(file, JSON.stringify({ the: 1, and: 2, __proto__x: 3, "don't": 4 }));
  const index = await getImdbWordIndex(opts);
  assert.deepEqual(
    [...index],
    [
      ["the", 1],
      ["and", 2],
      ["__proto__x", 3],
      ["don't", 4],
    ],
  );
  fs.writeFileSync(file, '{"__proto__": 7}');
  assert.deepEqual([...(await getImdbWordIndex(opts))], [["__proto__", 7]]);
  fs.writeFileSync(file, '{"a": [1]}');
  await assert.rejects(
    getImdbWordIndex(opts),
    /expected one flat JSON object of words and their indexes, found nesting/,
  );
  fs.writeFileSync(file, '{"a": 1.5}');
  await assert.rejects(getImdbWordIndex(opts), /the word "a" has index 1\.5; expected an integer/);
  fs.writeFileSync(file, '{"a": 1');
  await assert.rejects(getImdbWordIndex(opts), /not valid JSON/);
  fs.writeFileSync(file, '{"a": 1}');
  await assert.rejects(
    getImdbWordIndex({ ...opts, verifyChecksum: true }),
    /checksum mismatch: expected MD5 bfafd718b763782e994055a2d397834f/,
  );
  fs.rmSync(file);
  await assert.rejects(
    getImdbWordIndex(opts),
    (e: Error) => e instanceof DatasetError && /IMDB file imdb_word_index\.json not found/.test(e.message),
  );
});

test("an .npz lacking an array names it and lists what the archive holds", { skip: SKIP_NUMPY }, async () => {
  const dir = tempDir();
  python(`np.savez(sys.argv[1], x_train=np.zeros(2), labels=np.zeros(2, dtype=np.int32))`, path.join(dir, "imdb.npz"));
  await assert.rejects(
    loadImdb({ dir, download: false, verifyChecksum: false }),
    (e: Error) =>
      e instanceof DatasetError &&
      e.message ===
        `${path.join(dir, "imdb.npz")}: no y_train.npy, x_test.npy, y_test.npy in the archive; it holds x_train.npy, labels.npy`,
  );
});

test(
  "labels of other integer dtypes (int32, uint8) read as numbers; a float64 x_train is refused by name",
  { skip: SKIP_NUMPY },
  async () => {
    const dir = tempDir();
    const file = writeImdb(dir);
    python(
      `
src = np.load(sys.argv[1], allow_pickle=True)
a = {k: src[k] for k in ["x_train", "y_train", "x_test", "y_test"]}
np.savez(sys.argv[1], x_train=a["x_train"], y_train=a["y_train"].astype(np.int32), x_test=a["x_test"], y_test=a["y_test"].astype(np.uint8))`,
      file,
    );
    const [[, y], [, yt]] = await loadImdb({ dir, download: false, verifyChecksum: false, numWords: 100 });
    assert.deepEqual(new Set(y.dataSync()), new Set([0, 1]));
    assert.equal(yt.shape[0], 200);
    python(
      `np.savez(sys.argv[1], x_train=np.zeros(3), y_train=np.zeros(3, dtype=bool), x_test=np.zeros(1), y_test=np.zeros(1))`,
      file,
    );
    await assert.rejects(
      loadImdb({ dir, download: false, verifyChecksum: false }),
      /x_train\.npy: expected a 1-D object array of lists, found a numeric array of shape \(3\)/,
    );
  },
);

test(
  "$TSLAB_DL_IMDB_SHA256 names the digest a file of one's own must have; a wrong or malformed one is refused",
  { skip: SKIP_NUMPY },
  async () => {
    const dir = tempDir();
    const file = writeImdb(dir);
    const digest = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    const saved = process.env.TSLAB_DL_IMDB_SHA256;
    try {
      delete process.env.TSLAB_DL_IMDB_SHA256;
      await assert.rejects(
        loadImdb({ dir, download: false }),
        (e: unknown) =>
          e instanceof DatasetError &&
          /checksum mismatch: expected SHA-256 69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f/i.test(
            e.message,
          ),
      );
      process.env.TSLAB_DL_IMDB_SHA256 = digest.toUpperCase();
      const [[x, y]] = await loadImdb({ dir, download: false, numWords: 300 });
      assert.equal(x.length, 300);
      tf.dispose(y);
      process.env.TSLAB_DL_IMDB_SHA256 = "0".repeat(64);
      await assert.rejects(
        loadImdb({ dir, download: false }),
        (e: unknown) => e instanceof DatasetError && e.message.includes(`found ${digest}`),
      );
      process.env.TSLAB_DL_IMDB_SHA256 = "yes";
      await assert.rejects(
        loadImdb({ dir, download: false }),
        (e: unknown) => e instanceof DatasetError && /\$TSLAB_DL_IMDB_SHA256 must be the 64 hex digits/.test(e.message),
      );
    } finally {
      if (saved === undefined) delete process.env.TSLAB_DL_IMDB_SHA256;
      else process.env.TSLAB_DL_IMDB_SHA256 = saved;
    }
  },
);
