/**
 * The TensorFlow.js layers format on disk (`model.json` plus a weights file),
 * on every backend, and a `file://` handler for `model.save` and
 * `tf.loadLayersModel` where `@tensorflow/tfjs-node` (which has its own) is absent.
 *
 * Atomicity: the weights file is named after its content's hash and written
 * first; `model.json`, renamed into place last, is the commit point. A crash
 * at any moment leaves a complete earlier pair on disk.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../backend";
import { writeError, writeFileAtomic } from "./atomic";
import { ModelFileError } from "./errors";
import { checkConfigSize, MAX_CONFIG_BYTES, parseLimitedJson } from "./json-limits";
import { openRegularFile, readRegularFile } from "../regular-file";
import { elementCount } from "../util/shape";

type ModelArtifacts = tf.io.ModelArtifacts;
type WeightsManifestEntry = tf.io.WeightsManifestEntry;

/** Where the tfjs format lives for a path: a directory (`dir/model.json`) or a `.json` file. */
function tfjsLocation(target: string): { json: string; dir: string; weightsPrefix: string } {
  const clean = stripFileScheme(target);
  if (clean.toLowerCase().endsWith(".json")) {
    const base = path.basename(clean, path.extname(clean));
    return { json: clean, dir: path.dirname(clean), weightsPrefix: `${base}.weights` };
  }
  return { json: path.join(clean, "model.json"), dir: clean, weightsPrefix: "weights" };
}

/** `file:///a/b` and `file://a/b` to a filesystem path. */
export function stripFileScheme(p: string): string {
  return p.startsWith("file://") ? p.slice("file://".length) : p;
}

const DTYPE_BYTES: { [dtype: string]: number } = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function weightBytes(specs: WeightsManifestEntry[]): number {
  let total = 0;
  for (const s of specs) {
    if (!Array.isArray(s.shape)) return NaN;
    const dtype = s.quantization?.dtype ?? s.dtype;
    total += elementCount(s.shape) * (Object.hasOwn(DTYPE_BYTES, dtype) ? DTYPE_BYTES[dtype] : NaN);
  }
  return total;
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]));
}

/**
 * Write model artifacts (what `model.save` hands a handler) in the tfjs layers format.
 *
 * @example
 * await model.save(tf.io.withSaveHandler(async (a) => saveArtifacts(a, "my-model")));
 */
function saveArtifacts(artifacts: ModelArtifacts, target: string): tf.io.SaveResult {
  const loc = tfjsLocation(target);
  try {
    fs.mkdirSync(loc.dir, { recursive: true });
  } catch (e) {
    throw writeError(loc.dir, e);
  }
  const weights = joinWeightData(artifacts.weightData);
  const hash = createHash("sha256").update(weights).digest("hex").slice(0, 12);
  const weightsName = `${loc.weightsPrefix}-${hash}.bin`;
  writeFileAtomic(path.join(loc.dir, weightsName), weights);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format ?? "layers-model",
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  writeFileAtomic(loc.json, JSON.stringify(modelJson));
  removeStaleWeights(loc.dir, loc.weightsPrefix, weightsName);
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: "JSON",
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
      weightDataBytes: weights.byteLength,
    },
  };
}

function removeStaleWeights(dir: string, prefix: string, keep: string): void {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{12}\\.bin$`);
  for (const name of fs.readdirSync(dir)) {
    if (name !== keep && pattern.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function readJson(file: string): tf.io.ModelJSON {
  const refuse = (problem: string, cause?: unknown): ModelFileError =>
    new ModelFileError(
      file,
      problem === "does not exist"
        ? "not found; expected a TensorFlow.js model.json (or a .h5 / .keras / .weights.h5 file)"
        : problem,
      { cause },
    );
  const bytes = readRegularFile(file, MAX_CONFIG_BYTES, refuse, (size) => {
    checkConfigSize(file, "the file", size);
    return refuse(`is ${size} bytes`);
  });
  const text = bytes.toString("utf8");
  const json = parseLimitedJson(file, "", text);
  const obj = json as Partial<tf.io.ModelJSON>;
  if (typeof obj !== "object" || obj === null || typeof obj.modelTopology !== "object" || obj.modelTopology === null) {
    throw new ModelFileError(file, `has no "modelTopology" object; expected a TensorFlow.js layers model.json`);
  }
  if (!Array.isArray(obj.weightsManifest)) {
    throw new ModelFileError(file, `has no "weightsManifest" array; expected a TensorFlow.js layers model.json`);
  }
  return obj as tf.io.ModelJSON;
}

/**
 * Read a tfjs layers model from disk, checking that every weights file is
 * present and exactly as long as the manifest says.
 *
 * @example
 * const artifacts = loadArtifacts("my-model"); // or "my-model/model.json"
 */
export function loadArtifacts(target: string): ModelArtifacts {
  const clean = stripFileScheme(target);
  const jsonPath =
    fs.existsSync(clean) && fs.statSync(clean).isDirectory()
      ? path.join(clean, "model.json")
      : tfjsLocation(clean).json;
  const json = readJson(jsonPath);
  const dir = path.dirname(jsonPath);
  const specs: WeightsManifestEntry[] = [];
  const groups: { files: { file: string; size: number }[] }[] = [];
  // One budget for the whole load, checked for every group before any weights file is read:
  // a manifest naming one file in 1,000 groups cannot make us read it 1,000 times.
  let described = 0;
  const seen = new Set<string>();
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError(jsonPath, `weightsManifest entries need "paths" and "weights" arrays`);
    }
    specs.push(...group.weights);
    const expected = weightBytes(group.weights);
    described += expected;
    if (!Number.isSafeInteger(expected) || described > MAX_WEIGHT_BYTES) {
      throw new ModelFileError(
        jsonPath,
        `weightsManifest describes ${Number.isSafeInteger(expected) ? described : expected} bytes of weights ` +
          `(an unknown dtype, or more than ${MAX_WEIGHT_BYTES} in all); refused before reading`,
      );
    }
    const files = group.paths.map((p) => weightsFileIn(dir, p, jsonPath));
    for (const f of files) {
      if (seen.has(f.real)) {
        throw new ModelFileError(
          f.file,
          `weights file is named more than once in ${path.basename(jsonPath)}'s weightsManifest ` +
            `(expected each weights file once, as TensorFlow.js writes them); refused`,
        );
      }
      seen.add(f.real);
    }
    const groupBytes = files.reduce((n, f) => n + f.size, 0);
    if (groupBytes !== expected) {
      throw new ModelFileError(
        path.join(dir, group.paths.join(", ")),
        `weights data has ${groupBytes} bytes, but the manifest in ${path.basename(jsonPath)} describes ${expected}; ` +
          `the file is truncated or belongs to another model`,
      );
    }
    groups.push({ files });
  }
  const buffers = groups.flatMap((g) => g.files.map((f) => readExactly(f.file, f.size)));
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    data.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: specs,
    weightData: data.buffer,
  };
}

