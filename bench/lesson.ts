/**
 * `npm run bench:lesson [-- --epochs N]`: train the lesson's model on the Fashion-MNIST 80/20 split
 * (batch 32) with this package's default path, with stock tfjs `model.fit` on each backend
 * that loads, and with PyTorch when `/usr/bin/python3` has `torch`; then time a trivial cell
 * through the `tslab-dl` Jupyter kernel. Prints a table and writes `out/bench/bench-<time>.json`
 * (and `out/bench/latest.json`).
 *
 * Options: --epochs N (default 2), --cpu-epochs N (the plain CPU backend is ~40 ms/step; default 1),
 * --only name,name (default,wasm,cpu,tensorflow,torch,cell), --repeat N (rounds; paths alternate within a round; medians reported).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../src/io/atomic";
import type { RunResult } from "./tfjs-run";

const ALL = ["default", "wasm", "cpu", "tensorflow", "torch", "cell"] as const;
type PathName = (typeof ALL)[number];

interface Options {
  epochs: number;
  cpuEpochs: number;
  only: PathName[];
  repeat: number;
}

interface CellResult {
  kernel?: string;
  declaringMedianMs?: number;
  repeatedMedianMs?: number;
  declaringP95Ms?: number;
  medianMs?: number;
  p95Ms?: number;
  setupMs?: number;
  n?: number;
  skipped?: string;
}

const repoRoot = path.resolve(__dirname, "..", "..");
const python = "/usr/bin/python3";

function parseOptions(argv: string[]): Options {
  const options: Options = { epochs: 2, cpuEpochs: 1, only: [...ALL], repeat: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === "--epochs") options.epochs = Number(value);
    else if (key === "--cpu-epochs") options.cpuEpochs = Number(value);
    else if (key === "--repeat") options.repeat = Number(value);
    else if (key === "--only") {
      const names = value.split(",");
      const unknown = names.filter((n) => !(ALL as readonly string[]).includes(n));
      if (unknown.length)
        throw new Error(`bench: unknown path(s) ${unknown.join(", ")}; expected some of ${ALL.join(", ")}`);
      options.only = names as PathName[];
    } else throw new Error(`bench: unknown option ${key}; expected --epochs, --cpu-epochs, --repeat or --only`);
  }
  return options;
}

/** Run a child that prints one JSON object as its last stdout line. */
function runJson<T>(command: string, args: string[]): T | { skipped: string } {
  const child = spawnSync(command, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 << 20 });
  const lines = (child.stdout ?? "").trim().split("\n");
  const last = lines[lines.length - 1];
  if (child.status === 0 && last.startsWith("{")) return JSON.parse(last) as T;
  const why = (child.error?.message ?? child.stderr ?? "").trim().split("\n").slice(-3).join(" | ");
  return { skipped: `${command} ${args.join(" ")} exited ${child.status}: ${why}` };
}

function tfjsRun(pathName: "default" | "stock", backend: string, epochs: number): RunResult | { skipped: string } {
  const script = path.join(repoRoot, "dist", "bench", "tfjs-run.js");
  return runJson<RunResult>(process.execPath, [
    script,
    "--path",
    pathName,
    "--backend",
    backend,
    "--epochs",
    String(epochs),
  ]);
}

function canLoad(moduleName: string): boolean {
  try {
    require(moduleName);
    return true;
  } catch {
    return false;
  }
}

function torchAvailable(): boolean {
  return spawnSync(python, ["-c", "import torch"], { encoding: "utf8" }).status === 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Repeat a run and keep, for each numeric field, the median. */
function repeated(runs: (RunResult | { skipped: string })[]): RunResult | { skipped: string } {
  const ok = runs.filter((r): r is RunResult => !("skipped" in r));
  if (ok.length === 0) return runs[0];
  const out: RunResult = { ...ok[0] };
  for (const key of ["msPerStep", "sPerEpoch", "samplesPerSec", "peakRssMB", "valLoss", "valAccuracy"] as const) {
    out[key] = median(ok.map((r) => r[key]));
  }
  return out;
}

function fmt(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits);
}

