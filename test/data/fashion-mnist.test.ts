import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { DatasetError, FASHION_MNIST_FILES, loadFashionMnist, parseIdx } from "../../src/data";
import { DEBIAN_FASHION, hasFashionMnist, tempDir } from "../helpers";

const NEED_DATA = "Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)";

/** An IDX file with the given header and `count` bytes of data, gzipped. */
function idx(rank: number, dims: number[], count: number, magic = 0x800 | rank): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, Buffer.alloc(count, 1)]));
}

function fakeSet(dir: string, nTrain = 5, nTest = 3): void {
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.trainImages.name), idx(3, [nTrain, 28, 28], nTrain * 784));
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.trainLabels.name), idx(1, [nTrain], nTrain));
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.testImages.name), idx(3, [nTest, 28, 28], nTest * 784));
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.testLabels.name), idx(1, [nTest], nTest));
}

test(
  "loads the real Fashion-MNIST as Keras does: shapes, dtypes, first labels",
  { skip: !hasFashionMnist && NEED_DATA },
  async () => {
    const [[trainImages, trainLabels], [testImages, testLabels]] = await loadFashionMnist({ download: false });
    assert.deepEqual(trainImages.shape, [60000, 28, 28]);
    assert.deepEqual(trainLabels.shape, [60000]);
    assert.deepEqual(testImages.shape, [10000, 28, 28]);
    assert.deepEqual(testLabels.shape, [10000]);
    assert.equal(trainImages.dtype, "int32");
    assert.deepEqual(Array.from(trainLabels.dataSync().slice(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    assert.deepEqual(Array.from(testLabels.dataSync().slice(0, 5)), [9, 2, 1, 1, 6]);
    const first = trainImages.slice([0, 0, 0], [1, 28, 28]);
    assert.equal(first.max().dataSync()[0], 255);
    assert.equal(first.min().dataSync()[0], 0);
    [trainImages, trainLabels, testImages, testLabels, first].forEach((t) => t.dispose());
  },
);

test("options.dir comes before the other places; FASHION_MNIST_DIR before the cache", async () => {
  const dir = tempDir();
  fakeSet(dir, 5, 3);
  const [[a], [b]] = await loadFashionMnist({ dir, download: false, verifyChecksum: false });
  assert.deepEqual(a.shape, [5, 28, 28]);
  assert.deepEqual(b.shape, [3, 28, 28]);
  const envDir = tempDir();
  fakeSet(envDir, 4, 2);
  process.env.FASHION_MNIST_DIR = envDir;
  try {
    const [[c]] = await loadFashionMnist({ download: false, verifyChecksum: false, cacheDir: tempDir() });
    assert.deepEqual(c.shape, [4, 28, 28]);
  } finally {
    delete process.env.FASHION_MNIST_DIR;
  }
});

test("bad input: a missing file names every place searched", async () => {
  const empty = tempDir();
  const cache = tempDir();
  const system = path.join(tempDir(), "usr-share-datasets");
  const saved = process.env.FASHION_MNIST_DIR;
  process.env.FASHION_MNIST_DIR = path.join(empty, "from-env");
  try {
    await assert.rejects(
      loadFashionMnist({ dir: empty, cacheDir: cache, systemDirs: [system], download: false }),
      (e: Error) =>
        e instanceof DatasetError &&
        /Fashion-MNIST file train-images-idx3-ubyte.gz not found; searched:/.test(e.message) &&
        [empty, path.join(empty, "from-env"), cache, system].every((d) =>
          e.message.includes(path.join(d, "train-images-idx3-ubyte.gz")),
        ) &&
        /dataset-fashion-mnist/.test(e.message),
    );
  } finally {
    if (saved === undefined) delete process.env.FASHION_MNIST_DIR;
    else process.env.FASHION_MNIST_DIR = saved;
  }
});

test("bad input: wrong magic number", async () => {
  const dir = tempDir();
  fakeSet(dir);
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.trainLabels.name), idx(1, [5], 5, 0x0803));
  await assert.rejects(
    loadFashionMnist({ dir, download: false }),
    (e: Error) =>
      e instanceof DatasetError &&
      e.message.includes("train-labels-idx1-ubyte.gz: wrong magic number: expected 0x00000801") &&
      e.message.includes("found 0x00000803"),
  );
});

test("bad input: truncated data says how much was expected and found", async () => {
  const dir = tempDir();
  fakeSet(dir);
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.trainImages.name), idx(3, [5, 28, 28], 1000));
  await assert.rejects(
    loadFashionMnist({ dir, download: false }),
    /train-images-idx3-ubyte.gz: truncated data: header says 5x28x28 = 3920 bytes, found 1000/,
  );
  assert.throws(() => parseIdx(Buffer.alloc(2), "x", 1), /x: truncated: 2 bytes/);
});

