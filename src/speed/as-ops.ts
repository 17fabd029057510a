/**
 * Loads tslab-dl's WebAssembly ops, all AssemblyScript (src/speed/as/, one file per op), onto
 * the memory of tfjs's WebAssembly backend, so they read and write tensors where they already
 * are: the one loader and the one cache of compiled and instantiated ops.
 *
 * Design:
 * - `npm run build` compiles src/speed/as/index.ts with `asc` twice (src/speed/as/asconfig.json)
 *   into dist/src/speed/as/ops.wasm (WebAssembly SIMD) and ops-fma.wasm (plus relaxed
 *   SIMD's fused multiply-add); this loader reads them from beside itself, so they ship in the
 *   package's `dist/src`. The FMA build is used where this Node compiles relaxed SIMD
 *   ({@link asModule}, which turns on V8's flag for it on Node 20).
 * - The modules import tfjs's `WebAssembly.Memory` as `env.memory` and must never write memory
 *   they were not handed: emscripten owns all of it. So they are built with `--runtime stub`
 *   (no garbage collector, and nothing ever allocates), no static data (no data segments: no
 *   strings, no `abort` messages: `--use abort=` and `--noAssert`) and no globals in memory;
 *   an op's scratch space is `_malloc`ed from tfjs's heap by the TypeScript caller.
 *   test/speed/as-ops.test.ts checks the built modules for data segments and imports.
 * - Built with `--debug` (and -O3): the name section keeps each exported op's name, so CPU
 *   profiles (node --cpu-prof) show `gemm`, `im2col`, … rather than `wasm-function[12]`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { wasmMemory, type BackendWasmLike, type WasmModule } from "./internals";

/** A product's sizes: C = A·B for an m × k A and a k × n B. */
type Dims = [m: number, n: number, k: number];
/** Its matrices' byte addresses and strides: A[i][kk] at a + i·sai + kk·sak; B's and C's row strides sbk and ldc. */
type Operands = [a: number, sai: number, sak: number, b: number, sbk: number, c: number, ldc: number];

/**
 * How {@link AsOps.gemm} reads A: as/gemm.ts's constants of the same names (see there), which
 * the module cannot export (it has no globals); test/speed/as-ops.test.ts, matmul.test.ts and
 * conv.test.ts run each kind against a reference.
 */
export const MATRIX = 0;
export const PATCH_ROWS = 1;
export const PATCH_COLUMNS = 2;
export const MATRIX_SKIP = 3;
export const MATRIX_WHOLE = 4;
type GemmKind = typeof MATRIX | typeof PATCH_ROWS | typeof PATCH_COLUMNS | typeof MATRIX_SKIP | typeof MATRIX_WHOLE;

/** How {@link AsOps.gemm} reads A and from where: its `kind, a, sai, sak` arguments. */
export type GemmA = [kind: GemmKind, a: number, sai: number, sak: number];

/** `(n, a, b, out)`: byte addresses of a, b and out. */
type BinaryFn = (n: number, a: number, b: number, out: number) => void;

/** The element-wise operations the module exports as `add_vv`, `mul_vs`, …: see as/binary.ts. */
export type BinaryName = "add" | "sub" | "mul" | "div";

