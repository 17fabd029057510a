/**
 * The convolution gradients summed from dy's nonzeros (as/filter-gradient-sparse.ts,
 * as/input-gradient-sparse.ts) against the dense products they stand in for, bit for bit, on
 * odd shapes with dy as max pooling's and relu's gradients leave it; their guards (non-finite
 * x, a dy too dense, shapes they do not take); and the 8-2 CNN's training step on the real
 * Fashion-MNIST taking them.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { cnnModel } from "../../bench/cnn-model";
import { init } from "../../src/backend";
import { asOpsFor, type AsOps } from "../../src/speed/as-ops";
import type { BackendWasmLike } from "../../src/speed/internals";
import { conv2DInfo, filterGradientAt, filterGradientScratch } from "../../src/speed/ops/conv2d-backprop-filter";
import { inputGradientAt, inputGradientScratch } from "../../src/speed/ops/conv2d-backprop-input";
import { gradientSums, withScratch, writeConvGeometry } from "../../src/speed/ops/conv-geometry";
import { loadFashionMnist } from "../../src/data";
import { hasFashionMnist } from "../helpers";
import { useWasm } from "./compare";
import { values } from "./conv-grad";

before(async () => {
  await useWasm();
});

interface Case {
  x: [number, number, number, number];
  kernel: [number, number];
  outChannels: number;
  stride: 1 | 2;
  pad: "same" | "valid";
}

const CASES: Case[] = [
  { x: [3, 7, 9, 4], kernel: [3, 2], outChannels: 8, stride: 1, pad: "same" },
  { x: [2, 6, 5, 12], kernel: [3, 3], outChannels: 12, stride: 1, pad: "valid" },
  { x: [3, 7, 9, 8], kernel: [2, 3], outChannels: 4, stride: 2, pad: "same" },
  { x: [2, 14, 14, 32], kernel: [3, 3], outChannels: 64, stride: 1, pad: "same" },
  { x: [1, 9, 11, 36], kernel: [3, 3], outChannels: 20, stride: 1, pad: "same" },
];

const describe = (c: Case): string =>
  `x [${c.x.join(",")}] ⊛ ${c.kernel.join("×")}→${c.outChannels}, stride ${c.stride}, ${c.pad}`;

/** The wasm backend's heap and tslab-dl's ops on it. */
function heap(): { backend: BackendWasmLike; ops: AsOps } {
  const backend = tf.backend() as unknown as BackendWasmLike;
  const ops = asOpsFor(backend);
  assert.ok(ops, "tslab-dl's ops load on the wasm backend");
  return { backend, ops };
}

/** `data` written to a fresh block of the heap; its byte address. */
function put(backend: BackendWasmLike, data: Float32Array): number {
  const at = backend.wasm._malloc(4 * data.length);
  backend.wasm.HEAPF32.set(data, at >> 2);
  return at;
}

/** dy as max pooling's and relu's gradients leave it: in each 2×2 window of each channel at most one value, and that one in two. */
function pooledGradient(shape: number[], seed: number): Float32Array {
  const [batch, h, w, c] = shape;
  const out = new Float32Array(batch * h * w * c);
  const u = values(out.length, seed);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let ch = 0; ch < c; ch++) {
          const at = ((b * h + i) * w + j) * c + ch;
          const pick = (((i >> 1) * 7 + (j >> 1) * 3 + ch + b) & 3) === ((i & 1) << 1) + (j & 1);
          if (pick && u[at] > 0) out[at] = u[at] * 2 - 1;
        }
      }
    }
  }
  return out;
}

/** x with a third exact zeros, like a pooled relu layer's output. */
const pooledInput = (n: number, seed: number): Float32Array => values(n, seed).map((v) => (v < -1 / 3 ? 0 : v));

/** The two arrays hold the same float32 bits (NaN matching NaN). */
function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    assert.equal(a[i], e[i], `${what}: element ${i} is ${actual[i]}, the dense product's ${expected[i]}`);
  }
}

interface Run {
  /** dW from the sparse op (`sparse`) or the dense product, the columns [from, from + count) only. */
  filter(sparse: boolean, columns?: [number, number]): Float32Array;
  /** dx from the sparse op or the dense product. */
  input(sparse: boolean): Float32Array;
  free(): void;
}

