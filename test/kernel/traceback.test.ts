import assert from "node:assert/strict";
import { test } from "node:test";
import { packageOf, setTracebackMode, traceback, tracebackMode } from "../../kernel/traceback";

/** Terminal colour codes (ESC [ … m). */
const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

const plain = (lines: string[]) => lines.map((l) => l.replace(ANSI_COLOR, ""));

const FRAMES = [
  "    at assert (/p/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:10:5)",
  "    at new Promise (<anonymous>)",
  "    at reshape (/p/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:20:5)",
  "    at Engine.run (/p/node_modules/@tensorflow/tfjs-backend-cpu/dist/index.js:3:1)",
  "    at grow (tslab-dl-cell-2.js:30:9)",
  "    at node:internal/process/task_queues:95:5",
  "    at /home/me/notebooks/helper.js:4:2",
];
const locate = (file: string, line: number) =>
  file === "tslab-dl-cell-2.js" && line === 30
    ? {
        label: "In [2]",
        source: "a\nb\nfunction grow() {\n  return t.reshape([2, 2]);\n}\ngrow();",
        line: 4,
        column: 10,
      }
    : undefined;
const internal = (line: string) => line.includes("node:internal");

test("package frames fold to one line per package run; cell frames show the line with context and an arrow", () => {
  setTracebackMode("Context");
  assert.deepEqual(plain(traceback(FRAMES, locate, internal)), [
    "   … 2 frames in @tensorflow/tfjs-core",
    "   … 1 frame in @tensorflow/tfjs-backend-cpu",
    "In [2], line 4, in grow",
    "      2 b",
    "      3 function grow() {",
    "----> 4   return t.reshape([2, 2]);",
    "      5 }",
    "      6 grow();",
    "   at /home/me/notebooks/helper.js:4:2",
    "   (%xmode Verbose shows the frames inside packages)",
  ]);
});

test("Verbose mode shows every package frame", () => {
  setTracebackMode("Verbose");
  try {
    const lines = plain(traceback(FRAMES, locate, internal));
    assert.equal(lines.filter((l) => l.includes("node_modules")).length, 3);
    assert.ok(lines.includes("   at new Promise (<anonymous>)"));
    assert.ok(!lines.some((l) => l.includes("frames in")));
    assert.equal(tracebackMode(), "Verbose");
  } finally {
    setTracebackMode("Context");
  }
});

test("packageOf names scoped and plain packages, innermost node_modules first", () => {
  assert.equal(packageOf("/p/node_modules/@tensorflow/tfjs-core/dist/x.js"), "@tensorflow/tfjs-core");
  assert.equal(packageOf("/p/node_modules/a/node_modules/seedrandom/index.js"), "seedrandom");
  assert.equal(packageOf("C:\\p\\node_modules\\long\\index.js"), "long");
  assert.equal(packageOf("/p/src/index.js"), undefined);
});
