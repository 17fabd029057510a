/**
 * Type-checking and compiling cells on a thread of their own, so that the
 * kernel's sockets keep answering while TypeScript works.
 *
 * tslab compiles a cell synchronously, on the thread that also reads the
 * kernel's sockets: a 2 MB cell keeps TypeScript busy for about five seconds,
 * and for that long `kernel_info`, `interrupt_request` and `shutdown_request`
 * go unanswered (a front end then reports the kernel dead). Here the same
 * converter (tslab's, with the light builder and the kernel's own modules)
 * runs in a worker thread. The kernel asks it for a cell's compiled form
 * before tslab's executor runs the cell, and the executor is handed that
 * result (see `SessionConverter` in `execute.ts`). Interrupting a compile
 * terminates the worker: a compile has no effects to undo, and the session's
 * declarations live on the kernel's side, so the next cell starts a fresh
 * worker that is given the `//@module` cells again.
 *
 * The worker is the same file, started with {@link WORKER_ROLE} as its data.
 */
import "./light-builder"; // first in the worker too: before tslab's converter loads
import { Worker, isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { InterruptError } from "./interrupt";
import { tslabConverter, type CodeMetadata, type ConvertResult, type Diagnostic } from "./tslab-internals";

/** The worker data that makes this file a compiler thread. */
const WORKER_ROLE = "tslab-dl compiler thread";

type Job =
  | { op: "convert"; declarations: string; source: string }
  | { op: "addModule"; name: string; content: string; meta?: CodeMetadata };

type Request = Job & { id: number };

type Response =
  | { id: number; ok: true; result: ConvertResult | Diagnostic[] }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

interface Pending {
  resolve: (value: ConvertResult | Diagnostic[]) => void;
  reject: (reason: Error) => void;
}

/** Raised when the compiler thread stopped for another reason than an interrupt. */
class CompilerThreadError extends Error {
  override name = "CompilerThreadError";
}

/**
 * The kernel's side of the compiler thread: one request at a time in order,
 * answered as promises.
 *
 * @example
 * const compiler = new CompilerThread();
 * const result = await compiler.convert("", "const x: number = 6 * 7;");
 * result.diagnostics; // → []
 */
export class CompilerThread {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly modules: Array<{ name: string; content: string; meta?: CodeMetadata }> = [];
  private nextId = 1;

  /** Compile `source` against the session's `declarations` (tslab's `convert`). */
  convert(declarations: string, source: string): Promise<ConvertResult> {
    return this.ask({ op: "convert", declarations, source }) as Promise<ConvertResult>;
  }

  /** Register a `//@module` cell (tslab's `addModule`); a worker started later is given it again. */
  addModule(name: string, content: string, meta?: CodeMetadata): Promise<Diagnostic[]> {
    this.modules.push({ name, content, meta });
    return this.ask({ op: "addModule", name, content, meta }) as Promise<Diagnostic[]>;
  }

  /** Start the thread and load TypeScript there (about a second), without waiting for it. */
  warm(): void {
    this.convert("", "").catch(() => undefined);
  }

  /** Whether a compile is in progress. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Stop the compile in progress: the worker is terminated and every waiting
   * request rejects with an {@link InterruptError}. Returns whether one was running.
   */
  interrupt(): boolean {
    if (!this.busy) return false;
    this.stop(new InterruptError("the cell was interrupted while TypeScript compiled it; nothing of it ran"));
    return true;
  }

  /** End the thread. */
  close(): void {
    this.stop(new CompilerThreadError("the compiler thread was closed"));
  }

  private stop(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(reason);
    if (worker) void worker.terminate();
  }

  private rejectAll(reason: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(reason);
  }

  private ask(job: Job): Promise<ConvertResult | Diagnostic[]> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // a waiting cell keeps the process alive; an idle worker does not
      worker.postMessage({ ...job, id } satisfies Request);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(__filename, { workerData: WORKER_ROLE });
    worker.unref();
    worker.on("message", (response: Response) => this.answered(response));
    worker.on("error", (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.rejectAll(new CompilerThreadError(`the compiler thread failed: ${e.message}`));
    });
    worker.on("exit", (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.rejectAll(new CompilerThreadError(`the compiler thread exited with code ${code}`));
    });
    this.worker = worker;
    for (const { name, content, meta } of this.modules)
      worker.postMessage({ op: "addModule", id: 0, name, content, meta });
    return worker;
  }

  private answered(response: Response): void {
    const waiting = this.pending.get(response.id);
    if (!waiting) return; // a replayed module, or an answer after an interrupt
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (response.ok) {
      waiting.resolve(response.result);
    } else {
      const error = new CompilerThreadError(`TypeScript failed on the cell: ${response.error.message}`);
      if (response.error.stack) error.stack = response.error.stack;
      waiting.reject(error);
    }
  }
}

/** The worker's side: one tslab converter, answering requests in order. */
function serve(port: MessagePort): void {
  const converter = tslabConverter().createConverter({ isJS: false, isBrowser: false });
  port.on("message", (request: Request) => {
    let response: Response;
    try {
      const result =
        request.op === "convert"
          ? converter.convert(request.declarations, request.source)
          : converter.addModule(request.name, request.content, request.meta);
      response = { id: request.id, ok: true, result };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      response = { id: request.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack } };
    }
    port.postMessage(response);
  });
}

if (!isMainThread && workerData === WORKER_ROLE && parentPort) serve(parentPort);