/** The exports of the AssemblyScript module: see each op's file in src/speed/as/. */
export interface AsOps extends Record<`${BinaryName}_${"vv" | "vs" | "sv"}`, BinaryFn> {
  /**
   * `(m, n, k, kind, a, sai, sak, b, sbk, c, ldc, accumulate, scratch, bias, relu)`: C (+)= A·B
   * (+ bias[n], bias 0: none) (then relu if `relu` is 1), A read as `kind` says (for the patch
   * kinds, `a` is the NHWC images and `sai` their geometry block); scratch 4·256 floats,
   * {@link GEMM_SKIP_SCRATCH_BYTES} for MATRIX_SKIP, {@link gemmScratchBytes}(m, k) for
   * MATRIX_WHOLE (few rows, a batch: all of A packed once, K not blocked).
   */
  gemm(
    ...args: [...Dims, kind: GemmKind, ...Operands, accumulate: number, scratch: number, bias: number, relu: number]
  ): void;
  /** `(n, y, dy)`: dy = dy where y > 0, NaN where y is NaN, else 0 (tfjs's relu gradient), in place. */
  reluGrad(n: number, y: number, dy: number): void;
  /** `(n, s0, s1, s2, c, keep, scale, mult)`: n dropout multipliers (scale or 0) at mult, drawn by seedrandom's alea from state (s0, s1, s2, c): as/dropout-mask.ts. */
  dropoutMask(
    n: number,
    s0: number,
    s1: number,
    s2: number,
    c: number,
    keep: number,
    scale: number,
    mult: number,
  ): void;
  /** `(n, x, y)`: y = 1 / (1 + e^−x) in float64, rounded to float32 (tfjs's cpu sigmoid); y may be x. */
  sigmoid(n: number, x: number, y: number): void;
  /** `(n, y, dy, dx)`: dx = dy·(y·(1 − y)) in float32, from sigmoid's output y; dx may be dy. */
  sigmoidGrad(n: number, y: number, dy: number, dx: number): void;
  /** `(count, rowBytes, src, rows, dst)`: rows rows[0..count) (int32 at `rows`) of `src`, each `rowBytes` long, copied to `dst` in order. */
  copyRows(count: number, rowBytes: number, src: number, rows: number, dst: number): void;
  /** `(n, ids, int32, rows, out)`: token ids (float32, or int32 where `int32` is 1) truncated to int32 row numbers at `out`; the first position not in [0, rows), or −1. */
  tokenRows(n: number, ids: number, int32: number, rows: number, out: number): number;
  /** `(count, width, src, rows, dst)`: dst[rows[r]] += src[r] for rows of `width` floats, r in order (int32 rows at `rows`). */
  scatterAddRows(count: number, width: number, src: number, rows: number, dst: number): void;
  /** `(n, w, g, c)`: w = c·g + w (tfjs's SGD; c = −learning rate), in place. */
  sgd(n: number, w: number, g: number, c: number): void;
  /** `(n, w, g, acc, c, m)`: acc = m·acc + g; w = c·acc + w (tfjs's Momentum), in place. */
  momentum(n: number, w: number, g: number, acc: number, c: number, m: number): void;
  /** `(n, w, g, acc, c, m)`: acc = m·acc + g; w = c·(g + acc·m) + w (Nesterov's), in place. */
  nesterov(n: number, w: number, g: number, acc: number, c: number, m: number): void;
  /** `(n, w, g, ms, mom, decay, 1−decay, momentum, lr, eps)`: tfjs's RMSProp (not centered), in place. */
  rmsprop(
    n: number,
    w: number,
    g: number,
    ms: number,
    mom: number,
    decay: number,
    oneMinusDecay: number,
    momentum: number,
    lr: number,
    eps: number,
  ): void;
  /** `(n, w, g, acc, −lr, eps)`: acc = acc + g²; w = (g / √(acc + eps))·(−lr) + w (tfjs's Adagrad), in place. */
  adagrad(n: number, w: number, g: number, acc: number, negLr: number, eps: number): void;
  /** `(n, w, m, v, g, outW, outM, outV, β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, −lr, ε)`: one pass of tfjs's Adam (as/adam.ts). */
  adam(
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
  ): void;
  /** `(n, x)`: 1 if the n floats at x are all finite, else 0. */
  allFinite(n: number, x: number): number;
  /** `(geometry, x, col)`: the patches of NHWC `x` as rows of `col`; `geometry` is a {@link writeConvGeometry} block. */
  im2col(geometry: number, x: number, col: number): void;
  /** `(geometry, col, dx)`: dx = 0, then each row of `col` added back under its patch (the inverse of im2col). */
  col2im(geometry: number, col: number, dx: number): void;
  /**
   * `(geometry, x, dy, from, count, dW, scratch, maxPermille)`: dW's columns [from, from + count)
   * = im2col(x)ᵀ · dy from dy's nonzeros (gemm's sums, its zero terms left out: for a finite x the
   * same numbers); 1, or 0 having written nothing where more than maxPermille/1000 of those
   * columns are nonzero or the shape does not apply (as/filter-gradient-sparse.ts).
   */
  filterGradientSparse(
    geometry: number,
    x: number,
    dy: number,
    from: number,
    count: number,
    dW: number,
    scratch: number,
    maxPermille: number,
  ): number;
  /**
   * `(geometry, dy, filterT, dx, scratch, maxPermille)`: dx = col2im(dy · Wᵀ) from dy's nonzeros
   * (for a finite W the same numbers); 1, or 0 having written nothing where more than
   * maxPermille/1000 of dy is nonzero or the shape does not apply (as/input-gradient-sparse.ts).
   */
  inputGradientSparse(
    geometry: number,
    dy: number,
    filterT: number,
    dx: number,
    scratch: number,
    maxPermille: number,
  ): number;
  /** `(rows, cols, a, out)`: out = aᵀ for a row-major rows×cols float32 matrix. */
  transpose(rows: number, cols: number, a: number, out: number): void;
  /** `(geometry, x, y)`: max pooling of NHWC `x` into `y`; `geometry` is a {@link writePoolGeometry} block. */
  maxPool(geometry: number, x: number, y: number): void;
  /** `(geometry, x, y)`: average pooling of NHWC `x` into `y` (a window cut by the edge divides by what it covers). */
  avgPool(geometry: number, x: number, y: number): void;
  /** `(geometry, dy, dx)`: average pooling's input gradient, tfjs's way (each dy over the whole window's size). */
  avgPoolGrad(geometry: number, dy: number, dx: number): void;
  /** `(geometry, x, dy, dx)`: max pooling's input gradient; `geometry` is a {@link writePoolGeometry} block. */
  maxPoolGrad(geometry: number, x: number, dy: number, dx: number): void;
  /** `(rows, n, x, out, wide)`: out[j] = Σ_r x[r][j], rows added in order in float32, or (`wide` 1) in float64 rounded once. */
  sumRows(rows: number, n: number, x: number, out: number, wide: number): void;
  /**
   * A recurrent layer's forward or backward pass over a sequence (src/speed/as/sequence.ts):
   * `(backward, cell, hard, batch, steps, features, units, x, kernel, recurrent, bias, recMask, hs, hm, k0, k1, k2,
   * dy, sequences, dpre, dKernel, dRecurrent, dBias, dx, dh, scratch)`; the forward pass passes 0 from dy on.
   */
  recurrentSequence(...args: number[]): void;
}

