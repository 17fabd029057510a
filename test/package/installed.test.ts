/**
 * The package as users get it: `npm pack`, then a plain `npm install <tarball>` into an empty
 * project outside the repository (and a global install into a temporary prefix); the kernel
 * registered by the INSTALLED package into a temporary Jupyter folder; a notebook in a third
 * folder executed with nbconvert. Nothing here uses the repository's node_modules.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { jupyterMissing, repoRoot } from "../kernel/helpers";
import { publicCallsCell, type PublicCall } from "./public-calls";

const JUPYTER = "/usr/bin/jupyter";
const missing =
  jupyterMissing() ??
  (spawnSync(JUPYTER, ["nbconvert", "--version"]).status === 0
    ? undefined
    : `needs ${JUPYTER} with nbconvert (apt-get install jupyter-nbconvert)`);

/** npm's flags for every install here: the local cache first, no network round trips we do not need. */
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

interface PackedFile {
  path: string;
  size: number;
}
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
}
interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: { [mime: string]: unknown };
  ename?: string;
  evalue?: string;
}
interface Notebook {
  cells: Array<{ source: string | string[]; outputs?: Output[] }>;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;
const joined = (v: unknown): string => (Array.isArray(v) ? v.join("") : String(v ?? ""));

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", [...args, ...NPM_FLAGS], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Run `fn`, logging how long it took (install times are reported, never asserted). */
function timed<T>(label: string, fn: () => T): T {
  const start = process.hrtime.bigint();
  const result = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`# ${label}: ${seconds.toFixed(1)} s`);
  return result;
}

/**
 * The notebook of a user's own course folder: the package and tfjs by name, a local module
 * beside it, a package that the folder's own node_modules provides (it must win over the
 * kernel's), a type error (so the package's types are really checked), a tiny fit whose
 * History shows as a chart, and a shell line.
 */
const CELLS = [
  [
    'import { tf, init, EarlyStopping } from "tslab-dl";',
    'import * as tfjs from "@tensorflow/tfjs";',
    'import { double } from "./helper";',
    'await init({ backend: "cpu", verbose: false });',
    "[tf.Tensor === tfjs.Tensor, double(21)]",
  ].join("\n"),
  'import { whose } from "seedrandom";\nwhose',
  'new EarlyStopping({ patience: "2" });',
  [
    "const model = tf.sequential();",
    "model.add(tf.layers.dense({ units: 1, inputShape: [2] }));",
    'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
    "const xs = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);",
    "const ys = tf.tensor2d([[1], [1], [2], [0]]);",
    "const history = await model.fit(xs, ys, { epochs: 3, verbose: 0 });",
    "history",
  ].join("\n"),
  "!ls",
  // The book's cells as typed, each result a top-level const whose type the kernel must name.
  [
    'import { plt, plotHistory, historyTable, plotModel, evaluate } from "tslab-dl";',
    "const [fig, axs] = plt.subplots(1, 2);",
    "const f = plotHistory(history);",
    "const table = historyTable(history);",
    "const diagram = plotModel(model);",
    "const scores = evaluate(model, xs, ys);",
    "[axs.length, scores.length]",
  ].join("\n"),
  // The book's Keras cells as typed (7-2's compile without an optimizer, 8-3's functional model, no casts).
  [
    'import { keras } from "tslab-dl";',
    'const km = keras.Sequential([keras.layers.Dense(4, { activation: "relu", inputShape: [2] }), keras.layers.Dense(1)]);',
    'km.compile({ loss: "mse" });',
    "const kh = await km.fit(xs, ys, { epochs: 2, verbose: 0 });",
    "const kp = km.predict(xs);",
    "const acti = keras.Model(km.inputs, km.layers[0].output);",
    "const maps = acti.predict(xs);",
    "const sgd = keras.optimizers.SGD({ momentum: 0.9, nesterov: true });",
    '[km.name, km.layers[0].name, km.optimizer.getClassName(), kp.shape.join("x"), maps.shape.join("x"), sgd.getClassName()].join(" ")',
  ].join("\n"),
];

/**
 * Write the notebook, its local module and the folder's own `seedrandom` into `dir`. The
 * notebook ends with the cells of {@link CELLS}, then a cell declaring a `const` of every public
 * call of the installed package at `packageRoot` ({@link publicCallsCell}), then one that uses
 * them all (so their types went through the kernel's declarations to the next cell).
 */
