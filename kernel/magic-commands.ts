/**
 * What the magics do when a rewritten cell calls them (see `magics.ts`):
 * `%time`/`%%time`, `%timeit`/`%%timeit` (measured by `timing.ts`), `%who`,
 * `%env` and `%xmode`, with IPython's output formats (IPython 8:
 * `IPython/core/magics/execution.py`, `namespace.py`, `osm.py`).
 */
import { MAGIC_HOOK, UsageError } from "./magics";
import { TimeitOptions, formatTime, seconds, timeit, timeitAsync, timeitReport } from "./timing";
import { TracebackMode, setTracebackMode } from "./traceback";

/** What the magics read from the session. */
interface MagicSession {
  /** The session's names and values (tslab's `exports`). */
  locals(): { [name: string]: unknown };
  /** Where magics print (the cell's stdout). */
  write(text: string): void;
}

const HIDDEN_ENV = /key|token|secret/i;

function who(session: MagicSession, args: string): void {
  const types = args.split(/\s+/).filter(Boolean);
  const locals = session.locals();
  const typeOf = (value: unknown) => [typeof value, (value as object | null)?.constructor?.name ?? ""];
  const names = Object.keys(locals)
    .filter((name) => !/^tsLastExpr\d*$/.test(name))
    .filter((name) => types.length === 0 || typeOf(locals[name]).some((t) => types.includes(t)))
    .sort();
  if (names.length === 0) {
    session.write(types.length ? "No variables match your requested type.\n" : "Interactive namespace is empty.\n");
    return;
  }
  let text = "";
  names.forEach((name, i) => (text += `${name}\t ${(i + 1) % 9 === 0 ? "\n" : ""}`));
  session.write(`${text}\n`);
}

function env(session: MagicSession, args: string): string | undefined {
  if (!args) {
    const keys = Object.keys(process.env).sort();
    session.write(keys.map((k) => `${k}=${HIDDEN_ENV.test(k) ? "<hidden>" : process.env[k]}`).join("\n") + "\n");
    return undefined;
  }
  const split = args.includes("=") ? "=" : " ";
  const at = args.indexOf(split);
  if (at < 0) {
    const value = process.env[args];
    if (value === undefined) throw new UsageError(`Environment does not have key: ${args}`);
    return value;
  }
  const name = args.slice(0, at).trim();
  const value = args.slice(at + 1).trim();
  if (/\s/.test(name)) throw new UsageError(`refusing to set env var with whitespace: '${name}'`);
  process.env[name] = value;
  session.write(`env: ${name}=${value}\n`);
  return undefined;
}

function xmode(session: MagicSession, args: string): void {
  const wanted = args.trim().toLowerCase();
  const modes: TracebackMode[] = ["Context", "Verbose"];
  const next = modes.find((m) => m.toLowerCase() === wanted);
  if (!next) throw new UsageError(`%xmode takes Context or Verbose, found ${JSON.stringify(args)}`);
  setTracebackMode(next);
  session.write(`Exception reporting mode: ${next}\n`);
}

/**
 * Install the hook rewritten magic lines call.
 *
 * @example
 * installMagics({ locals: () => executor.locals, write: (t) => process.stdout.write(t) });
 */
export function installMagics(session: MagicSession): void {
  const started: Array<{ wall: bigint; cpu: NodeJS.CpuUsage }> = [];
  const hook = {
    timeStart(): void {
      started.push({ wall: process.hrtime.bigint(), cpu: process.cpuUsage() });
    },
    timeEnd<T>(value?: T): T | undefined {
      const start = started.pop();
      if (!start) return value;
      const wall = seconds(start.wall);
      const cpu = process.cpuUsage(start.cpu);
      const [user, sys] = [cpu.user / 1e6, cpu.system / 1e6];
      session.write(
        `CPU times: user ${formatTime(user)}, sys: ${formatTime(sys)}, total: ${formatTime(user + sys)}\n` +
          `Wall time: ${formatTime(wall)}\n`,
      );
      return value;
    },
    timeit(options: TimeitOptions, fn: () => unknown): Promise<void> | void {
      const first = fn();
      if (first instanceof Promise) {
        return first.then(async () => {
          session.write(timeitReport(await timeitAsync(fn as () => Promise<unknown>, options)));
        });
      }
      session.write(timeitReport(timeit(fn, options)));
    },
    line(name: string, args: string): unknown {
      if (name === "who") return who(session, args);
      if (name === "env") return env(session, args);
      if (name === "xmode") return xmode(session, args);
      throw new UsageError(`no line magic %${name}`);
    },
  };
  (globalThis as unknown as { [MAGIC_HOOK]: typeof hook })[MAGIC_HOOK] = hook;
}
