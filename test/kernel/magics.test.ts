import assert from "node:assert/strict";
import { test } from "node:test";
import { readCell } from "../../kernel/cell-text";
import { UsageError } from "../../kernel/magics";

const rewriteMagics = (code: string): string => readCell(code).runnable();

const names = (code: string) => readCell(code).magics.map((m) => `${m.cell ? "%%" : "%"}${m.name} ${m.args}`.trim());

test("a line starting with %name where TypeScript cannot continue is a line magic", () => {
  assert.deepEqual(names("%who"), ["%who"]);
  assert.deepEqual(names("const a = 1;\n  %time const b = f(a)\nb"), ["%time const b = f(a)"]);
  assert.deepEqual(names("%env HOME\n%who\n%xmode Verbose"), ["%env HOME", "%who", "%xmode Verbose"]);
  assert.deepEqual(names("const x = 5\n%time f(x)"), ["%time f(x)"], "after a line without ';'");
  assert.deepEqual(names("for (const v of vs) {\n  %time f(v)\n}"), ["%time f(v)"]);
  assert.deepEqual(names("%%timeit -r 3\nconst y = f(1);"), ["%%timeit -r 3"]);
});

test("% inside TypeScript is never touched: modulo, strings, templates, comments, regexes, brackets", () => {
  assert.deepEqual(names("const r = a %b;\nconst s = a % b"), []);
  assert.deepEqual(names("const m = a\n%b"), [], "a modulo continued on the next line");
  assert.deepEqual(names("const m = a\n  % b;\nx %= 2;\nx\n%= 3"), []);
  assert.deepEqual(names("const s = `\n%who\n`;"), [], "template literal");
  assert.deepEqual(names("const s = `${a +\n%b}`;"), []);
  assert.deepEqual(names("/*\n%who\n*/"), [], "block comment");
  assert.deepEqual(names("// %who"), [], "line comment");
  assert.deepEqual(names("const s = '%who';"), []);
  // A regex literal ends at its line (TypeScript's scanner, which shell-lines.ts uses, says so too).
  assert.deepEqual(names("const re = /%who/;\nconst q = s.replace(/%who/g, '');"), []);
  assert.deepEqual(names("f(a,\n%who)"), [], "inside parentheses");
  assert.deepEqual(names("const xs = [\n%b,\n];"), [], "inside brackets");
  assert.deepEqual(names("const ok = a &&\n%b"), [], "after a binary operator");
});

test("rewritten magics keep every line number", () => {
  const cells = [
    "%time const y = 2 * 3\ny",
    "const a = 1;\n%timeit Math.sqrt(a)\n%who\na",
    "%%time\nconst z = 1;\n!ls\nz",
    "%%timeit\nawait Promise.resolve(1);\nconst w = 2;",
  ];
  for (const cell of cells) {
    const before = cell.split("\n");
    const after = rewriteMagics(cell).split("\n");
    // A cell magic may close its call on one line added after the cell; the last line may wrap the cell's value.
    assert.ok(after.length === before.length || after.length === before.length + 1, cell);
    before.forEach((line, i) => {
      // Shell lines become calls of the shell hook, on their own line (shell-lines.test.ts).
      if (line.startsWith("!")) assert.match(after[i], /^await Promise\.resolve\(.*"tslab-dl\.shell".*\("ls"\)\);$/);
      else if (!line.startsWith("%") && i < before.length - 1) assert.equal(after[i], line, `line ${i + 1} of ${cell}`);
    });
  }
});

test("%time and %%time keep the cell's value; %timeit and %%timeit time a function", () => {
  assert.match(rewriteMagics("%time 6 * 7"), /\.timeStart\(\); .*\.timeEnd\(\(6 \* 7\)\);$/);
  assert.match(rewriteMagics("%time const y = 2;"), /\.timeStart\(\); const y = 2; .*\.timeEnd\(\);$/);
  assert.match(
    rewriteMagics("%time f(); // a comment"),
    /\.timeStart\(\); .*\.timeEnd\(\(f\(\)\)\);$/,
    "a trailing comment goes",
  );
  assert.match(rewriteMagics("%%time\nconst z = 1;\nz"), /\.timeStart\(\);\nconst z = 1;\n.*\.timeEnd\(\(z\)\)$/);
  assert.match(
    rewriteMagics("%timeit -n 10 -r 2 f()"),
    /\.timeit\(\{"number":10,"repeat":2\}, \(\) => \{ f\(\); \}\);$/,
  );
  assert.match(
    rewriteMagics("%timeit await f()"),
    /^await Promise\.resolve\(.*\.timeit\(\{\}, async \(\) => \{ await f\(\); \}\)\);$/,
  );
  assert.match(rewriteMagics("%%timeit\nf();"), /\.timeit\(\{\}, \(\) => \{\nf\(\);\n\}\);$/);
});

test("an unknown magic is a UsageError listing the magics that exist", () => {
  assert.throws(
    () => rewriteMagics("%matplotlib inline"),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(
        e.message,
        /^Line magic function `%matplotlib` not found\. Line magics: %env .*, %time .*, %timeit .*, %who .*, %xmode .*\. Cell magics: %%time .*, %%timeit .*\.$/,
      );
      return true;
    },
  );
  assert.throws(() => rewriteMagics("%%bash\nls"), /Cell magic function `%%bash` not found/);
  assert.throws(() => rewriteMagics("const a = 1;\n%%time\na"), /must be on the cell's first line/);
  assert.throws(() => rewriteMagics("%timeit -q f()"), /takes the options -n N and -r R/);
  assert.throws(() => rewriteMagics("%time"), /%time needs a statement/);
});
