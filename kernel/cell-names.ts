/**
 * Names survive a runtime error, as in IPython.
 *
 * tslab runs a cell as a CommonJS module whose declarations are written to a
 * shared `exports` object: first every name is set to `undefined` (the
 * header `exports.a = exports.b = void 0;`), then each declaration writes its
 * value as its statement runs. The type of each name lives in a declaration
 * text (`.d.ts`) that the next cell is checked against, and tslab keeps the
 * new text only when the whole cell ran.
 *
 * When a cell throws, {@link NameRecorder} knows which of the cell's names were
 * written after the header (their statements ran); {@link survivingDeclarations}
 * builds the declaration text that keeps those with their new types, and keeps
 * the others as they were before the cell (the recorder puts their old values back).
 */
import type * as TS from "@tslab/typescript-for-tslab";

/** The variable tslab stores a cell's last expression in. */
const LAST_EXPRESSION = /^tsLastExpr\d*$/;

/**
 * Records which names a running cell writes to tslab's `exports`.
 *
 * @example
 * const recorder = new NameRecorder(slot.exports);
 * slot.exports = recorder.exports;
 * recorder.begin();
 * // … run a cell that throws …
 * recorder.rollBack(declaredNames(output)); // → the names whose statements ran
 */
export class NameRecorder {
  /** The object to hand to cells instead of the original. */
  readonly exports: Record<string, unknown>;
  private writes = new Map<string, number>();
  private before = new Map<string, unknown>();
  private recording = false;

  constructor(private readonly target: Record<string, unknown>) {
    const note = (name: string | symbol) => {
      if (this.recording && typeof name === "string") this.writes.set(name, (this.writes.get(name) ?? 0) + 1);
    };
    this.exports = new Proxy(target, {
      set: (t, name, value) => {
        note(name);
        t[name as string] = value;
        return true;
      },
      defineProperty: (t, name, attributes) => {
        note(name);
        return Reflect.defineProperty(t, name, attributes);
      },
    });
  }

  /** Start recording a cell's writes (and remember the values they may overwrite). */
  begin(): void {
    this.writes.clear();
    this.before = new Map(Object.entries(this.target));
    this.recording = true;
  }

  /** Stop recording (the cell ran to its end). */
  end(): void {
    this.recording = false;
  }

  /**
   * After a cell failed: which of the names it declares (`declared`) had
   * their statements run. Each of the others gets back the value it had
   * before the cell, or is removed when it had none.
   */
  rollBack(declared: Set<string>): Set<string> {
    this.recording = false;
    const committed = new Set<string>();
    for (const name of declared) {
      // One write is the header's `void 0`; a second one is the declaration itself.
      if ((this.writes.get(name) ?? 0) >= 2) committed.add(name);
      else if (this.before.has(name)) this.target[name] = this.before.get(name);
      else delete this.target[name];
    }
    for (const name of Object.keys(this.target)) if (LAST_EXPRESSION.test(name)) delete this.target[name];
    return committed;
  }
}

/**
 * The value names a top-level declaration statement declares; `undefined` for type-only ones.
 *
 * @example
 * statementNames(ts, parse("const a = 1, b = 2;").statements[0]); // → ["a", "b"]
 */
export function statementNames(ts: typeof TS, statement: TS.Statement): string[] | undefined {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return undefined;
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    const names = clause?.name ? [clause.name.text] : [];
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
    return names;
  }
  const named = statement as TS.Statement & { name?: TS.Node };
  return named.name && ts.isIdentifier(named.name) ? [named.name.text] : [];
}

/** The statement with only the declarations of `keep` (a variable list or an import may declare several). */
function keepNames(ts: typeof TS, file: TS.SourceFile, statement: TS.Statement, keep: Set<string>): string {
  const text = (node: TS.Node) => node.getText(file);
  if (ts.isVariableStatement(statement)) {
    const list = statement.declarationList;
    const head = file.text.slice(statement.getStart(file), list.declarations[0].getStart(file));
    const kept = list.declarations.filter((d) => ts.isIdentifier(d.name) && keep.has(d.name.text));
    return `${head}${kept.map(text).join(", ")};`;
  }
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    const parts: string[] = [];
    if (clause.name && keep.has(clause.name.text)) parts.push(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && keep.has(bindings.name.text)) parts.push(text(bindings));
    if (bindings && ts.isNamedImports(bindings)) {
      const elements = bindings.elements.filter((e) => keep.has(e.name.text));
      if (elements.length > 0) parts.push(`{ ${elements.map(text).join(", ")} }`);
    }
    return `import ${clause.isTypeOnly ? "type " : ""}${parts.join(", ")} from ${text(statement.moduleSpecifier)};`;
  }
  return text(statement);
}

/**
 * The statements of a declaration text that `keep` accepts (`typeOnly` for
 * interfaces and type aliases), each narrowed to the accepted names.
 */
function filterDeclarations(
  ts: typeof TS,
  declarations: string,
  keep: (name: string, typeOnly: boolean) => boolean,
): string {
  const file = ts.createSourceFile("__prev__.d.ts", declarations, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const statement of file.statements) {
    const names = statementNames(ts, statement);
    if (names === undefined) {
      const name = (statement as TS.InterfaceDeclaration).name.text;
      if (keep(name, true)) out.push(statement.getText(file));
      continue;
    }
    const kept = new Set(names.filter((name) => keep(name, false)));
    if (kept.size === 0) continue;
    out.push(kept.size === names.length ? statement.getText(file) : keepNames(ts, file, statement, kept));
  }
  return out.length ? out.join("\n") + "\n" : "";
}

/**
 * The declarations for the cells after a failed one: those of the failed
 * cell (`failed`, tslab's declaration text for the whole cell) for the names
 * whose statements ran (`committed`) and for its types, and the previous
 * declarations (`previous`) of its other names.
 *
 * @example
 * survivingDeclarations(ts, "declare const a: number;\n", "declare const a: string;\ndeclare const b: number;\n", new Set(["b"]), new Set(["a", "b"]));
 * // → "declare const b: number;\ndeclare const a: number;\n"
 */
export function survivingDeclarations(
  ts: typeof TS,
  previous: string,
  failed: string,
  committed: Set<string>,
  declared: Set<string>,
): string {
  const skipped = (name: string) => declared.has(name) && !committed.has(name);
  const fromCell = filterDeclarations(ts, failed, (name, typeOnly) => typeOnly || !skipped(name));
  const kept = filterDeclarations(ts, previous, (name, typeOnly) => !typeOnly && skipped(name));
  return fromCell + kept;
}

/**
 * The names a compiled cell declares: those of tslab's header line(s)
 * `exports.a = exports.b = void 0;`.
 *
 * @example
 * declaredNames('Object.defineProperty(exports, "__esModule", { value: true });\nexports.b = exports.a = exports.tsLastExpr = void 0;');
 * // → Set {"b", "a"}
 */
export function declaredNames(output: string): Set<string> {
  const names = new Set<string>();
  const lines = output.split("\n");
  // The header follows TypeScript's `__esModule` marker; a later `exports.x = void 0;` is the cell's own assignment.
  let at = lines.findIndex((line) => line.startsWith('Object.defineProperty(exports, "__esModule"'));
  for (at++; at > 0 && at < lines.length && /^exports\.[\w$]+ = .*void 0;$/.test(lines[at]); at++) {
    for (const m of lines[at].matchAll(/exports\.([\w$]+) =/g)) if (!LAST_EXPRESSION.test(m[1])) names.add(m[1]);
  }
  return names;
}