/** {@link AsOps.gemm}'s arguments, as a layer hands them to the second core's gemm job. */
export type GemmArgs = Parameters<AsOps["gemm"]>;

/** Bytes of scratch {@link AsOps.gemm} needs. */
export const GEMM_SCRATCH_BYTES = 4 * 4 * 256;
/** Bytes of scratch {@link AsOps.gemm} needs to skip zeros (MATRIX_SKIP). */
export const GEMM_SKIP_SCRATCH_BYTES = 4 * 5 * 256;

/**
 * Bytes of scratch {@link AsOps.gemm} needs for an m × k A read as MATRIX_WHOLE.
 *
 * @example
 * const scratch = wasm._malloc(gemmScratchBytes(32, 784));
 */
export function gemmScratchBytes(m: number, k: number): number {
  return Math.max(4 * m * k, GEMM_SCRATCH_BYTES);
}

/** Which of the two builds {@link asModule} loaded. */
interface AsModuleInfo {
  /** Fused multiply-add through relaxed SIMD (about twice the GEMM throughput), else separate mul and add. */
  fma: boolean;
}

let compiled: { module: WebAssembly.Module; info: AsModuleInfo } | undefined;

/**
 * Where the built modules lie: dist/src/speed/as/ beside this file's compiled form. The
 * `shared` builds import a shared memory (the second core's, second-core.ts); otherwise the
 * same code.
 */
export function asModulePath(fma: boolean, shared = false): string {
  return path.join(__dirname, "as", `ops${fma ? "-fma" : ""}${shared ? "-shared" : ""}.wasm`);
}

function readModule(fma: boolean, shared = false): Uint8Array<ArrayBuffer> {
  const file = asModulePath(fma, shared);
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    throw new Error(
      `tslab-dl: the AssemblyScript ops ${file} could not be read (${(e as Error).message}); ` +
        `run \`npm run build\` (a source checkout) or reinstall tslab-dl`,
      { cause: e },
    );
  }
}

/**
 * The FMA build, if this Node compiles relaxed SIMD. Node 20's V8 has it behind
 * `--experimental-wasm-relaxed-simd` (on by default from Node 22); the flag only makes more
 * instructions compile, so it is turned on here unless `TSLAB_DL_NO_RELAXED_SIMD` is set.
 */
function compileFma(): WebAssembly.Module | undefined {
  const bytes = readModule(true);
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

/**
 * The compiled (not yet instantiated) module, FMA build where it compiles; once per process.
 *
 * @example
 * asModule().info.fma; // true on a CPU and Node with relaxed SIMD
 */
export function asModule(): { module: WebAssembly.Module; info: AsModuleInfo } {
  if (!compiled) {
    const fma = process.env.TSLAB_DL_NO_RELAXED_SIMD ? undefined : compileFma();
    compiled = fma
      ? { module: fma, info: { fma: true } }
      : { module: new WebAssembly.Module(readModule(false)), info: { fma: false } };
  }
  return compiled;
}

let compiledShared: WebAssembly.Module | undefined;

/**
 * The build of {@link asModule}'s kind (FMA or not: both cores must round alike) that imports a
 * shared memory; once per process. A worker is handed this compiled module, not a file name.
 *
 * @example
 * new Worker(file, { workerData: { ops: asSharedModule(), memory } });
 */
export function asSharedModule(): WebAssembly.Module {
  compiledShared ??= new WebAssembly.Module(readModule(asModule().info.fma, true));
  return compiledShared;
}

/**
 * Instantiate the AssemblyScript ops on `memory` (tfjs's WebAssembly heap, a test's own, or
 * the second core's shared memory: then the shared build).
 *
 * @example
 * const ops = instantiateAsOps(new WebAssembly.Memory({ initial: 4 }));
 */
export function instantiateAsOps(memory: WebAssembly.Memory, module?: WebAssembly.Module): AsOps {
  const chosen = module ?? (memory.buffer instanceof SharedArrayBuffer ? asSharedModule() : asModule().module);
  return new WebAssembly.Instance(chosen, { env: { memory } }).exports as unknown as AsOps;
}

const byModule = new WeakMap<WasmModule, AsOps | null>();

/** The AssemblyScript ops on this backend's memory, or null where it cannot be imported (a threaded build). */
export function asOpsFor(backend: BackendWasmLike): AsOps | null {
  const wasm = backend.wasm;
  let ops = byModule.get(wasm);
  if (ops === undefined) {
    const memory = wasmMemory(backend);
    ops = memory ? instantiateAsOps(memory) : null;
    byModule.set(wasm, ops);
  }
  return ops;
}
