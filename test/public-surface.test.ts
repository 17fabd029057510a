/** The package root exports exactly the names the README's library table documents. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as root from "../src";
import { repoRoot } from "./helpers";

/** The identifiers in backticks in the README's "| area | names |" table (`init({ … })` counts as `init`). */
function documentedNames(readme: string): string[] {
  const start = readme.indexOf("| area | names |");
  assert.ok(start >= 0, "README.md has the library table (a row '| area | names |')");
  const table = readme.slice(start, readme.indexOf("\n\n", start));
  const names = [...table.matchAll(/`([A-Za-z_$][\w$]*)(\(.*?\))?`/g)].map((m) => m[1]);
  return [...new Set(names)].sort();
}

test("every public name is in the README's library table, and every name there is public", () => {
  const documented = documentedNames(fs.readFileSync(path.join(repoRoot, "README.md"), "utf8"));
  const exported = Object.keys(root).sort();
  assert.deepEqual(
    {
      undocumented: exported.filter((n) => !documented.includes(n)),
      notExported: documented.filter((n) => !exported.includes(n)),
    },
    { undocumented: [], notExported: [] },
  );
});

test("the root exports no internals: no bridge setters, file writers or kernel names", () => {
  for (const internal of ["setDisplayBridge", "writeFileAtomic", "writeAtomically", "ADAM_OP", "installFastOps"]) {
    assert.equal(internal in root, false, `${internal} is not public`);
  }
});

test("every public function and class carries TSDoc with an @example", async () => {
  const ts = await import("typescript");
  // Only the library's own files: their TSDoc is all this reads, and tfjs's declarations would cost seconds.
  const srcFiles = fs.readdirSync(path.join(repoRoot, "src"), { recursive: true, encoding: "utf8" });
  const roots = srcFiles.filter((f) => f.endsWith(".ts")).map((f) => path.join(repoRoot, "src", f));
  const program = ts.createProgram(roots, { noResolve: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(repoRoot, "src", "index.ts"));
  assert.ok(source, "src/index.ts is in the program");
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class))) continue;
    if (!symbol.getJsDocTags(checker).some((tag) => tag.name === "example")) missing.push(exported.name);
  }
  assert.deepEqual(missing, [], "public functions and classes without an @example in their TSDoc");
});
