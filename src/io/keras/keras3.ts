/**
 * Keras 3's formats: `.weights.h5` (`model.save_weights("x.weights.h5")`) and
 * the `.keras` zip archive (`model.save("x.keras")`).
 *
 * Weights layout: `/layers/<key>/vars/0`, `/1`, … where `<key>` is the
 * layer's class in snake case, numbered when repeated (`dense`, `dense_1`),
 * never the layer's name; each `vars` group carries the layer's name as an
 * attribute; `/vars` holds the model's own variables (none here). No root
 * attributes. A `.keras` archive holds `metadata.json`, `config.json` and
 * `model.weights.h5` in that layout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../../backend";
import { readRegularFile } from "../../regular-file";
import { writeFileAtomic } from "../atomic";
import { ModelFileError } from "../errors";
import { checkConfigSize } from "../json-limits";
import { isObject } from "./config/json";
import { kerasClassOf, specOf } from "./config/layers";
import { buildModel, type ModelPlan, readModelConfig } from "./config/read";
import { toSnakeCase } from "../../util/snake-case";
import { trainingConfigOf } from "./config/training";
import { modelToKeras } from "./config/write";
import { h5join, H5Reader } from "./h5-read";
import { checkPlan } from "./plan-checks";
import type { H5Tree } from "./h5-types";
import { type H5Writer, writeH5File, writeH5Plain } from "./h5-write";
import { compileFrom, configErrors, parseJson } from "./legacy-h5";
import { withScratchDir } from "./scratch-dir";
import { kerasLayers, type PendingLayer, readAndAssign, weightBudget, weightsOf } from "./weights";
import { MAX_TOTAL_BYTES, readZip, writeZip, zipEntrySizes, ZipProblem } from "../../util/zip";

/** The Keras version our Keras 3 files declare: the layout is Keras 3.10's. */
const KERAS3_VERSION = "3.10.0";

/** Where a layer's variables sit: its own `vars`, or its cell's (`layers/lstm/cell/vars`) for a recurrent layer. */
function varsOf(layer: tf.layers.Layer, key: string): string {
  return specOf(layer)?.cell ? h5join("layers", key, "cell", "vars") : h5join("layers", key, "vars");
}

/** Each layer's group under `/layers`, numbered per class as Keras's saving code does. */
function layerKeys(model: tf.LayersModel): { layer: tf.layers.Layer; key: string }[] {
  const used = new Map<string, number>();
  return kerasLayers(model).map((layer) => {
    const base = toSnakeCase(kerasClassOf(layer) ?? layer.getClassName());
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return { layer, key: n === undefined ? base : `${base}_${n + 1}` };
  });
}

function writeKeras3Weights(w: H5Writer, model: tf.LayersModel): void {
  w.group("/layers");
  for (const { layer, key } of layerKeys(model)) {
    const vars = h5join("layers", key, "vars");
    w.group(vars);
    w.string(vars, "name", layer.name, "utf8");
    const own = varsOf(layer, key);
    if (own !== vars) w.group(own);
    weightsOf(layer).forEach((x, i) => {
      w.float32(h5join(own, String(i)), x.variable.read().dataSync() as Float32Array, x.shape);
    });
  }
  w.group("/vars");
  w.string("/vars", "name", model.name, "utf8");
}

/**
 * Save all the model's weights in Keras 3's `.weights.h5` layout
 * (`model.load_weights("x.weights.h5")` in Keras 3 reads it).
 *
 * @example
 * await saveWeightsKeras3(model, "model.weights.h5");
 */
export async function saveWeightsKeras3(model: tf.LayersModel, file: string): Promise<void> {
  await writeH5File(file, (w) => writeKeras3Weights(w, model));
}

