import assert from "node:assert/strict";
import { test } from "node:test";
import { readCell } from "../../kernel/cell-text";
import { UsageError } from "../../kernel/magics";

const SHELL = (command: string) =>
  `await Promise.resolve((globalThis as any)[Symbol.for("tslab-dl.shell")](${JSON.stringify(command)}));`;
const HOOK = `(globalThis as any)[Symbol.for("tslab-dl.magic")]`;

test("one reading serves execute, complete and inspect: the same cell's text is read once", () => {
  const code = "const a = 1;\n!ls -al\n%who\na";
  const first = readCell(code);
  assert.equal(readCell(code), first, "the second request of the same text reuses the reading");
  assert.equal(first.blanked, "const a = 1;\n       \n%who\na");
  assert.equal(first.runnable(), `const a = 1;\n${SHELL("ls -al")}\n${HOOK}.line("who", "");\na`);
});

test("%%time with a shell line: the last expression is wrapped where it is, after the rewritten shell line", () => {
  const cell = readCell("%%time\n!echo hi\nconst z = 6 * 7;\nz");
  const lines = cell.runnable().split("\n");
  assert.match(lines[0], /\.timeStart\(\);\s*$/);
  assert.equal(lines[1], SHELL("echo hi"));
  assert.equal(lines[2], "const z = 6 * 7;");
  assert.equal(lines[3], `${HOOK}.timeEnd((z))`);
  assert.equal(cell.blanked, "%%time\n        \nconst z = 6 * 7;\nz");
});

test("a % line TypeScript reads as a modulo is code, and a ! line after it is still found right", () => {
  const cell = readCell("const r = 7\n%3 &&\n!x;\n!pwd");
  // `7 % 3 && !x;` is one expression: only the last line is a shell line.
  assert.equal(cell.runnable(), `const r = 7\n%3 &&\n!x;\n${SHELL("pwd")}`);
  assert.equal(cell.blanked, "const r = 7\n%3 &&\n!x;\n    ");
});

test("a misused magic throws its UsageError from runnable(), every time, while blanked still reads", () => {
  const cell = readCell("const a = 1;\n%nope\n!ls");
  assert.throws(() => cell.runnable(), UsageError);
  assert.throws(() => cell.runnable(), /`%nope` not found/);
  assert.equal(cell.blanked, "const a = 1;\n%nope\n   ");
});