test("bad input: a file that is not gzip", async () => {
  const dir = tempDir();
  fakeSet(dir);
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.testImages.name), "<html>not found</html>");
  await assert.rejects(
    loadFashionMnist({ dir, download: false }),
    /t10k-images-idx3-ubyte.gz: not a readable gzip file/,
  );
});

test("bad input: checksum mismatch on a well-formed file", async () => {
  const dir = tempDir();
  fakeSet(dir);
  await assert.rejects(
    loadFashionMnist({ dir, download: false }),
    (e: Error) =>
      e instanceof DatasetError &&
      e.message.includes(
        "checksum mismatch: expected SHA-256 b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7, found",
      ),
  );
});

test("bad input: image/label count mismatch", async () => {
  const dir = tempDir();
  fakeSet(dir);
  fs.writeFileSync(path.join(dir, FASHION_MNIST_FILES.testLabels.name), idx(1, [4], 4));
  await assert.rejects(
    loadFashionMnist({ dir, download: false, verifyChecksum: false }),
    /image\/label count mismatch: .*t10k-images-idx3-ubyte.gz has 3 images, .*t10k-labels-idx1-ubyte.gz has 4 labels/,
  );
});

/** A loopback server serving `files` (name → bytes); everything else 404. */
async function serve(files: {
  [name: string]: Buffer;
}): Promise<{ url: string; close: () => Promise<void>; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const name = path.basename(req.url ?? "");
    hits.push(name);
    const body = files[name];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

test(
  "downloads missing files into the cache, verified, when nothing local has them",
  { skip: !hasFashionMnist && NEED_DATA },
  async () => {
    const files: { [name: string]: Buffer } = {};
    for (const f of Object.values(FASHION_MNIST_FILES))
      files[f.name] = fs.readFileSync(path.join(DEBIAN_FASHION, f.name));
    const server = await serve(files);
    const cache = tempDir();
    const onlyTrain = tempDir();
    // The big image files are local; the two label files must be downloaded.
    fs.copyFileSync(
      path.join(DEBIAN_FASHION, FASHION_MNIST_FILES.trainImages.name),
      path.join(onlyTrain, FASHION_MNIST_FILES.trainImages.name),
    );
    fs.copyFileSync(
      path.join(DEBIAN_FASHION, FASHION_MNIST_FILES.testImages.name),
      path.join(onlyTrain, FASHION_MNIST_FILES.testImages.name),
    );
    try {
      const progress: number[] = [];
      const data = await loadFashionMnist({
        dir: onlyTrain,
        cacheDir: cache,
        systemDirs: [],
        mirror: server.url,
        onProgress: (_f, got) => progress.push(got),
      });
      assert.deepEqual(server.hits.sort(), [FASHION_MNIST_FILES.testLabels.name, FASHION_MNIST_FILES.trainLabels.name]);
      assert.ok(fs.existsSync(path.join(cache, FASHION_MNIST_FILES.trainLabels.name)));
      assert.deepEqual(fs.readdirSync(cache).sort(), [
        FASHION_MNIST_FILES.testLabels.name,
        FASHION_MNIST_FILES.trainLabels.name,
      ]);
      assert.ok(progress.length > 0);
      assert.deepEqual(Array.from(data[0][1].dataSync().slice(0, 3)), [9, 0, 0]);
    } finally {
      await server.close();
    }
  },
);

test("bad input: a download with the wrong checksum is discarded and nothing is left behind", async () => {
  const server = await serve({ [FASHION_MNIST_FILES.trainLabels.name]: idx(1, [5], 5) });
  const dir = tempDir();
  const cache = tempDir();
  fakeSet(dir);
  fs.rmSync(path.join(dir, FASHION_MNIST_FILES.trainLabels.name));
  try {
    await assert.rejects(
      loadFashionMnist({ dir, cacheDir: cache, systemDirs: [], mirror: server.url, onProgress: () => {} }),
      (e: Error) =>
        e instanceof DatasetError &&
        /downloading it failed: .*train-labels-idx1-ubyte.gz: checksum mismatch: expected SHA-256 0ae29f65/.test(
          e.message.replace(/\n/g, " "),
        ),
    );
    assert.deepEqual(fs.readdirSync(cache), []);
  } finally {
    await server.close();
  }
});
