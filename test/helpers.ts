/** Shared test helpers: paths, temporary folders, the lesson's model. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root (tests run from dist/test/...). */
export const repoRoot = path.resolve(__dirname, "..", "..");

/** Debian's Python (with Jupyter, h5py and numpy from Debian's packages), not the first python3 on PATH. */
export const PYTHON = "/usr/bin/python3";

/** `../shared` beside the checkout, or undefined where it is absent. */
export function sharedDir(): string | undefined {
  const dir = path.resolve(repoRoot, "..", "shared");
  return fs.existsSync(dir) ? dir : undefined;
}

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = "tslab-dl-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The lesson's `model_fn(a_layer)`, defined once with the benchmarks' models. */
export { modelFn } from "../bench/model";

/** Capture console.warn / console.log lines while `fn` runs. */
export async function captureConsole<T>(
  fn: () => Promise<T> | T,
): Promise<{ result: T; warnings: string[]; logs: string[] }> {
  const warnings: string[] = [];
  const logs: string[] = [];
  const { warn, log } = console;
  console.warn = (...a: unknown[]) => warnings.push(a.join(" "));
  console.log = (...a: unknown[]) => logs.push(a.join(" "));
  try {
    return { result: await fn(), warnings, logs };
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

/** Whether Debian's Fashion-MNIST is installed. */
export const DEBIAN_FASHION = "/usr/share/datasets/fashion-mnist";
export const hasFashionMnist = fs.existsSync(path.join(DEBIAN_FASHION, "train-images-idx3-ubyte.gz"));
