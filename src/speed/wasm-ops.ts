/**
 * WebAssembly SIMD ops, generated with {@link ./wasm-asm} and run on the memory of
 * tfjs's WebAssembly backend, so they read and write tensors where they already are.
 *
 * - `gemm*`: C[M,N] = A·B (+ bias[N]) (then relu), A read through arbitrary element
 *   strides (so a transposed A costs nothing), B row-major with contiguous columns.
 *   Register tiles of 4 rows × 8 columns, then 4 and 1 columns, then single rows.
 *   `gemmSkip` leaves out the k where a band of A is all zeros (a weight gradient's input:
 *   background pixels, relu's zeros): the same sums for finite B.
 * - `adam`: one pass of tfjs's Adam update over a variable, its two moments and its gradient.
 *   Moments below the smallest normal float (1.2e-38) are stored as 0: weights that never
 *   get a gradient (pixels that are 0 in every image) otherwise decay into subnormal
 *   numbers, which x86 multiplies and divides about 60 times slower, and the update they
 *   would make (~1e-31) is far below float32 resolution of any weight.
 * - the float32 element-wise binary ops (`add_vv`, `mul_vs`, …), relu's gradient, row
 *   copies, and the optimizers' in-place updates (`update-ops.ts`).
 *
 * All addresses and strides are in bytes.
 */
import { updateFunctions, type UpdateOps } from "./update-ops";
import { Body, encodeModule, F32, I32, V128, type FunctionDef, type ValType } from "./wasm-asm";

/** The exports of the op module. */
export interface WasmOps extends Record<`${BinaryName}_${"vv" | "vs" | "sv"}`, BinaryFn>, UpdateOps {
  gemm: GemmFn;
  gemmBias: GemmBiasFn;
  gemmBiasRelu: GemmBiasFn;
  gemmRelu: GemmFn;
  gemmSkip: GemmSkipFn;
  adam: AdamFn;
  reluGrad: ReluGradFn;
  copyRows: CopyRowsFn;
}

/** `(n, y, dy)`: dy = dy where y > 0, NaN where y is NaN, else 0 (tfjs's relu gradient), in place. */
type ReluGradFn = (n: number, y: number, dy: number) => void;
/** `(count, rowBytes, src, rows, dst)`: copy rows rows[0..count) (int32 at `rows`) of `src`, each `rowBytes` long (a multiple of 4), to `dst` in order. */
type CopyRowsFn = (count: number, rowBytes: number, src: number, rows: number, dst: number) => void;

/**
 * `(M, N, K, a, aRowStride, aColStride, b, bRowStride, c, cRowStride, scratch)`, byte addresses
 * and strides; `scratch` holds M × K floats (A, packed). K must be at least 1.
 */
export type GemmFn = (
  m: number,
  n: number,
  k: number,
  a: number,
  sai: number,
  sak: number,
  b: number,
  sbk: number,
  c: number,
  ldc: number,
  scratch: number,
) => void;
/** `(n, a, b, out)`: byte addresses of a, b and out. */
type BinaryFn = (n: number, a: number, b: number, out: number) => void;
/** {@link GemmFn} followed by the address of bias[N]. */
type GemmBiasFn = (...args: [...Parameters<GemmFn>, bias: number]) => void;
/**
 * {@link GemmFn} that leaves out the terms of A's exact zeros: `idx` holds M × K int32 and
 * `cnt` M int32 of scratch. For each band of rows, the k where all the band's A values are
 * ±0 are skipped; each skipped term is ±0 times a value of B, so for finite B the sums are
 * the same numbers (up to the sign of a zero result). Callers pass a finite B only.
 */
type GemmSkipFn = (...args: [...Parameters<GemmFn>, idx: number, cnt: number]) => void;
/** `(n, w, m, v, g, outW, outM, outV, beta1, 1-beta1, beta2, 1-beta2, 1-beta1^t, 1-beta2^t, -lr, epsilon)`. */
type AdamFn = (
  n: number,
  w: number,
  m: number,
  v: number,
  g: number,
  outW: number,
  outM: number,
  outV: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  negLr: number,
  epsilon: number,
) => void;

