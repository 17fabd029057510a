/**
 * Does the second core pay, and for which layers? One bench model's training step (the 8-2 CNN
 * by default, batch 32, Fashion-MNIST) in one process under several settings, taking turns within
 * each round: one core; two cores with `secondCoreSettings`' defaults; and each default changed
 * alone (neither thread watching for the other before it sleeps, the worker watching longer, a
 * larger and a smaller least part, this thread keeping more than half, Dense products or the
 * optimizer's updates not split, every product split). Prints whether tfjs's heap is shared (the worker computes on it) or
 * parts are copied, ms per step (median and spread), CPU ms per step, what one hand-over costs
 * (with the worker watching, and asleep), and the load average at the start; run it with nothing
 * else on the machine.
 *
 *   node dist/bench/second-core.js [--model cnn|lesson|sigmoid|mlp] [--steps 40 (the CNN), 400] [--rounds 3]
 */
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { init } from "../src/backend";
import { setRandomSeed } from "../src/seed";
import { MATRIX } from "../src/speed/as-ops";
import { sharedWasmHeap, wasmBackend } from "../src/speed/internals";
import { secondCore, secondCoreParts, secondCoreSettings, whenSecondCoreReady } from "../src/speed/second-core";
import type { SecondCoreJob } from "../src/speed/second-core-jobs";
import { benchData, BENCH_MODELS } from "./models";

interface Setting {
  name: string;
  settings: Partial<typeof secondCoreSettings>;
}

const defaults = { ...secondCoreSettings };
const { minPartFlops, ownShare, workerSpinMs } = defaults;
const SETTINGS: Setting[] = [
  { name: "one core", settings: { enabled: false } },
  { name: `two cores: the defaults`, settings: {} },
  {
    name: "two cores, no watching (both threads sleep in Atomics.wait)",
    settings: { workerSpinMs: 0, finishSpinMs: 0 },
  },
  { name: `two cores, the worker watches ${3 * workerSpinMs} ms`, settings: { workerSpinMs: 3 * workerSpinMs } },
  { name: "two cores, parts ≥ 20 MFLOP", settings: { minPartFlops: 20e6 } },
  { name: `two cores, parts ≥ ${minPartFlops / 4e6} MFLOP`, settings: { minPartFlops: minPartFlops / 4 } },
  { name: `two cores, this thread ${ownShare + 0.0625}`, settings: { ownShare: ownShare + 0.0625 } },
  { name: "two cores, Dense products not split", settings: { splitDense: "never" } },
  { name: "two cores, optimizer updates not split", settings: { minUpdateElements: Infinity } },
  { name: "two cores, every product split, however small", settings: { splitDense: "always", minPartFlops: 0 } },
];

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * What one hand-over costs: the round trip (start, the worker's run, finish) of a part with
 * nothing to do (a 1 × 1 product), 1000 times right after the last (the worker still watching)
 * and 1000 times 2 ms apart (asleep by then): medians and 90th percentiles in µs.
 */
function handOverTimes(): string {
  const core = secondCore();
  if (!core) return "hand-over: no second core";
  const wasm = wasmBackend().wasm;
  const at = wasm._malloc(4096) >>> 0;
  const job: SecondCoreJob = {
    kind: "gemm",
    args: [1, 1, 1, MATRIX, at, 4, 4, at + 64, 4, at + 128, 4, 0, at + 256, 0, 0],
  };
  const times = (gapMs: number): string => {
    const us: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const from = performance.now();
      while (performance.now() - from < gapMs);
      const start = performance.now();
      core.start(job);
      core.finish();
      us.push(1000 * (performance.now() - start));
    }
    us.sort((a, b) => a - b);
    return `${us[500].toFixed(1)} µs (90%: ${us[900].toFixed(1)})`;
  };
  try {
    return `hand-over of an empty part: ${times(0)} while the worker watches, ${times(2)} after 2 ms (asleep)`;
  } finally {
    wasm._free(at);
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--model");
  const name = at >= 0 ? process.argv[at + 1] : "cnn";
  const spec = BENCH_MODELS[name];
  if (!spec || spec.input === "tokens" || spec.input === "onehot")
    throw new Error(`second-core bench: --model takes cnn, lesson, sigmoid or mlp, not ${name}`);
  const steps = option(process.argv, "--steps", spec.input === "channels" ? 40 : 400);
  const rounds = option(process.argv, "--rounds", 3);
  const load = os.loadavg()[0];
  await init({ backend: "wasm", verbose: false, fastOps: true });
  setRandomSeed(42);
  if (!(await whenSecondCoreReady()))
    throw new Error("second-core bench: no second core here (one CPU, or TSLAB_DL_THREADS=1)");
  const batch = spec.batch;
  const [x, y] = await benchData(spec.input, steps * batch, 0);
  const model = spec.build();
  await model.fit(x.slice(0, 4 * batch), y.slice(0, 4 * batch), { epochs: 1, batchSize: batch, verbose: 0 });
  const wall: number[][] = SETTINGS.map(() => []);
  const cpu: number[][] = SETTINGS.map(() => []);
  const parts: number[] = SETTINGS.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [i, setting] of SETTINGS.entries()) {
      Object.assign(secondCoreSettings, defaults, setting.settings);
      const [used, start, before] = [process.cpuUsage(), performance.now(), secondCoreParts()];
      await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
      wall[i].push((performance.now() - start) / steps);
      const spent = process.cpuUsage(used);
      cpu[i].push((spent.user + spent.system) / 1000 / steps);
      parts[i] = (secondCoreParts() - before) / steps;
    }
  }
  Object.assign(secondCoreSettings, defaults);
  const heap = sharedWasmHeap()
    ? "tfjs's heap shared: the worker computes on it"
    : "tfjs's heap not shared: parts copied";
  console.log(
    `${spec.title}: training step, ${steps} steps × ${rounds} rounds; ${heap}; load average ${load.toFixed(2)} at the start`,
  );
  for (const [i, setting] of SETTINGS.entries()) {
    const w = wall[i];
    console.log(
      `${setting.name.padEnd(60)} ${median(w).toFixed(2)} ms/step (${Math.min(...w).toFixed(2)}–${Math.max(...w).toFixed(2)}), ` +
        `CPU ${median(cpu[i]).toFixed(2)} ms/step, ${parts[i]} parts/step on the second core`,
    );
  }
  console.log(handOverTimes());
  console.log(`load average ${os.loadavg()[0].toFixed(2)} at the end`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
