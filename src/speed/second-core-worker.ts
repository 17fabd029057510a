/**
 * The second core's thread (second-core.ts): the AssemblyScript ops on the shared memory,
 * sleeping until a part starts, reading its job from the mailbox, running it, and saying when
 * it ended (with the error, if it threw, written to the mailbox first).
 */
import { workerData } from "node:worker_threads";
import { instantiateAsOps } from "./as-ops";
import { ENDED, ERROR_BYTES, JOB_BYTES, MAILBOX_BYTES, RAN, READY, SPIN_MICROS, STARTED } from "./second-core";
import { runJob, type SecondCoreJob } from "./second-core-jobs";

interface Start {
  /** The compiled shared build (named so: a top-level `module` would shadow CommonJS's own). */
  ops: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: Int32Array;
  mailbox: Uint8Array;
}

const start = workerData as Start;
const { memory, control, mailbox } = start;
const ops = instantiateAsOps(memory, start.ops);
Atomics.store(control, READY, 1);
let seen = 0;
for (;;) {
  // Parts come in runs (a step's layers): watch for the next a while, then sleep. A wait can end
  // with no new part (the tslab kernel under load): only a new number starts one.
  const watchUntil = performance.now() + Atomics.load(control, SPIN_MICROS) / 1000;
  while (Atomics.load(control, STARTED) === seen && performance.now() < watchUntil);
  while (Atomics.load(control, STARTED) === seen) {
    Atomics.wait(control, STARTED, seen);
  }
  seen = Atomics.load(control, STARTED);
  try {
    // A copy: TextDecoder does not read a shared buffer.
    const job = JSON.parse(
      new TextDecoder().decode(mailbox.slice(0, Atomics.load(control, JOB_BYTES))),
    ) as SecondCoreJob;
    runJob(ops, { HEAP32: new Int32Array(memory.buffer) }, job);
  } catch (error) {
    const message = new TextEncoder().encode(error instanceof Error ? error.message : String(error));
    const bytes = message.subarray(0, MAILBOX_BYTES);
    mailbox.set(bytes);
    Atomics.store(control, ERROR_BYTES, bytes.length);
  }
  Atomics.add(control, RAN, 1);
  Atomics.store(control, ENDED, seen);
  Atomics.notify(control, ENDED);
}
