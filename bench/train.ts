/**
 * `npm run bench`: the models of `bench/models.ts` (the lesson's and its neighbours), each timed
 * on tslab-dl's default path, on stock tfjs (wasm), and with PyTorch at 1 thread (OpenBLAS too),
 * at 1 thread with OpenBLAS on all cores (its default here) and at all cores, on the same
 * Fashion-MNIST images in the same run. Prints a table and writes
 * `bench/RESULTS.md` (the README quotes it) and `out/bench/models-<time>.json`.
 *
 * Options: --steps N timed steps per model (default 300), --warmup N (default 30),
 * --stock-steps N for stock tfjs (default 60; it is several times slower), --models a,b (default
 * all: lesson,sigmoid,mlp,cnn), --rounds N (paths take turns; medians; default 1),
 * --no-profile (skip the profiled run that lists where each model's step goes),
 * --max-load X (default 1.5: with a higher 1-minute load average at the start the bench says so
 * and exits 2 without running: figures taken beside other work compare nothing),
 * --steady-steps N (default 800; 0: none): the dense models and the CNN once more, after N
 * warm-up steps, N timed (the CNN a tenth as many) (V8 optimises the JavaScript around the
 * kernels over a process's first several hundred steps; PyTorch has no such warm-up),
 * --out FILE (default bench/RESULTS.md), --no-readme (leave README.md's bench table alone;
 * otherwise the table between its `bench:start` and `bench:end` markers is replaced by this run's).
 * (`npm run bench:lesson` times the lesson's model over whole epochs and a notebook cell.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../src/io/atomic";
import { BENCH_MODELS } from "./models";
import { topFunctions } from "./profile-summary";
import type { StepResult } from "./step-run";

const repoRoot = path.resolve(__dirname, "..", "..");
const python = "/usr/bin/python3";

interface Options {
  steps: number;
  warmup: number;
  stockSteps: number;
  models: string[];
  rounds: number;
  profile: boolean;
  readme: boolean;
  out: string;
  maxLoad: number;
  steadySteps: number;
}

interface Timing {
  msPerStep: number;
  cpuMsPerStep: number;
}
type Outcome = Timing | { skipped: string };

function parseOptions(argv: string[]): Options {
  const options: Options = {
    steps: 300,
    warmup: 30,
    stockSteps: 60,
    models: Object.keys(BENCH_MODELS),
    rounds: 3,
    profile: true,
    readme: true,
    out: path.join(repoRoot, "bench", "RESULTS.md"),
    maxLoad: 1.5,
    steadySteps: 800,
  };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === "--no-profile" || key === "--no-readme") {
      if (key === "--no-profile") options.profile = false;
      else options.readme = false;
      continue;
    }
    i++;
    if (key === "--steps") options.steps = Number(value);
    else if (key === "--warmup") options.warmup = Number(value);
    else if (key === "--stock-steps") options.stockSteps = Number(value);
    else if (key === "--rounds") options.rounds = Number(value);
    else if (key === "--max-load") options.maxLoad = Number(value);
    else if (key === "--steady-steps") options.steadySteps = Number(value);
    else if (key === "--out") options.out = path.resolve(value);
    else if (key === "--models") {
      const unknown = value.split(",").filter((m) => !(m in BENCH_MODELS));
      if (unknown.length)
        throw new Error(
          `bench: unknown model(s) ${unknown.join(", ")}; expected some of ${Object.keys(BENCH_MODELS).join(", ")}`,
        );
      options.models = value.split(",");
    } else
      throw new Error(
        `bench: unknown option ${key}; expected --steps, --warmup, --stock-steps, --models, --rounds, --max-load, --steady-steps, --no-profile, --no-readme or --out`,
      );
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
  return { skipped: `${path.basename(command)} ${args.join(" ")} exited ${child.status}: ${why}` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of a path's rounds, with the spread (lowest and highest ms/step) beside it. */
type Summary = Timing & { min: number; max: number };

function medianOf(runs: Outcome[]): Summary | { skipped: string } {
  const ok = runs.filter((r): r is Timing => !("skipped" in r));
  if (ok.length === 0) return runs[0] as { skipped: string };
  const ms = ok.map((r) => r.msPerStep);
  return {
    msPerStep: median(ms),
    cpuMsPerStep: median(ok.map((r) => r.cpuMsPerStep)),
    min: Math.min(...ms),
    max: Math.max(...ms),
  };
}

const fmt = (r: Outcome | undefined, digits = 2): string => (!r || "skipped" in r ? "—" : r.msPerStep.toFixed(digits));

/** "12.3 (11.9–13.0)": the median and, over several rounds, the spread. */
function fmtSpread(r: Outcome | undefined): string {
  if (!r || "skipped" in r || !("min" in r)) return fmt(r);
  const { msPerStep, min, max } = r as Summary;
  return min === max ? fmt(r) : `${msPerStep.toFixed(2)} (${min.toFixed(2)}–${max.toFixed(2)})`;
}

