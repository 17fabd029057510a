/**
 * Where a training step's time goes, kernel by kernel: wraps every kernel registered for the
 * backend with a timer, trains the lesson's model on random data for a few hundred steps and
 * prints calls per step, microseconds per call and share of the step, heaviest first.
 *
 *   node dist/bench/op-times.js [--backend wasm] [--fast [--stock Kernel,Kernel]] [--steps 300] [--shapes]
 */
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { installFastOps } from "../src/speed";
import { tutorialModel } from "./model";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const backend = argv.includes("--backend") ? argv[argv.indexOf("--backend") + 1] : "wasm";
  const steps = argv.includes("--steps") ? Number(argv[argv.indexOf("--steps") + 1]) : 300;

  if (backend === "wasm") require("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend(backend);
  await tf.ready();
  if (argv.includes("--fast")) {
    // --stock A,B: keep these kernels stock, to measure one replacement against the rest.
    const keep = argv.includes("--stock") ? argv[argv.indexOf("--stock") + 1].split(",") : [];
    const stockConfigs = keep.map((name) => tf.getKernel(name, backend)).filter((c) => c !== undefined);
    installFastOps();
    for (const config of stockConfigs) {
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
  }

  const detailed = argv.includes("--shapes");
  const describe = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): string =>
    Object.values(args.inputs)
      .map((t) => (t ? `[${t.shape.join(",")}]` : "-"))
      .join("") + (args.attrs ? " " + JSON.stringify(args.attrs).slice(0, 60) : "");
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          const key = detailed ? `${config.kernelName} ${describe(args)}` : config.kernelName;
          const entry = totals.get(key) ?? { calls: 0, ms: 0 };
          entry.calls++;
          entry.ms += performance.now() - start;
          totals.set(key, entry);
        }
      },
    });
  }
  const model = tutorialModel();
  const n = 32 * steps;
  const x = tf.randomUniform([n, 28, 28]);
  const y = tf.randomUniform([n], 0, 10, "int32").toFloat();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 }); // warm-up
  totals.clear();
  const start = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const wall = performance.now() - start;
  const kernelMs = [...totals.values()].reduce((a, b) => a + b.ms, 0);
  console.log(
    `${backend}${argv.includes("--fast") ? " + fast ops" : ""}: ${(wall / steps).toFixed(3)} ms/step wall, ` +
      `${(kernelMs / steps).toFixed(3)} ms/step inside kernels (nested kernels counted in their callers too)`,
  );
  console.log("kernel                      calls/step   us/call   ms/step   % of wall");
  for (const [name, { calls, ms }] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(
      `${name.padEnd(detailed ? 90 : 28)}${(calls / steps).toFixed(1).padStart(10)}${((1000 * ms) / calls).toFixed(1).padStart(10)}` +
        `${(ms / steps).toFixed(3).padStart(10)}${((100 * ms) / wall).toFixed(1).padStart(11)}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
