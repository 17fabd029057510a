/**
 * Keras model configs to tfjs: each layer checked against the layer table and
 * translated (`planLayer`), the model's structure checked (`readModelConfig`),
 * and the tfjs model built with its weight allocations bounded (`buildModel`).
 * Nothing from a file is ever evaluated, so a `Lambda` layer or a custom class
 * cannot run code here.
 */
import { tf } from "../../../backend";
import { elementCount } from "../../../util/shape";
import { ConfigProblem, isObject, type Json, objectClass, own, show } from "./json";
import { initializer } from "./settings";
import { COMMON_KEYS, isFalse, LAYERS, REFUSED, SUPPORTED_LAYERS } from "./layers";

type BatchShape = (number | null)[];

function asBatchShape(v: Json | undefined, where: string): BatchShape | undefined {
  if (v === undefined || v === null) return undefined;
  if (
    Array.isArray(v) &&
    v.every((d) => d === null || (typeof d === "number" && Number.isInteger(d) && d >= 0 && d < 2 ** 31))
  ) {
    return v as BatchShape;
  }
  throw new ConfigProblem(`${where}: input shape ${show(v)} is not a list of sizes`);
}

function checkDtype(v: Json | undefined, where: string): void {
  if (v === undefined || v === null || v === "float32") return;
  if (isObject(v) && isObject(v.config) && v.config.name === "float32") return;
  throw new ConfigProblem(`${where}: dtype ${show(v)} is not supported; tslab-dl models compute in float32`);
}

/** One layer of a Keras config, checked and translated to tfjs arguments. */
interface LayerPlan {
  className: string;
  name: string;
  /** The full batch input shape given on this layer (InputLayer, or a first layer's batch_input_shape). */
  batchShape?: BatchShape;
  /** tfjs constructor arguments (without the input shape). */
  args: { [k: string]: unknown };
  /** The layers and tensors feeding this one (functional models). */
  inbound: [string, number, number][];
  /** Keras 3 `build_config.input_shape`, a fallback input shape. */
  buildShape?: BatchShape;
}

/** Translate one serialized Keras layer. */
function planLayer(raw: Json, where: string): LayerPlan {
  if (!isObject(raw)) throw new ConfigProblem(`${where}: a layer entry is ${show(raw)}, not an object`);
  const cls = raw.class_name;
  const config = raw.config;
  if (typeof cls !== "string" || !isObject(config)) {
    throw new ConfigProblem(`${where}: a layer entry has no class_name and config (found ${show(raw)})`);
  }
  const name = typeof config.name === "string" ? config.name : typeof raw.name === "string" ? raw.name : cls;
  const here = `layer "${name}" (${cls})`;
  const refused = own(REFUSED, cls);
  if (refused) throw new ConfigProblem(`${here}: ${refused}`);
  if (cls === "Sequential" || cls === "Functional" || cls === "Model") {
    throw new ConfigProblem(`${here}: models nested inside models are not supported; flatten it into one model`);
  }
  objectClass(raw, "layer", here);
  checkDtype(config.dtype, here);
  const inbound = inboundOf(raw.inbound_nodes, here);
  const buildConfig = isObject(raw.build_config) ? raw.build_config : undefined;
  const buildShape = buildConfig ? asBatchShape(buildConfig.input_shape, here) : undefined;
  if (cls === "InputLayer") {
    let batchShape = asBatchShape(config.batch_input_shape ?? config.batch_shape, here);
    if (!batchShape && Array.isArray(config.shape)) batchShape = [null, ...(asBatchShape(config.shape, here) ?? [])];
    if (!batchShape) throw new ConfigProblem(`${here}: no batch_shape or batch_input_shape`);
    for (const [k, v] of Object.entries(config)) {
      if (["batch_input_shape", "batch_shape", "shape", "batch_size", "dtype", "name"].includes(k)) continue;
      if ((k === "sparse" || k === "ragged" || k === "optional") && isFalse(v)) continue;
      if (k === "input_tensor" && v === null) continue;
      throw new ConfigProblem(`${here}: setting ${k} = ${show(v)} is not supported`);
    }
    return { className: cls, name, batchShape, args: { name }, inbound, buildShape };
  }
  const spec = own(LAYERS, cls);
  if (!spec) {
    throw new ConfigProblem(
      `${here}: layer class ${cls} is not one tslab-dl can build (custom or unsupported); supported: ${SUPPORTED_LAYERS.join(", ")}`,
    );
  }
  const args: { [k: string]: unknown } = { name };
  if (typeof config.trainable === "boolean") args.trainable = config.trainable;
  const byKey = new Map(spec.fields.map((x) => [x.keras, x]));
  for (const [k, v] of Object.entries(config)) {
    const field = byKey.get(k);
    // A class's own setting comes first: Embedding's input_dim is its vocabulary, not an input shape.
    if (!field && COMMON_KEYS.has(k)) continue;
    if (field) {
      const value = field.conv.in(v, here);
      if (value !== undefined) args[field.tfjs] = value;
      continue;
    }
    const accept = own(spec.ignorable, k);
    if (accept && accept(v)) continue;
    throw new ConfigProblem(`${here}: setting ${k} = ${show(v)} is not supported by tslab-dl`);
  }
  let batchShape = asBatchShape(config.batch_input_shape ?? config.batch_shape, here);
  if (!batchShape && config.input_shape != null) {
    // Keras 3's legacy loader turns batch_input_shape into input_shape, batch dimension included.
    const s = asBatchShape(config.input_shape, here) ?? [];
    batchShape = s[0] === null ? s : [null, ...s];
  }
  if (!batchShape && typeof config.input_dim === "number" && !byKey.has("input_dim"))
    batchShape = [null, config.input_dim];
  return { className: cls, name, batchShape, args, inbound, buildShape };
}

