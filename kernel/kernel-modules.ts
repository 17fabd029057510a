/**
 * The kernel's own modules, for notebooks anywhere: as IPython finds the packages installed beside
 * it wherever the notebook is, a cell imports "tslab-dl" and "@tensorflow/tfjs" (and their types)
 * from the installation the kernel runs from. The notebook's folder comes first: a `node_modules`
 * in it or above it wins, and the kernel's folders are only the fallback.
 *
 * Two resolvers need the fallback, and get the same folders:
 * - Node's `require` at run time: the kernelspec sets `NODE_PATH` (searched after every
 *   `node_modules` above the requiring file, for cells and the local modules they load alike);
 * - TypeScript's node10 resolution at compile time, which knows no `NODE_PATH`: the compiler
 *   host gets a `resolveModuleNames` that retries a bare name in those folders.
 *
 * A third reader needs them too: TypeScript's declaration emit, which tslab turns on to carry a
 * cell's types to the next cell. To write the type of `const [fig, axs] = plt.subplots(1, 2)` it
 * must name the module that declares it from the notebook's folder; a module found only through
 * the fallback has no such name, and the cell fails with TS2742 ("cannot be named without a
 * reference to '../proj/node_modules/tslab-dl/…'. This is likely not portable"). The compiler
 * options therefore also get `paths` mapping bare names to the same folders (with `baseUrl` at
 * the filesystem's root, which `paths` are written relative to), so that the emitter writes
 * `import("tslab-dl").Figure`. Resolution itself ignores them: the notebook's folder still wins.
 */
import path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";

type Ts = typeof TS;

/** This package's root folder (dist/kernel is two levels below it). */
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The folders that hold the kernel's packages, in the order Node would search them from inside the
 * package: its own `node_modules` (a global install nests its dependencies there), the
 * `node_modules` folder the package is installed in (a project's hoisted dependencies, and the
 * package itself), and a folder that holds just "tslab-dl" for a kernel run from a checkout.
 *
 * @example
 * kernelModuleDirs("/proj/node_modules/tslab-dl");
 * // → ["/proj/node_modules/tslab-dl/node_modules", "/proj/node_modules", "/proj/node_modules/tslab-dl/dist/kernel/own-package"]
 */
export function kernelModuleDirs(packageRoot: string = PACKAGE_ROOT): string[] {
  const dirs = [path.join(packageRoot, "node_modules")];
  const parent = path.dirname(packageRoot);
  if (path.basename(parent) === "node_modules") dirs.push(parent);
  dirs.push(path.join(packageRoot, "dist", "kernel", "own-package"));
  return dirs;
}

/**
 * The kernelspec's environment: `NODE_PATH` set to {@link kernelModuleDirs}.
 *
 * @example
 * kernelEnv(); // → { NODE_PATH: "/proj/node_modules/tslab-dl/node_modules:/proj/node_modules:…" }
 */
export function kernelEnv(packageRoot?: string): { NODE_PATH: string } {
  return { NODE_PATH: kernelModuleDirs(packageRoot).join(path.delimiter) };
}

/** A package name (`tslab-dl`, `@tensorflow/tfjs/dist/x`), not a relative, absolute or `node:` path. */
function isBareName(name: string): boolean {
  return !/^(\.\.?($|[\\/])|[\\/]|[A-Za-z]:[\\/]|node:)/.test(name);
}

/**
 * The compiler options that let declaration emit name a module in the kernel's folders by its bare
 * name: `paths` from every bare name to those folders, relative to a `baseUrl` at the root.
 *
 * @example
 * kernelModulePaths(["/proj/node_modules"]);
 * // → { baseUrl: "/", paths: { "*": ["proj/node_modules/*"] } }
 */
export function kernelModulePaths(dirs: string[] = kernelModuleDirs()): Pick<TS.CompilerOptions, "baseUrl" | "paths"> {
  const baseUrl = path.parse(path.resolve(dirs[0] ?? ".")).root;
  return { baseUrl, paths: { "*": dirs.map((dir) => path.join(path.relative(baseUrl, dir), "*")) } };
}

/** The options resolution runs with: those of the program without {@link kernelModulePaths}'s. */
function withoutPaths(options: TS.CompilerOptions): TS.CompilerOptions {
  const { baseUrl: _baseUrl, paths: _paths, ...rest } = options;
  return rest;
}

/**
 * Give a TypeScript watch compiler host node10 resolution with the kernel's folders as the
 * fallback for bare names that the notebook's folder does not resolve, and the compiler options
 * {@link kernelModulePaths} for declaration emit. The resolutions of files that did not change
 * are kept between compiles (TypeScript would otherwise redo them for every declaration file of
 * tfjs on each cell).
 *
 * @example
 * const host = ts.createWatchCompilerHost(files, options, sys);
 * withKernelModules(ts, host);
 */
export function withKernelModules<H extends TS.WatchCompilerHost<TS.BuilderProgram>>(
  ts: Ts,
  host: H,
  dirs: string[] = kernelModuleDirs(),
): H {
  const withOptions = host as H & { options?: TS.CompilerOptions };
  if (withOptions.options && dirs.length) withOptions.options = { ...withOptions.options, ...kernelModulePaths(dirs) };
  host.resolveModuleNames = (moduleNames, containingFile, _reused, redirectedReference, programOptions) =>
    moduleNames.map((name) => {
      const options = withoutPaths(programOptions);
      const found = ts.resolveModuleName(name, containingFile, options, host, undefined, redirectedReference);
      if (found.resolvedModule || !isBareName(name)) return found.resolvedModule;
      for (const dir of dirs) {
        const fallback = ts.resolveModuleName(path.join(dir, name), containingFile, options, host).resolvedModule;
        // Declarations from an installed package are a library's, not the notebook's own sources.
        if (fallback) return { ...fallback, isExternalLibraryImport: true };
      }
      return undefined;
    });
  host.hasInvalidatedResolutions = () => false;
  return host;
}
