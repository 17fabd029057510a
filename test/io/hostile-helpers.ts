/**
 * Helpers for the hostile-input tests: building files with h5py, and measuring
 * what refusing a file costs in a fresh Node process (so one test's memory
 * cannot hide in another's).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { PYTHON, repoRoot } from "../helpers";

export { PYTHON };
export const hasH5py = fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import h5py"]).status === 0;
export const SKIP_H5PY = hasH5py ? undefined : "needs /usr/bin/python3 with h5py (Debian package python3-h5py)";

/** Run a Python script (h5py and numpy imported as `h5py`, `np`); throws with its stderr when it fails. */
export function h5py(script: string): void {
  const r = spawnSync(PYTHON, ["-c", `import h5py\nimport numpy as np\n${script}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
}

/** What refusing an input cost, measured in a child process. */
export interface Refusal {
  /** The error's class name ("" when nothing was thrown). */
  name: string;
  message: string;
  /** Wall-clock milliseconds of the refused call. */
  ms: number;
  /** Growth of the process's peak resident memory during the call, in MB (worker threads included). */
  peakGrowthMB: number;
  /** What the child wrote on stderr. */
  stderr: string;
}

/** How {@link refuseInChild} runs its child: extra environment, another user (through `runuser`). */
export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  user?: string;
}

/**
 * Run `body`, the body of an async JavaScript function, in a fresh Node
 * process and report the error it throws with its time and memory. Inside,
 * `load("src/io/keras")` requires a compiled module of this repository; the
 * backend is initialised before measuring.
 *
 * @example
 * const r = refuseInChild(`await load("src/io/keras").loadModelKeras(${JSON.stringify(file)});`);
 */
export function refuseInChild(body: string, timeoutMs = 120_000, options: ChildOptions = {}): Refusal {
  const script = `
const path = require("node:path");
const load = (p) => require(path.join(${JSON.stringify(path.join(repoRoot, "dist"))}, p));
(async () => {
  await load("src/backend").init();
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let name = "", message = "";
  try { await (async () => { ${body} })(); } catch (e) { name = e?.name ?? typeof e; message = e?.message ?? String(e); }
  const ms = performance.now() - t0;
  const peakGrowthMB = (process.resourceUsage().maxRSS - before) / 1024;
  process.stdout.write("\\nREFUSAL " + JSON.stringify({ name, message, ms, peakGrowthMB }) + "\\n");
  process.exit(0);
})();`;
  const argv = options.user ? ["runuser", "-u", options.user, "--", process.execPath] : [process.execPath];
  const r = spawnSync(argv[0], [...argv.slice(1), "-e", script], {
    encoding: "utf8",
    timeout: timeoutMs,
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("REFUSAL "));
  if (!line)
    throw new Error(`the child process reported nothing (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  return { ...(JSON.parse(line.slice("REFUSAL ".length)) as Omit<Refusal, "stderr">), stderr: r.stderr };
}

/** The bound every refusal must stay under (issue 15): 500 MB of peak memory growth. */
export const MAX_REFUSAL_MB = 500;

/** A one-line account of a refusal's cost, for the test's diagnostics. */
export function costText(r: Refusal): string {
  return `refused in ${r.ms.toFixed(0)} ms, peak memory +${r.peakGrowthMB.toFixed(0)} MB`;
}

/**
 * A raw deflate stream of `mib` MiB of zeros, about 1 KB per MiB, built
 * without ever holding the zeros: a zip or gzip bomb's payload.
 *
 * @example
 * zlib.inflateRawSync(deflatedZeros(2)).length; // 2097152
 */
export function deflatedZeros(mib: number): Buffer {
  const chunk = zlib.deflateRawSync(Buffer.alloc(2 ** 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  // Repeating a sync-flushed chunk is valid deflate (its back-references only see zeros); 0x03 0x00 ends the stream.
  return Buffer.concat([...Array<Buffer>(mib).fill(chunk), Buffer.from([0x03, 0x00])]);
}

/** A zip entry written exactly as given. */
export interface RawEntry {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflate. */
  method: number;
  /** The uncompressed size the archive declares. */
  size: number;
  crc: number;
}

/**
 * A zip archive of entries written exactly as given (sizes and CRCs may lie).
 *
 * @example
 * zipOf([{ name: "a", data: Buffer.from("x"), method: 0, size: 1, crc: 0 }]);
 */
export function zipOf(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
