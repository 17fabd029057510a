import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { describeAt, inspectReply } from "../../kernel/docs";
import { CellRunner } from "../../kernel/execute";
import { definingModule, sourceOfValue } from "../../kernel/source-lookup";

const runner = new CellRunner(process.cwd(), () => {});
before(async () => {
  const outcome = await runner.run('import { EarlyStopping, tf } from "tslab-dl";');
  assert.equal(outcome.status, "ok");
});
after(() => runner.close());

const CLASS_DOC = /Stop training when a monitored metric has stopped improving\./;

test("new Name? shows the constructor's signature and the class's TSDoc", () => {
  const text = describeAt(runner.executor, "new EarlyStopping", 17) ?? "";
  assert.match(text, /new EarlyStopping\(args\?: EarlyStoppingArgs\): EarlyStopping/);
  assert.match(text, CLASS_DOC);
});

test("inside a call in progress, Shift-Tab shows the called class's or function's documentation", () => {
  const code = "const stop = new EarlyStopping({ pat";
  const reply = inspectReply(runner.executor, code, code.length);
  assert.equal(reply.found, true);
  const text = (reply.data as { "text/plain": string })["text/plain"];
  assert.match(text, /new EarlyStopping\(args\?: EarlyStoppingArgs\)/);
  assert.match(text, CLASS_DOC);
  assert.ok(!/\(property\) pat: any/.test(text), "an unknown property being typed is left out");
  const dense = describeAt(runner.executor, "tf.layers.dense({ units: 3, ", 28) ?? "";
  assert.match(dense, /^function dense\(args: DenseLayerArgs\): Dense\n\nCreates a dense \(fully connected\) layer\./);
  assert.match(
    describeAt(runner.executor, "Math.max(1, ", 12) ?? "",
    /^\(method\) Math\.max\(\.\.\.values: number\[\]\): number/,
  );
  assert.equal(describeAt(runner.executor, "const unrelated = 1;", 0), undefined);
});

let fixture: string;
before(() => {
  fixture = mkdtempSync(path.join(tmpdir(), "tslab-dl-source-"));
});
after(() => rmSync(fixture, { recursive: true, force: true }));

/** A compiled module (and optionally its .d.ts, map and .ts), required so that it is in Node's module cache. */
function compiledModule(name: string, files: { dts?: boolean; ts?: boolean }): (...args: unknown[]) => unknown {
  const js = path.join(fixture, `${name}.js`);
  writeFileSync(js, `exports.${name} = function ${name}(a) { return a + 1; };\n`);
  if (files.dts)
    writeFileSync(
      path.join(fixture, `${name}.d.ts`),
      `/** Adds one. */\nexport declare function ${name}(a: number): number;\n`,
    );
  if (files.ts) {
    writeFileSync(
      path.join(fixture, `${name}.ts`),
      `// header\n/** Adds one. */\nexport function ${name}(a: number): number {\n  return a + 1;\n}\n`,
    );
    writeFileSync(`${js}.map`, JSON.stringify({ version: 3, sources: [`${name}.ts`], mappings: "" }));
  }

  return (require(js) as { [k: string]: (...args: unknown[]) => unknown })[name];
}

test("?? shows a module's TypeScript source when its source map finds it, else its .d.ts, else the compiled JS", () => {
  const withTs = compiledModule("withTs", { ts: true, dts: true });
  assert.deepEqual(definingModule(withTs), { file: path.join(fixture, "withTs.js"), name: "withTs" });
  assert.equal(
    sourceOfValue(withTs, "withTs"),
    `Source (${path.join(fixture, "withTs.ts")}):\n// header\n/** Adds one. */\nexport function withTs(a: number): number {\n  return a + 1;\n}`,
  );
  const dtsOnly = compiledModule("dtsOnly", { dts: true });
  assert.equal(
    sourceOfValue(dtsOnly, "dtsOnly"),
    `Declaration (${path.join(fixture, "dtsOnly.d.ts")}; the TypeScript source is not installed, so this is the .d.ts):\n` +
      "/** Adds one. */\nexport declare function dtsOnly(a: number): number;",
  );
  const jsOnly = compiledModule("jsOnly", {});
  assert.match(
    sourceOfValue(jsOnly, "jsOnly"),
    /^Compiled JavaScript \(.*jsOnly\.js; no TypeScript source or \.d\.ts found\):\nfunction jsOnly\(a\) \{ return a \+ 1; \}$/,
  );
  assert.equal(sourceOfValue(42, "answer"), "answer is a number value, not a function or class: it has no source.");
});
