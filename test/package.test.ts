/** The package as users load it: by name, from CommonJS, ESM, and TypeScript's node10 resolution (tslab's). */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers";

const PUBLIC = [
  "init",
  "tf",
  "loadFashionMnist",
  "trainTestSplit",
  "setRandomSeed",
  "EarlyStopping",
  "ModelCheckpoint",
  "saveModel",
  "loadModel",
  "saveWeights",
  "loadWeights",
  "display",
  "updateDisplay",
  "clearOutput",
];

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8" });
}

test("loads by name from CommonJS with every public name", () => {
  const out = node([
    "-e",
    `const m = require("tslab-dl"); console.log(JSON.stringify(${JSON.stringify(PUBLIC)}.filter((k) => m[k] === undefined)))`,
  ]);
  assert.deepEqual(JSON.parse(out), []);
});

test("loads by name from ESM with named imports", () => {
  const out = node([
    "--input-type=module",
    "-e",
    `import { ${PUBLIC.join(", ")} } from "tslab-dl"; console.log(typeof init, typeof EarlyStopping, typeof tf.sequential)`,
  ]);
  assert.equal(out.trim(), "function function function");
});

test("TypeScript finds the types with node10 resolution, as tslab compiles cells", () => {
  // A project whose node_modules holds the package, as after `npm install tslab-dl`.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-types-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(repoRoot, path.join(dir, "node_modules", "tslab-dl"), "dir");
  try {
    const file = path.join(dir, "cell.ts");
    fs.writeFileSync(
      file,
      `import { tf, EarlyStopping } from "tslab-dl";\nconst cb: EarlyStopping = new EarlyStopping({ patience: 2 });\nconst n: number = cb.stoppedEpoch;\nconst t: tf.Tensor = tf.zeros([1]);\nexport { n, t };\n`,
    );
    const bad = path.join(dir, "bad.ts");
    fs.writeFileSync(bad, `import { EarlyStopping } from "tslab-dl";\nnew EarlyStopping({ patience: "2" });\n`);
    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const common = [
      "--noEmit",
      "--strict",
      "--module",
      "commonjs",
      "--moduleResolution",
      "node10",
      "--skipLibCheck",
      "--types",
      "node",
      "--typeRoots",
      path.join(repoRoot, "node_modules", "@types"),
    ];
    node([tsc, ...common, file]);
    assert.throws(
      () => node([tsc, ...common, bad]),
      (e: { stdout?: string }) =>
        /bad\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/.test(String(e.stdout)),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
