import assert from "node:assert/strict";
import * as fs from "node:fs";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  type AsOps,
  asModule,
  asOpsFor,
  asModulePath,
  GEMM_SCRATCH_BYTES,
  GEMM_SKIP_SCRATCH_BYTES,
  gemmScratchBytes,
  MATRIX,
  MATRIX_SKIP,
  MATRIX_WHOLE,
} from "../../src/speed/as-ops";
import type { BackendWasmLike } from "../../src/speed/internals";
import { useWasm } from "./compare";
import { values } from "./conv-grad";

before(async () => {
  await useWasm();
  asModule(); // turns on V8's relaxed-SIMD flag where Node 20 needs it, as the loader does
});

/** A wasm binary's sections in order: each one's id and bytes. */
function sections(bytes: Uint8Array): { id: number; body: Uint8Array }[] {
  const found: { id: number; body: Uint8Array }[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    found.push({ id, body: bytes.subarray(at, at + size) });
    at += size;
  }
  return found;
}

/** The ids of a wasm binary's sections, in order. */
const sectionIds = (bytes: Uint8Array): number[] => sections(bytes).map((s) => s.id);

for (const fma of [false, true]) {
  const file = asModulePath(fma);
  test(`the AssemblyScript module ${fma ? "with" : "without"} FMA imports only tfjs's memory and writes nothing of its own into it`, () => {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const ids = sectionIds(bytes);
    assert.ok(!ids.includes(11), `${file} has a data section (static data written over emscripten's heap)`);
    assert.ok(!ids.includes(12), `${file} has a data count section`);
    assert.ok(!ids.includes(6), `${file} has globals (a runtime's heap pointer)`);
    assert.ok(!ids.includes(8), `${file} has a start function`);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
    assert.deepEqual(imports, [{ module: "env", name: "memory", kind: "memory" }]);
  });
  test(`the AssemblyScript module ${fma ? "with" : "without"} FMA names its functions (for CPU profiles)`, () => {
    const module = new WebAssembly.Module(new Uint8Array(fs.readFileSync(file)));
    const names = WebAssembly.Module.customSections(module, "name");
    assert.equal(names.length, 1);
    const text = Buffer.from(names[0]).toString("latin1");
    for (const op of ["gemm", "maxPool", "maxPoolGrad", "avgPool", "avgPoolGrad", "im2col", "col2im", "transpose"])
      assert.ok(text.includes(`/${op}`), op);
  });
}

/** The bytes of a wasm binary's section `id` (empty where it has none). */
const section = (bytes: Uint8Array, id: number): Uint8Array =>
  sections(bytes).find((s) => s.id === id)?.body ?? new Uint8Array(0);

for (const fma of [false, true]) {
  test(`the second core's build ${fma ? "with" : "without"} FMA is the same code on a shared memory`, () => {
    const [own, shared] = [asModulePath(fma), asModulePath(fma, true)].map((f) => new Uint8Array(fs.readFileSync(f)));
    const code = 10;
    assert.ok(section(own, code).length > 10_000);
    assert.deepEqual(section(shared, code), section(own, code), "the code sections are byte for byte the same");
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(shared));
    assert.deepEqual(imports, [{ module: "env", name: "memory", kind: "memory" }]);
    assert.ok(!sectionIds(shared).includes(11), "no data section");
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
    assert.doesNotThrow(() => new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } }));
  });
}

/** C = A·B (+ C0) in float64, A m×k and B k×n row-major. */
function reference(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c0?: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = c0 ? c0[i * n + j] : 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

// Shapes around the tile edges (4 rows, 8 columns) and the K block (256).
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 7, 5],
  [4, 8, 256],
  [5, 9, 257],
  [9, 17, 600],
  [13, 64, 288],
];

/**
 * Copy `arrays` onto tfjs's heap (and allocate `scratch` bytes more), run `body` with the ops
 * and the addresses (scratch last), then free them.
 */
