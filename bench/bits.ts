/**
 * Seeded short fits of the bench models on tslab-dl's default path, each followed by a digest of
 * every weight: a change meant to keep the arithmetic (a faster kernel, a function moved) must
 * print the same lines as the commit before it. Build both checkouts and compare their output:
 *
 *   node dist/bench/bits.js [--models lesson,cnn] > after.txt
 *
 * Each model: seed 42, two epochs of 40 batches (the CNN 12) with 8 batches of validation, on
 * {@link benchData}'s samples. The digest is sha1 over the weights' float32 bytes in
 * `getWeights()` order, so it tells a difference of one bit, where losses printed to six digits
 * often do not. (A fit with tslab-dl's fast ops off prints other digests: that is how to see
 * it can fail.)
 */
import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { init } from "../src/backend";
import { setRandomSeed } from "../src/seed";
import { benchData, BENCH_MODELS } from "./models";

function parseModels(argv: string[]): string[] {
  if (argv.length === 0) return Object.keys(BENCH_MODELS);
  const names = argv[0] === "--models" && argv.length === 2 ? argv[1].split(",") : [];
  const unknown = names.filter((m) => !(m in BENCH_MODELS));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(
      `bits: expected --models with some of ${Object.keys(BENCH_MODELS).join(",")}; found ${argv.join(" ")}`,
    );
  return names;
}

async function main(): Promise<void> {
  const names = parseModels(process.argv.slice(2));
  await init({ backend: "wasm", verbose: false });
  for (const name of names) {
    const spec = BENCH_MODELS[name];
    setRandomSeed(42);
    const split = (spec.input === "channels" ? 12 : 40) * spec.batch;
    const n = split + 8 * spec.batch;
    const [x, y] = await benchData(spec.input, n, spec.vocabulary ?? 0);
    const model = spec.build();
    const [xTrain, yTrain, xVal, yVal] = [x.slice(0, split), y.slice(0, split), x.slice(split), y.slice(split)];
    const history = await model.fit(xTrain, yTrain, {
      epochs: 2,
      batchSize: spec.batch,
      verbose: 0,
      validationData: [xVal, yVal],
    });
    const digest = createHash("sha1");
    for (const w of model.getWeights()) {
      const values = w.dataSync() as Float32Array;
      digest.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    const valLoss = (history.history.val_loss as number[]).map((v) => v.toFixed(6)).join(" ");
    console.log(`${name} ${digest.digest("hex").slice(0, 12)} val_loss ${valLoss}`);
    tf.dispose([x, y, xTrain, yTrain, xVal, yVal]);
    model.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
