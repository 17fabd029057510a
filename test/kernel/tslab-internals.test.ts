/**
 * The contract with tslab: every internal the kernel reaches through kernel/tslab-internals.ts
 * is there, with the shape the kernel uses. Fails the day a tslab upgrade removes one.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkTslabVersion,
  TSLAB_WRITTEN_FOR,
  tslabConverter,
  tslabExecutor,
  tslabInspect,
  tslabJupyter,
  tslabTypeScript,
  tslabVersion,
} from "../../kernel/tslab-internals";

test("the installed tslab is the version the internals were read from, and a different one warns once", () => {
  assert.equal(tslabVersion(), TSLAB_WRITTEN_FOR);
  const warnings: string[] = [];
  assert.equal(
    checkTslabVersion((t) => warnings.push(t)),
    true,
  );
  assert.deepEqual(warnings, []);
});

test("tslab's executor, converter, inspect and jupyter modules have what the kernel calls", () => {
  assert.equal(typeof tslabExecutor().createExecutor, "function");
  assert.equal(typeof tslabConverter().createConverter, "function");
  const complete = tslabConverter().isCompleteCode("let x = (");
  assert.equal(complete.completed, false, "isCompleteCode answers { completed, indent }");
  assert.equal(typeof tslabInspect().printQuickInfo, "function");
  assert.ok("lastWriteDisplayData" in tslabJupyter(), "tslab/dist/jupyter has the display hook");
});

test("tslab's TypeScript fork has the builder API light-builder.ts swaps", () => {
  const ts = tslabTypeScript();
  assert.equal(typeof ts.createAbstractBuilder, "function");
  assert.equal(typeof ts.createWatchCompilerHost, "function");
  assert.equal(
    typeof (ts as unknown as { isExternalOrCommonJsModule: unknown }).isExternalOrCommonJsModule,
    "function",
  );
});