/** Heap copies of x, W and dy for case `c`, and the two gradients computed each way from them. */
function setUp(c: Case, x: Float32Array, dy: Float32Array): Run {
  const { backend, ops } = heap();
  const [kh, kw] = c.kernel;
  const inC = c.x[3];
  const info = conv2DInfo(c.x, [kh, kw, inC, c.outChannels], { strides: c.stride, pad: c.pad, dataFormat: "NHWC" });
  const wFloats = kh * kw * inC * c.outChannels;
  const at = { x: put(backend, x), dy: put(backend, dy), w: put(backend, values(wFloats, 11)) };
  const read = (address: number, n: number): Float32Array =>
    backend.wasm.HEAPF32.slice(address >> 2, (address >> 2) + n);
  const out = (n: number): number => put(backend, new Float32Array(n).fill(-7));
  return {
    filter: (sparse, columns) => {
      const dW = out(wFloats);
      withScratch(backend.wasm, filterGradientScratch(info), (s) =>
        filterGradientAt(ops, backend.wasm, info, s, at.x, at.dy, dW, columns, sparse ? 1000 : 0),
      );
      const result = read(dW, wFloats);
      backend.wasm._free(dW);
      return result;
    },
    input: (sparse) => {
      const dx = out(x.length);
      withScratch(backend.wasm, inputGradientScratch(info), (s) =>
        inputGradientAt(ops, backend.wasm, info, s, at.dy, at.w, dx, sparse ? 1000 : 0),
      );
      const result = read(dx, x.length);
      backend.wasm._free(dx);
      return result;
    },
    free: () => Object.values(at).forEach((p) => backend.wasm._free(p)),
  };
}

/** dy's shape for case `c`. */
function dyShape(c: Case): number[] {
  const [kh, kw] = c.kernel;
  const info = conv2DInfo(c.x, [kh, kw, c.x[3], c.outChannels], { strides: c.stride, pad: c.pad, dataFormat: "NHWC" });
  return [c.x[0], info.outHeight, info.outWidth, c.outChannels];
}

for (const c of CASES) {
  test(`the sparse filter and input gradients equal the dense products bit for bit: ${describe(c)}`, () => {
    const x = pooledInput(
      c.x.reduce((a, b) => a * b),
      5,
    );
    const dy = pooledGradient(dyShape(c), 7);
    const nonzero = dy.filter((v) => v !== 0).length / dy.length;
    assert.ok(nonzero > 0.05 && nonzero < 0.3, `dy is ${nonzero.toFixed(3)} nonzero, as after max pooling and relu`);
    const run = setUp(c, x, dy);
    try {
      const dense = run.filter(false);
      assert.ok(dense.some((v) => v !== 0));
      assertSameBits(run.filter(true), dense, "dW");
      // The second core's share: the later columns only, the rest left as they were.
      const from = 4;
      const part = run.filter(true, [from, c.outChannels - from]);
      const densePart = run.filter(false, [from, c.outChannels - from]);
      assertSameBits(part, densePart, "dW's later columns");
      assert.ok(part.every((v, i) => (i % c.outChannels < from ? v === -7 : v === dense[i] || Number.isNaN(v))));
      assertSameBits(run.input(true), run.input(false), "dx");
    } finally {
      run.free();
    }
  });
}

test("a NaN in dy reaches the same gradients from the sparse ops as from the dense products", () => {
  const c = CASES[3];
  const x = pooledInput(
    c.x.reduce((a, b) => a * b),
    5,
  );
  const dy = pooledGradient(dyShape(c), 7);
  dy[5 * 64 + 3] = NaN;
  const run = setUp(c, x, dy);
  try {
    const dense = run.filter(false);
    assert.ok(dense.some(Number.isNaN), "the dense product carries the NaN");
    assertSameBits(run.filter(true), dense, "dW");
    const dx = run.input(false);
    assert.ok(dx.some(Number.isNaN));
    assertSameBits(run.input(true), dx, "dx");
  } finally {
    run.free();
  }
});