/** Inbound nodes of a functional layer, Keras 2 (`[[name, node, tensor, kwargs]]`) or 3 (`{args: [keras tensors]}`). */
function inboundOf(v: Json | undefined, where: string): [string, number, number][] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigProblem(`${where}: inbound_nodes ${show(v)} is not a list`);
  if (v.length > 1) {
    throw new ConfigProblem(
      `${where}: the layer is called ${v.length} times (a shared layer); tslab-dl loads each layer used once`,
    );
  }
  if (v.length === 0) return [];
  const node = v[0];
  const refs: [string, number, number][] = [];
  const addRef = (r: Json): void => {
    if (Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "number" && typeof r[2] === "number") {
      refs.push([r[0], r[1], r[2]]);
      return;
    }
    throw new ConfigProblem(`${where}: inbound reference ${show(r)} is not understood`);
  };
  if (Array.isArray(node)) {
    for (const ref of node) addRef(ref);
  } else if (isObject(node) && Array.isArray(node.args)) {
    const visit = (a: Json): void => {
      if (isObject(a) && a.class_name === "__keras_tensor__" && isObject(a.config)) addRef(a.config.keras_history);
      else if (Array.isArray(a)) a.forEach(visit);
      else throw new ConfigProblem(`${where}: inbound argument ${show(a)} is not a tensor`);
    };
    node.args.forEach(visit);
    if (isObject(node.kwargs)) {
      for (const [k, val] of Object.entries(node.kwargs)) {
        if (k === "training" || k === "mask") continue;
        throw new ConfigProblem(`${where}: call argument ${k} = ${show(val)} is not supported`);
      }
    }
  } else {
    throw new ConfigProblem(`${where}: inbound node ${show(node)} is not understood`);
  }
  return refs;
}

/** A whole Keras model config, checked and translated. */
export interface ModelPlan {
  kind: "Sequential" | "Functional";
  name: string;
  layers: LayerPlan[];
  /** Sequential: the model's batch input shape. */
  inputShape?: BatchShape;
  inputs: [string, number, number][];
  outputs: [string, number, number][];
}