const P = { M: 0, N: 1, K: 2, A: 3, SAI: 4, SAK: 5, B: 6, SBK: 7, C: 8, LDC: 9, SCRATCH: 10, BIAS: 11 } as const;
/** Rows of A per register tile; each band of this many rows is first packed k-major into scratch. */
const GEMM_ROWS = 4;
const ROWS = GEMM_ROWS;
/** Column widths of the tiles tried in turn: vectors of 4 floats, or 0 for one scalar column. */
const WIDTHS: [number, number][] = [
  [2, 8],
  [1, 4],
  [0, 1],
];
const MAX_VECS = Math.max(...WIDTHS.map(([v]) => v));

function gemmFunction(fnName: string, bias: boolean, relu: boolean, fma: boolean, skip = false): FunctionDef {
  const params: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32];
  if (bias) params.push(I32);
  const IDX = params.length;
  const CNT = IDX + 1;
  if (skip) params.push(I32, I32);
  const f = new Body(params.length);
  const i = f.local(I32);
  const j = f.local(I32);
  const k = f.local(I32);
  const pb = f.local(I32);
  const pc = f.local(I32);
  const pa = f.local(I32);
  const ps = f.local(I32);
  const acc = Array.from({ length: ROWS * MAX_VECS }, () => f.local(V128));
  const bv = Array.from({ length: MAX_VECS }, () => f.local(V128));
  const as = f.local(V128);
  const sacc = Array.from({ length: ROWS }, () => f.local(F32));
  const sb = f.local(F32);
  const px = f.local(I32);
  const nz = f.local(I32);
  const boff = f.local(I32);
  const count = f.local(I32);
  const pb0 = f.local(I32);

  // Band i's skip list: idx + i·K·4 (B row offsets, in bytes), its length at cnt + 4i.
  const list = (): void => {
    f.get(IDX).get(i).get(P.K).op("i32.mul").i32(2).op("i32.shl").op("i32.add");
  };
  const countAt = (): void => {
    f.get(CNT).get(i).i32(2).op("i32.shl").op("i32.add");
  };

  // Row i's band starts at scratch + i·K floats, whether the band has 4 rows or 1.
  const panel = (): void => {
    f.get(P.SCRATCH).get(i).get(P.K).op("i32.mul").i32(2).op("i32.shl").op("i32.add");
  };

  // Copy rows i..i+rows-1 of A into their band as [K][rows], so a tile reads them with one pointer.
  const pack = (rows: number): void => {
    f.get(P.A).get(i).get(P.SAI).op("i32.mul").op("i32.add").set(pa);
    panel();
    f.set(ps);
    f.get(P.K).set(k);
    if (!skip) {
      f.loop(() => {
        for (let r = 0; r < rows; r++) {
          f.get(ps).get(pa);
          if (r > 0) f.get(P.SAI).i32(r).op("i32.mul").op("i32.add");
          f.f32Load().f32Store(4 * r);
        }
        f.addTo(ps, 4 * rows).addLocal(pa, P.SAK);
        f.get(k).i32(1).op("i32.sub").tee(k).brIf(0);
      });
      return;
    }
    // Every k's values are stored; the pointers move on only past a k with a nonzero (or NaN) value.
    list();
    f.set(px);
    f.i32(0).set(count).i32(0).set(boff);
    f.loop(() => {
      f.i32(0).set(nz);
      for (let r = 0; r < rows; r++) {
        f.get(ps).get(pa);
        if (r > 0) f.get(P.SAI).i32(r).op("i32.mul").op("i32.add");
        f.f32Load()
          .tee(sb)
          .f32Store(4 * r);
        f.get(nz).get(sb).f32(0).op("f32.ne").op("i32.or").set(nz);
      }
      f.get(px).get(boff).i32Store();
      f.get(ps)
        .get(nz)
        .i32(4 * rows)
        .op("i32.mul")
        .op("i32.add")
        .set(ps);
      f.get(px).get(nz).i32(2).op("i32.shl").op("i32.add").set(px);
      f.get(count).get(nz).op("i32.add").set(count);
      f.addLocal(pa, P.SAK).addLocal(boff, P.SBK);
      f.get(k).i32(1).op("i32.sub").tee(k).brIf(0);
    });
    countAt();
    f.get(count).i32Store();
  };

  // One rows×(4·vecs) tile at (i, j) from the packed band; vecs = 0 means a single scalar column.
  const tile = (rows: number, vecs: number): void => {
    panel();
    f.set(pa);
    f.get(P.B).get(j).i32(2).op("i32.shl").op("i32.add").set(pb);
    for (let r = 0; r < rows; r++) {
      if (vecs === 0) f.f32(0).set(sacc[r]);
      for (let v = 0; v < vecs; v++) f.v128Zero().set(acc[r * MAX_VECS + v]);
    }
    if (skip) {
      f.get(pb).set(pb0);
      list();
      f.set(px);
      countAt();
      f.i32Load().set(k);
    } else {
      f.get(P.K).set(k);
    }
    f.block(() => {
      if (skip) f.get(k).op("i32.eqz").brIf(0);
      f.loop(() => {
        if (skip) f.get(pb0).get(px).i32Load().op("i32.add").set(pb);
        if (vecs === 0) f.get(pb).f32Load().set(sb);
        for (let v = 0; v < vecs; v++)
          f.get(pb)
            .v128Load(16 * v)
            .set(bv[v]);
        for (let r = 0; r < rows; r++) {
          if (vecs === 0) {
            f.get(sacc[r])
              .get(pa)
              .f32Load(4 * r)
              .get(sb)
              .op("f32.mul")
              .op("f32.add")
              .set(sacc[r]);
          } else {
            f.get(pa)
              .v128Load32Splat(4 * r)
              .set(as);
            for (let v = 0; v < vecs; v++) {
              if (fma)
                f.get(as)
                  .get(bv[v])
                  .get(acc[r * MAX_VECS + v])
                  .simd("f32x4.relaxed_madd")
                  .set(acc[r * MAX_VECS + v]);
              else
                f.get(acc[r * MAX_VECS + v])
                  .get(as)
                  .get(bv[v])
                  .simd("f32x4.mul")
                  .simd("f32x4.add")
                  .set(acc[r * MAX_VECS + v]);
            }
          }
        }
        f.addTo(pa, 4 * rows);
        if (skip) f.addTo(px, 4);
        else f.addLocal(pb, P.SBK);
        f.get(k).i32(1).op("i32.sub").tee(k).brIf(0);
      });
    });
    for (let r = 0; r < rows; r++) {
      f.get(P.C)
        .get(i)
        .i32(r)
        .op("i32.add")
        .get(P.LDC)
        .op("i32.mul")
        .op("i32.add")
        .get(j)
        .i32(2)
        .op("i32.shl")
        .op("i32.add")
        .set(pc);
      if (vecs === 0) {
        f.get(pc).get(sacc[r]);
        if (bias) f.get(P.BIAS).get(j).i32(2).op("i32.shl").op("i32.add").f32Load().op("f32.add");
        if (relu) f.f32(0).op("f32.max");
        f.f32Store();
      }
      for (let v = 0; v < vecs; v++) {
        f.get(pc).get(acc[r * MAX_VECS + v]);
        if (bias)
          f.get(P.BIAS)
            .get(j)
            .i32(2)
            .op("i32.shl")
            .op("i32.add")
            .v128Load(16 * v)
            .simd("f32x4.add");
        if (relu) f.v128Zero().simd("f32x4.max");
        f.v128Store(16 * v);
      }
    }
  };

  // Rows in bands of 4, then single rows.
  const overRows = (body: (rows: number) => void): void => {
    f.i32(0).set(i);
    for (const rows of [ROWS, 1]) {
      f.block(() =>
        f.loop(() => {
          f.get(i).i32(rows).op("i32.add").get(P.M).op("i32.gt_s").brIf(1);
          body(rows);
          f.addTo(i, rows).br(0);
        }),
      );
    }
  };

  // Pack all of A first, then sweep column panels of B (K × 8 floats, which stay in L1)
  // across every band of A (streamed in order), instead of streaming all of B once per band.
  overRows(pack);
  f.i32(0).set(j);
  for (const [vecs, width] of WIDTHS) {
    f.block(() =>
      f.loop(() => {
        f.get(j).i32(width).op("i32.add").get(P.N).op("i32.gt_s").brIf(1);
        overRows((rows) => tile(rows, vecs));
        f.addTo(j, width).br(0);
      }),
    );
  }
  return { name: fnName, params, body: f };
}