test("an infinite x keeps the filter gradient on the dense product, where 0 · ∞ is NaN", () => {
  const c = CASES[0];
  const x = pooledInput(
    c.x.reduce((a, b) => a * b),
    5,
  );
  x[17] = Infinity;
  const run = setUp(c, x, pooledGradient(dyShape(c), 7));
  try {
    const dense = run.filter(false);
    assert.ok(dense.some(Number.isNaN), "0 · ∞ in the dense sums");
    assertSameBits(run.filter(true), dense, "dW");
  } finally {
    run.free();
  }
});

test("the sparse ops decline a dy denser than their limit and the shapes they do not take", () => {
  const { backend, ops } = heap();
  const c = CASES[0];
  const info = conv2DInfo(c.x, [3, 2, 4, 8], { strides: 1, pad: "same", dataFormat: "NHWC" });
  const n = c.x.reduce((a, b) => a * b);
  const dense = values(
    dyShape(c).reduce((a, b) => a * b),
    3,
  );
  const x = put(backend, pooledInput(n, 5));
  const dy = put(backend, dense);
  const w = put(backend, values(3 * 2 * 4 * 8, 11));
  const dW = put(backend, new Float32Array(3 * 2 * 4 * 8));
  try {
    withScratch(backend.wasm, filterGradientScratch(info), ([geometry, , , sparse]) => {
      writeConvGeometry(backend.wasm, geometry, info);
      assert.equal(ops.filterGradientSparse(geometry, x, dy, 0, 8, dW, sparse, 500), 0, "all of dy nonzero");
      assert.equal(ops.filterGradientSparse(geometry, x, dy, 0, 8, dW, sparse, 1000), 1);
      assert.equal(
        ops.filterGradientSparse(geometry, x, dy, 0, 6, dW, sparse, 1000),
        0,
        "6 columns: not a multiple of 4",
      );
    });
    withScratch(backend.wasm, inputGradientScratch(info), ([geometry, filterT, , , sparse]) => {
      writeConvGeometry(backend.wasm, geometry, info);
      assert.equal(ops.inputGradientSparse(geometry, dy, filterT, x, sparse, 500), 0, "all of dy nonzero");
      assert.equal(ops.inputGradientSparse(geometry, dy, filterT, x, sparse, 1000), 1);
    });
    const strided = conv2DInfo(c.x, [3, 2, 4, 8], { strides: 2, pad: "same", dataFormat: "NHWC" });
    withScratch(backend.wasm, inputGradientScratch(strided), ([geometry, filterT, , , sparse]) => {
      writeConvGeometry(backend.wasm, geometry, strided);
      assert.equal(ops.inputGradientSparse(geometry, dy, filterT, x, sparse, 1000), 0, "stride 2");
    });
  } finally {
    [x, dy, w, dW].forEach((p) => backend.wasm._free(p));
  }
});

test(
  "the 8-2 CNN's training step on the real Fashion-MNIST sums its second convolution's gradients from dy's nonzeros",
  { skip: !hasFashionMnist && "Debian's dataset-fashion-mnist is not installed" },
  async () => {
    assert.equal(await init({ verbose: false }), "wasm");
    const [[images, labels]] = await loadFashionMnist({ download: false });
    const x = tf.tidy(() => images.slice([0, 0, 0], [64, 28, 28]).div(255).reshape([64, 28, 28, 1]));
    const y = labels.slice([0], [64]);
    tf.dispose([images, labels]);
    const before = structuredClone(gradientSums);
    try {
      const model = cnnModel();
      await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
      model.dispose();
    } finally {
      tf.dispose([x, y]);
    }
    const calls = {
      filter: [gradientSums.filter.sparse - before.filter.sparse, gradientSums.filter.dense - before.filter.dense],
      input: [gradientSums.input.sparse - before.input.sparse, gradientSums.input.dense - before.input.dense],
    };
    // Two steps, on this thread: the second convolution's filter gradient (all its columns, or the
    // first where the second core takes the rest) and its input gradient (all images, or the
    // first), each from the nonzeros of a dy that max pooling's and relu's gradients left mostly
    // zeros; the first convolution's filter gradient (one input channel) by the dense product.
    assert.deepEqual(calls.filter, [2, 2], `filter gradient [sparse, dense]: ${JSON.stringify(calls.filter)}`);
    assert.deepEqual(calls.input, [2, 0], `input gradient [sparse, dense]: ${JSON.stringify(calls.input)}`);
  },
);
