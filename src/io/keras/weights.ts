/**
 * Weights between tfjs layers and Keras files: names, order, shape checks and
 * the all-at-once assignment that leaves a model untouched when a file is wrong.
 */
import { tf } from "../../backend";
import { ModelFileError } from "../errors";
import { type H5Tree, maxFilteredBytes } from "./h5-types";
import type { H5Reader } from "./h5-read";
import type { WeightBudget } from "./config/read";
import { isSequential } from "./config/write";
import { elementCount } from "../../util/shape";

/** One weight of a layer, with the short name Keras gives it ("kernel", "moving_mean"). */
interface LayerWeight {
  short: string;
  shape: number[];
  variable: tf.LayerVariable;
}

/** A layer's weights in Keras's order (trainable first, as both libraries create them). */
export function weightsOf(layer: tf.layers.Layer): LayerWeight[] {
  return layer.weights.map((v) => {
    const original = v.originalName ?? v.name;
    let short = original.slice(original.lastIndexOf("/") + 1);
    // tfjs makes clashing variable names unique with a suffix ("kernel_1"); Keras's names have none.
    const base = short.replace(/_\d+$/, "");
    if (KNOWN_WEIGHTS.has(base)) short = base;
    return { short, shape: v.shape.map(Number), variable: v };
  });
}

const KNOWN_WEIGHTS = new Set([
  "kernel",
  "recurrent_kernel",
  "bias",
  "embeddings",
  "gamma",
  "beta",
  "moving_mean",
  "moving_variance",
]);

/**
 * The layers Keras lists for a model, in its order: a Sequential model's
 * layers without the input, a functional model's layers with its inputs.
 */
export function kerasLayers(model: tf.LayersModel): tf.layers.Layer[] {
  if (isSequential(model)) return model.layers.filter((l) => l.getClassName() !== "InputLayer");
  return model.layers;
}

/** A weight file's values for one layer, matched to the layer's weights. */
export interface PendingLayer {
  layer: tf.layers.Layer;
  /** Dataset path for each of the layer's weights, in the layer's order. */
  paths: string[];
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function bracketShape(s: number[]): string {
  return `[${s.join(", ")}]`;
}

/**
 * Check that each dataset exists with the shape of the weight it is for; throws
 * a `ModelFileError` naming the layer, the weight, and both shapes.
 */
function checkShapes(tree: H5Tree, pending: PendingLayer[], shownAs: string): void {
  for (const p of pending) {
    const weights = weightsOf(p.layer);
    p.paths.forEach((datasetPath, i) => {
      const node = tree.nodes[datasetPath];
      const w = weights[i];
      if (!node || node.kind !== "dataset" || !node.dataset) {
        throw new ModelFileError(
          shownAs,
          `layer "${p.layer.name}": the file has no dataset ${datasetPath} for its ${w.short}`,
        );
      }
      const fileShape = node.dataset.shape;
      if (!sameShape(fileShape, w.shape)) {
        throw new ModelFileError(
          shownAs,
          `layer "${p.layer.name}" (${p.layer.getClassName()}): ${w.short} in the file (${datasetPath}) has shape ${bracketShape(fileShape)}, ` +
            `but the model's has shape ${bracketShape(w.shape)}; the file was saved from a different architecture`,
        );
      }
      if (node.dataset.typeClass !== 1) {
        throw new ModelFileError(shownAs, `layer "${p.layer.name}": ${datasetPath} is not a floating-point dataset`);
      }
      if (node.dataset.size === 2) {
        throw new ModelFileError(
          shownAs,
          `layer "${p.layer.name}": ${datasetPath} holds float16 numbers, an unsupported dtype (tslab-dl reads float32 ` +
            "and float64 weights); the file is not corrupt: save the model with float32 weights (Keras: no mixed_float16 policy)",
        );
      }
    });
  }
}

/**
 * Read every dataset the pending layers need, then assign them all. Nothing is
 * assigned until every value has been read and checked.
 */
export async function readAndAssign(
  reader: H5Reader,
  tree: H5Tree,
  pending: PendingLayer[],
  shownAs: string,
): Promise<void> {
  checkShapes(tree, pending, shownAs);
  const arrays = await reader.read(pending.flatMap((p) => p.paths));
  for (const p of pending) {
    for (const path of p.paths) {
      const a = arrays[path];
      if (!a || a.data.length !== a.shape.reduce((x, y) => x * y, 1)) {
        throw new ModelFileError(shownAs, `dataset ${path} could not be read completely`);
      }
    }
  }
  tf.tidy(() => {
    for (const p of pending) {
      p.layer.setWeights(p.paths.map((path) => tf.tensor(arrays[path].data, arrays[path].shape, "float32")));
    }
  });
}

/** Match a layer's weights to the names a file lists for it: by short name, else by position. */
export function matchByName(layer: tf.layers.Layer, fileNames: string[]): number[] {
  const shortOf = (n: string): string => n.slice(n.lastIndexOf("/") + 1).replace(/:\d+$/, "");
  const fileShort = fileNames.map(shortOf);
  const weights = weightsOf(layer);
  const order = weights.map((w) => fileShort.indexOf(w.short));
  const unique = new Set(order).size === order.length && order.every((i) => i >= 0);
  return unique ? order : weights.map((_, i) => i);
}

/**
 * What a model built from a file's config may allocate: the numbers the file's
 * datasets hold, all of them together.
 *
 * @example
 * const model = buildModel(plan, weightBudget(tree));
 */
export function weightBudget(tree: H5Tree): WeightBudget {
  // What the datasets declare, but no more than the file's bytes can hold: plain data is no
  // larger than the file, compressed data at most maxFilteredBytes (chunks never written
  // declare any size and hold nothing).
  const fileBytes = tree.fileBytes ?? Infinity;
  const sum = { plain: 0, filtered: 0 };
  const smallest = { plain: Infinity, filtered: Infinity };
  for (const node of Object.values(tree.nodes)) {
    if (!node.dataset) continue;
    const kind = node.dataset.filters.length > 0 ? "filtered" : "plain";
    sum[kind] += elementCount(node.dataset.shape);
    smallest[kind] = Math.min(smallest[kind], Math.max(1, node.dataset.size));
  }
  const cap = (kind: "plain" | "filtered", bytes: number): number =>
    sum[kind] === 0 ? 0 : Math.min(sum[kind], Math.floor(bytes / smallest[kind]));
  const limit = cap("plain", fileBytes) + cap("filtered", maxFilteredBytes(fileBytes));
  return { limit, used: 0 };
}