/**
 * The usual pair of loops over `n` (a param or local) floats: 4 at a time while a whole
 * vector is left, then one at a time. `off` (an i32 local) holds the byte offset in both
 * bodies; `end` is an i32 local the loops use.
 */
function overFloats(f: Body, n: number, off: number, end: number, vector: () => void, scalar: () => void): void {
  f.i32(0).set(off);
  f.get(n).i32(-4).op("i32.add").i32(2).op("i32.shl").set(end); // last full vector start, in bytes
  f.block(() =>
    f.loop(() => {
      f.get(off).get(end).op("i32.gt_s").brIf(1);
      vector();
      f.addTo(off, 16).br(0);
    }),
  );
  f.get(n).i32(2).op("i32.shl").set(end);
  f.block(() =>
    f.loop(() => {
      f.get(off).get(end).op("i32.ge_s").brIf(1);
      scalar();
      f.addTo(off, 4).br(0);
    }),
  );
}

/** The smallest normal float32. */
const FLT_MIN = 1.1754943508222875e-38;

function adamFunction(): FunctionDef {
  // n, w, m, v, g, outW, outM, outV (i32); beta1, omb1, beta2, omb2, c1, c2, negLr, eps (f32)
  const params: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32];
  const f = new Body(params.length);
  const [N, W, M, V, G, OW, OM, OV] = [0, 1, 2, 3, 4, 5, 6, 7];
  const scalars = [8, 9, 10, 11, 12, 13, 14, 15];
  const splat = scalars.map(() => f.local(V128));
  const [B1, OMB1, B2, OMB2, C1, C2, NLR, EPS] = splat;
  const off = f.local(I32);
  const end = f.local(I32);
  const g = f.local(V128);
  const nm = f.local(V128);
  const nv = f.local(V128);
  const sg = f.local(F32);
  const snm = f.local(F32);
  const snv = f.local(F32);
  const tiny = f.local(V128);
  f.f32(FLT_MIN).simd("f32x4.splat").set(tiny);
  // x, or 0 where |x| is subnormal.
  const flushV = (x: number): void => {
    f.get(x).get(x).simd("f32x4.abs").get(tiny).simd("f32x4.ge").simd("v128.and").set(x);
  };
  const flushS = (x: number): void => {
    f.get(x).f32(0).get(x).op("f32.abs").f32(FLT_MIN).op("f32.ge").op("select").set(x);
  };
  scalars.forEach((p, idx) => f.get(p).simd("f32x4.splat").set(splat[idx]));
  const at = (base: number): Body => f.get(base).get(off).op("i32.add");
  // The same operations, in the same order, as tfjs's AdamOptimizer.applyGradients.
  overFloats(
    f,
    N,
    off,
    end,
    () => {
      at(G).v128Load().set(g);
      at(M).v128Load().get(B1).simd("f32x4.mul").get(g).get(OMB1).simd("f32x4.mul").simd("f32x4.add").set(nm);
      at(V)
        .v128Load()
        .get(B2)
        .simd("f32x4.mul")
        .get(g)
        .get(g)
        .simd("f32x4.mul")
        .get(OMB2)
        .simd("f32x4.mul")
        .simd("f32x4.add")
        .set(nv);
      flushV(nm);
      flushV(nv);
      at(OM).get(nm).v128Store();
      at(OV).get(nv).v128Store();
      at(OW)
        .get(nm)
        .get(C1)
        .simd("f32x4.div")
        .get(nv)
        .get(C2)
        .simd("f32x4.div")
        .simd("f32x4.sqrt")
        .get(EPS)
        .simd("f32x4.add")
        .simd("f32x4.div")
        .get(NLR)
        .simd("f32x4.mul");
      at(W).v128Load().simd("f32x4.add").v128Store();
    },
    () => {
      at(G).f32Load().set(sg);
      at(M).f32Load().get(8).op("f32.mul").get(sg).get(9).op("f32.mul").op("f32.add").set(snm);
      at(V).f32Load().get(10).op("f32.mul").get(sg).get(sg).op("f32.mul").get(11).op("f32.mul").op("f32.add").set(snv);
      flushS(snm);
      flushS(snv);
      at(OM).get(snm).f32Store();
      at(OV).get(snv).f32Store();
      at(OW)
        .get(snm)
        .get(12)
        .op("f32.div")
        .get(snv)
        .get(13)
        .op("f32.div")
        .op("f32.sqrt")
        .get(15)
        .op("f32.add")
        .op("f32.div")
        .get(14)
        .op("f32.mul");
      at(W).f32Load().op("f32.add").f32Store();
    },
  );
  return { name: "adam", params, body: f };
}