function writeUserFolder(dir: string, packageRoot: string): { file: string; calls: PublicCall[] } {
  const { source, calls } = publicCallsCell(path.join(packageRoot, "dist", "src", "index.d.ts"), "tslab-dl");
  const sources = [...CELLS, source, `[${calls.map((_, i) => `typeof r${i}`).join(", ")}].length`];
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "helper.ts"), "export const double = (x: number): number => 2 * x;\n");
  const own = path.join(dir, "node_modules", "seedrandom");
  fs.mkdirSync(own, { recursive: true });
  fs.writeFileSync(path.join(own, "package.json"), JSON.stringify({ name: "seedrandom", version: "0.0.1-own" }));
  fs.writeFileSync(path.join(own, "index.js"), 'exports.whose = "the folder\'s own";\n');
  fs.writeFileSync(path.join(own, "index.d.ts"), 'export declare const whose: "the folder\'s own";\n');
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab-dl", display_name: "TypeScript (tslab-dl)", language: "typescript" } },
    cells: sources.map((source, i) => ({
      cell_type: "code",
      id: `cell-${i}`,
      source,
      metadata: {},
      outputs: [],
      execution_count: null,
    })),
  };
  const file = path.join(dir, "course.ipynb");
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1));
  return { file, calls };
}

/** Execute the notebook with nbconvert on the kernel registered under `jupyterPrefix`. */
function execute(notebook: string, jupyterPrefix: string, scratch: string): Notebook {
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(jupyterPrefix, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(scratch, "data"),
    JUPYTER_CONFIG_DIR: path.join(scratch, "config"),
    JUPYTER_RUNTIME_DIR: path.join(scratch, "runtime"),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
  const out = path.join(scratch, "executed.ipynb");
  const result = spawnSync(
    JUPYTER,
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--allow-errors",
      "--ExecutePreprocessor.kernel_name=tslab-dl",
      "--ExecutePreprocessor.timeout=300",
      `--output=${out}`,
      notebook,
    ],
    { cwd: path.dirname(notebook), env, encoding: "utf8" },
  );
  assert.equal(result.status, 0, `nbconvert failed:\n${result.stderr}`);
  return JSON.parse(fs.readFileSync(out, "utf8")) as Notebook;
}

function resultText(outputs: Output[] = []): string {
  const result = outputs.find((o) => o.output_type === "execute_result");
  return joined(result?.data?.["text/plain"]);
}

function errors(outputs: Output[] = []): string[] {
  return outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);
}

/** What every install must show: the cells of {@link CELLS} ran as a user expects. */
function checkNotebook(nb: Notebook, calls: PublicCall[]): void {
  const [imports, own, typeError, fit, ls, book, kerasCells, declared, used] = nb.cells.map((c) => c.outputs ?? []);
  assert.deepEqual(errors(imports), [], "the package, tfjs and the local module import");
  assert.equal(resultText(imports), "[ true, 42 ]", "tfjs by name is the package's own copy; the local module runs");
  assert.deepEqual(errors(own), []);
  assert.equal(resultText(own), `"the folder's own"`, "the folder's node_modules wins over the kernel's");
  assert.equal(errors(typeError).length, 1);
  assert.match(errors(typeError)[0], /^CompileError: .*Type 'string' is not assignable to type 'number'/);
  assert.deepEqual(errors(fit), []);
  const chart = fit.find((o) => o.data?.["application/vnd.plotly.v1+json"]);
  assert.ok(chart, `the History shows as a Plotly chart; outputs: ${JSON.stringify(fit).slice(0, 400)}`);
  const figure = chart.data!["application/vnd.plotly.v1+json"] as { data: Array<{ y: number[] }> };
  assert.equal(figure.data[0].y.length, 3, "one point per epoch");
  const listing = ls
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => joined(o.text))
    .join("");
  assert.deepEqual(listing.split("\n").filter(Boolean).sort(), ["course.ipynb", "helper.ts", "node_modules"]);
  assert.deepEqual(errors(book), [], "the book's cells declare their results as top-level consts");
  assert.equal(resultText(book), "[ 2, 1 ]", "two axes; the loss (the model has no metric)");
  assert.deepEqual(errors(kerasCells), [], "the book's Keras cells compile and run, each result a top-level const");
  assert.match(
    resultText(kerasCells),
    /sequential dense RMSProp 4x1 4x4 Momentum/,
    "Keras's names, RMSprop without an optimizer, predict's shapes",
  );
  assert.ok(calls.length > 100, `every public call is declared (${calls.length})`);
  const failed = errors(declared).join("\n");
  const named = [...failed.matchAll(/\br(\d+)\b/g)].map((m) => calls[Number(m[1])]?.name);
  assert.equal(failed, "", `a const of every public call's result can be declared; failing: ${named.join(", ")}`);
  assert.deepEqual(errors(used), [], "their types reach the next cell");
  assert.equal(resultText(used), String(calls.length));
}

