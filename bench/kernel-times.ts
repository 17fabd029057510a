/**
 * Each kernel tslab-dl registers on wasm, timed alone at the shapes the book's models give it
 * (the lesson's dense net at batch 32, the 300/100 net at batch 64, 8-2's CNN at batch 32, 9-3's
 * Embedding at batch 64 × 100 tokens), through tfjs's kernel registry, so the same script times
 * whatever a checkout registers: run it from two builds to compare them kernel by kernel.
 *
 *   node dist/bench/kernel-times.js [--stock] [--rounds 7] [--json] [--only _FusedMatMul]
 *
 * Prints, per kernel and shape, the median and the fastest of `rounds` rounds in microseconds
 * per call (each round times enough calls to last about 50 ms). `--stock` times tfjs's own
 * kernels instead (fast ops off); `--json` prints one JSON line per kernel instead of a table;
 * `--only` times one kernel's cases.
 */
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { init } from "../src/backend";

/** One kernel at one shape: its inputs (made once) and attributes. */
interface Case {
  kernel: string;
  shape: string;
  inputs: () => tf.NamedTensorMap;
  attrs?: tf.NamedAttrMap;
}

const random = (shape: number[]) => tf.randomUniform(shape, -1, 1, "float32", 7);
/** Like a relu layer's output: about half exact zeros. */
const relued = (shape: number[]) => tf.tidy(() => tf.relu(random(shape)));
const scalar = (value: number) => tf.scalar(value);

/** tfjs's matMul is the BatchMatMul kernel with a batch of one. */
const matMul = (m: number, k: number, n: number, transposeA = false, transposeB = false): Case => ({
  kernel: "BatchMatMul",
  shape: `${transposeA ? `[${k},${m}]ᵀ` : `[${m},${k}]`}·${transposeB ? `[${n},${k}]ᵀ` : `[${k},${n}]`}`,
  inputs: () => ({
    a: random(transposeA ? [1, k, m] : [1, m, k]),
    b: random(transposeB ? [1, n, k] : [1, k, n]),
  }),
  attrs: { transposeA, transposeB },
});

const fusedMatMul = (m: number, k: number, n: number): Case => ({
  kernel: "_FusedMatMul",
  shape: `[${m},${k}]·[${k},${n}] + bias, relu`,
  inputs: () => ({ a: random([m, k]), b: random([k, n]), bias: random([n]) }),
  attrs: { transposeA: false, transposeB: false, activation: "relu" },
});

/** tfjs's attributes of a stride-1, same-padded NHWC convolution and its gradients (no rounding mode). */
const SAME_CONV = { strides: [1, 1], pad: "same", dataFormat: "NHWC", dimRoundingMode: null as unknown as string };

const conv = (x: number[], filter: number[], fused: boolean): Case => ({
  kernel: fused ? "FusedConv2D" : "Conv2D",
  shape: `[${x.join(",")}] ⊛ [${filter.join(",")}] same${fused ? " + bias, relu" : ""}`,
  inputs: () => ({
    x: random(x),
    filter: random(filter),
    ...(fused ? { bias: random([filter[3]]) } : {}),
  }),
  attrs: { ...SAME_CONV, dilations: [1, 1], ...(fused ? { activation: "relu" } : {}) },
});