function pairKeras3(tree: H5Tree, model: tf.LayersModel, shownAs: string): PendingLayer[] {
  if (!tree.nodes["/layers"]) {
    if (tree.nodes["/"]?.attrs.some((a) => a.name === "layer_names") || tree.nodes["/model_weights"]) {
      throw new ModelFileError(
        shownAs,
        "is a legacy Keras .h5 weights file, not the Keras 3 layout; name it .h5 so that it is read as one",
      );
    }
    throw new ModelFileError(shownAs, "is not a Keras 3 weights file: it has no layers group");
  }
  const keys = layerKeys(model);
  const pending: PendingLayer[] = [];
  const matched = new Set<string>();
  for (const { layer, key } of keys) {
    const vars = varsOf(layer, key);
    matched.add(h5join("layers", key));
    const node = tree.nodes[vars];
    const count = layer.weights.length;
    const names = node ? node.children : [];
    if (names.length !== count) {
      throw new ModelFileError(
        shownAs,
        `layer "${layer.name}" (${layer.getClassName()}) has ${count} weights, but the file has ${names.length} at ${vars}` +
          `${node ? "" : " (no such group)"}; the file was saved from a different architecture`,
      );
    }
    if (count === 0) continue;
    pending.push({ layer, paths: weightsOf(layer).map((_, i) => h5join(vars, String(i))) });
  }
  for (const child of tree.nodes["/layers"].children) {
    const group = h5join("layers", child);
    const vars = tree.nodes[h5join(group, "vars")];
    if (!matched.has(group) && vars && vars.children.length > 0) {
      throw new ModelFileError(
        shownAs,
        `holds weights for a layer ${group} that the model does not have (the model's: ${keys.map((k) => k.key).join(", ")}); ` +
          "the file was saved from a different architecture",
      );
    }
  }
  return pending;
}

async function loadKeras3WeightsFrom(model: tf.LayersModel, file: string, shownAs: string): Promise<void> {
  const { reader, tree } = await H5Reader.open(file, shownAs);
  try {
    await readAndAssign(reader, tree, pairKeras3(tree, model, shownAs), shownAs);
  } finally {
    await reader.close();
  }
}

/**
 * Load a Keras 3 `.weights.h5` file into a model of the same architecture.
 * Layers are matched as Keras 3 matches them (by class and position, not by
 * name); everything is checked before any weight changes.
 *
 * @example
 * await loadWeightsKeras3(model, "model.weights.h5");
 */
export async function loadWeightsKeras3(model: tf.LayersModel, file: string): Promise<void> {
  await loadKeras3WeightsFrom(model, file, file);
}