function tensorRefs(v: Json | undefined, where: string): [string, number, number][] {
  if (!Array.isArray(v)) throw new ConfigProblem(`${where}: ${show(v)} is not a list of layer references`);
  const list = typeof v[0] === "string" ? [v] : v;
  return list.map((r) => {
    if (Array.isArray(r) && typeof r[0] === "string")
      return [r[0], Number(r[1] ?? 0), Number(r[2] ?? 0)] as [string, number, number];
    throw new ConfigProblem(`${where}: ${show(r)} is not a layer reference`);
  });
}

/**
 * Check and translate a Keras model config (`model_config` of an `.h5` file,
 * `config.json` of a `.keras` file) into a plan for tfjs.
 */
export function readModelConfig(raw: Json): ModelPlan {
  if (!isObject(raw)) throw new ConfigProblem(`the model config is ${show(raw)}, not an object`);
  const cls = raw.class_name;
  if (typeof cls !== "string") throw new ConfigProblem("the model config has no class_name");
  objectClass(raw, "model", `model (${cls})`);
  const config = raw.config;
  if (cls === "Sequential") {
    const layersRaw = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(layersRaw)) throw new ConfigProblem("the Sequential config has no list of layers");
    const name = isObject(config) && typeof config.name === "string" ? config.name : "sequential";
    const plans = layersRaw.map((l, i) => planLayer(l, `layer ${i}`));
    let inputShape: BatchShape | undefined;
    const rest = plans.filter((p) => p.className !== "InputLayer");
    if (
      plans.filter((p) => p.className === "InputLayer").length > 1 ||
      (plans.length > 0 && plans.slice(1).some((p) => p.className === "InputLayer"))
    ) {
      throw new ConfigProblem("the Sequential config has an InputLayer after its first layer");
    }
    if (plans[0]?.className === "InputLayer") inputShape = plans[0].batchShape;
    inputShape ??= rest[0]?.batchShape;
    if (!inputShape && isObject(config))
      inputShape = asBatchShape(config.build_input_shape, "the Sequential config's build_input_shape");
    inputShape ??= rest[0]?.buildShape;
    if (!inputShape) {
      throw new ConfigProblem(
        "the Sequential config gives no input shape (no InputLayer, batch_input_shape or build_input_shape)",
      );
    }
    if (rest.length === 0) throw new ConfigProblem("the Sequential config has no layers besides its input");
    return { kind: "Sequential", name, layers: rest, inputShape, inputs: [], outputs: [] };
  }
  if (cls === "Functional" || cls === "Model") {
    if (!isObject(config) || !Array.isArray(config.layers))
      throw new ConfigProblem(`the ${cls} config has no list of layers`);
    const name = typeof config.name === "string" ? config.name : "model";
    const plans = config.layers.map((l, i) => planLayer(l, `layer ${i}`));
    return {
      kind: "Functional",
      name,
      layers: plans,
      inputShape: undefined,
      inputs: tensorRefs(config.input_layers, "input_layers"),
      outputs: tensorRefs(config.output_layers, "output_layers"),
    };
  }
  const refusedModel = own(REFUSED, cls);
  if (refusedModel) throw new ConfigProblem(`model (${cls}): ${refusedModel}`);
  throw new ConfigProblem(
    `the model is a ${cls}, a class tslab-dl cannot build (only Sequential and Functional models)`,
  );
}

/**
 * How many numbers the layers of a model read from a file may allocate in all:
 * what the file holds. A 10 KB file whose config declares 8192×8192 layers is
 * refused before those weights are allocated, not after.
 */
export interface WeightBudget {
  /** Numbers the file holds for all weights together. */
  limit: number;
  /** Numbers allocated so far. */
  used: number;
}

/** The tfjs initializer arguments of a layer class: every weight of a supported layer is created through one of them. */
function initializerArgs(className: string): string[] {
  const spec = own(LAYERS, className);
  return spec ? spec.fields.filter((x) => x.conv === initializer).map((x) => x.tfjs) : [];
}

/**
 * The layer's arguments with every initializer replaced by zeros that count
 * against `budget` before allocating: the weights come from the file anyway.
 */
