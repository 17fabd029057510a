/**
 * The classic Notebook server (Debian's jupyter-notebook) on loopback for browser tests,
 * with fresh Jupyter directories so every notebook opens untrusted. The one start-up for
 * the classic-Notebook browser tests (notebook, pictures, widgets).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

/** A running server: its port, environment, what it has printed, and how to stop it. */
export interface NotebookServer {
  port: number;
  env: NodeJS.ProcessEnv;
  /** The server's stdout and stderr so far, to explain a failure. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? res(address.port) : rej(new Error("no port"))));
    });
  });
}

/** More for the server: a token it requires (none by default) and more command-line flags. */
export interface ServerOptions {
  token?: string;
  args?: string[];
}

/**
 * Start a server on `notebookDir`, with Jupyter's data, config and runtime folders under `work`
 * (`work/config` is `JUPYTER_CONFIG_DIR`: write nbconfig there to enable an extension), and
 * `env` added to its environment (`JUPYTER_PATH` to find a kernel installed for the test).
 *
 * @example
 * const server = await startNotebookServer(work, notebooks, {}, { token: "t0k3n" });
 * await fetch(`http://127.0.0.1:${server.port}/api/kernelspecs`, { headers: { Authorization: "token t0k3n" } });
 */
export async function startNotebookServer(
  work: string,
  notebookDir: string,
  env: NodeJS.ProcessEnv = {},
  options: ServerOptions = {},
): Promise<NotebookServer> {
  const serverEnv = {
    ...process.env,
    ...env,
    JUPYTER_DATA_DIR: join(work, "data"),
    JUPYTER_CONFIG_DIR: join(work, "config"),
    JUPYTER_RUNTIME_DIR: join(work, "runtime"),
    IPYTHONDIR: join(work, "ipython"),
  };
  const port = await freePort();
  let log = "";
  const server: ChildProcess = spawn(
    "jupyter",
    [
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${options.token ?? ""}`,
      "--NotebookApp.password=",
      `--notebook-dir=${notebookDir}`,
      // CI containers run as root; the server refuses that without this flag.
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      ...(options.args ?? []),
    ],
    { env: serverEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout?.on("data", (d) => (log += String(d)));
  server.stderr?.on("data", (d) => (log += String(d)));
  const stop = async (): Promise<void> => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const headers = options.token ? { Authorization: `token ${options.token}` } : undefined;
      if ((await fetch(`http://127.0.0.1:${port}/api/status`, { headers })).ok)
        return { port, env: serverEnv, log: () => log, stop };
    } catch {
      // not up yet
    }
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the notebook server did not start on port ${port}:\n${log}`);
}
