/**
 * What LivePlot costs: the lesson's model on Fashion-MNIST (48 000 training samples,
 * validation on 12 000, batch 32), with LivePlot in notebook mode, on a display bridge
 * that serialises every bundle to JSON as the kernel does before sending it. Prints the
 * time LivePlot spent in its callbacks (reading losses, progress bar, chart redraws) as a
 * share of training time, and fit's wall time with and without LivePlot (noisy on a
 * shared machine: the in-callback share is the figure to read). Writes
 * out/bench/live-plot.json. Run: `npm run build && node dist/bench/live-plot.js [epochs]`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { init, tf } from "../src/backend";
import { LivePlot } from "../src/callbacks";
import { loadFashionMnist, trainTestSplit } from "../src/data";
import { setDisplayBridge, type DisplayBridge } from "../src/display/registry";
import { setRandomSeed } from "../src/seed";
import { tutorialModel } from "./model";

const repoRoot = path.resolve(__dirname, "..", "..");

/** A rich bridge that pays the kernel's serialisation cost and keeps the byte count. */
function jsonBridge(): DisplayBridge & { bytes: number; messages: number } {
  const bridge = {
    rich: true,
    bytes: 0,
    messages: 0,
    display(bundle: object) {
      bridge.bytes += JSON.stringify(bundle).length;
      bridge.messages += 1;
    },
    clearOutput() {},
  };
  return bridge;
}

async function main(): Promise<void> {
  const epochs = Number(process.argv[2] ?? 3);
  await init({ verbose: false });
  const [[images, labels]] = await loadFashionMnist({ download: false });
  const x = tf.tidy(() => images.div(255));
  const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, labels, { testSize: 0.2, randomState: 42 });
  const fit = async (callbacks: tf.Callback[]): Promise<number> => {
    setRandomSeed(42);
    const model = tutorialModel();
    const start = performance.now();
    await model.fit(xTrain, yTrain, { epochs, batchSize: 32, verbose: 0, validationData: [xVal, yVal], callbacks });
    const ms = performance.now() - start;
    model.dispose();
    return ms;
  };
  const bridge = jsonBridge();
  setDisplayBridge(bridge);
  const live = new LivePlot();
  const epochOnly = new LivePlot({ batchPoints: false });
  // Alternate, so a change in the machine's load hits both alike.
  const plain1 = await fit([]);
  const watched = await fit([live]);
  await fit([epochOnly]);
  const plain2 = await fit([]);
  setDisplayBridge(undefined);
  const t = live.timing;
  const report = {
    date: new Date().toISOString(),
    epochs,
    stepsPerEpoch: Math.ceil(xTrain.shape[0] / 32),
    fitMsWithoutLivePlot: [plain1, plain2],
    fitMsWithLivePlot: watched,
    livePlot: { ...t, hookShare: t.hookMs / t.trainMs, chartShare: t.chartMs / t.trainMs },
    livePlotWithoutBatchPoints: { ...epochOnly.timing, hookShare: epochOnly.timing.hookMs / epochOnly.timing.trainMs },
    displayMessages: bridge.messages,
    displayBytes: bridge.bytes,
  };
  const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
  console.log(
    `${epochs} epochs of ${report.stepsPerEpoch} steps: fit ${(watched / 1000).toFixed(1)} s with LivePlot, ` +
      `${(plain1 / 1000).toFixed(1)} / ${(plain2 / 1000).toFixed(1)} s without\n` +
      `LivePlot's callbacks: ${t.hookMs.toFixed(0)} ms = ${pct(report.livePlot.hookShare)} of training; ` +
      `chart redraws: ${t.chartDraws}, ${t.chartMs.toFixed(0)} ms = ${pct(report.livePlot.chartShare)}; ` +
      `${bridge.messages} display messages, ${(bridge.bytes / 1e6).toFixed(1)} MB of JSON\n` +
      `without batch points: LivePlot's callbacks ${epochOnly.timing.hookMs.toFixed(0)} ms = ` +
      `${pct(report.livePlotWithoutBatchPoints.hookShare)} of training`,
  );
  const file = path.join(repoRoot, "out", "bench", "live-plot.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`wrote ${path.relative(repoRoot, file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
