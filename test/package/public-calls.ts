/**
 * A notebook cell that declares a top-level `const` of the result of every public function and
 * of every public method of every public class and object in a package's declarations, so that
 * the kernel must write (and carry to the next cell) the type of each. Written from the
 * package's own `.d.ts` with TypeScript's checker, so a new export is covered without editing a
 * list. `tf` is tfjs's own API and is left out.
 *
 * The calls are never made: each result is `false as boolean ? call : never`, typed as the call's
 * result, and its arguments are `arg<Parameters<…>>()`, which the type checker takes on trust.
 */
import * as path from "node:path";
import * as ts from "typescript";

/** What one declared `const` stands for: `plt.subplots`, `new EarlyStopping`, `EarlyStopping#onEpochEnd`. */
export interface PublicCall {
  name: string;
  code: string;
}

const SKIP = new Set(["tf"]);

function isPublicMember(symbol: ts.Symbol): boolean {
  const modifiers = ts.getCombinedModifierFlags(symbol.valueDeclaration ?? symbol.declarations?.[0] ?? ({} as never));
  return (
    !(modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) &&
    !symbol.name.startsWith("#") &&
    !symbol.name.startsWith("__@")
  );
}

/** Whether `symbol` is declared in the package (not inherited from `Array`, `Error` or `Function`). */
function declaredIn(packageDir: string, symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(packageDir));
}

/** Whether an export is `export { type X }` or `export type { X }`: a name for types only. */
function typeOnly(exported: ts.Symbol): boolean {
  return (exported.declarations ?? []).some(
    (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
  );
}

/** The callable members of `type` (methods and function-valued properties) declared in the package, by name. */
function callableMembers(checker: ts.TypeChecker, type: ts.Type, at: ts.Node, packageDir: string): string[] {
  return checker
    .getPropertiesOfType(type)
    .filter((p) => isPublicMember(p) && declaredIn(packageDir, p) && /^[A-Za-z_$][\w$]*$/.test(p.name))
    .filter((p) => checker.getTypeOfSymbolAtLocation(p, at).getCallSignatures().length > 0)
    .map((p) => p.name)
    .sort();
}

/**
 * Every public call of the package whose declarations start at `indexDts`.
 *
 * @example
 * publicCalls("node_modules/tslab-dl/dist/src/index.d.ts", "tslab-dl");
 * // → [{ name: "plt.subplots", code: "const r0 = … plt.subplots(…)" }, …]
 */
export function publicCalls(indexDts: string): PublicCall[] {
  const program = ts.createProgram([indexDts], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(indexDts);
  if (!source) throw new Error(`cannot read ${indexDts}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${indexDts} is not a module`);
  const packageDir = path.dirname(path.resolve(indexDts));
  const calls: PublicCall[] = [];
  const add = (name: string, expression: string): void => {
    calls.push({ name, code: `const r${calls.length} = false as boolean ? ${expression} : arg<never>();` });
  };
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const name = exported.name;
    if (SKIP.has(name) || typeOnly(exported)) continue;
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Value)) continue;
    addValue(name, `typeof ${name}`, checker.getTypeOfSymbolAtLocation(symbol, source), 2);
  }
  return calls;

  /** The calls of one value: a class (`new`, its instances' methods, its static ones), a function, or an object's members. */
  function addValue(expr: string, typeExpr: string, type: ts.Type, depth: number): void {
    if (type.getConstructSignatures().length > 0) {
      add(`new ${expr}`, `new ${expr}(...arg<ConstructorParameters<${typeExpr}>>())`);
      const instance = `InstanceType<${typeExpr}>`;
      const instanceType = type.getConstructSignatures()[0].getReturnType();
      for (const method of callableMembers(checker, instanceType, source!, packageDir))
        add(`${expr}#${method}`, `arg<${instance}>().${method}(...arg<Parameters<${instance}["${method}"]>>())`);
    } else if (type.getCallSignatures().length > 0) {
      add(expr, `${expr}(...arg<Parameters<${typeExpr}>>())`);
      return;
    }
    for (const method of callableMembers(checker, type, source!, packageDir))
      add(`${expr}.${method}`, `${expr}.${method}(...arg<Parameters<(${typeExpr})["${method}"]>>())`);
    // A namespace or an object of functions (`keras.layers.Dense`, `keras.KerasSequential`): its members too.
    if (depth === 0 || type.getConstructSignatures().length > 0) return;
    for (const member of checker.getPropertiesOfType(type)) {
      if (!isPublicMember(member) || !declaredIn(packageDir, member) || !/^[A-Za-z_$][\w$]*$/.test(member.name))
        continue;
      const memberType = checker.getTypeOfSymbolAtLocation(member, source!);
      if (memberType.getCallSignatures().length > 0) continue; // called above
      const isObject = memberType.getConstructSignatures().length > 0 || memberType.getProperties().length > 0;
      if (isObject && (memberType.flags & ts.TypeFlags.Object) !== 0)
        addValue(`${expr}.${member.name}`, `(${typeExpr})["${member.name}"]`, memberType, depth - 1);
    }
  }
}

/**
 * The cell's source: an import of every value the calls use, the `arg` helper, and the calls.
 *
 * @example
 * publicCallsCell("node_modules/tslab-dl/dist/src/index.d.ts", "tslab-dl");
 */
export function publicCallsCell(indexDts: string, packageName: string): { source: string; calls: PublicCall[] } {
  const calls = publicCalls(indexDts);
  const names = [...new Set(calls.map((c) => c.name.replace(/^new /, "").split(/[.#]/)[0]))].sort();
  const source = [
    `import { ${names.join(", ")} } from "${packageName}";`,
    "const arg = <T,>(): T => undefined as T;",
    ...calls.map((c) => c.code),
  ].join("\n");
  return { source, calls };
}
