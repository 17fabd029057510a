/**
 * Registering the kernel with Jupyter: a kernelspec folder (`kernel.json`)
 * installed by the `jupyter kernelspec` command of the Jupyter found on this
 * machine. The `python3` first on PATH may lack Jupyter (pyenv, venvs), so the
 * `jupyter` executable itself is looked for, and checked.
 */
import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { kernelEnv } from "./kernel-modules";
import { DISPLAY_NAME, KERNEL_NAME } from "./protocol";

/** Raised when Jupyter cannot be found or refuses to install or remove the kernel. */
export class KernelInstallError extends Error {
  override name = "KernelInstallError";
}

/** Where to install: as `jupyter kernelspec install` understands it. Default `user`. */
export type InstallTarget = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

/** Options of {@link installKernel} and {@link uninstallKernel}. */
interface InstallOptions {
  target?: InstallTarget;
  /** The `jupyter` executable; default: found with {@link findJupyter}. */
  jupyter?: string;
  /** The Node.js binary the kernel runs with; default the one running now. */
  node?: string;
  /** Progress messages; default stdout. */
  log?: (text: string) => void;
}

/** The kernel's entry point: `dist/kernel/cli.js` beside this file. */
export function cliPath(): string {
  return path.join(__dirname, "cli.js");
}

/**
 * The kernelspec: runs this package's kernel with an absolute path to Node
 * and to `cli.js`, and with `NODE_PATH` naming the folders of this installation
 * (kernel/kernel-modules.ts), so that a notebook anywhere can use it and import
 * what is installed with it.
 *
 * @example
 * kernelSpec().argv; // → ["/usr/bin/node", "/repo/dist/kernel/cli.js", "kernel", "--connection-file", "{connection_file}"]
 */
