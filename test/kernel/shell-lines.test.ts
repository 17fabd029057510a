import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { readCell } from "../../kernel/cell-text";
import { findShellLines, interruptShellCommand, runShellCommand } from "../../kernel/shell-lines";

const commands = (code: string) => findShellLines(code).map((l) => l.command);

test("a line whose first non-blank character is ! is a shell line", () => {
  assert.deepEqual(commands("!ls -al *.h5"), ["ls -al *.h5"]);
  assert.deepEqual(commands("const a = 1;\n   !pwd   \nconsole.log(a)"), ["pwd"]);
  assert.deepEqual(commands("for (const f of files) {\n  !echo loop\n}"), ["echo loop"]);
  assert.deepEqual(commands("if (ready)\n  !make\n"), ["make"]);
  assert.deepEqual(commands("!echo 'it''s' `date` \"q\"\n!true"), ["echo 'it''s' `date` \"q\"", "true"]);
});

test("! inside expressions is never touched", () => {
  assert.deepEqual(commands("const b = !x;\nif (!done) run();\nconst c = a != b && a !== d;"), []);
  assert.deepEqual(commands("const same = a\n  !== b;\nconst other = a\n  != b"), [], "continued comparisons");
  assert.deepEqual(commands("f(a,\n  !b)"), [], "inside parentheses");
  assert.deepEqual(commands("const xs = [\n  !a,\n]"), [], "inside brackets");
  assert.deepEqual(commands("const ok = a &&\n  !b"), [], "after a binary operator");
  assert.deepEqual(commands("const t = cond ?\n  !a : b"), [], "in a conditional");
});

test("! at the start of a line inside strings, templates, comments or regexes is not a shell line", () => {
  assert.deepEqual(commands("const s = `\n!important\n`;"), []);
  assert.deepEqual(commands("const s = `${a +\n!b}`;"), []);
  assert.deepEqual(commands("/*\n!not a command\n*/"), []);
  assert.deepEqual(
    commands("// it's\n!echo after comment"),
    ["echo after comment"],
    "a quote in a line comment is ignored",
  );
  assert.deepEqual(
    commands("const r = /'/;\n!echo after regex"),
    ["echo after regex"],
    "a quote in a regex is ignored",
  );
  assert.deepEqual(commands("const q = a / b; const s = '/';\n!echo after division"), ["echo after division"]);
  assert.deepEqual(commands("const s = `a ${`nested ${1}`} b`;\n!echo after template"), ["echo after template"]);
  assert.deepEqual(commands("i++\n!echo after increment"), ["echo after increment"]);
});

test("/ after an operand divides, as TypeScript's scanner reads it: a template that follows is tracked right", () => {
  // Read as a regex start, each `/` below used to swallow the template's opening backtick,
  // and the template's own "!rm" line was then rewritten into a shell call.
  const cases = [
    "const half = counts.new / 2; const s = `\n!rm -rf data\n`;",
    "i++ / 2; const s = `\n!rm -rf data\n`;",
    "n-- / 2; const s = `\n!rm -rf data\n`;",
    "const r = obj.default / obj.in / 2 + `\n!rm -rf data\n`;",
    "const q = this / 2; const s = `\n!rm -rf data\n`;",
    "const o = { a: 1 } / 2; const s = `\n!rm -rf data\n`;",
    "f(x) / 2; const s = `\n!rm -rf data\n`;",
  ];
  for (const code of cases) {
    assert.deepEqual(commands(code), [], code);
    assert.equal(readCell(code).runnable(), code, `unchanged: ${code}`);
  }
});

test("/ after if (…), a block or a keyword starts a regex, so what follows it is read right", () => {
  assert.deepEqual(commands("if (ok) /`/.test(s);\n!echo after regex"), ["echo after regex"]);
  assert.deepEqual(commands("while (more) /`/.exec(s);\n!echo after regex"), ["echo after regex"]);
  assert.deepEqual(commands("if (a) { b(); }\n/`/.test(s);\n!echo after block"), ["echo after block"]);
  assert.deepEqual(commands("function f() { return /`/.test(s); }\n!echo after return"), ["echo after return"]);
  assert.deepEqual(commands("const t = typeof /`/;\n!echo after typeof"), ["echo after typeof"]);
});

test("rewriting keeps line numbers; blanking keeps every offset", () => {
  const code = "const a = 1;\n!ls -al\na";
  const rewritten = readCell(code).runnable();
  assert.equal(rewritten.split("\n").length, 3);
  assert.equal(
    rewritten.split("\n")[1],
    'await Promise.resolve((globalThis as any)[Symbol.for("tslab-dl.shell")]("ls -al"));',
  );
  const blank = readCell(code).blanked;
  assert.equal(blank.length, code.length);
  assert.equal(blank, "const a = 1;\n       \na");
});

test("runShellCommand streams stdout and stderr and reports the exit status", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "shell-lines-"));
  try {
    writeFileSync(path.join(dir, "model.h5"), "");
    let out = "";
    const ok = await runShellCommand("ls *.h5; echo é >&2", { cwd: dir, write: (t) => (out += t) });
    assert.deepEqual(ok, { code: 0, signal: null });
    assert.match(out, /model\.h5\n/);
    assert.match(out, /é\n/);
    const failed = await runShellCommand("exit 3", { cwd: dir, write: () => {} });
    assert.equal(failed.code, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("interruptShellCommand stops a running command", { skip: process.platform === "win32" }, async () => {
  const result = await runShellCommand("sleep 30", {
    write: () => {},
    started: (child) => setTimeout(() => interruptShellCommand(child), 200),
  });
  assert.equal(result.signal, "SIGINT");
});