function reluGradFunction(): FunctionDef {
  const params: ValType[] = [I32, I32, I32]; // n, y, dy
  const f = new Body(params.length);
  const [N, Y, DY] = [0, 1, 2];
  const off = f.local(I32);
  const end = f.local(I32);
  const yv = f.local(V128);
  const nan = f.local(V128);
  const ys = f.local(F32);
  f.f32(NaN).simd("f32x4.splat").set(nan);
  overFloats(
    f,
    N,
    off,
    end,
    () => {
      f.get(DY).get(off).op("i32.add"); // store address
      f.get(Y).get(off).op("i32.add").v128Load().set(yv);
      f.get(DY).get(off).op("i32.add").v128Load().get(yv).v128Zero().simd("f32x4.gt").simd("v128.and");
      f.get(nan).get(yv).get(yv).simd("f32x4.ne").simd("v128.and").simd("v128.or").v128Store();
    },
    () => {
      f.get(DY).get(off).op("i32.add"); // store address
      f.get(Y).get(off).op("i32.add").f32Load().set(ys);
      // y > 0 ? dy : (y ≠ y ? NaN : 0)
      f.get(DY).get(off).op("i32.add").f32Load();
      f.f32(NaN).f32(0).get(ys).get(ys).op("f32.ne").op("select");
      f.get(ys).f32(0).op("f32.gt").op("select").f32Store();
    },
  );
  return { name: "reluGrad", params, body: f };
}

