/**
 * Shared by the kernel tests: the repository root, a temporary Jupyter
 * install of the kernel, and a driver for a running kernel built on
 * jupyter_client (test/kernel/kernel_client.py, run by /usr/bin/python3).
 */
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { installKernel } from "../../kernel/install";

import { PYTHON, repoRoot } from "../helpers";

export { PYTHON, repoRoot };
/** The kernel tests' Python helpers live beside the TypeScript sources. */
export const pythonDir = path.join(repoRoot, "test", "kernel");

/** Why the kernel tests cannot run here (Jupyter's Python side is missing), or undefined when they can. */
export function jupyterMissing(): string | undefined {
  const check = spawnSync(PYTHON, ["-c", "import jupyter_client, jupyter_kernel_test"], { encoding: "utf8" });
  return check.status === 0
    ? undefined
    : `needs ${PYTHON} with jupyter_client and jupyter_kernel_test (apt-get install jupyter-client python3-jupyter-kernel-test)`;
}

/** A temporary `--prefix` install of the tslab-dl kernel. */
export interface TempInstall {
  prefix: string;
  /** The value for JUPYTER_PATH. */
  jupyterPath: string;
  remove(): void;
}

/** Install the kernel into a fresh temporary prefix. */
export function tempInstall(): TempInstall {
  const prefix = mkdtempSync(path.join(tmpdir(), "tslab-dl-jupyter-"));
  installKernel({ target: { kind: "prefix", dir: prefix }, log: () => {} });
  return {
    prefix,
    jupyterPath: path.join(prefix, "share", "jupyter"),
    remove: () => rmSync(prefix, { recursive: true, force: true }),
  };
}

/** An iopub output: its type and content. */
export interface IopubOutput {
  msg_type: string;
  content: { [key: string]: unknown };
}

/** The answer to an `execute` request of the driver. */
export interface ExecuteAnswer {
  reply: { status: string; execution_count?: number; ename?: string; evalue?: string; [key: string]: unknown };
  outputs: IopubOutput[];
}

/** Python environment without the pydevd "frozen modules" chatter. */
function pythonEnv(jupyterPath: string): NodeJS.ProcessEnv {
  return { ...process.env, JUPYTER_PATH: jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1", PYTHONWARNINGS: "ignore" };
}

/**
 * A kernel started by jupyter_client, driven through kernel_client.py.
 *
 * @example
 * const k = await KernelDriver.start(install.jupyterPath, "tslab-dl", repoRoot);
 * const { outputs } = await k.execute("6 * 7");
 */
export class KernelDriver {
  private pending: Array<{ resolve: (answer: unknown) => void; reject: (e: Error) => void }> = [];
  private stderr = "";

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const waiting = this.pending.shift();
      try {
        waiting?.resolve(JSON.parse(line));
      } catch (e) {
        // A line that is not JSON fails the request that waits for it, not the whole test process.
        waiting?.reject(
          new Error(`kernel driver answered a line that is not JSON (${(e as Error).message}): ${line.slice(0, 300)}`),
        );
      }
    });
    child.once("exit", (code) => {
      for (const { reject } of this.pending.splice(0))
        reject(new Error(`kernel driver exited (${code}): ${this.stderr}`));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20000);
    });
  }

  /** The kernel's and the driver's stderr so far (for failure messages). */
  get log(): string {
    return this.stderr;
  }

  static async start(jupyterPath: string, kernelName: string, cwd: string): Promise<KernelDriver> {
    const child = spawn(PYTHON, [path.join(pythonDir, "kernel_client.py"), kernelName, cwd], {
      env: pythonEnv(jupyterPath),
      cwd,
    });
    const driver = new KernelDriver(child);
    const ready = (await driver.next()) as { ready?: boolean };
    if (!ready.ready) throw new Error(`kernel did not start: ${driver.log}`);
    return driver;
  }

  private next(): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Send one request to the driver and wait for its answer. */
  async request<T>(req: { op: string; [key: string]: unknown }): Promise<T> {
    const answer = this.next();
    this.child.stdin.write(JSON.stringify(req) + "\n");
    const result = (await answer) as T & { error?: string };
    if (result.error) throw new Error(`${req.op} failed: ${result.error}\n${this.stderr}`);
    return result;
  }

  /** Execute a cell and collect its reply and outputs. */
  execute(code: string, extra: { [key: string]: unknown } = {}): Promise<ExecuteAnswer> {
    return this.request<ExecuteAnswer>({ op: "execute", code, ...extra });
  }

  /** Stop the driver (which shuts the kernel down). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}

/** The concatenated text of the stream outputs named `name`. */
export function streamText(outputs: IopubOutput[], name: "stdout" | "stderr"): string {
  return outputs
    .filter((o) => o.msg_type === "stream" && o.content.name === name)
    .map((o) => String(o.content.text))
    .join("");
}

/** The outputs of one type. */
export function ofType(outputs: IopubOutput[], type: string): IopubOutput[] {
  return outputs.filter((o) => o.msg_type === type);
}

/** A kernel started by {@link startTempKernel}, with the folder it runs in. */
export interface RunningKernel {
  kernel: KernelDriver;
  workDir: string;
  /** Stop the kernel, then remove its install and its folder. */
  stop(): Promise<void>;
}

/**
 * The tslab-dl kernel installed into a temporary prefix and started under jupyter_client, in a
 * fresh folder under dist/ (so that cells import "tslab-dl" by package name, as a user's do).
 *
 * @example
 * const running = await startTempKernel();
 * (await running.kernel.execute("1 + 1")).reply.status; // "ok"
 * await running.stop();
 */
export async function startTempKernel(): Promise<RunningKernel> {
  const install = tempInstall();
  const workDir = mkdtempSync(path.join(repoRoot, "dist", "kernel-test-"));
  const remove = (): void => {
    install.remove();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const kernel = await KernelDriver.start(install.jupyterPath, "tslab-dl", workDir);
    return {
      kernel,
      workDir,
      stop: async () => {
        await kernel.stop();
        remove();
      },
    };
  } catch (e) {
    remove();
    throw e;
  }
}