function withBudget(
  p: LayerPlan,
  args: { [k: string]: unknown },
  budget: WeightBudget | undefined,
): { [k: string]: unknown } {
  if (!budget) return args;
  const out = { ...args };
  for (const key of initializerArgs(p.className)) {
    const init = tf.initializers.zeros();
    const zeros = init.apply.bind(init);
    const weight = key.replace(/Initializer$/, "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    init.apply = (shape: number[], dtype?: tf.DataType): tf.Tensor => {
      const n = elementCount(shape);
      if (budget.used + n > budget.limit) {
        throw new ConfigProblem(
          `layer "${p.name}" (${p.className}): its ${weight} of shape [${shape.join(", ")}] needs ${n} numbers, ` +
            `but the file holds ${budget.limit} for the whole model${budget.used ? ` (${budget.used} already taken by earlier layers)` : ""}; ` +
            "the config does not match the file's weights, refused before allocating them",
        );
      }
      budget.used += n;
      return zeros(shape, dtype);
    };
    out[key] = init;
  }
  return out;
}

/** Build the tfjs model a plan describes (weights freshly initialised). */
export function buildModel(plan: ModelPlan, budget?: WeightBudget): tf.LayersModel {
  if (plan.kind === "Sequential") {
    const model = tf.sequential({ name: plan.name });
    plan.layers.forEach((p, i) => {
      const args = i === 0 ? { ...p.args, batchInputShape: plan.inputShape } : p.args;
      const layer = createLayer(p, withBudget(p, args, budget));
      tfjsStep(p, () => model.add(layer));
    });
    return model;
  }
  const tensors = new Map<string, tf.SymbolicTensor>();
  for (const p of plan.layers) {
    if (p.className === "InputLayer") {
      tensors.set(
        p.name,
        tfjsStep(p, () => tf.input({ batchShape: p.batchShape, name: p.name })),
      );
      continue;
    }
    const inputs = p.inbound.map(([layer, , index]) => {
      const t = tensors.get(layer);
      if (!t || index !== 0)
        throw new ConfigProblem(
          `layer "${p.name}" (${p.className}): its input ${layer}[${index}] comes from no earlier layer`,
        );
      return t;
    });
    if (inputs.length !== 1)
      throw new ConfigProblem(`layer "${p.name}" (${p.className}): has ${inputs.length} inputs, expected 1`);
    const layer = createLayer(p, withBudget(p, p.args, budget));
    const out = tfjsStep(p, () => layer.apply(inputs[0]) as tf.SymbolicTensor);
    tensors.set(p.name, out);
  }
  const pick = (refs: [string, number, number][], what: string): tf.SymbolicTensor[] =>
    refs.map(([name]) => {
      const t = tensors.get(name);
      if (!t) throw new ConfigProblem(`${what} names layer "${name}", which the config does not define`);
      return t;
    });
  const inputs = pick(plan.inputs, "input_layers");
  const outputs = pick(plan.outputs, "output_layers");
  try {
    return tf.model({ name: plan.name, inputs, outputs });
  } catch (e) {
    throw new ConfigProblem(`the model's graph could not be built: ${(e as Error).message}`);
  }
}

/** Run a tfjs step for layer `p`, naming the layer if tfjs refuses (a bad name, an impossible shape). */
function tfjsStep<T>(p: LayerPlan, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof ConfigProblem) throw e;
    throw new ConfigProblem(`layer "${p.name}" (${p.className}): tfjs could not build it: ${(e as Error).message}`);
  }
}

function createLayer(p: LayerPlan, args: { [k: string]: unknown }): tf.layers.Layer {
  const spec = own(LAYERS, p.className);
  if (!spec) throw new ConfigProblem(`layer "${p.name}": class ${p.className} is not one tslab-dl can build`);
  try {
    return spec.create(args);
  } catch (e) {
    throw new ConfigProblem(`layer "${p.name}" (${p.className}): tfjs refused its settings: ${(e as Error).message}`);
  }
}
