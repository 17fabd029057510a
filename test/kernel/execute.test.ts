import assert from "node:assert/strict";
import { after, test } from "node:test";
import { CellRunner, errorContent } from "../../kernel/execute";
import { SHELL_HOOK } from "../../kernel/shell-lines";

/** Terminal colour codes (ESC [ … m). */
const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

const runner = new CellRunner(process.cwd(), () => {});
after(() => runner.close());

test("a cell's last expression is returned, not printed; declarations persist", async () => {
  assert.deepEqual(await runner.run("const x = 6 * 7;"), { status: "ok", hasValue: false });
  assert.deepEqual(await runner.run("x"), { status: "ok", hasValue: true, value: 42 });
  assert.deepEqual(await runner.run("const p = await Promise.resolve([x]);\np"), {
    status: "ok",
    hasValue: true,
    value: [42],
  });
});

test("a thrown error becomes ename/evalue/traceback naming the cell's lines", async () => {
  const outcome = await runner.run(
    'const first = 1;\nfunction explode() {\n  throw new TypeError("bad input");\n}\nexplode();',
    "In [7]",
  );
  assert.equal(outcome.status, "error");
  if (outcome.status !== "error") return;
  assert.equal(outcome.error.ename, "TypeError");
  assert.equal(outcome.error.evalue, "bad input");
  const text = outcome.error.traceback.join("\n").replace(ANSI_COLOR, "");
  assert.match(outcome.error.traceback[0], /TypeError.*: bad input/);
  assert.match(text, /In \[7\], line 3, in explode\n.*\n.*\n----> 3 {3}throw new TypeError\("bad input"\);/);
  assert.match(text, /In \[7\], line 5\n(.*\n)*----> 5 explode\(\);/);
  assert.ok(!/evalmachine|tslab-dl-cell/.test(text), text);
  assert.ok(!outcome.error.traceback.some((line) => /tslab[\\/]dist/.test(line)), "tslab's frames are hidden");
});

