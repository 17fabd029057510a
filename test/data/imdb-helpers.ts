/**
 * IMDB-format files made at test time with NumPy, as Keras's `imdb.npz` is made:
 * `np.savez` of `x_train`/`x_test` (object arrays of Python lists of ints, pickled
 * inside the `.npy`) and `y_train`/`y_test` (int64 arrays).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PYTHON } from "../io/hostile-helpers";

export const hasNumpy = fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import numpy"]).status === 0;
export const SKIP_NUMPY = hasNumpy ? undefined : "needs /usr/bin/python3 with NumPy (Debian package python3-numpy)";

/** Run a Python script with `np`, `json`, `sys` imported and `argv` as `sys.argv[1:]`; its stdout. */
export function python(script: string, ...argv: string[]): string {
  const r = spawnSync(PYTHON, ["-c", `import json, sys\nimport numpy as np\n${script}`, ...argv], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Python that defines `make(n, rng)`: `n` reviews of Zipf-distributed word indexes
 * (1–5000, so `numWords`/`skipTop` cut real words) and lengths 0–400, some exactly
 * 99 and 100 long (the edge of `maxlen: 101` once the start mark is added).
 */
export const MAKE_REVIEWS = `
def make(n, rng):
    lengths = list(rng.randint(1, 400, size=n))
    lengths[0:4] = [99, 100, 0, 399]
    x = np.empty(n, dtype=object)
    x[:] = [[int(min(w, 5000)) for w in rng.zipf(1.3, size=k)] for k in lengths]
    return x, rng.randint(0, 2, size=n).astype(np.int64)
`;

/**
 * Write `imdb.npz` (300 train, 200 test reviews) into `dir` with `np.savez`, or
 * `np.savez_compressed` when `compressed`.
 *
 * @example
 * writeImdb(tempDir());
 */
export function writeImdb(dir: string, compressed = false): string {
  const file = path.join(dir, "imdb.npz");
  python(
    `${MAKE_REVIEWS}
rng = np.random.RandomState(2024)
xt, yt = make(300, rng)
xs, ys = make(200, rng)
(np.savez_compressed if sys.argv[2] == "1" else np.savez)(sys.argv[1], x_train=xt, y_train=yt, x_test=xs, y_test=ys)`,
    file,
    compressed ? "1" : "0",
  );
  return file;
}