function copyRowsFunction(): FunctionDef {
  const params: ValType[] = [I32, I32, I32, I32, I32]; // count, rowBytes, src, rows, dst
  const f = new Body(params.length);
  const [COUNT, BYTES, SRC, ROWS, DST] = [0, 1, 2, 3, 4];
  const r = f.local(I32);
  const from = f.local(I32);
  const to = f.local(I32);
  const off = f.local(I32);
  const vecEnd = f.local(I32);
  f.get(BYTES).i32(-16).op("i32.add").set(vecEnd); // last full vector start
  f.i32(0).set(r);
  f.get(DST).set(to);
  f.block(() =>
    f.loop(() => {
      f.get(r).get(COUNT).op("i32.ge_s").brIf(1);
      f.get(SRC)
        .get(ROWS)
        .get(r)
        .i32(2)
        .op("i32.shl")
        .op("i32.add")
        .i32Load()
        .get(BYTES)
        .op("i32.mul")
        .op("i32.add")
        .set(from);
      f.i32(0).set(off);
      f.block(() =>
        f.loop(() => {
          f.get(off).get(vecEnd).op("i32.gt_s").brIf(1);
          f.get(to).get(off).op("i32.add").get(from).get(off).op("i32.add").v128Load().v128Store();
          f.addTo(off, 16).br(0);
        }),
      );
      f.block(() =>
        f.loop(() => {
          f.get(off).get(BYTES).op("i32.ge_s").brIf(1);
          f.get(to).get(off).op("i32.add").get(from).get(off).op("i32.add").i32Load().i32Store();
          f.addTo(off, 4).br(0);
        }),
      );
      f.addLocal(to, BYTES);
      f.addTo(r, 1).br(0);
    }),
  );
  return { name: "copyRows", params, body: f };
}

/** Element-wise float32 operations: their SIMD and scalar opcodes. */
const BINARY = {
  add: ["f32x4.add", "f32.add"],
  sub: ["f32x4.sub", "f32.sub"],
  mul: ["f32x4.mul", "f32.mul"],
  div: ["f32x4.div", "f32.div"],
} as const;
/** The names of the element-wise operations {@link WasmOps} exports. */
export type BinaryName = keyof typeof BINARY;