function dateSaved(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Save a whole model as a Keras 3 `.keras` archive (`keras.models.load_model`
 * in Keras 3 reads it): config, compile config when Keras knows the loss and
 * optimizer, and weights. Optimizer state is not saved.
 *
 * @example
 * await saveModelKeras(model, "model.keras");
 */
export async function saveModelKeras(model: tf.LayersModel, file: string): Promise<void> {
  const config = configErrors(file, () => modelToKeras(model, "keras3"));
  const compile = configErrors(file, () => trainingConfigOf(model, "keras3"));
  if (compile) config.compile_config = compile;
  const metadata = { keras_version: KERAS3_VERSION, date_saved: dateSaved(new Date()) };
  const weights = await withScratchDir(file, async (dir) => {
    const h5 = path.join(dir, "model.weights.h5");
    await writeH5Plain(h5, (w) => writeKeras3Weights(w, model));
    return fs.readFileSync(h5);
  });
  const zip = writeZip([
    { name: "metadata.json", data: Buffer.from(JSON.stringify(metadata)) },
    { name: "config.json", data: Buffer.from(JSON.stringify(config)) },
    { name: "model.weights.h5", data: weights },
  ]);
  writeFileAtomic(file, zip);
}

/**
 * Refuse a `model.weights.h5` entry declaring far more bytes than the model
 * could use, before it is inflated (a small model padded with 200 MB). The
 * model is built once within what the entry could hold at most, to count its
 * weights, and disposed; the bound leaves room for optimizer state (Keras 3
 * stores it in the same file: Adam keeps two numbers per weight) and for
 * HDF5's own structures. A config the entry cannot hold at all is left to the
 * build that follows, whose message compares it with the file's datasets.
 */
function checkWeightsEntrySize(file: string, plan: ModelPlan, declared: number): void {
  let numbers: number;
  try {
    const probe = buildModel(plan, { limit: Math.floor(declared / 4), used: 0 });
    numbers = probe.countParams();
    probe.dispose();
  } catch {
    return;
  }
  const allowed = 4 * 4 * numbers + 2 ** 20 + 64 * 1024 * plan.layers.length;
  if (declared > allowed) {
    throw new ModelFileError(
      file,
      `model.weights.h5 declares ${declared} bytes, but the model's ${numbers} weights need at most ${allowed} ` +
        "(with optimizer state and HDF5's overhead); refused before inflating it",
    );
  }
}

/**
 * Load a whole model from a Keras 3 `.keras` archive. No code from the file is
 * run: unknown or custom layers are errors. The model is compiled when its
 * compile config names an optimizer and loss tfjs has.
 *
 * @example
 * const model = await loadModelKeras("model.keras");
 */
export async function loadModelKeras(file: string): Promise<tf.LayersModel> {
  const refuse = (problem: string, cause?: unknown): ModelFileError => new ModelFileError(file, problem, { cause });
  const bytes = readRegularFile(file, MAX_TOTAL_BYTES, refuse, (size) =>
    refuse(`is ${size} bytes long, more than the ${MAX_TOTAL_BYTES} a .keras archive may hold`),
  );
  if (bytes.length === 0)
    throw new ModelFileError(file, "is empty (0 bytes): it is not a .keras archive; was the save interrupted?");
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new ModelFileError(file, "is an HDF5 file, not a .keras zip archive: name it .h5 so that it is read as one");
  }
  const zipErrors = <T>(body: () => T): T => {
    try {
      return body();
    } catch (e) {
      if (e instanceof ZipProblem)
        throw new ModelFileError(file, `${e.message}; a .keras file is a zip archive written by Keras 3`);
      throw e;
    }
  };
  const sizes = zipErrors(() => zipEntrySizes(bytes));
  const names = [...sizes.keys()];
  checkConfigSize(file, "config.json", sizes.get("config.json") ?? 0);
  const configBytes = zipErrors(() => readZip(bytes, ["config.json"])).get("config.json");
  const weightsSize = sizes.get("model.weights.h5");
  if (!configBytes) {
    throw new ModelFileError(
      file,
      `is a zip archive but not a Keras model: it has no config.json (entries: ${names.join(", ") || "none"})`,
    );
  }
  if (weightsSize === undefined) {
    const npz = names.includes("model.weights.npz");
    throw new ModelFileError(
      file,
      npz
        ? "stores its weights as model.weights.npz, which tslab-dl does not read; save with Keras's default (h5) weights"
        : "has no model.weights.h5",
    );
  }
  const config = parseJson(file, "config.json", configBytes.toString("utf8"));
  const plan = configErrors(file, () => checkPlan(readModelConfig(config)));
  checkWeightsEntrySize(file, plan, weightsSize);
  const weightsBytes = zipErrors(() => readZip(bytes, ["model.weights.h5"])).get("model.weights.h5")!;
  const model = await withScratchDir(file, async (dir) => {
    const h5 = path.join(dir, "model.weights.h5");
    fs.writeFileSync(h5, weightsBytes);
    const shownAs = `${file} (model.weights.h5)`;
    // The weights file is scanned first so that the model is built within what it holds.
    const { reader, tree } = await H5Reader.open(h5, shownAs);
    try {
      const built = configErrors(file, () => buildModel(plan, weightBudget(tree)));
      await readAndAssign(reader, tree, pairKeras3(tree, built, shownAs), shownAs);
      return built;
    } finally {
      await reader.close();
    }
  });
  if (isObject(config) && isObject(config.compile_config)) compileFrom(model, config.compile_config, file);
  return model;
}
