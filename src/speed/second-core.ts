/**
 * A second core for the plan's largest products: a worker thread runs the same AssemblyScript
 * ops (the shared build of the same kind, as-ops.ts). Where tfjs's WebAssembly heap is a shared
 * memory (tslab-dl's `init` makes it one before the backend starts: internals.ts,
 * `shareWasmHeap`), the worker computes on that heap itself: a layer hands it a part of its work
 * by the part's addresses, this thread does its own part meanwhile and waits, and nothing is
 * copied. Otherwise (the backend started before `init`, a tfjs it cannot patch) the worker has a
 * memory of its own: the part's inputs are copied in and its outputs back, about 0.1 ms per MB.
 *
 * A part is whole images (or whole output columns) computed by the same function as the rest,
 * so a split changes no bit of any result. A part pays when its work is many times its hand-over
 * (units/dense.ts and units/conv2d.ts decide; bench/second-core.ts measures it).
 *
 * Off where the machine has one core, and with `TSLAB_DL_THREADS=1`. Never hangs: a worker
 * that does not answer within {@link PATIENCE_MS} is retired and the caller computes the part
 * itself; a part that fails in the worker throws here with the worker's message.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { asSharedModule } from "./as-ops";
import { sharedWasmHeap, wasmBackend } from "./internals";
import type { SecondCoreJob } from "./second-core-jobs";

/** How long a part may take before the worker is given up for this process. */
const PATIENCE_MS = 60_000;

/**
 * What decides the hand-over (bench/second-core.ts measures each against the others):
 * - `minPartFlops`: the least work (2 × multiply-adds) a part must be to go to the second core,
 *   5 MFLOP, a quarter of a millisecond of products (the hand-over costs 0.03–0.1 ms; 8-2's first
 *   convolution, 7 MFLOP a part, took 0.5–0.75 ms less a step split than not on copies);
 * - `ownShare`: the part of a split layer's work this thread keeps;
 * - `minUpdateElements`: the fewest elements of a variable an optimizer's update hands over
 *   (optimizers.ts; only where the worker computes on tfjs's heap): 65 536, about 80 µs of Adam
 *   (the 300/100 model's and the CNN's first Dense kernels split; the lesson's 78 400 weights,
 *   whose halves take about 50 µs, measured no faster split: 0.47 ms a step against 0.44);
 * - `splitDense`: whether Dense layers' products split by columns: `"in place"` where the worker
 *   computes on tfjs's heap (2026-12-08, 2 vCPUs, load 0.9–1.2: the 300/100 model 1.96 ms a step
 *   against 2.31 unsplit, the CNN's Dense 100 too), not on copies (2026-12-07: 300/100 2.06
 *   against 1.91 unsplit, each part's copies 0.12–0.17 ms against its 0.3–0.4 ms of products);
 *   `"always"`, `"never"`;
 * - `workerSpinMs`, `finishSpinMs`: how long the worker watches for the next part, and this thread
 *   for the part's end, before sleeping in Atomics.wait (a thread woken from it starts 30–50 µs
 *   later, now and then milliseconds): 1 ms each; sleeping at once, 300/100 took 2.44 ms a step;
 * - `enabled`: tests and the bench compare one core with two in one process.
 */
export const secondCoreSettings = {
  minPartFlops: 5e6,
  ownShare: 0.5,
  splitDense: "in place" as "in place" | "always" | "never",
  minUpdateElements: 65536,
  workerSpinMs: 1,
  finishSpinMs: 1,
  enabled: true,
};

/** The worker's own memory's largest size in 64 KiB pages (1 GiB; the shared builds import up to 4 GiB, tfjs's heap's maximum). */
const MAX_PAGES = 16384;

/**
 * Slots of the control block both threads read: a part's number when it starts and when it
 * ends; 1 once the worker has its ops (until then every part stays here: a worker that cannot
 * start costs nothing); the bytes of the job in the mailbox; the bytes of the error the part
 * threw (0: none); the parts the worker ran.
 */
export const STARTED = 0;
export const ENDED = 1;
export const READY = 2;
export const JOB_BYTES = 3;
export const ERROR_BYTES = 4;
/** How many parts the worker ran (tests check that it runs each once). */
export const RAN = 5;
/** How long, in microseconds, the worker watches for the next part before it sleeps ({@link secondCoreSettings}). */
export const SPIN_MICROS = 6;