function onHeap(
  arrays: Float32Array[],
  scratch: number,
  body: (ops: AsOps, at: number[], heap: () => Float32Array) => void,
): void {
  const backend = tf.backend() as unknown as BackendWasmLike;
  const ops = asOpsFor(backend);
  assert.ok(ops);
  const wasm = backend.wasm;
  const at = [...arrays.map((x) => wasm._malloc(4 * x.length)), wasm._malloc(scratch)];
  try {
    arrays.forEach((x, i) => wasm.HEAPF32.set(x, at[i] >> 2));
    body(ops, at, () => wasm.HEAPF32);
  } finally {
    for (const p of at) wasm._free(p);
  }
}

/** An m × k A as stored for the product: row-major, or transposed (k × m). */
const storedA = (a: Float32Array, m: number, k: number, transposed: boolean): Float32Array =>
  transposed ? Float32Array.from({ length: m * k }, (_, t) => a[(t % m) * k + Math.floor(t / m)]) : a;

/** The m·n floats at `c` are within `tolerance` of `want`. */
function assertNear(heap: Float32Array, c: number, want: ArrayLike<number>, tolerance: number): void {
  const got = heap.subarray(c >> 2, (c >> 2) + want.length);
  for (let t = 0; t < want.length; t++) {
    assert.ok(Math.abs(got[t] - want[t]) <= tolerance, `element ${t}: ${got[t]} vs ${want[t]}`);
  }
}

for (const [m, n, k] of SHAPES) {
  for (const transposeA of [false, true]) {
    for (const accumulate of [0, 1]) {
      test(`gemm ${m}×${k} · ${k}×${n}${transposeA ? " (A stored transposed)" : ""}${accumulate ? ", added to C" : ""} equals a float64 product within float32 rounding`, () => {
        const [a, b, c0] = [values(m * k, 31), values(k * n, 32), values(m * n, 33)];
        onHeap([storedA(a, m, k, transposeA), b, c0], GEMM_SCRATCH_BYTES, (ops, [pa, pb, pc, scratch], heap) => {
          const [sai, sak] = transposeA ? [4, 4 * m] : [4 * k, 4];
          ops.gemm(m, n, k, MATRIX, pa, sai, sak, pb, 4 * n, pc, 4 * n, accumulate, scratch, 0, 0);
          assertNear(heap(), pc, reference(m, n, k, a, b, accumulate ? c0 : undefined), 2e-6 * (k + 1));
        });
      });
    }
  }
}

for (const [m, n, k] of SHAPES) {
  test(`gemmSkipZeros ${m}×${k} · ${k}×${n} on an A that is mostly zeros equals a float64 product within float32 rounding`, () => {
    // Three values in four are ±0, as in a convolution's dy after max pooling's gradient; whole bands of zeros too.
    const a = values(m * k, 41).map((v, t) => (t % 4 === 0 || (t * 7) % 11 === 0 ? v : t % 2 ? 0 : -0));
    const b = values(k * n, 42);
    const c = new Float32Array(m * n).fill(NaN);
    onHeap([a, b, c], GEMM_SKIP_SCRATCH_BYTES, (ops, [pa, pb, pc, scratch], heap) => {
      assert.equal(ops.allFinite(k * n, pb), 1);
      ops.gemm(m, n, k, MATRIX_SKIP, pa, 4 * k, 4, pb, 4 * n, pc, 4 * n, 0, scratch, 0, 0);
      assertNear(heap(), pc, reference(m, n, k, a, b), 2e-6 * (k + 1));
    });
  });
}

// Few rows (all of A packed once, no K blocks) and many (K blocked at 256), around the tile
// edges (4 rows; 8, 4 and 1 columns) and an inner size of 0.
const DENSE_SHAPES: [number, number, number][] = [
  [32, 100, 784],
  [3, 13, 5],
  [64, 10, 300],
  [65, 14, 600],
  [100, 7, 32],
  [5, 9, 0],
];

