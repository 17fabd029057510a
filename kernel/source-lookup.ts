/**
 * `name??`: the source of a function, class or value, as IPython's `??`.
 *
 * - A name declared in an earlier cell shows that cell's statement as typed.
 * - Anything else is looked up by value: the module in Node's module cache
 *   that exports it, then that module's TypeScript source (through its
 *   source map) when it is on disk, else its `.d.ts` declaration, else the
 *   compiled JavaScript — the answer says which it shows. A package
 *   installed from npm ships `dist/` only, so its declarations are shown.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";
import { statementNames } from "./cell-names";
import { typescript } from "./protocol";
import { readCell } from "./cell-text";

/** Where a user's name was declared. */
interface Declared {
  label: string;
  text: string;
}

/**
 * The top-level statements of the session's cells, by the names they declare.
 *
 * @example
 * const sources = new UserSources();
 * sources.record("In [1]", "function area(r: number) {\n  return Math.PI * r * r;\n}");
 * sources.get("area"); // → { label: "In [1]", text: "function area(r: number) {…}" }
 */
export class UserSources {
  private readonly names = new Map<string, Declared>();

  /** Record a cell that ran; `only`, when given, limits it to the names whose statements ran. */
  record(label: string, code: string, only?: Set<string>): void {
    const ts = typescript();
    const file = ts.createSourceFile("cell.ts", readCell(code).blanked, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    for (const statement of file.statements) {
      // An imported name's source is the module's, found by value.
      if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) continue;
      const text = code.slice(statement.getStart(file), statement.end);
      for (const name of statementNames(ts, statement) ?? typeName(statement)) {
        if (!only || only.has(name)) this.names.set(name, { label, text });
      }
    }
  }

  get(name: string): Declared | undefined {
    return this.names.get(name);
  }
}

function typeName(statement: TS.Statement): string[] {
  const name = (statement as TS.InterfaceDeclaration).name;
  return name ? [name.text] : [];
}

/** The module file and export name that hold `value`, preferring the module that declares it. */
export function definingModule(
  value: unknown,
  cache: NodeJS.Dict<NodeJS.Module> = require.cache,
): { file: string; name: string } | undefined {
  const found: Array<{ file: string; name: string }> = [];
  const search = (file: string, holder: unknown, depth: number) => {
    if (!holder || (typeof holder !== "object" && typeof holder !== "function")) return;
    for (const name of Object.keys(holder)) {
      let exported: unknown;
      try {
        exported = (holder as Record<string, unknown>)[name];
      } catch {
        continue; // a throwing getter is not the value
      }
      if (exported === value) found.push({ file, name });
      // One level down: namespaces such as tf.layers.
      else if (depth === 0 && exported && typeof exported === "object") search(file, exported, 1);
    }
  };
  for (const [file, mod] of Object.entries(cache)) search(file, mod?.exports, 0);
  const declares = (c: { file: string; name: string }) => {
    const text = readFileSync(c.file, "utf8");
    return new RegExp(`(class|function)\\s+${c.name}\\b`).test(text);
  };
  return found.find(declares) ?? found[0];
}

/** The text of the top-level declaration of `name` in a TypeScript or declaration file. */
function declarationIn(ts: typeof TS, file: string, name: string): string | undefined {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const statements = source.statements.filter((s) => (statementNames(ts, s) ?? typeName(s)).includes(name));
  // A function's overloads are several statements: show them all.
  return statements.length ? statements.map((s) => text.slice(s.getFullStart(), s.end).trim()).join("\n") : undefined;
}

/** The TypeScript file a compiled file's source map names, when it is on disk. */
function originalSource(file: string): string | undefined {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return undefined;
  try {
    const map = JSON.parse(readFileSync(mapFile, "utf8")) as { sources?: string[]; sourceRoot?: string };
    const first = map.sources?.[0];
    if (!first) return undefined;
    const resolved = path.resolve(path.dirname(mapFile), map.sourceRoot ?? "", first);
    return existsSync(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/**
 * The `??` text for a value found at runtime (`name` is how the user wrote it).
 *
 * @example
 * sourceOfValue(EarlyStopping, "EarlyStopping");
 * // → "Source (src/callbacks/early-stopping.ts):\nexport class EarlyStopping extends …"
 */
export function sourceOfValue(value: unknown, name: string): string {
  if (typeof value !== "function") {
    return `${name} is a ${value === null ? "null" : typeof value} value, not a function or class: it has no source.`;
  }
  const ts = typescript();
  const where = definingModule(value);
  if (where) {
    const original = originalSource(where.file);
    const fromTs = original && declarationIn(ts, original, where.name);
    if (original && fromTs) return `Source (${shown(original)}):\n${fromTs}`;
    const dts = where.file.replace(/\.c?js$/, ".d.ts");
    const fromDts = existsSync(dts) ? declarationIn(ts, dts, where.name) : undefined;
    if (fromDts) {
      return `Declaration (${shown(dts)}; the TypeScript source is not installed, so this is the .d.ts):\n${fromDts}`;
    }
    return `Compiled JavaScript (${shown(where.file)}; no TypeScript source or .d.ts found):\n${String(value)}`;
  }
  return `Compiled JavaScript (no module exports it):\n${String(value)}`;
}