const CASES: Case[] = [
  fusedMatMul(32, 784, 100),
  fusedMatMul(64, 784, 300),
  fusedMatMul(32, 3136, 100),
  matMul(32, 100, 10),
  matMul(784, 32, 100, true),
  matMul(32, 10, 100, false, true),
  matMul(32, 100, 784, false, true),
  matMul(32, 784, 100),
  conv([32, 28, 28, 1], [3, 3, 1, 32], true),
  conv([32, 14, 14, 32], [3, 3, 32, 64], true),
  conv([32, 14, 14, 32], [3, 3, 32, 64], false),
  {
    kernel: "Conv2DBackpropFilter",
    shape: "x [32,14,14,32], dy [32,14,14,64] → [3,3,32,64]",
    inputs: () => ({ x: relued([32, 14, 14, 32]), dy: random([32, 14, 14, 64]) }),
    attrs: { ...SAME_CONV, filterShape: [3, 3, 32, 64] },
  },
  {
    kernel: "Conv2DBackpropInput",
    shape: "dy [32,14,14,64], filter [3,3,32,64] → [32,14,14,32]",
    inputs: () => ({ dy: random([32, 14, 14, 64]), filter: random([3, 3, 32, 64]) }),
    attrs: { ...SAME_CONV, inputShape: [32, 14, 14, 32] },
  },
  {
    kernel: "MaxPoolGrad",
    shape: "dy [32,7,7,64], x [32,14,14,64], 2×2 / 2",
    inputs: () => {
      const input = random([32, 14, 14, 64]);
      const output = tf.maxPool(input as tf.Tensor4D, 2, 2, "valid");
      return { dy: random([32, 7, 7, 64]), input, output };
    },
    attrs: { filterSize: [2, 2], strides: [2, 2], pad: "valid", dimRoundingMode: null as unknown as string },
  },
  {
    kernel: "Slice",
    shape: "[12000,784] rows 4800…4831",
    inputs: () => ({ x: random([12000, 784]) }),
    attrs: { begin: [4800, 0], size: [32, 784] },
  },
  {
    kernel: "GatherV2",
    shape: "[12000,784] at 32 rows",
    inputs: () => ({ x: random([12000, 784]), indices: tf.randomUniform([32], 0, 12000, "int32", 3) }),
    attrs: { axis: 0, batchDims: 0 },
  },
  {
    kernel: "GatherV2",
    shape: "[500,16] at 64×100 tokens",
    inputs: () => ({ x: random([500, 16]), indices: tf.randomUniform([6400], 0, 500, "int32", 3) }),
    attrs: { axis: 0, batchDims: 0 },
  },
  {
    kernel: "UnsortedSegmentSum",
    shape: "[6400,16] into 500 rows",
    inputs: () => ({ x: random([6400, 16]), segmentIds: tf.randomUniform([6400], 0, 500, "int32", 3) }),
    attrs: { numSegments: 500 },
  },
  {
    kernel: "Sum",
    shape: "[32,100] over axis 0",
    inputs: () => ({ x: random([32, 100]) }),
    attrs: { axis: [0], keepDims: false },
  },
  ...["Add", "Sub", "Multiply", "RealDiv"].map((kernel): Case => ({
    kernel,
    shape: "[784,100] with [784,100]",
    inputs: () => ({ a: random([784, 100]), b: random([784, 100]) }),
  })),
  {
    kernel: "Multiply",
    shape: "[784,100] with a scalar",
    inputs: () => ({ a: random([784, 100]), b: scalar(0.9) }),
  },
  {
    kernel: "Identity",
    shape: "[784,100]",
    inputs: () => ({ x: random([784, 100]) }),
  },
  {
    kernel: "TslabDlAdam",
    shape: "[784,100]",
    inputs: () => ({
      value: random([784, 100]),
      m: random([784, 100]),
      v: tf.tidy(() => random([784, 100]).abs()),
      gradient: random([784, 100]),
      oneMinusAccBeta1: scalar(0.1),
      oneMinusAccBeta2: scalar(0.001),
    }),
    attrs: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.001 },
  },
];

interface Timing {
  kernel: string;
  shape: string;
  registered: boolean;
  medianUs: number;
  fastestUs: number;
}

/** Microseconds per call of one case: the median and fastest of `rounds` rounds of ~50 ms each. */
function time(c: Case, rounds: number): Timing {
  const registered = tf.getKernel(c.kernel, "wasm") !== undefined;
  if (!registered) return { kernel: c.kernel, shape: c.shape, registered, medianUs: NaN, fastestUs: NaN };
  const inputs = c.inputs();
  const attrs = c.attrs ?? {};
  const call = () => tf.dispose(tf.engine().runKernel(c.kernel, inputs, attrs) as tf.Tensor | tf.Tensor[]);
  // Warm up, and size a round to about 50 ms.
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) call();
    if (performance.now() - start > 50 || calls >= 1 << 16) break;
    calls *= 2;
  }
  const perCall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) call();
    perCall.push(((performance.now() - start) * 1000) / calls);
  }
  tf.dispose(Object.values(inputs));
  perCall.sort((a, b) => a - b);
  return {
    kernel: c.kernel,
    shape: c.shape,
    registered,
    medianUs: perCall[Math.floor(rounds / 2)],
    fastestUs: perCall[0],
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const stock = argv.includes("--stock");
  const json = argv.includes("--json");
  const rounds = argv.includes("--rounds") ? Number(argv[argv.indexOf("--rounds") + 1]) : 7;
  await init({ backend: "wasm", verbose: false, fastOps: !stock });
  const before = tf.memory().numTensors;
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
  const timings = CASES.filter((c) => only === undefined || c.kernel === only).map((c) => time(c, rounds));
  if (tf.memory().numTensors !== before)
    throw new Error(`kernel-times leaked ${tf.memory().numTensors - before} tensors`);
  if (json) {
    for (const t of timings) console.log(JSON.stringify(t));
    return;
  }
  console.log(
    `kernel times on wasm, ${stock ? "tfjs's own kernels" : "tslab-dl's fast ops"}; µs per call, median (fastest) of ${rounds} rounds`,
  );
  for (const t of timings) {
    const figure = t.registered ? `${t.medianUs.toFixed(1)} (${t.fastestUs.toFixed(1)})` : "not registered";
    console.log(`${t.kernel.padEnd(21)} ${t.shape.padEnd(52)} ${figure}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
