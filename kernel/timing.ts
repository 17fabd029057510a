/**
 * Timing as IPython's `%time` and `%timeit` measure and print it
 * (IPython 8, `IPython/core/magics/execution.py`: `_format_time`,
 * `TimeitResult`, the automatic choice of loops).
 */

/**
 * `%.<precision>g` of C's printf, as Python formats it.
 *
 * @example
 * formatG(1.2345, 3); // → "1.23"
 * formatG(999.7, 3);  // → "1e+03"
 */
export function formatG(value: number, precision: number): string {
  if (value === 0) return "0";
  const exponent = Number(value.toExponential(precision - 1).split("e")[1]);
  const strip = (text: string) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);
  if (exponent < -4 || exponent >= precision) {
    const [mantissa, exp] = value.toExponential(precision - 1).split("e");
    const e = Number(exp);
    return `${strip(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return strip(value.toFixed(Math.max(0, precision - 1 - exponent)));
}

/**
 * A duration as IPython's `_format_time` writes it.
 *
 * @example
 * formatTime(0.00123);  // → "1.23 ms"
 * formatTime(4.56e-5);  // → "45.6 µs"
 * formatTime(75);       // → "1min 15s"
 */
export function formatTime(seconds: number, precision = 3): string {
  if (seconds >= 60) {
    const parts: Array<[string, number]> = [
      ["d", 86400],
      ["h", 3600],
      ["min", 60],
      ["s", 1],
    ];
    const out: string[] = [];
    let left = seconds;
    for (const [suffix, length] of parts) {
      const value = Math.trunc(left / length);
      if (value > 0) {
        left = left % length;
        out.push(`${value}${suffix}`);
      }
      if (left < 1) break;
    }
    return out.join(" ");
  }
  const units = ["s", "ms", "µs", "ns"];
  const order = seconds > 0 ? Math.min(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 3) : 3;
  return `${formatG(seconds * 1000 ** order, precision)} ${units[order]}`;
}

/** The result of `%timeit`: seconds per run of `loops` loops, `repeat` runs. */
export class TimeitResult {
  constructor(
    readonly loops: number,
    readonly repeat: number,
    readonly allRuns: number[],
  ) {}

  /** Seconds per loop of each run. */
  get timings(): number[] {
    return this.allRuns.map((t) => t / this.loops);
  }
  get average(): number {
    return this.timings.reduce((a, b) => a + b, 0) / this.timings.length;
  }
  /** Population standard deviation, as IPython. */
  get stdev(): number {
    const mean = this.average;
    return Math.sqrt(this.timings.reduce((a, t) => a + (t - mean) ** 2, 0) / this.timings.length);
  }

  /** e.g. `1.23 ms ± 45.6 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)` */
  toString(): string {
    const runs = `${this.repeat} run${this.repeat === 1 ? "" : "s"}`;
    const loops = `${this.loops.toLocaleString("en-US")} loop${this.loops === 1 ? "" : "s"}`;
    return `${formatTime(this.average)} ± ${formatTime(this.stdev)} per loop (mean ± std. dev. of ${runs}, ${loops} each)`;
  }
}

/**
 * Seconds since `from`, a `process.hrtime.bigint()` reading.
 *
 * @example
 * const start = process.hrtime.bigint();
 * seconds(start); // → e.g. 0.000012
 */
export function seconds(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e9;
}

function runLoops(fn: () => unknown, loops: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < loops; i++) fn();
  return seconds(start);
}

async function runLoopsAsync(fn: () => Promise<unknown>, loops: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < loops; i++) await fn();
  return seconds(start);
}

/** `%timeit` options: loops per run (`-n`, found automatically by default) and runs (`-r`, 7). */
export interface TimeitOptions {
  number?: number;
  repeat?: number;
}

/**
 * Time `fn` as IPython's `%timeit`: without `number`, the loops per run
 * grow 1, 10, 100, … until one run takes 0.2 s; then `repeat` runs.
 *
 * @example
 * timeit(() => Math.sqrt(2), { repeat: 3 }).toString(); // e.g. "4.1 ns ± 0.2 ns per loop (…)"
 */
export function timeit(fn: () => unknown, options: TimeitOptions = {}): TimeitResult {
  const repeat = options.repeat ?? 7;
  let loops = options.number ?? 0;
  for (let index = 0; loops === 0 && index < 10; index++) {
    if (runLoops(fn, 10 ** index) >= 0.2 || index === 9) loops = 10 ** index;
  }
  const runs = Array.from({ length: repeat }, () => runLoops(fn, loops));
  return new TimeitResult(loops, repeat, runs);
}

/** {@link timeit} for a function returning a promise: each loop awaits it. */
export async function timeitAsync(fn: () => Promise<unknown>, options: TimeitOptions = {}): Promise<TimeitResult> {
  const repeat = options.repeat ?? 7;
  let loops = options.number ?? 0;
  for (let index = 0; loops === 0 && index < 10; index++) {
    if ((await runLoopsAsync(fn, 10 ** index)) >= 0.2 || index === 9) loops = 10 ** index;
  }
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await runLoopsAsync(fn, loops));
  return new TimeitResult(loops, repeat, runs);
}

/** The lines `%timeit` prints for a result (IPython's warning about a much slower run first). */
export function timeitReport(result: TimeitResult): string {
  const best = Math.min(...result.allRuns) / result.loops;
  const worst = Math.max(...result.allRuns) / result.loops;
  const warning =
    worst > 4 * best && best > 0 && worst > 1e-6
      ? `The slowest run took ${(worst / best).toFixed(2)} times longer than the fastest. ` +
        `This could mean that an intermediate result is being cached.\n`
      : "";
  return `${warning}${result}\n`;
}