for (const [m, n, k] of DENSE_SHAPES) {
  for (const [bias, relu, transposeA] of [
    [false, false, false],
    [true, false, true],
    [true, true, false],
    [false, true, true],
  ] as const) {
    test(`gemm MATRIX_WHOLE ${m}×${k} · ${k}×${n}${bias ? " + bias" : ""}${relu ? ", relu" : ""}${transposeA ? " (A stored transposed)" : ""} equals a float64 product within float32 rounding`, () => {
      const [a, b, bv] = [values(m * k, 51), values(k * n, 52), values(n, 53)];
      const c = new Float32Array(m * n).fill(NaN);
      onHeap(
        [storedA(a, m, k, transposeA), b, bv, c],
        gemmScratchBytes(m, k),
        (ops, [pa, pb, pbias, pc, scratch], heap) => {
          const [sai, sak] = transposeA ? [4, 4 * m] : [4 * k, 4];
          ops.gemm(
            m,
            n,
            k,
            MATRIX_WHOLE,
            pa,
            sai,
            sak,
            pb,
            4 * n,
            pc,
            4 * n,
            0,
            scratch,
            bias ? pbias : 0,
            relu ? 1 : 0,
          );
          const want = reference(m, n, k, a, b).map((v, t) => {
            const z = bias ? v + bv[t % n] : v;
            return relu ? Math.max(z, 0) : z;
          });
          assertNear(heap(), pc, want, 2e-6 * (k + 1));
        },
      );
    });
  }
}

test("gemm MATRIX_WHOLE with accumulate adds A·B to C (the blocked path; few rows are packed whole only without it)", () => {
  const [m, n, k] = [6, 11, 9];
  const [a, b, c0] = [values(m * k, 54), values(k * n, 55), values(m * n, 56)];
  onHeap([a, b, c0], gemmScratchBytes(m, k), (ops, [pa, pb, pc, scratch], heap) => {
    ops.gemm(m, n, k, MATRIX_WHOLE, pa, 4 * k, 4, pb, 4 * n, pc, 4 * n, 1, scratch, 0, 0);
    const want = reference(m, n, k, a, b).map((v, t) => v + c0[t]);
    assertNear(heap(), pc, want, 2e-6 * (k + 1));
  });
});

for (const [rows, n] of [
  [32, 100],
  [3, 7],
  [1, 1],
  [5, 0],
]) {
  test(`sumRows ${rows}×${n} adds each column's rows in order: in float32, and (wide) in float64 rounded once`, () => {
    const x = values(rows * n, 57).map((v, t) => (t % 5 === 0 ? v * 1e6 : v));
    onHeap([x, new Float32Array(n), new Float32Array(n)], 0, (ops, [px, narrow, wide], heap) => {
      ops.sumRows(rows, n, px, narrow, 0);
      ops.sumRows(rows, n, px, wide, 1);
      const want32 = new Float32Array(n);
      const want64 = new Float64Array(n);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < n; j++) {
          want32[j] = Math.fround(want32[j] + x[r * n + j]);
          want64[j] += x[r * n + j];
        }
      const got = (at: number) => Array.from(heap().subarray(at >> 2, (at >> 2) + n));
      assert.deepEqual(got(narrow), Array.from(want32));
      assert.deepEqual(got(wide), Array.from(Float32Array.from(want64)));
    });
  });
}

test("allFinite tells a B with a NaN or an infinity from a finite one", () => {
  const backend = tf.backend() as unknown as BackendWasmLike;
  const ops = asOpsFor(backend);
  assert.ok(ops);
  const wasm = backend.wasm;
  const at = wasm._malloc(4 * 9);
  try {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const where of [0, 5, 8]) {
        wasm.HEAPF32.set(values(9, 43), at >> 2);
        assert.equal(ops.allFinite(9, at), 1);
        wasm.HEAPF32[(at >> 2) + where] = bad;
        assert.equal(ops.allFinite(9, at), 0, `${bad} at ${where}`);
      }
    }
  } finally {
    wasm._free(at);
  }
});
