/**
 * `npm run build && node dist/bench/cnn.js [--samples N] [--repeat R] [--only ours,stock,torch]`:
 * ms per training step (batch 32) of the next chapter's CNN ({@link cnnModel}) on the first N
 * Fashion-MNIST training images, for tslab-dl's default path (wasm with fast ops), stock
 * tfjs-backend-wasm (fast ops off; tslab-dl's Conv2DBackpropFilter still fills the kernel
 * stock lacks) and PyTorch at 1 thread (bench/torch_cnn.py), in rounds that alternate the paths;
 * medians of wall-clock and of CPU time (steadier on a busy machine: all three run on one thread)
 * reported. Prints one line per path and a JSON line last.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { loadFashionMnist } from "../src/data";
import { useFastOps } from "../src/speed";
import { cnnModel } from "./cnn-model";

const PATHS = ["ours", "stock", "torch"] as const;
type PathName = (typeof PATHS)[number];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Wall-clock and CPU-time ms per step of one pass. */
interface Pass {
  ms: number;
  cpuMs: number;
}

/** One timed epoch over x (after a warm-up of a few batches). */
async function tfjsPass(fast: boolean, x: tf.Tensor, y: tf.Tensor): Promise<Pass> {
  useFastOps(fast);
  const model = cnnModel();
  try {
    await model.fit(x.slice(0, 160), y.slice(0, 160), { epochs: 1, batchSize: 32, verbose: 0 });
    const steps = Math.ceil(x.shape[0] / 32);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false });
    const cpu = process.cpuUsage(cpuStart);
    return { ms: (performance.now() - start) / steps, cpuMs: (cpu.user + cpu.system) / 1000 / steps };
  } finally {
    model.dispose();
    useFastOps(true);
  }
}

function torchPass(samples: number): Pass {
  const script = path.resolve(__dirname, "..", "..", "bench", "torch_cnn.py");
  const child = spawnSync(
    "/usr/bin/python3",
    [script, "--samples", String(samples), "--repeat", "1", "--threads", "1"],
    {
      encoding: "utf8",
    },
  );
  const last = (child.stdout ?? "").trim().split("\n").pop() ?? "";
  if (child.status !== 0 || !last.startsWith("{")) throw new Error(`bench/torch_cnn.py failed: ${child.stderr}`);
  const result = JSON.parse(last) as { msPerStep: number; cpuMsPerStep: number };
  return { ms: result.msPerStep, cpuMs: result.cpuMsPerStep };
}

async function main(): Promise<void> {
  const samples = Number(option("samples", "1600"));
  const repeat = Number(option("repeat", "3"));
  const only = option("only", PATHS.join(",")).split(",") as PathName[];
  await tf.setBackend("wasm");
  await tf.ready();
  useFastOps(true);
  const [[images, labels]] = await loadFashionMnist({ download: false });
  const x = tf.tidy(() => images.slice(0, samples).toFloat().div(255).reshape([samples, 28, 28, 1]));
  const y = tf.tidy(() => labels.slice(0, samples).toFloat());
  tf.dispose([images, labels]);
  const passes: Record<string, Pass[]> = {};
  for (let round = 0; round < repeat; round++) {
    for (const name of only) {
      const pass = name === "torch" ? torchPass(samples) : await tfjsPass(name === "ours", x, y);
      (passes[name] ??= []).push(pass);
    }
  }
  const wall: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const name of only) {
    wall[name] = median(passes[name].map((p) => p.ms));
    cpu[name] = median(passes[name].map((p) => p.cpuMs));
    console.log(`${name.padEnd(6)} ${wall[name].toFixed(2)} ms/step wall, ${cpu[name].toFixed(2)} ms/step CPU`);
  }
  if (wall.torch) {
    for (const name of ["ours", "stock"]) {
      if (!wall[name]) continue;
      const ratio = (r: Record<string, number>): string => (r[name] / r.torch).toFixed(2);
      console.log(`${name}/torch ${ratio(wall)} wall, ${ratio(cpu)} CPU`);
    }
  }
  console.log(JSON.stringify({ samples, repeat, msPerStep: wall, cpuMsPerStep: cpu, passes }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
