import assert from "node:assert/strict";
import { after, test } from "node:test";
import { CellRunner, errorContent } from "../../kernel/execute";
import { SHELL_HOOK } from "../../kernel/shell-lines";

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

test("a thrown error becomes ename/evalue/traceback pointing at the cell", async () => {
  const outcome = await runner.run('function explode() { throw new TypeError("bad input"); }\nexplode();');
  assert.equal(outcome.status, "error");
  if (outcome.status !== "error") return;
  assert.equal(outcome.error.ename, "TypeError");
  assert.equal(outcome.error.evalue, "bad input");
  assert.match(outcome.error.traceback[0], /TypeError.*: bad input/);
  assert.ok(
    outcome.error.traceback.some((line) => /evalmachine/.test(line)),
    outcome.error.traceback.join("\n"),
  );
  assert.ok(!outcome.error.traceback.some((line) => /tslab[\\/]dist/.test(line)), "tslab's frames are hidden");
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