/**
 * Which BLAS library PyTorch loaded, read from its process's memory map after a matrix product:
 * Debian's python3-torch uses whatever libblas.so.3 the system has, and the reference BLAS makes
 * its dense layers several times slower than OpenBLAS does.
 */
function torchBlas(): string {
  const probe = [
    "import torch",
    "torch.ones(64, 64) @ torch.ones(64, 64)",
    "libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower() and '/' in l})",
    "print(' '.join(libs) or 'none')",
  ].join("\n");
  const child = spawnSync(python, ["-c", probe], { encoding: "utf8" });
  if (child.status !== 0) return "unknown (torch did not load)";
  const libs = child.stdout.trim();
  const kind = /openblas/i.test(libs) ? "OpenBLAS" : /mkl/i.test(libs) ? "MKL" : "reference BLAS or unknown";
  return `${libs} (${kind})`;
}

/**
 * The widest vectors this CPU offers native code (PyTorch's BLAS picks its kernels by them);
 * WebAssembly SIMD is 128 bits wide on every CPU, so where OpenBLAS has AVX-512 its products
 * do up to four times the work per instruction that ours can.
 */
function vectorWidth(): string {
  let flags = "";
  try {
    flags = fs.readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    return "vector width unknown";
  }
  const has = (flag: string): boolean => new RegExp(`\\b${flag}\\b`).test(flags);
  if (has("avx512f")) return "AVX-512";
  if (has("avx2")) return "AVX2, no AVX-512";
  return has("avx") ? "AVX, no AVX2" : "no AVX";
}

function torchAvailable(): string | null {
  const child = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  return child.status === 0 ? child.stdout.trim() : null;
}

