import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { TimeitResult, formatG, formatTime, timeit, timeitReport } from "../../kernel/timing";
import { PYTHON } from "./helpers";

/** IPython's own answers, when Debian's IPython is here. */
function ipython(script: string): string[] | undefined {
  const run = spawnSync(PYTHON, ["-c", script], {
    encoding: "utf8",
    env: { ...process.env, PYTHONIOENCODING: "utf-8" },
  });
  return run.status === 0 ? run.stdout.trimEnd().split("\n") : undefined;
}
const hasIPython = ipython("import IPython.core.magics.execution") !== undefined;

const SPANS = [0, 1e-10, 3.14159e-9, 4.56e-5, 9.9951e-4, 0.00123, 0.0999, 0.5, 1, 59.99, 60, 75.5, 3725, 90061];

test("formatTime writes durations exactly as IPython's _format_time", { skip: !hasIPython && "needs IPython" }, () => {
  const expected = ipython(
    `from IPython.core.magics.execution import _format_time\nfor t in ${JSON.stringify(SPANS)}: print(_format_time(t))`,
  );
  assert.deepEqual(
    SPANS.map((t) => formatTime(t)),
    expected,
  );
});

test("formatG follows printf's %g", () => {
  assert.equal(formatG(1.2345, 3), "1.23");
  assert.equal(formatG(1, 3), "1");
  assert.equal(formatG(100, 3), "100");
  assert.equal(formatG(999.7, 3), "1e+03");
  assert.equal(formatG(0.0001234, 3), "0.000123");
  assert.equal(formatG(0.00001234, 3), "1.23e-05");
});

test("a TimeitResult prints as IPython's TimeitResult", { skip: !hasIPython && "needs IPython" }, () => {
  const cases: Array<[number, number, number[]]> = [
    [1000, 7, [0.00123, 0.00131, 0.00119, 0.0012, 0.00125, 0.00122, 0.0013]],
    [1, 1, [2.5]],
    [10000000, 3, [0.41, 0.43, 0.4]],
    [1, 7, [61, 62, 60.5, 63, 61, 61, 60]],
  ];
  const expected = ipython(
    `from IPython.core.magics.execution import TimeitResult\n` +
      `for n, r, runs in ${JSON.stringify(cases)}: print(TimeitResult(n, r, min(runs) / n, max(runs) / n, runs, 0, 3))`,
  );
  assert.deepEqual(
    cases.map(([loops, repeat, runs]) => String(new TimeitResult(loops, repeat, runs))),
    expected,
  );
  assert.equal(
    String(new TimeitResult(1000, 7, cases[0][2])),
    "1.24 µs ± 43.3 ns per loop (mean ± std. dev. of 7 runs, 1,000 loops each)",
  );
});

test("timeit grows the loops by tens until a run takes 0.2 s, then repeats", () => {
  let calls = 0;
  const spin = () => {
    calls++;
    const end = process.hrtime.bigint() + 200_000n; // 0.2 ms of work: 1,000 loops take at least 0.2 s
    while (process.hrtime.bigint() < end);
  };
  const result = timeit(spin, { repeat: 2 });
  assert.ok([100, 1000].includes(result.loops), String(result.loops));
  assert.equal(result.allRuns.length, 2);
  // 1 + 10 + 100 (+ 1000) calibration loops, then the two runs.
  assert.ok(calls >= 111 + 2 * result.loops, String(calls));
  assert.match(
    timeitReport(result),
    /^(The slowest run took .*\n)?[\d.]+ (µs|ms) ± [\d.]+ (ns|µs|ms) per loop \(mean ± std\. dev\. of 2 runs, (100|1,000) loops each\)\n$/,
  );
});
