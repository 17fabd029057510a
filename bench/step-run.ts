/**
 * One TensorFlow.js timing run of one bench model, in its own process (kernel registrations
 * and memory do not mix between runs). Started by `bench/train.ts`; prints one JSON line.
 *
 *   node dist/bench/step-run.js --model lesson --path fast|stock --steps 300 --warmup 30 [--profile out.cpuprofile]
 *
 * `fit` runs `warmup` steps, then, timed, `steps` steps on the next `steps × batch` Fashion-MNIST
 * training images (pixels / 255) or token sequences (`benchTokens`), one epoch, shuffled, no validation.
 */
import * as fs from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { init } from "../src/backend";
import { setRandomSeed } from "../src/seed";
import { explainFastPath } from "../src/speed";
import { benchData, BENCH_MODELS } from "./models";

export interface StepResult {
  model: string;
  path: "fast" | "stock";
  steps: number;
  msPerStep: number;
  cpuMsPerStep: number;
  explain: string;
}

interface Args {
  model: string;
  path: "fast" | "stock";
  steps: number;
  warmup: number;
  /** Write a CPU profile of the timed steps only (what `node --cpu-prof` would show, without the set-up). */
  profile?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { model: "lesson", path: "fast", steps: 300, warmup: 30 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === "--model" && value in BENCH_MODELS) args.model = value;
    else if (key === "--path" && (value === "fast" || value === "stock")) args.path = value;
    else if (key === "--steps") args.steps = Number(value);
    else if (key === "--warmup") args.warmup = Number(value);
    else if (key === "--profile") args.profile = value;
    else throw new Error(`step-run: unknown argument ${key} ${value ?? ""}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await init({ backend: "wasm", verbose: false, fastOps: args.path === "fast" });
  setRandomSeed(42);
  const spec = BENCH_MODELS[args.model];
  const n = (args.warmup + args.steps) * spec.batch;
  const [x, y] = await benchData(spec.input, n, spec.vocabulary ?? 0);
  const model = spec.build();
  const split = args.warmup * spec.batch;
  const part = (t: tf.Tensor, from: number, to: number) => t.slice(from, to - from);
  const [xWarm, yWarm, xTimed, yTimed] = [part(x, 0, split), part(y, 0, split), part(x, split, n), part(y, split, n)];
  if (args.warmup > 0) await model.fit(xWarm, yWarm, { epochs: 1, batchSize: spec.batch, verbose: 0 });
  const session = args.profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  await model.fit(xTimed, yTimed, { epochs: 1, batchSize: spec.batch, verbose: 0 });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (session && args.profile) {
    const { profile } = await session.post("Profiler.stop");
    fs.writeFileSync(args.profile, JSON.stringify(profile));
    session.disconnect();
  }
  const result: StepResult = {
    model: args.model,
    path: args.path,
    steps: args.steps,
    msPerStep: wall / args.steps,
    cpuMsPerStep: (used.user + used.system) / 1000 / args.steps,
    explain: explainFastPath(model),
  };
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