/**
 * `out[i] = a[i] ∘ b[i]` for i < n, where `mode` says which side is one scalar repeated:
 * "vv" neither, "vs" b, "sv" a. SIMD over 4 floats, then a scalar tail; the same IEEE
 * float32 operation either way, so results are those of a scalar loop.
 */
function binaryFunction(op: BinaryName, mode: "vv" | "vs" | "sv"): FunctionDef {
  const params: ValType[] = [I32, I32, I32, I32]; // n, a, b, out
  const f = new Body(params.length);
  const [N, A, B, OUT] = [0, 1, 2, 3];
  const off = f.local(I32);
  const end = f.local(I32);
  const splat = f.local(V128);
  const scalar = f.local(F32);
  const [vop, sop] = BINARY[op];
  if (mode === "vs") f.get(B).f32Load().tee(scalar).simd("f32x4.splat").set(splat);
  if (mode === "sv") f.get(A).f32Load().tee(scalar).simd("f32x4.splat").set(splat);
  const operand = (side: number, vector: boolean): void => {
    const repeated = (mode === "vs" && side === B) || (mode === "sv" && side === A);
    if (repeated) f.get(vector ? splat : scalar);
    else if (vector) f.get(side).get(off).op("i32.add").v128Load();
    else f.get(side).get(off).op("i32.add").f32Load();
  };
  overFloats(
    f,
    N,
    off,
    end,
    () => {
      f.get(OUT).get(off).op("i32.add");
      operand(A, true);
      operand(B, true);
      f.simd(vop).v128Store();
    },
    () => {
      f.get(OUT).get(off).op("i32.add");
      operand(A, false);
      operand(B, false);
      f.op(sop).f32Store();
    },
  );
  return { name: `${op}_${mode}`, params, body: f };
}

function encode(fma: boolean): Uint8Array<ArrayBuffer> {
  return encodeModule([
    ...(Object.keys(BINARY) as BinaryName[]).flatMap((op) =>
      (["vv", "vs", "sv"] as const).map((mode) => binaryFunction(op, mode)),
    ),
    gemmFunction("gemm", false, false, fma),
    gemmFunction("gemmBias", true, false, fma),
    gemmFunction("gemmBiasRelu", true, true, fma),
    gemmFunction("gemmRelu", false, true, fma),
    gemmFunction("gemmSkip", false, false, fma, true),
    adamFunction(),
    reluGradFunction(),
    copyRowsFunction(),
    ...updateFunctions(),
  ]);
}

/** Which flavour of the module {@link opModule} compiled. */
interface OpModuleInfo {
  /** Fused multiply-add through relaxed SIMD (about twice the GEMM throughput), else separate mul and add. */
  fma: boolean;
}

let cachedModule: { module: WebAssembly.Module; info: OpModuleInfo } | undefined;

/**
 * Compile relaxed SIMD if this Node can. Node 20's V8 has it behind `--experimental-wasm-relaxed-simd`
 * (on by default from Node 22); the flag only makes more instructions compile, so it is turned on
 * here unless `TSLAB_DL_NO_RELAXED_SIMD` is set.
 */
function compileFma(): WebAssembly.Module | undefined {
  const bytes = encode(true);
  try {
    return new WebAssembly.Module(bytes);
  } catch {
    if (process.env.TSLAB_DL_NO_RELAXED_SIMD) return undefined;
  }
  try {
    (require("node:v8") as typeof import("node:v8")).setFlagsFromString("--experimental-wasm-relaxed-simd");
    return new WebAssembly.Module(bytes);
  } catch {
    return undefined;
  }
}

/** The compiled (not yet instantiated) op module; compiled once per process. */
export function opModule(): { module: WebAssembly.Module; info: OpModuleInfo } {
  if (!cachedModule) {
    const fma = process.env.TSLAB_DL_NO_RELAXED_SIMD ? undefined : compileFma();
    cachedModule = fma
      ? { module: fma, info: { fma: true } }
      : { module: new WebAssembly.Module(encode(false)), info: { fma: false } };
  }
  return cachedModule;
}

/** Instantiate the ops on `memory` (tfjs's WebAssembly heap, or a private one). */
export function instantiateOps(memory: WebAssembly.Memory): WasmOps {
  const instance = new WebAssembly.Instance(opModule().module, { env: { memory } });
  return instance.exports as unknown as WasmOps;
}