export function kernelSpec(node: string = process.execPath): Record<string, unknown> {
  return {
    argv: [node, cliPath(), "kernel", "--connection-file", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    // SIGINT stops synchronous code too (a message cannot reach a busy event loop).
    interrupt_mode: "signal",
    env: kernelEnv(),
    metadata: { debugger: false },
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(
  command: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "", error: result.error };
}

/**
 * The `jupyter` executable to use: `$JUPYTER` if set, else the first `jupyter`
 * on PATH (then /usr/bin, /usr/local/bin) whose `kernelspec` subcommand works.
 *
 * @example
 * findJupyter(); // → "/usr/bin/jupyter"
 */
export function findJupyter(env: NodeJS.ProcessEnv = process.env): string {
  const names = process.platform === "win32" ? ["jupyter.exe", "jupyter.cmd", "jupyter"] : ["jupyter"];
  const dirs = [...(env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/bin", "/usr/local/bin"];
  const candidates = env.JUPYTER ? [env.JUPYTER] : [...new Set(dirs.flatMap((d) => names.map((n) => path.join(d, n))))];
  const tried: string[] = [];
  for (const candidate of candidates) {
    if (!existsSync(candidate) || !isExecutable(candidate)) continue;
    const check = run(candidate, ["kernelspec", "--version"]);
    if (check.status === 0) return candidate;
    tried.push(`${candidate} (${(check.stderr || check.error?.message || "failed").trim().split("\n").pop()})`);
  }
  throw new KernelInstallError(
    `no working Jupyter found: looked for "jupyter" with a "kernelspec" command in ${env.JUPYTER ? "$JUPYTER" : "PATH, /usr/bin and /usr/local/bin"}` +
      (tried.length ? `; these failed: ${tried.join("; ")}` : "") +
      `. Install Jupyter (e.g. apt-get install jupyter-client jupyter-notebook, or pip install jupyter) or set JUPYTER=/path/to/jupyter.`,
  );
}

function targetArgs(target: InstallTarget): string[] {
  switch (target.kind) {
    case "user":
      return ["--user"];
    case "sys-prefix":
      return ["--sys-prefix"];
    case "prefix":
      return [`--prefix=${path.resolve(target.dir)}`];
  }
}

/**
 * Install (or replace) the `tslab-dl` kernelspec. Installing twice is harmless.
 * Returns the folder Jupyter installed it in.
 *
 * @example
 * installKernel({ target: { kind: "prefix", dir: "/tmp/jp" } }); // → "/tmp/jp/share/jupyter/kernels/tslab-dl"
 */
export function installKernel(options: InstallOptions = {}): string {
  const log = options.log ?? ((text) => process.stdout.write(text + "\n"));
  const target = options.target ?? { kind: "user" };
  const jupyter = options.jupyter ?? findJupyter();
  if (!existsSync(cliPath())) {
    throw new KernelInstallError(
      `the kernel entry point ${cliPath()} is missing: build the package first (npm run build)`,
    );
  }
  const staging = mkdtempSync(path.join(tmpdir(), "tslab-dl-kernelspec-"));
  const specDir = path.join(staging, KERNEL_NAME);
  try {
    mkdirSync(specDir);
    writeFileSync(path.join(specDir, "kernel.json"), JSON.stringify(kernelSpec(options.node), null, 2) + "\n");
    const args = ["kernelspec", "install", "--replace", `--name=${KERNEL_NAME}`, ...targetArgs(target), specDir];
    const result = run(jupyter, args);
    if (result.status !== 0) {
      throw new KernelInstallError(
        `"${jupyter} ${args.join(" ")}" failed (exit ${result.status}): ${(result.stderr || result.error?.message || "").trim()}`,
      );
    }
    const installed = /Installed kernelspec \S+ in (.+)$/m.exec(result.stderr + result.stdout)?.[1]?.trim() ?? "";
    log(
      `Installed the ${DISPLAY_NAME} kernel (${KERNEL_NAME})${installed ? ` in ${installed}` : ""}, running ${cliPath()}`,
    );
    return installed;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Where Jupyter would look for the kernelspec for a target (for `--prefix`, without asking Jupyter). */
function prefixSpecDir(dir: string): string {
  return path.join(path.resolve(dir), "share", "jupyter", "kernels", KERNEL_NAME);
}

/**
 * Remove the `tslab-dl` kernelspec. Removing a kernel that is not installed
 * is harmless; returns whether one was removed.
 *
 * @example
 * uninstallKernel(); // → true
 */
export function uninstallKernel(options: InstallOptions = {}): boolean {
  const log = options.log ?? ((text) => process.stdout.write(text + "\n"));
  const target = options.target;
  if (target?.kind === "prefix") {
    const dir = prefixSpecDir(target.dir);
    if (!existsSync(path.join(dir, "kernel.json"))) {
      log(`The ${KERNEL_NAME} kernel is not installed in ${target.dir}; nothing to remove.`);
      return false;
    }
    const spec = JSON.parse(readFileSync(path.join(dir, "kernel.json"), "utf8")) as { display_name?: string };
    if (spec.display_name !== DISPLAY_NAME) {
      throw new KernelInstallError(
        `${dir} holds a kernel named "${spec.display_name}", not ${DISPLAY_NAME}; not removing it`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
    log(`Removed the ${KERNEL_NAME} kernel from ${dir}`);
    return true;
  }
  const jupyter = options.jupyter ?? findJupyter();
  const list = run(jupyter, ["kernelspec", "list", "--json"]);
  if (list.status !== 0) {
    throw new KernelInstallError(`"${jupyter} kernelspec list --json" failed: ${list.stderr.trim()}`);
  }
  const specs = (JSON.parse(list.stdout) as { kernelspecs: { [name: string]: unknown } }).kernelspecs;
  if (!(KERNEL_NAME in specs)) {
    log(`The ${KERNEL_NAME} kernel is not installed; nothing to remove.`);
    return false;
  }
  const result = run(jupyter, ["kernelspec", "remove", "-f", KERNEL_NAME]);
  if (result.status !== 0) {
    throw new KernelInstallError(`"${jupyter} kernelspec remove -f ${KERNEL_NAME}" failed: ${result.stderr.trim()}`);
  }
  log(`Removed the ${KERNEL_NAME} kernel (${(result.stdout + result.stderr).trim()})`);
  return true;
}