test("names declared before a runtime error stay defined with their types; later ones do not", async () => {
  assert.equal((await runner.run('const kept = "old";\nconst redeclared = 1;')).status, "ok");
  const failed = await runner.run(
    'const early = [1, 2, 3];\nfunction double(n: number) {\n  return n * 2;\n}\nthrow new Error("stop");\nconst late = 4;\nconst redeclared = "new";',
  );
  assert.equal(failed.status, "error");
  assert.deepEqual(await runner.run("early.map(double)"), { status: "ok", hasValue: true, value: [2, 4, 6] });
  const typed = await runner.run("const n: number = early;");
  assert.equal(typed.status, "error", "early keeps its type number[]");
  if (typed.status === "error") assert.match(typed.error.evalue, /number\[\]' is not assignable to type 'number'/);
  const late = await runner.run("late");
  assert.equal(late.status, "error");
  if (late.status === "error") assert.match(late.error.evalue, /Cannot find name 'late'/);
  assert.deepEqual(await runner.run("redeclared + 1"), { status: "ok", hasValue: true, value: 2 });
  assert.deepEqual(await runner.run("kept"), { status: "ok", hasValue: true, value: "old" });
  // Re-running the fixed cell works.
  const fixed = await runner.run(
    'const early = [1, 2, 3];\nfunction double(n: number) {\n  return n * 2;\n}\nconst late = 4;\nconst redeclared = "new";',
  );
  assert.equal(fixed.status, "ok");
  assert.deepEqual(await runner.run("late + redeclared"), { status: "ok", hasValue: true, value: "4new" });
});

test("name?? shows the cell statement of a user's name and the TypeScript source of the library's", async () => {
  await runner.run("function area(r: number) {\n  return Math.PI * r * r;\n}", "In [3]");
  assert.equal(
    await runner.sourceOf("area"),
    "Source (In [3]):\nfunction area(r: number) {\n  return Math.PI * r * r;\n}",
  );
  await runner.run('import { EarlyStopping } from "tslab-dl";');
  assert.match(
    await runner.sourceOf("EarlyStopping"),
    /^Source \(.*src[\\/]callbacks[\\/]early-stopping\.ts\):\n(.*\n)*export class EarlyStopping/,
  );
});

test("magics run in order with the cell; unknown ones fail before anything runs", async () => {
  const written: string[] = [];
  const write = process.stdout.write;
  // The cell's text only: the test runner's own (binary) reports pass through while the cell compiles.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    typeof chunk === "string"
      ? written.push(chunk) > 0
      : (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof process.stdout.write;
  let outcome;
  try {
    outcome = await runner.run("%time const timed = 6 * 7\n%who number\ntimed");
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(outcome, { status: "ok", hasValue: true, value: 42 });
  const text = written.join("");
  assert.match(text, /^CPU times: user \S+ \S+, sys: \S+ \S+, total: \S+ \S+\nWall time: \S+ \S+\n/);
  assert.match(text, /\btimed\t /);
  const unknown = await runner.run("(globalThis as any).ranBeforeMagic = true;\n%nope");
  assert.equal(unknown.status, "error");
  if (unknown.status === "error") {
    assert.equal(unknown.error.ename, "UsageError");
    assert.match(unknown.error.evalue, /`%nope` not found\. Line magics: %env .*%timeit .*%who/);
  }
  assert.equal((globalThis as { ranBeforeMagic?: boolean }).ranBeforeMagic, undefined);
});

test("type errors fail the cell as CompileError, with every diagnostic", async () => {
  const outcome = await runner.run('const s: number = "a";\nundefinedName;');
  assert.equal(outcome.status, "error");
  if (outcome.status !== "error") return;
  assert.equal(outcome.error.ename, "CompileError");
  assert.match(outcome.error.evalue, /^2 errors; first: 1:7 - Type 'string' is not assignable to type 'number'\./);
  assert.ok(outcome.error.traceback.some((line) => /2:1 - Cannot find name 'undefinedName'/.test(line)));
});

test("shell lines call the kernel's shell hook in order with the rest of the cell", async () => {
  const calls: string[] = [];
  const slot = globalThis as unknown as { [SHELL_HOOK]?: (command: string) => Promise<void> };
  slot[SHELL_HOOK] = async (command) => {
    calls.push(command);
  };
  try {
    const outcome = await runner.run(
      'const order: string[] = ["start"];\n!echo one\norder.push("middle");\n!echo two\norder',
    );
    assert.deepEqual(outcome, { status: "ok", hasValue: true, value: ["start", "middle"] });
    assert.deepEqual(calls, ["echo one", "echo two"]);
  } finally {
    delete slot[SHELL_HOOK];
  }
});

test("thrown non-errors are reported as Uncaught with their inspected value", () => {
  assert.deepEqual(errorContent({ code: 7 }), {
    ename: "Uncaught",
    evalue: "{ code: 7 }",
    traceback: ["\u001b[0;31mUncaught\u001b[0m { code: 7 }"],
  });
});

test("a cell compiles on the compiler thread: the event loop stays free, and an interrupt stops the compile", async () => {
  await runner.run("const beforeBig = 1;");
  const big = `const bigArray = [${Array.from({ length: 150_000 }, (_, i) => i % 1000).join(",")}];\nbigArray.length`;
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  try {
    const interrupted = runner.run(big);
    setTimeout(() => runner.interrupt(), 300);
    const outcome = await interrupted;
    assert.equal(outcome.status, "error");
    if (outcome.status === "error") {
      assert.equal(outcome.error.ename, "InterruptError");
      assert.match(outcome.error.evalue, /while TypeScript compiled it; nothing of it ran/);
    }
    assert.ok(ticks >= 5, `the event loop ran ${ticks} timer ticks during the compile`);
  } finally {
    clearInterval(ticker);
  }
  const after = await runner.run("beforeBig + 1");
  assert.deepEqual(after, { status: "ok", hasValue: true, value: 2 });
  const typed = await runner.run("const wrong: string = beforeBig;");
  assert.equal(typed.status, "error", "the fresh compiler thread still checks against the session's declarations");
});

test("a /** @module */ cell is known to the compiler thread, also after an interrupt restarted it", async () => {
  const added = await runner.run(
    "/** @module shapes */\nexport function area(r: number): number { return 3 * r * r; }",
  );
  assert.deepEqual(added, { status: "ok", hasValue: false });
  assert.deepEqual(await runner.run('import { area } from "./shapes";\narea(2)'), {
    status: "ok",
    hasValue: true,
    value: 12,
  });
  const big = `const bigAgain = [${Array.from({ length: 150_000 }, (_, i) => i % 1000).join(",")}];`;
  const interrupted = runner.run(big);
  setTimeout(() => runner.interrupt(), 300);
  assert.equal((await interrupted).status, "error");
  const again = await runner.run('import { area as area2 } from "./shapes";\narea2(3)');
  assert.deepEqual(again, { status: "ok", hasValue: true, value: 27 });
  const wrong = await runner.run('import { area as area3 } from "./shapes";\nconst s: string = area3(1);');
  assert.equal(wrong.status, "error", "the module's types are checked by the fresh compiler thread");
});