/** Replace README.md's text between its bench markers with `quote`; false when it has no markers. */
function spliceReadme(quote: string): boolean {
  const readme = path.join(repoRoot, "README.md");
  const [start, end] = ["<!-- bench:start -->", "<!-- bench:end -->"];
  const text = fs.readFileSync(readme, "utf8");
  const [from, to] = [text.indexOf(start), text.indexOf(end)];
  if (from < 0 || to < from) return false;
  writeFileAtomic(readme, `${text.slice(0, from + start.length)}\n${quote}\n${text.slice(to)}`);
  return true;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const startLoad = os.loadavg()[0];
  if (startLoad > options.maxLoad) {
    console.error(
      `bench: the load average is ${startLoad.toFixed(2)}, above ${options.maxLoad}: other work shares the machine, ` +
        "so the figures would compare nothing; nothing was run or written. Run it with nothing else on the machine.",
    );
    process.exit(2);
  }
  const torchVersion = torchAvailable();
  const blas = torchVersion ? torchBlas() : "—";
  console.error(`bench: PyTorch ${torchVersion ?? "not available"}, BLAS: ${blas}`);
  const cores = os.cpus().length;
  const stepRun = path.join(repoRoot, "dist", "bench", "step-run.js");
  const share = (m: string, steps: number): string =>
    String(Math.max(5, Math.round(steps * BENCH_MODELS[m].stepShare)));
  /** A timing run's `--steps` (model `m`'s share of `steps`) and `--warmup`. */
  const stepArgs = (m: string, steps: number, warmup: number): string[] => [
    "--steps",
    share(m, steps),
    "--warmup",
    String(warmup),
  ];
  /** Each path's run of `model`: `steps` timed steps (before the model's share) after `warmup`. */
  const paths: { key: string; run: (model: string, steps: number, warmup: number) => Outcome }[] = [
    {
      key: "torch1",
      run: (m, steps, warmup) =>
        torchVersion
          ? runJson<Timing>(python, [
              "bench/torch_models.py",
              "--model",
              m,
              "--threads",
              "1",
              ...stepArgs(m, steps, warmup),
            ])
          : { skipped: `${python} cannot import torch` },
    },
    {
      key: "torchBlas",
      run: (m, steps, warmup) =>
        torchVersion
          ? runJson<Timing>(python, [
              "bench/torch_models.py",
              ...["--model", m, "--threads", "1", "--blas-threads", String(cores), ...stepArgs(m, steps, warmup)],
            ])
          : { skipped: `${python} cannot import torch` },
    },
    {
      key: "torchAll",
      run: (m, steps, warmup) =>
        torchVersion
          ? runJson<Timing>(python, [
              "bench/torch_models.py",
              ...["--model", m, "--threads", String(cores), ...stepArgs(m, steps, warmup)],
            ])
          : { skipped: `${python} cannot import torch` },
    },
    {
      key: "ours",
      run: (m, steps, warmup) =>
        runJson<StepResult>(process.execPath, [stepRun, "--model", m, "--path", "fast", ...stepArgs(m, steps, warmup)]),
    },
    {
      key: "stock",
      run: (m, steps, warmup) =>
        runJson<StepResult>(process.execPath, [
          stepRun,
          "--model",
          m,
          "--path",
          "stock",
          ...stepArgs(m, steps, warmup),
        ]),
    },
  ];
  /**
   * `rounds` runs of `model` on each of `on`, the paths taking turns within a round: the runs per
   * path (stock tfjs takes `--stock-steps`, the others `steps`).
   */
  const timeRounds = (model: string, on: typeof paths, steps: number, warmup: number, label: string) => {
    const runs: Record<string, Outcome[]> = Object.fromEntries(on.map((p) => [p.key, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const p of on) {
        process.stderr.write(`bench: ${label}: round ${round + 1}/${options.rounds}: ${p.key} ...\n`);
        runs[p.key].push(p.run(model, p.key === "stock" ? options.stockSteps : steps, warmup));
      }
    }
    return runs;
  };
  const medians = (runs: Record<string, Outcome[]>): Record<string, Outcome> =>
    Object.fromEntries(Object.entries(runs).map(([key, outcomes]) => [key, medianOf(outcomes)]));
  const load = startLoad;
  const started = new Date();
  const results: Record<
    string,
    { times: Record<string, Outcome>; explain?: string; profile?: { name: string; share: number }[] }
  > = {};
  for (const model of options.models) {
    const runs = timeRounds(model, paths, options.steps, options.warmup, model);
    const explain = (runs.ours.find((r) => !("skipped" in r)) as StepResult | undefined)?.explain;
    results[model] = { times: medians(runs), explain };
    if (options.profile) {
      const file = path.join(repoRoot, "out", "bench", `profile-${model}.cpuprofile`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      process.stderr.write(`bench: ${model}: profiled run ...\n`);
      const profiled = runJson<StepResult>(process.execPath, [
        stepRun,
        ...["--model", model, "--path", "fast", ...stepArgs(model, options.steps, options.warmup), "--profile", file],
      ]);
      if (!("skipped" in profiled)) results[model].profile = topFunctions(file);
    }
  }
  // The dense models and the CNN again after a long warm-up: PyTorch at both settings and tslab-dl's path, taking turns.
  const steadyModels =
    options.steadySteps > 0 ? options.models.filter((m) => ["images", "channels"].includes(BENCH_MODELS[m].input)) : [];
  const steady: Record<string, Record<string, Outcome>> = {};
  const longPaths = paths.filter((p) => p.key !== "stock");
  for (const model of steadyModels) {
    const label = `${model} after ${options.steadySteps} steps`;
    steady[model] = medians(timeRounds(model, longPaths, options.steadySteps, options.steadySteps, label));
  }
  const finished = new Date();

  const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${vectorWidth()}), ${cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  /** tslab-dl's ms/step over PyTorch's at its fastest thread setting, or "—". */
  const ratioOf = (r: Record<string, Outcome>): string => {
    const torchTimes = [r.torch1, r.torchBlas, r.torchAll].filter((t): t is Timing => !!t && !("skipped" in t));
    const faster = torchTimes.length ? Math.min(...torchTimes.map((t) => t.msPerStep)) : NaN;
    const ours = r.ours;
    return ours && !("skipped" in ours) && Number.isFinite(faster) ? (ours.msPerStep / faster).toFixed(2) : "—";
  };
  const rows = options.models.map((model) => {
    const r = results[model].times;
    const ours = r.ours;
    const ratio = ratioOf(r);
    const cpuRatio =
      ours && !("skipped" in ours) && r.torch1 && !("skipped" in r.torch1)
        ? (ours.cpuMsPerStep / r.torch1.cpuMsPerStep).toFixed(2)
        : "—";
    return `| ${BENCH_MODELS[model].title} | **${fmtSpread(ours)}** | ${fmtSpread(r.torch1)} | ${fmtSpread(r.torchBlas)} | ${fmtSpread(r.torchAll)} | **${ratio}** | ${fmt(r.stock)} | ${cpuRatio} |`;
  });
  const steadyRows = steadyModels.map((model) => {
    const r = steady[model];
    return `| ${BENCH_MODELS[model].title} | **${fmtSpread(r.ours)}** | ${fmtSpread(r.torch1)} | ${fmtSpread(r.torchBlas)} | ${fmtSpread(r.torchAll)} | **${ratioOf(r)}** |`;
  });
  const steadyTable = steadyModels.length
    ? [
        `After ${options.steadySteps} warm-up steps, ${options.steadySteps} timed (the dense models and the CNN, which times a tenth as many; ${options.rounds} round(s), the paths taking turns): what a long fit meets after its first epoch or so. V8 optimises the JavaScript around tslab-dl's kernels over the first several hundred steps of a process; PyTorch has no such warm-up.`,
        "",
        `| model | tslab-dl ms/step | PyTorch 1 thread | PyTorch 1 thread, BLAS ${cores} | PyTorch ${cores} threads | ratio vs fastest PyTorch |`,
        "|---|---:|---:|---:|---:|---:|",
        ...steadyRows,
      ]
    : [];
  const skippedIn = (label: string, times: Record<string, Outcome>): string[] =>
    Object.entries(times)
      .filter(([, v]) => "skipped" in v)
      .map(([key, v]) => `- ${label}, ${key}: skipped: ${(v as { skipped: string }).skipped}`);
  const skipped = [
    ...options.models.flatMap((model) => skippedIn(model, results[model].times)),
    ...steadyModels.flatMap((model) => skippedIn(`${model} (long run)`, steady[model])),
  ];
  const table = [
    `| model | tslab-dl ms/step | PyTorch 1 thread | PyTorch 1 thread, BLAS ${cores} | PyTorch ${cores} threads | ratio vs fastest PyTorch | stock tfjs wasm | CPU-time ratio vs PyTorch 1 thread |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ];
  const text = [
    "# Bench results",
    "",
    "Written by `npm run bench` (`bench/train.ts`); every figure below comes from the one run described here. Do not edit by hand.",
    "",
    `- Run: ${started.toISOString()} to ${finished.toISOString()}`,
    `- Machine: ${machine}; ${os.type()} ${os.release()}; load average ${load.toFixed(2)} when the run began`,
    `- Node ${process.version}; tfjs 4.22.0 on the WebAssembly backend; PyTorch ${torchVersion ?? "not available"} (${python})`,
    `- PyTorch's BLAS: ${blas}`,
    `- Each model: ${options.warmup} warm-up steps, then ${options.steps} timed training steps (stock tfjs: ${options.stockSteps}; the CNN a tenth of each) on the next Fashion-MNIST training images (the recurrent models: token sequences of 100); ${options.rounds} round(s), the paths taking turns within each round, medians with the spread (lowest–highest) beside them`,
    "",
    ...table,
    "",
    `The bench refuses to run when the load average at its start is above ${options.maxLoad}` +
      (options.maxLoad > 1.5
        ? ` (raised from 1.5 with --max-load for this run: its figures were taken beside other work and compare nothing); this run began at ${load.toFixed(2)}.`
        : `; this run began at ${load.toFixed(2)}, with nothing else on the machine.`),
    "",
    `ms/step is wall-clock time per training step (forward, backward, optimizer update and \`fit\`'s batch loop). PyTorch runs three ways: 1 thread, its products' OpenBLAS on 1 thread too (OPENBLAS_NUM_THREADS, bench/blas_threads.py: torch.set_num_threads alone leaves OpenBLAS a thread per core); 1 thread with OpenBLAS on ${cores} (PyTorch's default on this machine); and ${cores} threads. The ratio is against the fastest of the three. The CPU-time ratio divides this process's CPU time per step by PyTorch's at 1 thread: steadier than wall time when other work shares the machine.`,
    "",
    ...(steadyTable.length ? ["## After warm-up", "", ...steadyTable, ""] : []),
    "## Which path each model took",
    "",
    ...options.models.map((model) => `- ${model}: ${results[model].explain ?? "—"}`),
    ...(options.profile
      ? [
          "",
          "## Where a step goes (CPU profile of the timed steps, self time)",
          "",
          ...options.models.map(
            (model) =>
              `- ${model}: ${(results[model].profile ?? []).map((f) => `${f.name} ${(100 * f.share).toFixed(0)}%`).join(", ") || "—"}`,
          ),
        ]
      : []),
    ...(skipped.length ? ["", "## Skipped", "", ...skipped] : []),
    "",
  ].join("\n");
  const json = path.join(repoRoot, "out", "bench", `models-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  for (const file of [options.out, json]) fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(options.out, text);
  writeFileAtomic(json, JSON.stringify({ options, machine, started, finished, results, steady }, null, 2) + "\n");
  console.log(text);
  console.log(`wrote ${path.relative(repoRoot, options.out)} and ${path.relative(repoRoot, json)}`);
  if (options.readme) {
    const quote = [
      `From \`${path.relative(repoRoot, options.out)}\`, the run of ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine} ` +
        `(load average ${load.toFixed(1)} at its start), Node ${process.version}, PyTorch ${torchVersion ?? "not available"} on ${blas}:`,
      "",
      ...table,
      ...(steadyTable.length ? ["", ...steadyTable] : []),
    ].join("\n");
    if (spliceReadme(quote)) console.log("updated README.md's bench table");
  }
}

main();
