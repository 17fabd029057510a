#!/usr/bin/env node
/**
 * Two checks on the import graph, run by `npm run lint`; each offender is printed as
 * `file:line: what`, and the script exits 1 when there is any.
 *
 * 1. No import cycles among the files of `src/` and `kernel/`. Every import counts,
 *    `import type` included: a loop of types is still a loop for a reader, and it
 *    turns into a loop at run time as soon as one of the names becomes a value.
 *
 * 2. No unused exports in `src/`, `kernel/`, `bench/` and `notebooks/`: every exported
 *    name is imported by some other file. Exempt: the public surface (what the
 *    entry points in package.json — "main", "types", "exports", "bin" — export, with
 *    their source under `src/` or `kernel/`, and any module they export whole as a
 *    namespace, `export * as keras from "./keras"`). An export used only by tests counts as
 *    used: a test that checks a module's helper directly (a tick rule, a file
 *    parser) needs the name exported. Names that only a test uses are listed with
 *    `--test-only`, for a reader to judge; they do not fail the check.
 *
 * Both read the project as the compiler does (tsconfig.json), so a name reached
 * through a re-export, `import * as`, `typeof import("./m")` or `export *` counts.
 *
 * Usage: `node scripts/check-imports.mjs [--test-only] [--root DIR]`
 */
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";

const require = createRequire(import.meta.url);
const ts = require("typescript");

// The project checked: this repository, or another one (`--root DIR`, how the script's own test runs it).
const rootFlag = process.argv.indexOf("--root");
const root =
  rootFlag >= 0
    ? path.resolve(process.argv[rootFlag + 1])
    : path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const rel = (file) => path.relative(root, file).split(path.sep).join("/");
const under = (file, ...folders) => folders.some((f) => rel(file).startsWith(f + "/"));

const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
const config = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
const program = ts.createProgram(config.fileNames, config.options);
const checker = program.getTypeChecker();
const ours = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !rel(f.fileName).startsWith(".."));
const problems = [];

function lineOf(node) {
  const sf = node.getSourceFile();
  return `${rel(sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
}

/** The source file a module specifier (`"./figure"`) resolves to, if it is one of ours. */
function targetOf(specifier) {
  const symbol = checker.getSymbolAtLocation(specifier);
  const file = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  return file && ts.isSourceFile(file) && ours.includes(file) ? file : undefined;
}

// 1. Import cycles.
const graph = new Map(); // file -> Map(target file -> the import statement)
for (const sf of ours) {
  if (!under(sf.fileName, "src", "kernel")) continue;
  const edges = new Map();
  for (const statement of sf.statements) {
    const specifier =
      ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
    const target = specifier && targetOf(specifier);
    if (target && target !== sf && !edges.has(target)) edges.set(target, statement);
  }
  graph.set(sf, edges);
}
// Tarjan's strongly connected components; each component of two or more files is a loop.
let index = 0;
const order = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(v) {
  order.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of (graph.get(v) ?? new Map()).keys()) {
    if (!graph.has(w)) continue;
    if (!order.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), order.get(w)));
  }
  if (low.get(v) !== order.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length < 2) return;
  const members = new Set(component);
  const files = component.map((f) => rel(f.fileName)).sort();
  problems.push(`import cycle among ${files.length} files: ${files.join(", ")}`);
  for (const f of component) {
    for (const [target, statement] of graph.get(f)) {
      if (members.has(target)) problems.push(`  ${lineOf(statement)}: imports ${rel(target.fileName)}`);
    }
  }
}
for (const v of graph.keys()) if (!order.has(v)) visit(v);

// 2. Unused exports. A symbol is used when a file other than the one declaring it names it;
// each hop of a re-export chain (index.ts re-exporting figure.ts's name) counts as a use.
const usedBy = new Map(); // symbol -> Set of files naming it from outside
function markUse(symbol, file) {
  let s = symbol;
  for (let hops = 0; s && hops < 20; hops++) {
    if (!s.declarations?.some((d) => d.getSourceFile() === file)) {
      if (!usedBy.has(s)) usedBy.set(s, new Set());
      usedBy.get(s).add(file);
    }
    if (!(s.flags & ts.SymbolFlags.Alias)) break;
    s = checker.getImmediateAliasedSymbol(s);
  }
}
for (const sf of ours) {
  const walk = (node) => {
    if (ts.isIdentifier(node)) {
      const symbol = ts.isShorthandPropertyAssignment(node.parent)
        ? checker.getShorthandAssignmentValueSymbol(node.parent)
        : checker.getSymbolAtLocation(node);
      if (symbol) markUse(symbol, sf);
    }
    ts.forEachChild(node, walk);
  };
  walk(sf);
}

// The public surface: the source files of package.json's entry points.
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const entryPaths = [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})];
for (const value of Object.values(pkg.exports ?? {})) {
  entryPaths.push(...(typeof value === "string" ? [value] : Object.values(value)));
}
const entries = new Set(
  entryPaths
    .filter((p) => typeof p === "string" && p.replace(/^\.\//, "").startsWith("dist/"))
    .map((p) =>
      p
        .replace(/^\.\//, "")
        .replace(/^dist\//, "")
        .replace(/(\.d)?\.js$|\.d\.ts$/, ".ts"),
    ),
);

// A module an entry point exports whole as a namespace (`export * as keras from "./keras"`) is public too.
for (const sf of ours) {
  if (!entries.has(rel(sf.fileName))) continue;
  for (const statement of sf.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamespaceExport(statement.exportClause))
      continue;
    const target = statement.moduleSpecifier && targetOf(statement.moduleSpecifier);
    if (target) entries.add(rel(target.fileName));
  }
}

const testOnly = [];
for (const sf of ours) {
  if (!under(sf.fileName, "src", "kernel", "bench", "notebooks")) continue;
  if (entries.has(rel(sf.fileName))) continue;
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) continue;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const declaration = exported.declarations?.find((d) => d.getSourceFile() === sf);
    if (!declaration) continue; // comes in through `export *` from another file, judged there
    const users = [...(usedBy.get(exported) ?? [])];
    const where = `${lineOf(ts.getNameOfDeclaration(declaration) ?? declaration)}: ${exported.getName()}`;
    if (users.length === 0) problems.push(`${where} is exported but no other file imports it`);
    else if (users.every((u) => under(u.fileName, "test"))) testOnly.push(`${where} is imported only by tests`);
  }
}

if (process.argv.includes("--test-only")) for (const line of testOnly) console.log(line);
if (problems.length) {
  for (const line of problems) console.error(line);
  console.error(
    `\ncheck-imports: ${problems.filter((p) => !p.startsWith("  ")).length} problem(s): break each cycle (move the shared` +
      " names into a module both sides import); un-export or delete each unused name.",
  );
  process.exit(1);
}
