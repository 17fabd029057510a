/**
 * Does the second core pay, and for which convolutions? The 8-2 CNN's training step (batch 32,
 * Fashion-MNIST) in one process under several settings, taking turns within each round: one core;
 * two cores for parts of at least `secondCoreSettings.minPartFlops` (the default, 5 MFLOP: both
 * convolutions, the first one's parts 7 MFLOP, the second's 115); two cores for the second
 * convolution only (parts ≥ 20 MFLOP); and the default with this thread keeping more than half of
 * each split layer. Prints ms per step (median and spread), CPU ms per step, and the load average
 * at the start; run it with nothing else on the machine.
 *
 *   node dist/bench/second-core.js [--steps 40] [--rounds 3]
 */
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { init } from "../src/backend";
import { loadFashionMnist } from "../src/data";
import { setRandomSeed } from "../src/seed";
import { secondCoreParts, secondCoreSettings, whenSecondCoreReady } from "../src/speed/second-core";
import { cnnModel } from "./cnn-model";

interface Setting {
  name: string;
  enabled: boolean;
  minPartFlops: number;
  ownShare: number;
}

const { minPartFlops, ownShare } = secondCoreSettings;
const SETTINGS: Setting[] = [
  { name: "one core", enabled: false, minPartFlops: Infinity, ownShare },
  {
    name: `two cores, parts ≥ ${minPartFlops / 1e6} MFLOP, this thread ${ownShare} (the default)`,
    enabled: true,
    minPartFlops,
    ownShare,
  },
  { name: "two cores, parts ≥ 20 MFLOP (the second convolution)", enabled: true, minPartFlops: 20e6, ownShare },
  ...[0.5625, 0.625].map((share) => ({
    name: `two cores, this thread ${share}`,
    enabled: true,
    minPartFlops,
    ownShare: share,
  })),
];

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const steps = option(process.argv, "--steps", 40);
  const rounds = option(process.argv, "--rounds", 3);
  const load = os.loadavg()[0];
  await init({ backend: "wasm", verbose: false, fastOps: true });
  setRandomSeed(42);
  if (!(await whenSecondCoreReady()))
    throw new Error("second-core bench: no second core here (one CPU, or TSLAB_DL_THREADS=1)");
  const batch = 32;
  const [[images, labels]] = await loadFashionMnist({ download: false });
  const x = tf.tidy(() =>
    images
      .slice(0, steps * batch)
      .toFloat()
      .div(255)
      .reshape([steps * batch, 28, 28, 1]),
  );
  const y = tf.tidy(() => labels.slice(0, steps * batch).toFloat());
  tf.dispose([images, labels]);
  const model = cnnModel();
  await model.fit(x.slice(0, 4 * batch), y.slice(0, 4 * batch), { epochs: 1, batchSize: batch, verbose: 0 });
  const wall: number[][] = SETTINGS.map(() => []);
  const cpu: number[][] = SETTINGS.map(() => []);
  const parts: number[] = SETTINGS.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [i, setting] of SETTINGS.entries()) {
      Object.assign(secondCoreSettings, {
        enabled: setting.enabled,
        minPartFlops: setting.minPartFlops,
        ownShare: setting.ownShare,
      });
      const [used, start, before] = [process.cpuUsage(), performance.now(), secondCoreParts()];
      await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
      wall[i].push((performance.now() - start) / steps);
      const spent = process.cpuUsage(used);
      cpu[i].push((spent.user + spent.system) / 1000 / steps);
      parts[i] = (secondCoreParts() - before) / steps;
    }
  }
  console.log(
    `8-2 CNN training step, batch 32, ${steps} steps × ${rounds} rounds; load average ${load.toFixed(2)} at the start`,
  );
  for (const [i, setting] of SETTINGS.entries()) {
    const w = wall[i];
    console.log(
      `${setting.name.padEnd(56)} ${median(w).toFixed(2)} ms/step (${Math.min(...w).toFixed(2)}–${Math.max(...w).toFixed(2)}), ` +
        `CPU ${median(cpu[i]).toFixed(2)} ms/step, ${parts[i]} parts/step on the second core`,
    );
  }
  console.log(`load average ${os.loadavg()[0].toFixed(2)} at the end`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
