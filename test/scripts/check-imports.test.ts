/** scripts/check-imports.mjs (run by `npm run lint`) finds import cycles and unused exports, and only those. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers";

const script = path.join(repoRoot, "scripts", "check-imports.mjs");

/** A throwaway project of `files` with its own tsconfig.json and package.json (entry point src/index.ts). */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-check-imports-"));
  const all: Record<string, string> = {
    "tsconfig.json": JSON.stringify({
      compilerOptions: { module: "node16", moduleResolution: "node16", strict: true, types: [] },
      include: ["src/**/*.ts", "test/**/*.ts"],
    }),
    "package.json": JSON.stringify({ main: "dist/src/index.js", types: "dist/src/index.d.ts" }),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function check(dir: string, ...flags: string[]): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [script, "--root", dir, ...flags], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: run.status, out: run.stdout + run.stderr };
}

test("a project whose every export is imported, through re-exports, typeof import and tests, passes", () => {
  const { status, out } = check(
    project({
      "src/index.ts": 'export { area } from "./shapes";\nexport { lazyArea } from "./lazy";\n',
      "src/shapes.ts":
        'import { square } from "./math";\nexport function area(side: number): number {\n  return square(side);\n}\n',
      "src/math.ts": "export function square(x: number): number {\n  return x * x;\n}\n",
      "src/lazy.ts":
        'import type * as Heavy from "./heavy";\nexport function lazyArea(): number {\n  return (require("./heavy") as typeof Heavy).heavyArea();\n}\n',
      "src/heavy.ts": "export function heavyArea(): number {\n  return 2;\n}\n",
      "src/tick.ts": "export function tick(): number {\n  return 1;\n}\n",
      "test/tick.test.ts": 'import { tick } from "../src/tick";\ntick();\n',
    }),
    "--test-only",
  );
  assert.equal(status, 0, out);
  assert.match(out, /src\/tick\.ts:1: tick is imported only by tests/);
});

test("an export no other file imports fails the check, named with its file and line", () => {
  const { status, out } = check(
    project({
      "src/index.ts": 'export { area } from "./shapes";\n',
      "src/shapes.ts":
        "export function area(side: number): number {\n  return side * side;\n}\n\nexport const UNUSED_LIMIT = 3;\n",
    }),
  );
  assert.equal(status, 1, out);
  assert.match(out, /src\/shapes\.ts:5: UNUSED_LIMIT is exported but no other file imports it/);
  assert.doesNotMatch(out, /area is exported/);
});

test("an import cycle fails the check, type-only imports included, and names each import in it", () => {
  const { status, out } = check(
    project({
      "src/index.ts": 'export { Figure } from "./figure";\n',
      "src/figure.ts":
        'import { render } from "./svg";\nexport interface Spec {\n  n: number;\n}\nexport class Figure {\n  svg = render({ n: 1 });\n}\n',
      "src/svg.ts":
        'import type { Spec } from "./figure";\nexport function render(spec: Spec): string {\n  return String(spec.n);\n}\n',
    }),
  );
  assert.equal(status, 1, out);
  assert.match(out, /import cycle among 2 files: src\/figure\.ts, src\/svg\.ts/);
  assert.match(out, /src\/figure\.ts:1: imports src\/svg\.ts/);
  assert.match(out, /src\/svg\.ts:1: imports src\/figure\.ts/);
});
