import assert from "node:assert/strict";
import { test } from "node:test";
import { CompiledCells, decodeMappings, isCellScript } from "../../kernel/cell-maps";

test("source map mappings decode to generated column, original line and column", () => {
  // "AAAA" = [0,0,0,0]; "IAAI" = [+4,0,0,+4]; ";" = next line (only the generated column restarts); "AACA" = [0,0,+1,0]
  assert.deepEqual(decodeMappings("AAAA,IAAI;AACA"), [
    [
      [0, 0, 0],
      [4, 0, 4],
    ],
    [[0, 1, 4]],
  ]);
  // Two-digit and negative values: "gB" = 16, "D" = -1
  assert.deepEqual(decodeMappings("gBAAgB,CAAD"), [
    [
      [16, 0, 16],
      [17, 0, 15],
    ],
  ]);
});

function inlineMap(mappings: string): string {
  const json = JSON.stringify({ version: 3, sources: ["x"], names: [], mappings });
  return `//# sourceMappingURL=data:application/json;base64,${Buffer.from(json).toString("base64")}`;
}

test("a compiled cell loses its maps, gets a script name, and frames map through both maps to the cell", () => {
  const cells = new CompiledCells();
  // ES module line 2 (0-based) ← line 3 of tslab's cell file (0-based; its line 0 is tslab's prefix): cell line 3.
  const toCell = inlineMap(";;AAGA");
  // CommonJS line 5 (0-based 4) ← ES module line 2.
  const toModule = inlineMap(";;;;AAEA");
  const output = `a;\nb;\nc;\nd;\nthrow e;\n${toCell}\n${toModule}`;
  const code = cells.add("In [4]", "one\ntwo\nthrow e;", output);
  assert.equal(code, "a;\nb;\nc;\nd;\nthrow e;\n//# sourceURL=tslab-dl-cell-1.js");
  assert.deepEqual(cells.locate("tslab-dl-cell-1.js", 5, 1), {
    label: "In [4]",
    source: "one\ntwo\nthrow e;",
    line: 3,
    column: 1,
  });
  assert.equal(cells.locate("tslab-dl-cell-1.js", 1, 1), undefined, "a line of tslab's prologue");
  assert.equal(cells.locate("other.js", 5, 1), undefined);
  assert.ok(isCellScript("    at f (tslab-dl-cell-12.js:3:4)"));
  assert.ok(!isCellScript("    at f (/a/tslab-dl-cell.ts:3:4)"));
});
