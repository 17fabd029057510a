/**
 * The second core's thread (second-core.ts): the AssemblyScript ops on the shared memory,
 * sleeping until a part starts, running it, and saying when it ended (with the error, if it
 * threw, posted first).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { instantiateAsOps } from "./as-ops";
import { ENDED, READY, STARTED } from "./second-core";
import { runJob, type SecondCoreJob } from "./second-core-jobs";

interface Start {
  /** The compiled shared build (named so: a top-level `module` would shadow CommonJS's own). */
  ops: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: Int32Array;
  port: MessagePort;
}

const start = workerData as Start;
const { memory, control, port } = start;
const ops = instantiateAsOps(memory, start.ops);
Atomics.store(control, READY, 1);
let seen = 0;
for (;;) {
  Atomics.wait(control, STARTED, seen);
  seen = Atomics.load(control, STARTED);
  const job = receiveMessageOnPort(port)?.message as SecondCoreJob;
  try {
    runJob(ops, { HEAP32: new Int32Array(memory.buffer) }, job);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  Atomics.store(control, ENDED, seen);
  Atomics.notify(control, ENDED);
}