/** Largest weights data read from one manifest group (2 GiB, tfjs's own limit for one buffer). */
const MAX_WEIGHT_BYTES = 2 ** 31 - 1;

/**
 * A weights file named in a manifest, confined to the model's folder: a plain
 * relative name (no `..`, no absolute path), and a regular file there, so that
 * a model.json cannot make us read `../secret.txt` or `/dev/zero`.
 */
function weightsFileIn(dir: string, name: unknown, jsonPath: string): { file: string; real: string; size: number } {
  const shown = path.basename(jsonPath);
  if (typeof name !== "string" || name === "" || path.isAbsolute(name) || name.split(/[\\/]/).includes("..")) {
    throw new ModelFileError(
      jsonPath,
      `weightsManifest names the weights file ${JSON.stringify(name)}; expected a file name inside the model's folder ` +
        "(no absolute path, no ..); refused",
    );
  }
  const file = path.join(dir, name);
  let st: fs.Stats;
  let real: string;
  try {
    st = fs.statSync(file);
    real = fs.realpathSync(file);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      file,
      code === "ENOENT" ? `weights file named in ${shown} is missing` : `weights file cannot be read (${code})`,
      { cause: e },
    );
  }
  if (!st.isFile()) throw new ModelFileError(file, `weights file named in ${shown} is not a regular file; refused`);
  const realDir = fs.realpathSync(dir);
  if (path.relative(realDir, real).startsWith("..") || path.isAbsolute(path.relative(realDir, real))) {
    throw new ModelFileError(
      file,
      `weights file named in ${shown} is a link to ${real}, outside the model's folder; refused`,
    );
  }
  return { file, real, size: st.size };
}

/** Read `size` bytes of `file`, and not one more, whatever it has become since it was checked. */
function readExactly(file: string, size: number): Uint8Array {
  const { fd } = openRegularFile(
    file,
    (problem, cause) => new ModelFileError(file, `weights file ${problem}`, { cause }),
  );
  const buf = Buffer.alloc(size);
  try {
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, buf, at, size - at, at);
      if (n === 0) throw new ModelFileError(file, `weights file shrank while being read (${at} of ${size} bytes)`);
      at += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** A tfjs IOHandler reading and writing the layers format at a path. */
export function fileHandler(target: string): tf.io.IOHandler {
  return {
    save: async (artifacts: ModelArtifacts) => saveArtifacts(artifacts, target),
    load: async () => loadArtifacts(target),
  };
}

function tfjsNodeActive(): boolean {
  return tf.engine().registryFactory["tensorflow"] !== undefined;
}

let routersRegistered = false;

/**
 * Make `model.save("file://dir")` and `tf.loadLayersModel("file://dir/model.json")`
 * work as in tfjs-node, on any backend. Does nothing once tfjs-node is loaded
 * (it brings its own `file://` handler).
 *
 * @example
 * registerFileRouter();
 * await model.save("file://./my-model");
 */
export function registerFileRouter(): void {
  if (routersRegistered) return;
  routersRegistered = true;
  // tfjs types routers as always returning a handler, but treats null as "not mine".
  const route = ((url: string | string[]): tf.io.IOHandler | null => {
    if (Array.isArray(url) || typeof url !== "string" || !url.startsWith("file://") || tfjsNodeActive()) return null;
    return fileHandler(url);
  }) as (url: string | string[]) => tf.io.IOHandler;
  tf.io.registerSaveRouter(route);
  tf.io.registerLoadRouter(route);
}
