import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { CellRunner } from "../../kernel/execute";
import { lightBuilderInstalled } from "../../kernel/light-builder";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-light-"));
// tslab resolves a cell's relative imports from the kernel's working directory (the notebook's folder).
const cwd = process.cwd();
process.chdir(dir);
const runner = new CellRunner(dir, () => {});
after(() => {
  runner.close();
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the kernel compiles cells with the light builder", () => {
  assert.equal(lightBuilderInstalled(), true);
});

test("light builder: a cell importing a local .ts module compiles that module and the one it imports", async () => {
  fs.writeFileSync(path.join(dir, "inner.ts"), "export const base: number = 40;\n");
  fs.writeFileSync(
    path.join(dir, "outer.ts"),
    'import { base } from "./inner";\nexport function answer(): number { return base + 2; }\n',
  );
  assert.deepEqual(await runner.run('import { answer } from "./outer";\nanswer()'), {
    status: "ok",
    hasValue: true,
    value: 42,
  });
  // A type error in the module is the cell's error, as in tslab.
  fs.writeFileSync(path.join(dir, "broken.ts"), "export const n: number = 'text';\n");
  const broken = await runner.run('import { n } from "./broken";\nn');
  assert.equal(broken.status, "error");
  if (broken.status === "error") assert.match(broken.error.evalue, /Type 'string' is not assignable to type 'number'/);
});

test("light builder: names persist across cells, script cells and module cells alike, and types are still checked", async () => {
  assert.deepEqual(await runner.run("const k = 6;"), { status: "ok", hasValue: false });
  assert.deepEqual(await runner.run("k * 7"), { status: "ok", hasValue: true, value: 42 });
  assert.deepEqual(await runner.run('import * as os from "node:os";\nconst sep = os.EOL.length > 0;'), {
    status: "ok",
    hasValue: false,
  });
  assert.deepEqual(await runner.run("sep && k"), { status: "ok", hasValue: true, value: 6 });
  const typeError = await runner.run("const s: string = k;");
  assert.equal(typeError.status, "error");
  if (typeError.status === "error") {
    assert.equal(typeError.error.ename, "CompileError");
    assert.match(typeError.error.evalue, /Type 'number' is not assignable to type 'string'/);
  }
  const unknownName = await runner.run("notDeclaredAnywhere + 1");
  assert.equal(unknownName.status, "error");
  if (unknownName.status === "error") assert.match(unknownName.error.evalue, /Cannot find name 'notDeclaredAnywhere'/);
});
