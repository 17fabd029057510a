import assert from "node:assert/strict";
import { test } from "node:test";
import { NameRecorder, declaredNames, survivingDeclarations } from "../../kernel/cell-names";
import { typescript } from "../../kernel/protocol";

const ts = typescript();

test("declaredNames reads tslab's header of a compiled cell, without the last-expression variable", () => {
  const output =
    'Object.defineProperty(exports, "__esModule", { value: true });\nexports.b = exports.a = exports.tsLastExpr = void 0;\nconst a = 1;';
  assert.deepEqual([...declaredNames(output)], ["b", "a"]);
  assert.deepEqual([...declaredNames("const a = 1;")], []);
  const assigns =
    'Object.defineProperty(exports, "__esModule", { value: true });\nexports.a = void 0;\nconst a = 1;\nexports.old = void 0;';
  assert.deepEqual(
    [...declaredNames(assigns)],
    ["a"],
    "a later assignment of an earlier cell's name is not the header",
  );
});

test("the recorder keeps the names written after the header and puts back the others", () => {
  const target: Record<string, unknown> = { kept: "old", redeclared: 1 };
  const recorder = new NameRecorder(target);
  recorder.begin();
  const exports = recorder.exports;
  exports.early = exports.redeclared = exports.late = exports.tsLastExpr = undefined; // the header
  exports.early = [1, 2];
  exports.kept = "assigned"; // an earlier cell's name, assigned: not this cell's declaration
  const committed = recorder.rollBack(new Set(["early", "redeclared", "late"]));
  assert.deepEqual([...committed], ["early"]);
  assert.deepEqual(target, { kept: "assigned", redeclared: 1, early: [1, 2] });
});

test("surviving declarations: the ran names with their new types, the others as before, types kept", () => {
  const previous = 'import * as path from "path";\ndeclare const redeclared: number;\ndeclare const kept: string;\n';
  const failed =
    'import { join, sep } from "path";\ndeclare const early: number[], late: number;\ndeclare function double(n: number): number;\n' +
    "interface Point {\n    x: number;\n}\ndeclare const redeclared: string;\n" +
    'import * as path from "path";\ndeclare const kept: string;\n';
  const text = survivingDeclarations(
    ts,
    previous,
    failed,
    new Set(["join", "early", "double"]),
    new Set(["join", "sep", "early", "late", "double", "redeclared"]),
  );
  assert.equal(
    text,
    'import { join } from "path";\ndeclare const early: number[];\ndeclare function double(n: number): number;\n' +
      "interface Point {\n    x: number;\n}\n" +
      'import * as path from "path";\ndeclare const kept: string;\ndeclare const redeclared: number;\n',
  );
});