/**
 * Bytes of the mailbox the job (as JSON) and a part's error pass through. Each thread writes it
 * only while the other waits on the control block, so the part a number names is always there
 * to read, whatever wakes the worker (in the tslab kernel under load, an Atomics.wait has
 * returned with no new part: the worker checks the number, and a wake alone runs nothing).
 */
export const MAILBOX_BYTES = 65536;

/** Addresses in the shared memory below this stay unused (0 means "none" to the ops). */
const FIRST_BYTE = 1024;

/**
 * The worker thread, its shared memory and the control block: one per process
 * ({@link secondCore}). One part at a time: {@link SecondCore.start}, then {@link SecondCore.finish}.
 */
export class SecondCore {
  private readonly memory: WebAssembly.Memory;
  /** tfjs's heap, where the worker computes on it (no copies); null where it has a memory of its own. */
  readonly heapMemory: WebAssembly.Memory | null;
  private readonly control: Int32Array;
  private readonly mailbox: Uint8Array;
  private readonly worker: Worker;
  private parts = 0;
  /** The kind of the part in hand, for an error's message. */
  private kind = "";
  private retired = false;
  /** Parts the worker finished, for tests and the bench. */
  done = 0;

  /** On `heap` (tfjs's shared heap) where given, else on a memory of its own. */
  constructor(heap: WebAssembly.Memory | null = null) {
    this.heapMemory = heap;
    this.memory = heap ?? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    this.control = new Int32Array(new SharedArrayBuffer(32));
    this.mailbox = new Uint8Array(new SharedArrayBuffer(MAILBOX_BYTES));
    this.worker = new Worker(path.join(__dirname, "second-core-worker.js"), {
      workerData: { ops: asSharedModule(), memory: this.memory, control: this.control, mailbox: this.mailbox },
    });
    // The worker sleeps in Atomics.wait between parts; it must not keep a notebook's process alive.
    this.worker.unref();
    this.worker.on("error", () => this.retire());
  }

  /** Whether this worker has been retired (it never takes parts again). */
  get retiredForGood(): boolean {
    return this.retired;
  }

  /** Whether the worker takes parts: it is up and has not been retired. */
  get usable(): boolean {
    return !this.retired && Atomics.load(this.control, READY) === 1;
  }

  /** The shared memory as floats (a new view: the memory may have grown). */
  get heap(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /**
   * Byte addresses for blocks of `bytes` each, 16-byte aligned, growing the memory to hold
   * them; null where they cannot fit (the caller then keeps the part).
   */
  layout(bytes: number[]): number[] | null {
    if (this.heapMemory) return null; // tfjs's heap: its allocator's, never laid out here
    let next = FIRST_BYTE;
    const blocks = bytes.map((b) => {
      const at = next;
      next += 16 * Math.ceil(b / 16);
      return at;
    });
    const pages = Math.ceil(next / 65536);
    const have = this.memory.buffer.byteLength / 65536;
    if (pages > MAX_PAGES) return null;
    try {
      if (pages > have) this.memory.grow(pages - have);
    } catch {
      return null; // the system would not give the memory: this part stays on this thread
    }
    return blocks;
  }

  /** Hand the worker `job` (its inputs already copied in). */
  start(job: SecondCoreJob): void {
    const bytes = new TextEncoder().encode(JSON.stringify(job));
    if (bytes.length > MAILBOX_BYTES)
      throw new Error(`tslab-dl: a second-core job of ${bytes.length} bytes exceeds the ${MAILBOX_BYTES}-byte mailbox`);
    this.parts += 1;
    this.kind = job.kind;
    Atomics.store(this.control, SPIN_MICROS, Math.max(0, Math.round(1000 * secondCoreSettings.workerSpinMs)));
    this.mailbox.set(bytes);
    Atomics.store(this.control, ERROR_BYTES, 0);
    Atomics.store(this.control, JOB_BYTES, bytes.length);
    // The store to STARTED orders the mailbox's bytes before it for the worker's load of STARTED.
    Atomics.store(this.control, STARTED, this.parts);
    Atomics.notify(this.control, STARTED);
  }

  /**
   * Wait for the part {@link SecondCore.start} handed over: true when it is done; false when the
   * worker did not answer within {@link PATIENCE_MS} (it is retired; compute the part here).
   * Throws what the part threw in the worker.
   */
  finish(): boolean {
    const waitedFrom = Date.now();
    let ended = Atomics.load(this.control, ENDED);
    // Watch before sleeping: a thread woken from Atomics.wait starts 30–50 µs later, sometimes milliseconds.
    const watchUntil = performance.now() + secondCoreSettings.finishSpinMs;
    while (ended !== this.parts && performance.now() < watchUntil) ended = Atomics.load(this.control, ENDED);
    while (ended !== this.parts) {
      if (Date.now() - waitedFrom > PATIENCE_MS) {
        this.retire();
        return false;
      }
      Atomics.wait(this.control, ENDED, ended, 1000);
      ended = Atomics.load(this.control, ENDED);
    }
    const errorBytes = Atomics.load(this.control, ERROR_BYTES);
    if (errorBytes > 0) {
      const error = new TextDecoder().decode(this.mailbox.slice(0, errorBytes));
      throw new Error(`tslab-dl: the second core's part (${this.kind}) failed: ${error}`);
    }
    this.done += 1;
    return true;
  }

  /** Parts the worker has run so far. */
  get workerRuns(): number {
    return Atomics.load(this.control, RAN);
  }

  /** Wake the worker with no new part, as a spurious wake would (tests: it must run nothing). */
  wakeWithoutPart(): void {
    Atomics.notify(this.control, STARTED);
  }

  /** Stop the worker for good (this process then computes every part on one core). */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    void this.worker.terminate();
  }
}