function table(results: (RunResult | { skipped: string; name: string })[], torch: RunResult | undefined): string {
  const header = ["path", "ms/step", "s/epoch", "samples/s", "peak MB", "val loss", "val acc", "x PyTorch (s/epoch)"];
  const rows = results.map((r) =>
    "skipped" in r
      ? [r.name, `skipped: ${r.skipped}`]
      : [
          r.name,
          fmt(r.msPerStep, 2),
          fmt(r.sPerEpoch, 2),
          fmt(r.samplesPerSec, 0),
          fmt(r.peakRssMB, 0),
          fmt(r.valLoss, 4),
          fmt(r.valAccuracy, 4),
          torch ? fmt(r.sPerEpoch / torch.sPerEpoch, 2) : "-",
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 2).map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.length > 2 ? cells.map((c, i) => c.padEnd(widths[i])).join("  ") : cells.join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, text);
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const want = (p: PathName): boolean => options.only.includes(p);
  // Paths take turns, round after round, so that a change in the machine's load between
  // rounds hits every path alike; each path reports the median of its rounds.
  const plan: { name: string; run: () => RunResult | { skipped: string } }[] = [];
  const skipped: { name: string; skipped: string }[] = [];
  const torchName = "PyTorch";
  if (want("torch")) {
    if (torchAvailable()) {
      plan.push({
        name: torchName,
        run: () => runJson<RunResult>(python, ["bench/torch_ref.py", "--epochs", String(options.epochs)]),
      });
    } else {
      skipped.push({
        name: torchName,
        skipped: `${python} cannot import torch (apt-get install python3-torch libopenblas0-pthread)`,
      });
    }
  }
  if (want("default")) plan.push({ name: "tslab-dl default", run: () => tfjsRun("default", "", options.epochs) });
  if (want("tensorflow")) {
    if (canLoad("@tensorflow/tfjs-node"))
      plan.push({ name: "stock tfjs (tensorflow)", run: () => tfjsRun("stock", "tensorflow", options.epochs) });
    else skipped.push({ name: "stock tfjs (tensorflow)", skipped: "@tensorflow/tfjs-node does not load here" });
  }
  if (want("wasm")) plan.push({ name: "stock tfjs (wasm)", run: () => tfjsRun("stock", "wasm", options.epochs) });
  if (want("cpu"))
    plan.push({
      name: "stock tfjs (cpu)",
      run: () => tfjsRun("stock", "cpu", Math.min(options.epochs, options.cpuEpochs)),
    });

  const runs = new Map<string, (RunResult | { skipped: string })[]>(plan.map((p) => [p.name, []]));
  for (let round = 0; round < options.repeat; round++) {
    for (const p of plan) {
      process.stderr.write(`bench: round ${round + 1}/${options.repeat}: ${p.name} ...\n`);
      (runs.get(p.name) as (RunResult | { skipped: string })[]).push(p.run());
    }
  }
  const results: (RunResult | { skipped: string; name: string })[] = plan.map((p) => {
    const r = repeated(runs.get(p.name) as (RunResult | { skipped: string })[]);
    return "skipped" in r ? { ...r, name: p.name } : r;
  });
  results.push(...skipped);
  const torchResult = results.find((r) => r.name.startsWith(torchName) && !("skipped" in r));
  const torch = torchResult as RunResult | undefined;

  let cell: CellResult | undefined;
  if (want("cell")) {
    process.stderr.write("bench: cell round trip ...\n");
    cell = runJson<CellResult>(python, ["bench/cell_roundtrip.py"]);
  }

  const machine = `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()}`;
  console.log(
    `\nFashion-MNIST 48000/12000, batch 32, ${options.epochs} epoch(s); ${machine}; ${new Date().toISOString()}`,
  );
  console.log("ms/step: training steps only; s/epoch: training + validation, median of epochs after the first.\n");
  console.log(table(results, torch));
  if (torch)
    console.log(`\nPyTorch: ${torch.threads} thread(s), BLAS ${(torch as RunResult & { blas?: string }).blas ?? "?"}`);
  if (cell) {
    console.log(
      cell.skipped
        ? `\ncell round trip: skipped: ${cell.skipped}`
        : `\ncell round trip (${cell.kernel}, after importing tf; a new trivial cell "N + 1" each time): median ${fmt(cell.medianMs, 1)} ms, ` +
            `p95 ${fmt(cell.p95Ms, 1)} ms over ${cell.n}; setup cell ${fmt(cell.setupMs, 0)} ms\n` +
            `the same cell ("1 + 1") again and again: median ${fmt(cell.repeatedMedianMs, 1)} ms\n` +
            `cell declaring a name ("const benchValueN = N + 1;"): median ${fmt(cell.declaringMedianMs, 1)} ms, p95 ${fmt(cell.declaringP95Ms, 1)} ms`,
    );
  }
  const report = { date: new Date().toISOString(), machine, options, results, rounds: Object.fromEntries(runs), cell };
  const stamp = report.date.replace(/[:.]/g, "-");
  const text = JSON.stringify(report, null, 2) + "\n";
  writeAtomic(path.join(repoRoot, "out", "bench", `bench-${stamp}.json`), text);
  writeAtomic(path.join(repoRoot, "out", "bench", "latest.json"), text);
  console.log(`\nwrote out/bench/bench-${stamp}.json`);
}

main();