describe("the packed package, installed as users install it", { skip: missing }, () => {
  let work = "";
  let packed: Packed;
  let tarball = "";

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-package-"));
    const out = timed("npm pack", () =>
      execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
        cwd: repoRoot,
        encoding: "utf8",
      }),
    );
    packed = (JSON.parse(out) as Packed[])[0];
    tarball = path.join(work, packed.filename);
    console.log(`# tarball: ${packed.size} bytes, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("the tarball holds the library, the kernel, the README and package.json, and nothing else", () => {
    const paths = packed.files.map((f) => f.path);
    // The AssemblyScript kernels ship as the compiled modules, each also built on a shared memory
    // for the second core (their sources stay out).
    const kernels = ["ops", "ops-fma", "ops-shared", "ops-fma-shared"].map((m) => `dist/src/speed/as/${m}.wasm`);
    const outside = paths.filter(
      (p) =>
        !/^dist\/(src|kernel)\/.+\.(js|d\.ts)$/.test(p) &&
        !kernels.includes(p) &&
        p !== "README.md" &&
        p !== "package.json",
    );
    assert.deepEqual(outside, [], "no tests, benchmarks, notebooks, sources or source maps");
    for (const needed of [
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/kernel/cli.js",
      "dist/kernel/kernel.js",
      ...kernels,
    ])
      assert.ok(paths.includes(needed), needed);
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      dependencies: { [name: string]: string };
    };
    assert.equal(manifest.dependencies["tslab-dl"], undefined, "the package does not depend on itself");
  });

  describe("npm install <tarball> in an empty project, kernel registered from it", () => {
    let project = "";
    let jupyterPrefix = "";

    before(() => {
      project = path.join(work, "project");
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "course", private: true }));
      timed("npm install <tarball> (project)", () => npm(["install", tarball], project));
      jupyterPrefix = path.join(work, "jupyter-project");
      execFileSync(
        path.join(project, "node_modules", ".bin", "tslab-dl"),
        ["install", "--prefix", jupyterPrefix, "--jupyter", JUPYTER],
        { encoding: "utf8" },
      );
    });

    test("every dependency the installed package declares is installed where its code finds it", () => {
      const pkg = path.join(project, "node_modules", "tslab-dl");
      const manifest = readJson<{ dependencies: { [name: string]: string } }>(path.join(pkg, "package.json"));
      const names = Object.keys(manifest.dependencies);
      assert.ok(names.includes("zeromq"), "zeromq, which the kernel loads, is declared");
      const where = (name: string) =>
        [path.join(pkg, "node_modules", name), path.join(project, "node_modules", name)].find((dir) =>
          fs.existsSync(path.join(dir, "package.json")),
        );
      assert.deepEqual(
        names.filter((name) => where(name) === undefined),
        [],
      );
      for (const name of names) {
        const { version } = readJson<{ version: string }>(path.join(where(name)!, "package.json"));
        assert.equal(version, manifest.dependencies[name], `${name}: the pinned version`);
      }
    });

    test("the kernelspec runs the installed package's kernel", () => {
      const spec = JSON.parse(
        fs.readFileSync(path.join(jupyterPrefix, "share", "jupyter", "kernels", "tslab-dl", "kernel.json"), "utf8"),
      ) as { argv: string[]; env: { NODE_PATH: string } };
      assert.equal(spec.argv[1], path.join(project, "node_modules", "tslab-dl", "dist", "kernel", "cli.js"));
      assert.ok(spec.env.NODE_PATH.split(path.delimiter).includes(path.join(project, "node_modules")));
    });

    test("a notebook in a third folder imports the package, trains, charts and runs a shell line", () => {
      const folder = path.join(work, "course-a");
      const { file, calls } = writeUserFolder(folder, path.join(project, "node_modules", "tslab-dl"));
      checkNotebook(execute(file, jupyterPrefix, path.join(work, "run-project")), calls);
    });
  });

  describe("npm install -g --prefix <dir> <tarball>, then tslab-dl install", () => {
    let prefix = "";
    let jupyterPrefix = "";

    before(() => {
      prefix = path.join(work, "global");
      timed("npm install -g <tarball>", () => npm(["install", "-g", "--prefix", prefix, tarball], work));
      jupyterPrefix = path.join(work, "jupyter-global");
      execFileSync(path.join(prefix, "bin", "tslab-dl"), ["install", "--prefix", jupyterPrefix], {
        encoding: "utf8",
        // The global bin folder on PATH, as after a real global install; Jupyter found as users' is.
        env: { ...process.env, PATH: `${path.join(prefix, "bin")}${path.delimiter}${process.env.PATH ?? ""}` },
      });
    });

    test("the command is on the prefix's bin and registers a kernel there", () => {
      const spec = JSON.parse(
        fs.readFileSync(path.join(jupyterPrefix, "share", "jupyter", "kernels", "tslab-dl", "kernel.json"), "utf8"),
      ) as { argv: string[] };
      assert.equal(spec.argv[1], path.join(prefix, "lib", "node_modules", "tslab-dl", "dist", "kernel", "cli.js"));
    });

    test("a notebook in a third folder runs on the globally installed kernel", () => {
      const folder = path.join(work, "course-b");
      const { file, calls } = writeUserFolder(folder, path.join(prefix, "lib", "node_modules", "tslab-dl"));
      checkNotebook(execute(file, jupyterPrefix, path.join(work, "run-global")), calls);
    });
  });
});