/**
 * Floats on tfjs's heap a part reads or writes: `[at, floats]`, or `[at, floats, rows, stride]`
 * for `rows` runs of `floats`, `stride` apart (some columns of a matrix).
 */
export type HeapRun = [at: number, floats: number] | [at: number, floats: number, rows: number, stride: number];

/** A part of a layer's work, described for {@link runPart}. */
interface Part {
  /** What the part reads, copied in before it starts. */
  inputs: HeapRun[];
  /** What the part writes, copied out when it ends. */
  outputs: HeapRun[];
  /** Bytes of each scratch block it needs. */
  scratch: number[];
  /** The job, given the byte addresses of its inputs', outputs' and scratch blocks in the shared memory. */
  job(inputs: number[], outputs: number[], scratch: number[]): SecondCoreJob;
  /**
   * The part reads and writes its memory where it lies (an optimizer's update in place), so it
   * is handed over only where the worker computes on tfjs's heap; on copies it runs here.
   */
  inPlaceOnly?: boolean;
}

/** Floats a run spans. */
function spanOf(run: HeapRun): number {
  return run.length === 2 ? run[1] : (run[2] - 1) * run[3] + run[1];
}

/** Copy `run` between tfjs's heap and the shared memory at float index `shared`. */
function copyRun(run: HeapRun, heap: Float32Array, shared: Float32Array, at: number, inward: boolean): void {
  const [from, floats] = run;
  const [rows, stride] = run.length === 2 ? [1, 0] : [run[2], run[3]];
  for (let r = 0; r < rows; r++) {
    const h = from + r * stride;
    const s = at + r * stride;
    if (inward) shared.set(heap.subarray(h, h + floats), s);
    else heap.set(shared.subarray(s, s + floats), h);
  }
}

/**
 * Run `part` on the second core while `own` runs on this thread; where the part cannot be
 * handed over (it does not fit the shared memory) or the worker has gone, `fallback` computes
 * it here after `own`. `heap` is tfjs's heap as floats.
 *
 * @example
 * runPart(core, step.heap, part, () => convolveAt(…own images…), () => convolveAt(…the rest…));
 */
function runPart(core: SecondCore, heap: Float32Array, part: Part, own: () => void, fallback: () => void): void {
  if (core.heapMemory) return runPartOnHeap(core, part, own, fallback);
  if (part.inPlaceOnly) {
    own();
    fallback();
    return;
  }
  const runs = [...part.inputs, ...part.outputs];
  const blocks = core.layout([...runs.map((r) => 4 * spanOf(r)), ...part.scratch]);
  if (!blocks) {
    own();
    fallback();
    return;
  }
  const shared = core.heap;
  part.inputs.forEach((run, i) => copyRun(run, heap, shared, blocks[i] / 4, true));
  const outputs = blocks.slice(part.inputs.length, runs.length);
  core.start(part.job(blocks.slice(0, part.inputs.length), outputs, blocks.slice(runs.length)));
  let done: boolean;
  try {
    own();
  } finally {
    done = core.finish(); // even when `own` threw: the next part must not meet this one's end
  }
  if (!done) {
    fallback();
    return;
  }
  part.outputs.forEach((run, i) => copyRun(run, heap, shared, outputs[i] / 4, false));
}

