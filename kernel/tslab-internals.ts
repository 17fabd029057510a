/**
 * Every part of tslab the kernel uses that is not tslab's public API, in one place.
 *
 * tslab 1.0.22 exports only `display` and `versions`; the kernel builds on its internals:
 * - `tslab/dist/executor`: `createExecutor` (type-check, compile and run a cell), the
 *   `Executor` and `ConverterSet` types;
 * - `tslab/dist/converter`: `createConverter`, `isCompleteCode`;
 * - `tslab/dist/inspect`: `printQuickInfo` (the pager text for `expr?`);
 * - `tslab/dist/metadata`: `getCodeMetadata` (whether a cell is a `//@module` or browser cell);
 * - `tslab/dist/jupyter`: the `lastWriteDisplayData` hook behind tslab's own `display` API;
 * - tslab's TypeScript fork (`@tslab/typescript-for-tslab`), which light-builder.ts swaps in
 *   Node's module cache.
 *
 * Written for {@link TSLAB_WRITTEN_FOR}. With another tslab the kernel still starts (it has no
 * other way to run cells), but prints one warning naming both versions. The contract test
 * (test/kernel/tslab-internals.test.ts) fails the day an upgrade removes any of these.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";
import type * as ConverterModule from "tslab/dist/converter";
import type * as ExecutorModule from "tslab/dist/executor";
import type * as InspectModule from "tslab/dist/inspect";
import type * as MetadataModule from "tslab/dist/metadata";

export type { ConverterSet, Executor } from "tslab/dist/executor";
export type { CompletionInfo, Converter, ConvertResult, Diagnostic } from "tslab/dist/converter";
export type { CodeMetadata } from "tslab/dist/metadata";

/** The tslab version these internals were read from. */
export const TSLAB_WRITTEN_FOR = "1.0.22";

/** `tslab/dist/jupyter`'s display hook, pointed by tslab at the running cell. */
interface TslabDisplayHook {
  lastWriteDisplayData: ((data: { [key: string]: unknown }, update: boolean) => void) | null;
}

let checked = false;

/** tslab's installed version. */
export function tslabVersion(): string {
  return (require("tslab/package.json") as { version: string }).version;
}

/**
 * Warn once on stderr when the installed tslab is not the version these internals were read
 * from; returns whether it is.
 *
 * @example
 * checkTslabVersion(); // true with tslab 1.0.22; otherwise one warning naming both versions
 */
export function checkTslabVersion(warn: (text: string) => void = (t) => process.stderr.write(t + "\n")): boolean {
  const found = tslabVersion();
  const ok = found === TSLAB_WRITTEN_FOR;
  if (!ok && !checked) {
    warn(
      `tslab-dl: this kernel reaches into tslab's internals (executor, converter, inspect, jupyter) as ` +
        `tslab ${TSLAB_WRITTEN_FOR} has them, but tslab ${found} is installed; if cells misbehave, ` +
        `install tslab@${TSLAB_WRITTEN_FOR}.`,
    );
  }
  checked = true;
  return ok;
}

function internal<T>(specifier: string): T {
  checkTslabVersion();
  return require(specifier) as T;
}

/** `require` as seen from tslab's own folder: the dependencies tslab brings (its TypeScript fork). */
function tslabRequire(): NodeJS.Require {
  return createRequire(require.resolve("tslab/package.json"));
}

/** The file of tslab's TypeScript fork, as tslab's converter will require it. */
export function tslabTypeScriptPath(): string {
  return tslabRequire().resolve("@tslab/typescript-for-tslab");
}

/** tslab's TypeScript: the compiler that checks the cells. */
export function tslabTypeScript(): typeof TS {
  return tslabRequire()("@tslab/typescript-for-tslab") as typeof TS;
}

/** Whether tslab's converter has been loaded (after which its TypeScript can no longer be swapped). */
export function tslabConverterLoaded(): boolean {
  return require.cache[path.resolve(require.resolve("tslab/dist/converter"))] !== undefined;
}

/** `tslab/dist/converter`. */
export function tslabConverter(): typeof ConverterModule {
  return internal("tslab/dist/converter");
}

/** `tslab/dist/executor`. */
export function tslabExecutor(): typeof ExecutorModule {
  return internal("tslab/dist/executor");
}

/** `tslab/dist/inspect`. */
export function tslabInspect(): typeof InspectModule {
  return internal("tslab/dist/inspect");
}

/** `tslab/dist/metadata` (a cell's `//@module` and `//@mode` comments). */
export function tslabMetadata(): typeof MetadataModule {
  return internal("tslab/dist/metadata");
}

/** `tslab/dist/jupyter` (its display hook). */
export function tslabJupyter(): TslabDisplayHook {
  return internal("tslab/dist/jupyter");
}
