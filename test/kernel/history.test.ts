import assert from "node:assert/strict";
import { test } from "node:test";
import { History, globToRegExp } from "../../kernel/history";

function sample(): History {
  const h = new History(1);
  ["const a = 1", "6 * 7", "a + 1", "6 * 7", "print(a)"].forEach((code, i) => h.record(i + 1, code));
  h.setOutput(2, "42");
  return h;
}

test("tail returns the last n inputs as [session, line, input]", () => {
  assert.deepEqual(sample().reply({ hist_access_type: "tail", n: 2 }), [
    [1, 4, "6 * 7"],
    [1, 5, "print(a)"],
  ]);
});

test("with output, entries are [session, line, [input, output]]", () => {
  assert.deepEqual(sample().reply({ hist_access_type: "tail", n: 4, output: true })[0], [1, 2, ["6 * 7", "42"]]);
  assert.deepEqual(sample().reply({ hist_access_type: "tail", n: 1, output: true })[0], [1, 5, ["print(a)", null]]);
});

test("range returns lines start ≤ line < stop of this session only", () => {
  const h = sample();
  assert.deepEqual(
    h.reply({ hist_access_type: "range", session: 1, start: 2, stop: 4 }).map((e) => e[1]),
    [2, 3],
  );
  assert.deepEqual(
    h.reply({ hist_access_type: "range", session: 0, start: 4 }).map((e) => e[1]),
    [4, 5],
  );
  assert.deepEqual(h.reply({ hist_access_type: "range", session: 7, start: 1, stop: 3 }), []);
});

test("search matches a whole input with a glob, optionally unique and limited to the last n", () => {
  const h = sample();
  assert.deepEqual(
    h.reply({ hist_access_type: "search", pattern: "6 [*] 7" }).map((e) => e[1]),
    [2, 4],
  );
  assert.deepEqual(
    h.reply({ hist_access_type: "search", pattern: "6 [*] 7", unique: true }).map((e) => e[1]),
    [4],
  );
  assert.deepEqual(
    h.reply({ hist_access_type: "search", pattern: "*a*", n: 2 }).map((e) => e[1]),
    [3, 5],
  );
  assert.deepEqual(h.reply({ hist_access_type: "search", pattern: "a" }), []);
});

test("globToRegExp: * and ? are wildcards, [..] a set, everything else literal", () => {
  assert.ok(globToRegExp("a?c").test("abc"));
  assert.ok(!globToRegExp("a?c").test("ac"));
  assert.ok(globToRegExp("x.(y)*").test("x.(y) and more"));
  assert.ok(!globToRegExp("x.y").test("xzy"));
  assert.ok(globToRegExp("[!a]b").test("cb"));
  assert.ok(!globToRegExp("[!a]b").test("ab"));
  assert.ok(globToRegExp("*").test("multi\nline"));
});

test("an unknown access type returns nothing", () => {
  assert.deepEqual(sample().reply({ hist_access_type: "everything" }), []);
});