/**
 * {@link runPart} where the worker computes on tfjs's heap: the part's inputs and outputs are
 * where they lie, and its scratch blocks are allocated on the heap (by tfjs's allocator, before
 * the worker starts: nothing allocates while it runs) and freed after.
 */
function runPartOnHeap(core: SecondCore, part: Part, own: () => void, fallback: () => void): void {
  const wasm = wasmBackend().wasm;
  const sizes = part.scratch.map((bytes) => 16 * Math.ceil(bytes / 16));
  const total = sizes.reduce((sum, bytes) => sum + bytes, 0);
  const base = total > 0 ? wasm._malloc(total + 16) >>> 0 : 0;
  if (total > 0 && base === 0) {
    own(); // the heap would not grow: this part stays on this thread
    fallback();
    return;
  }
  let next = 16 * Math.ceil(base / 16);
  const scratch = sizes.map((bytes) => {
    next += bytes;
    return next - bytes;
  });
  try {
    const address = (run: HeapRun): number => 4 * run[0];
    core.start(part.job(part.inputs.map(address), part.outputs.map(address), scratch));
    let done: boolean;
    try {
      own();
    } finally {
      done = core.finish(); // even when `own` threw: the next part must not meet this one's end
    }
    if (!done) fallback();
  } finally {
    if (base !== 0) wasm._free(base);
  }
}

/**
 * `run(0, total)`, or, where `own` < `total`, `run(0, own)` here while the second core runs the
 * rest, `run(own, total − own)`, as `part(own, total − own)` describes (runPart's fallback: the
 * same call here). `heap` is tfjs's heap as floats.
 *
 * @example
 * splitWork(step.heap, ownColumns(n, 2 * m * k), n, (from, count) => product(from, count), part);
 */
export function splitWork(
  heap: Float32Array,
  own: number,
  total: number,
  run: (first: number, count: number) => void,
  part: (own: number, count: number) => Part,
): void {
  const handTo = own < total ? secondCore() : null;
  if (!handTo) return run(0, total);
  runPart(
    handTo,
    heap,
    part(own, total - own),
    () => run(0, own),
    () => run(own, total - own),
  );
}

/**
 * Where a product's `columns` split: the first column the second core takes, about `ownShare`
 * of them and a multiple of 8 (gemm's widest register tile, so both sides sweep the tiles an
 * unsplit product would, and every sum keeps its bits), or `columns` where the second core's
 * part, `flopsPerColumn` each, would be less than `minPartFlops`.
 *
 * @example
 * const own = ownColumns(300, 2 * 64 * 784); // 152
 */
export function ownColumns(columns: number, flopsPerColumn: number): number {
  const own = 8 * Math.ceil((columns * secondCoreSettings.ownShare) / 8);
  return own < columns && flopsPerColumn * (columns - own) >= secondCoreSettings.minPartFlops ? own : columns;
}

let core: SecondCore | null | undefined;

/** Whether this process may use a second core: two or more cores, and not `TSLAB_DL_THREADS=1`. */
export function secondCoreAllowed(): boolean {
  if (process.env.TSLAB_DL_THREADS === "1") return false;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 && typeof SharedArrayBuffer === "function";
}

/**
 * The process's second core, started on first use; null where it is off or gone.
 *
 * @example
 * const core = secondCore();
 * if (core) core.start(job);
 */
export function secondCore(): SecondCore | null {
  if (!secondCoreSettings.enabled) return null;
  const heap = sharedWasmHeap();
  // Another heap than the worker's (a new wasm backend): a worker for this one.
  if (core && core.heapMemory !== heap) {
    core.retire();
    core = undefined;
  }
  if (core === undefined) core = secondCoreAllowed() ? new SecondCore(heap) : null;
  return core?.usable ? core : null;
}

/**
 * Start the second core if it is allowed, and resolve once it takes parts: true, or false where
 * it is off or not up within `timeoutMs`.
 *
 * @example
 * await whenSecondCoreReady(); // before timing a step
 */
export async function whenSecondCoreReady(timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!secondCore()) {
    if (!secondCoreSettings.enabled || core === null || core?.retiredForGood || Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * Whether a part handed over now is computed on tfjs's heap itself (shared: no copies), as
 * opposed to copies on the worker's own memory. Dense layers split only so.
 */
export function handOverInPlace(): boolean {
  return sharedWasmHeap() !== null;
}

/** The worker's finished parts so far in this process (0 where none ran). */
export function secondCoreParts(): number {
  return core ? core.done : 0;
}
