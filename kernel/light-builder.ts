/**
 * Faster cells: tslab's converter without the per-cell dependency graph of every file.
 *
 * tslab compiles each cell in a TypeScript watch program whose default "builder" rebuilds,
 * on every change, a map of which file references which — for every file in the program,
 * asking the type checker about every import. Once `tf` is imported, the program holds a few
 * hundred declaration files of tfjs and its dependencies, and that map costs 30–40 ms per
 * compile; a cell that declares a name compiles twice, and the next cell compiles again
 * because the declarations changed: 50–100 ms a cell, where IPython answers in a few.
 *
 * tslab uses the map for one thing: the dependencies of the cell that still need compiling
 * (local `.ts`/`.js` modules the cell imports). Here the watch program gets TypeScript's plain
 * builder (no map; diagnostics and emit go straight to the program, as tslab's calls already
 * do) and `getAllDependencies` is answered for just that cell: all files for a script cell,
 * as TypeScript's builder answers, or the files its imports reach through non-declaration
 * files for a module cell. Type errors are found exactly as before: tslab asks the program.
 *
 * The same replacement of the watch compiler host gives cells the kernel's own modules as the
 * fallback of module resolution (kernel/kernel-modules.ts), with either builder.
 *
 * This must run before `tslab/dist/converter` is loaded (it replaces the TypeScript module
 * that converter imports, in Node's module cache); {@link lightBuilderInstalled} says
 * whether it did. Set `TSLAB_DL_STOCK_BUILDER=1` to keep tslab's own builder.
 *
 * The same replacement makes both of tslab's compile steps (cell → ES module → CommonJS)
 * append an inline source map, so that a runtime error can name the cell's line
 * (see `cell-maps.ts`, which reads and removes them).
 */
import * as path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";
import { withKernelModules } from "./kernel-modules";
import { tslabConverterLoaded, tslabTypeScriptPath } from "./tslab-internals";

type Ts = typeof TS;

let installed = false;
let hooked = false;

/** Whether tslab's converter compiles cells with the light builder in this process. */
export function lightBuilderInstalled(): boolean {
  return installed;
}

/** Files a cell depends on, as TypeScript's builder's `getAllDependencies` would list them for tslab. */
function cellDependencies(ts: Ts, program: TS.Program, sourceFile: TS.SourceFile): string[] {
  const all = (): string[] => program.getSourceFiles().map((f) => f.fileName);
  const internals = ts as unknown as { isExternalOrCommonJsModule(f: TS.SourceFile): boolean };
  const options = program.getCompilerOptions();
  if (options.outFile || options.out) return all();
  // A script (no import or export) may affect every file: TypeScript's builder lists them all.
  if (!internals.isExternalOrCommonJsModule(sourceFile)) return all();
  const checker = program.getTypeChecker();
  const seen = new Set<string>([sourceFile.fileName]);
  const queue: TS.SourceFile[] = [sourceFile];
  const add = (file: TS.SourceFile | undefined): void => {
    if (!file || seen.has(file.fileName)) return;
    seen.add(file.fileName);
    if (!file.isDeclarationFile) queue.push(file); // declaration files import nothing that needs compiling
  };
  while (queue.length) {
    const file = queue.pop()!;
    const imports = (file as unknown as { imports?: readonly TS.StringLiteralLike[] }).imports ?? [];
    for (const literal of imports) {
      const symbol = checker.getSymbolAtLocation(literal);
      for (const declaration of symbol?.declarations ?? []) add(declaration.getSourceFile());
    }
    for (const ref of file.referencedFiles)
      add(program.getSourceFile(path.resolve(path.dirname(file.fileName), ref.fileName)));
  }
  return [...seen];
}

/** The file name tslab gives its second compile step (`esModuleToCommonJSModule`). */
const COMMONJS_STEP_FILE = "custom.js";

function install(): void {
  if (hooked) return;
  if (tslabConverterLoaded()) return; // too late: its TypeScript is bound
  const tsPath = tslabTypeScriptPath();
  const ts = require(tsPath) as Ts;
  const cached = require.cache[tsPath];
  if (!cached) return;
  const stock = Boolean(process.env.TSLAB_DL_STOCK_BUILDER);
  const light = ((...args: Parameters<Ts["createAbstractBuilder"]>) => {
    const builder = ts.createAbstractBuilder(...args) as TS.BuilderProgram & {
      getAllDependencies(f: TS.SourceFile): readonly string[];
    };
    builder.getAllDependencies = (sourceFile) => cellDependencies(ts, builder.getProgram(), sourceFile);
    // tslab reads the cell's top-level names from `sourceFile.locals`, which the binder fills:
    // TypeScript's builder created the type checker (and so bound every file) up front; do the same.
    builder.getProgram().getTypeChecker();
    return builder;
  }) as unknown as TS.CreateProgram<TS.BuilderProgram>;
  // TypeScript's exports are getters that cannot be reassigned: hand tslab a copy with one changed.
  const wrapper: Record<string, unknown> = {};
  for (const key of Object.keys(ts)) {
    if (key === "createWatchCompilerHost" || key === "transpileModule") continue;
    Object.defineProperty(wrapper, key, {
      enumerable: true,
      get: () => (ts as unknown as Record<string, unknown>)[key],
    });
  }
  Object.defineProperty(wrapper, "createWatchCompilerHost", {
    enumerable: true,
    value: (
      rootFiles: string[],
      options: TS.CompilerOptions,
      system: TS.System,
      createProgram?: TS.CreateProgram<TS.BuilderProgram>,
      ...rest: unknown[]
    ) =>
      withKernelModules(
        ts,
        (
          ts.createWatchCompilerHost as (
            ...a: unknown[]
          ) => TS.WatchCompilerHostOfFilesAndCompilerOptions<TS.BuilderProgram>
        )(
          rootFiles,
          { ...options, inlineSourceMap: true },
          system,
          createProgram ?? (stock ? undefined : light),
          ...rest,
        ),
      ),
  });
  Object.defineProperty(wrapper, "transpileModule", {
    enumerable: true,
    value: (input: string, transpileOptions: TS.TranspileOptions): TS.TranspileOutput =>
      ts.transpileModule(
        input,
        transpileOptions.fileName === COMMONJS_STEP_FILE
          ? { ...transpileOptions, compilerOptions: { ...transpileOptions.compilerOptions, inlineSourceMap: true } }
          : transpileOptions,
      ),
  });
  cached.exports = wrapper;
  hooked = true;
  installed = !stock;
}

install();
