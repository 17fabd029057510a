/**
 * A second core for the plan's largest products. tfjs's WebAssembly heap belongs to one
 * thread, so a worker thread runs the same AssemblyScript ops (the shared build of the same
 * kind, as-ops.ts) on a memory of its own that this thread shares. A layer hands it a part of
 * its work: the part's inputs are copied in, the worker starts, this thread does its own part
 * on tfjs's heap meanwhile, waits, and copies the part's outputs back.
 *
 * A part is whole images (or whole output columns) computed by the same function as the rest,
 * so a split changes no bit of any result. Copies cost about 0.1 ms per MB; a part pays when it
 * is many times that (units/conv2d.ts decides; bench/second-core.ts measures it).
 *
 * Off where the machine has one core, and with `TSLAB_DL_THREADS=1`. Never hangs: a worker
 * that does not answer within {@link PATIENCE_MS} is retired and the caller computes the part
 * itself; a part that fails in the worker throws here with the worker's message.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { asSharedModule } from "./as-ops";
import type { SecondCoreJob } from "./second-core-jobs";

/** How long a part may take before the worker is given up for this process. */
const PATIENCE_MS = 60_000;

/**
 * What decides the hand-over: `minPartFlops`, the least work (2 × multiply-adds) a part must be
 * to go to the second core (5 MFLOP, a quarter of a millisecond of products, against 0.05–0.3 ms
 * of copies and hand-over: 8-2's first convolution, 7 MFLOP a part, took 0.5–0.75 ms less a
 * step split than not in three runs of bench/second-core.ts, which measures both sides),
 * `ownShare`, the part of a split layer's work this thread keeps (it also copies the other
 * part in and out), `splitDense`, whether Dense layers' products split too by columns (off:
 * in bench/second-core.ts on this 2-vCPU machine, 2026-12-07, load 0.5–0.8, split Dense products
 * made every model slower: 300/100 2.06 ms/step against 1.91, the CNN 16.5 against 14.4, the
 * lesson's model, whose parts are under 5 MFLOP, 1.02 against 0.44 split at any size; a part's
 * copies take 0.12–0.17 ms against its 0.3–0.4 ms of products), and `enabled` (tests and
 * the bench compare one core with two in one process).
 */
export const secondCoreSettings = { minPartFlops: 5e6, ownShare: 0.5, splitDense: false, enabled: true };

/** The shared memory's largest size in 64 KiB pages (1 GiB): the shared builds' `maximumMemory`. */
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
  private readonly control: Int32Array;
  private readonly mailbox: Uint8Array;
  private readonly worker: Worker;
  private parts = 0;
  /** The kind of the part in hand, for an error's message. */
  private kind = "";
  private retired = false;
  /** Parts the worker finished, for tests and the bench. */
  done = 0;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
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
function allowed(): boolean {
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
  if (core === undefined) core = allowed() ? new SecondCore() : null;
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

/** The worker's finished parts so far in this process (0 where none ran). */
export function secondCoreParts(): number {
  return core ? core.done : 0;
}
