/**
 * The kernel's own modules as the fallback of module resolution: the folders of an installation,
 * and TypeScript's node10 resolution with those folders after the notebook's own node_modules.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import type * as TS from "@tslab/typescript-for-tslab";
import { kernelEnv, kernelModuleDirs, kernelModulePaths, withKernelModules } from "../../kernel/kernel-modules";

const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [require.resolve("tslab")] })) as typeof TS;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-kernel-modules-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A package folder with a declaration of `whose`, saying which copy it is. */
function fakePackage(dir: string, whose: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: path.basename(dir), types: "index.d.ts" }));
  fs.writeFileSync(path.join(dir, "index.d.ts"), `export declare const whose: "${whose}";\n`);
}

test("an installation's folders: its own node_modules, the node_modules it sits in, and the checkout's own-package folder", () => {
  assert.deepEqual(kernelModuleDirs("/proj/node_modules/tslab-dl"), [
    "/proj/node_modules/tslab-dl/node_modules",
    "/proj/node_modules",
    "/proj/node_modules/tslab-dl/dist/kernel/own-package",
  ]);
  assert.deepEqual(kernelModuleDirs("/home/me/tslab-dl"), [
    "/home/me/tslab-dl/node_modules",
    "/home/me/tslab-dl/dist/kernel/own-package",
  ]);
  assert.equal(kernelEnv("/home/me/tslab-dl").NODE_PATH, kernelModuleDirs("/home/me/tslab-dl").join(path.delimiter));
});

test('from a checkout, the own-package folder gives "tslab-dl" by name, its types and its code', () => {
  const ownPackage = kernelModuleDirs().at(-1)!;
  const stub = path.join(ownPackage, "tslab-dl");
  assert.ok(fs.existsSync(path.join(stub, "index.d.ts")), "the declarations are built");
  const viaStub = require(stub) as { EarlyStopping: unknown };
  const direct = require("../../src/index") as { EarlyStopping: unknown };
  assert.equal(viaStub.EarlyStopping, direct.EarlyStopping, "the same module, not a second copy");
});

test("TypeScript resolves a bare name from the notebook's node_modules first, then from the kernel's folders", () => {
  const kernelModules = path.join(root, "install", "node_modules");
  fakePackage(path.join(kernelModules, "only-in-kernel"), "kernel");
  fakePackage(path.join(kernelModules, "in-both"), "kernel");
  const notebookDir = path.join(root, "course");
  fakePackage(path.join(notebookDir, "node_modules", "in-both"), "notebook");
  fs.writeFileSync(path.join(notebookDir, "local.ts"), "export const here = 1;\n");
  const cell = path.join(notebookDir, "cell.ts");
  fs.writeFileSync(cell, "export {};\n");
  const host = withKernelModules(
    ts,
    ts.createWatchCompilerHost([cell], { moduleResolution: ts.ModuleResolutionKind.Node10, noEmit: true }, ts.sys),
    [kernelModules],
  );
  // The program's options name the kernel's folders for declaration emit; resolution must not let them win.
  const options = host.options;
  assert.deepEqual(options.paths, kernelModulePaths([kernelModules]).paths);
  const resolved = host.resolveModuleNames!(
    ["only-in-kernel", "in-both", "./local", "absent-everywhere", "./absent"],
    cell,
    undefined,
    undefined,
    options,
  );
  assert.deepEqual(
    resolved.map((r) => r && path.relative(root, r.resolvedFileName)),
    [
      path.join("install", "node_modules", "only-in-kernel", "index.d.ts"),
      path.join("course", "node_modules", "in-both", "index.d.ts"),
      path.join("course", "local.ts"),
      undefined,
      undefined,
    ],
  );
  assert.equal(resolved[0]?.isExternalLibraryImport, true, "the kernel's packages are libraries, not cell sources");
});

test("declaration emit names the kernel's folders' modules by bare name: paths relative to a baseUrl at the root", () => {
  assert.deepEqual(kernelModulePaths(["/proj/node_modules", "/proj/node_modules/tslab-dl/node_modules"]), {
    baseUrl: "/",
    paths: { "*": ["proj/node_modules/*", "proj/node_modules/tslab-dl/node_modules/*"] },
  });
});

test("a cell outside the installation declares a const of a type the package declares in a deep module", () => {
  const kernelModules = path.join(root, "install2", "node_modules");
  const pkg = path.join(kernelModules, "deep-types");
  fs.mkdirSync(path.join(pkg, "dist"), { recursive: true });
  fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "deep-types", types: "index.d.ts" }));
  fs.writeFileSync(path.join(pkg, "index.d.ts"), 'export { make } from "./dist/make";\n');
  fs.writeFileSync(
    path.join(pkg, "dist", "make.d.ts"),
    "export declare class Made {\n  x: number;\n}\nexport declare function make(): Made;\n",
  );
  const notebookDir = path.join(root, "elsewhere");
  fs.mkdirSync(notebookDir, { recursive: true });
  const cell = path.join(notebookDir, "cell.ts");
  fs.writeFileSync(cell, 'import { make } from "deep-types";\nexport const made = make();\n');
  const base: TS.CompilerOptions = {
    moduleResolution: ts.ModuleResolutionKind.Node10,
    declaration: true,
    emitDeclarationOnly: true,
    noLib: true,
    types: [],
  };
  const watchHost = withKernelModules(ts, ts.createWatchCompilerHost([cell], base, ts.sys), [kernelModules]);
  // The same options and resolution in a one-shot program: only declaration emit is under test.
  const host = ts.createCompilerHost(watchHost.options);
  host.resolveModuleNames = watchHost.resolveModuleNames;
  const program = ts.createProgram([cell], watchHost.options, host);
  let declaration = "";
  program.emit(undefined, (_file, text) => void (declaration = text));
  const diagnostics = program
    .getDeclarationDiagnostics()
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
  assert.deepEqual(diagnostics, [], "no TS2742: the type can be named");
  assert.match(declaration, /import\("deep-types\/dist\/make"\)\.Made/);
});
