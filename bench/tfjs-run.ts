/**
 * One TensorFlow.js training run of the tutorial model, in its own process so
 * that backends, kernel registrations and peak memory do not mix between runs.
 * Started by `bench/train.ts`; prints one JSON line (a {@link RunResult}) last.
 *
 *   node dist/bench/tfjs-run.js --path default|stock --backend wasm|cpu|tensorflow --epochs 2
 */
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { loadFashionMnist, trainTestSplit } from "../src/data";
import { init } from "../src/backend";
import { setRandomSeed } from "../src/seed";
import { useFastOps } from "../src/speed";
import { tutorialModel } from "./model";

/** What one run measured; `bench/torch_ref.py` prints the same fields. */
export interface RunResult {
  name: string;
  backend: string;
  threads: number;
  epochs: number;
  stepsPerEpoch: number;
  /** Training steps only (epoch minus a timed validation pass), median over epochs after the first when there are several. */
  msPerStep: number;
  /** Whole epoch including validation, median over epochs after the first when there are several. */
  sPerEpoch: number;
  samplesPerSec: number;
  peakRssMB: number;
  valLoss: number;
  valAccuracy: number;
  epochSeconds: number[];
  trainSeconds: number[];
  /** One pass over the validation data, as fit runs it at the end of each epoch. */
  validationSeconds: number;
}

interface Args {
  path: "default" | "stock";
  backend: string;
  epochs: number;
  seed: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { path: "stock", backend: "wasm", epochs: 2, seed: 42 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === "--path" && (value === "default" || value === "stock")) args.path = value;
    else if (key === "--backend") args.backend = value;
    else if (key === "--epochs") args.epochs = Number(value);
    else if (key === "--seed") args.seed = Number(value);
    else throw new Error(`tfjs-run: unknown argument ${key} ${value ?? ""}`);
  }
  return args;
}

async function setUpBackend(args: Args): Promise<string> {
  if (args.path === "default") {
    const name = await init({ verbose: false }); // installs tslab-dl's fast ops
    // TSLAB_BENCH_STOCK=A,B keeps those kernels stock, to measure one replacement against the rest.
    const keep = (process.env.TSLAB_BENCH_STOCK ?? "").split(",").filter(Boolean);
    if (keep.length) {
      useFastOps(false);
      const stockConfigs = keep.map((k) => tf.getKernel(k, name)).filter((c) => c !== undefined);
      useFastOps(true);
      for (const config of stockConfigs) {
        tf.unregisterKernel(config.kernelName, name);
        tf.registerKernel(config);
      }
    }
    return name;
  }

  if (args.backend === "wasm") require("@tensorflow/tfjs-backend-wasm");
  if (args.backend === "tensorflow") require("@tensorflow/tfjs-node");

  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} did not initialise`);
  await tf.ready();
  return args.backend;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const backend = await setUpBackend(args);
  setRandomSeed(args.seed);

  const [[trainImages, trainLabels]] = await loadFashionMnist({ download: false });
  const scaled = tf.tidy(() => trainImages.toFloat().div(255));
  const [xTrain, xVal, yTrain, yVal] = trainTestSplit(scaled, trainLabels, { testSize: 0.2, randomState: 42 });
  const yTrainF = yTrain.toFloat();
  const yValF = yVal.toFloat();
  const batchSize = 32;
  const stepsPerEpoch = Math.ceil(xTrain.shape[0] / batchSize);

  const model = tutorialModel();
  const epochStart: number[] = [];
  const epochEnd: number[] = [];
  const history = await model.fit(xTrain, yTrainF, {
    epochs: args.epochs,
    batchSize,
    validationData: [xVal, yValF],
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        epochStart.push(performance.now());
      },
      // No onBatchEnd: with one, tfjs reads the batch's loss and accuracy back every step.
      onEpochEnd: async () => {
        epochEnd.push(performance.now());
      },
    },
  });
  // fit validates with the same test loop as evaluate; time that to take it out of the epoch.
  const validationSeconds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    tf.dispose(model.evaluate(xVal, yValF, { batchSize }) as tf.Scalar[]);
    validationSeconds.push((performance.now() - start) / 1000);
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

  const epochSeconds = epochEnd.map((t, i) => (t - epochStart[i]) / 1000);
  const trainSeconds = epochSeconds.map((s) => s - median(validationSeconds));
  const steady = (v: number[]): number[] => (v.length > 1 ? v.slice(1) : v);
  const lastVal = (key: string): number => {
    const values = history.history[key] as number[];
    return values[values.length - 1];
  };
  const trainS = median(steady(trainSeconds));
  const result: RunResult = {
    name: args.path === "default" ? `tslab-dl default (${backend})` : `stock tfjs model.fit (${backend})`,
    backend,
    threads: 1,
    epochs: args.epochs,
    stepsPerEpoch,
    msPerStep: (trainS * 1000) / stepsPerEpoch,
    sPerEpoch: median(steady(epochSeconds)),
    samplesPerSec: xTrain.shape[0] / trainS,
    peakRssMB: peakRss / 2 ** 20,
    valLoss: lastVal("val_loss"),
    valAccuracy: lastVal("val_acc"),
    epochSeconds,
    trainSeconds,
    validationSeconds: median(validationSeconds),
  };
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
