/**
 * The fast path's plan for a model: its layers as units (`units/`), its loss and accuracy,
 * and every trainable weight in order, or the reason it cannot have one. A Sequential or
 * single-input, single-output functional model that is a plain chain of Flatten, Reshape,
 * Dense, Dropout, Activation, Conv2D, MaxPooling2D and AveragePooling2D layers (activations relu, sigmoid,
 * tanh, softmax, linear; images channels-last, convolutions undilated) and SimpleRNN, LSTM, GRU
 * and KerasGRU layers (tanh, sigmoid or hardSigmoid gates: `plan-recurrent.ts`), after an optional
 * Embedding of the input's ids, compiled with sparse
 * or categorical cross-entropy, binary cross-entropy or mean squared error, and no metric or
 * accuracy only, gets a plan (the 8-2 lesson's CNN, and models of `keras.layers.Conv2D`,
 * `MaxPooling2D` and `AveragePooling2D`, included); anything else runs stock tfjs.
 */
import * as tf from "@tensorflow/tfjs";
import { inboundLayers, modelInternals, trainingModel } from "./internals";
import { ActivationUnit, isActivation, type ActivationName } from "./units/activation";
import { Conv2DUnit } from "./units/conv2d";
import { DenseUnit } from "./units/dense";
import { DropoutUnit } from "./units/dropout";
import { EmbeddingUnit } from "./units/embedding";
import { Pooling2DUnit } from "./units/pooling2d";
import { recurrentUnits } from "./plan-recurrent";
import { LOSSES, type AccuracyName, type LossName, type LossSpec } from "./units/loss";
import type { Unit } from "./units/unit";
import { elementCount } from "../util/shape";

export interface Plan extends LossSpec {
  units: Unit[];
  /** Every trainable weight, in the order tfjs trains them (the units' weights in turn). */
  weights: tf.LayerVariable[];
  /** The input's rank, batch axis included, and its floats per sample. */
  inputRank: number;
  inputSize: number;
  /** The output's shape per sample. */
  outputShape: number[];
  /** One name per layer, for {@link explainFastPath}: "Flatten", "Dense relu", "Dropout 0.3". */
  layers: string[];
}

/** A plan, or why a model has none (one sentence, naming the layer or setting). */
type PlanResult = { plan: Plan; reason?: undefined } | { plan?: undefined; reason: string };

type LayerWithConfig = tf.layers.Layer & { getConfig(): Record<string, unknown> };

/** tfjs-layers' own loss and accuracy functions, found by compiling throwaway models. */
let references: { losses: Map<unknown, LossName>; accuracies: Map<unknown, AccuracyName> } | undefined;
function referenceFunctions(): NonNullable<typeof references> {
  if (!references) {
    const losses = new Map<unknown, LossName>();
    const accuracies = new Map<unknown, AccuracyName>();
    const probes: [LossName, number, AccuracyName][] = [
      ["sparseCategoricalCrossentropy", 2, "sparseCategorical"],
      ["categoricalCrossentropy", 2, "categorical"],
      ["binaryCrossentropy", 1, "binary"],
      ["meanSquaredError", 2, "categorical"],
    ];
    for (const [loss, units, accuracy] of probes) {
      // Zero initialisers: drawing from Math.random here would shift a seeded run's shuffles.
      const probe = tf.sequential({
        layers: [tf.layers.dense({ units, inputShape: [1], kernelInitializer: "zeros" })],
      });
      probe.compile({ optimizer: "sgd", loss, metrics: ["acc"] });
      const internals = modelInternals(trainingModel(probe));
      losses.set(internals.lossFunctions?.[0], loss);
      accuracies.set(internals.metricsTensors?.[0]?.[0], accuracy);
      probe.dispose();
    }
    references = { losses, accuracies };
  }
  return references;
}

/** The loss and accuracy a compiled model uses, or why the fast path does not compute them. */
function lossSpec(model: tf.LayersModel): LossSpec | string {
  const m = modelInternals(model);
  if (m.lossFunctions?.length !== 1) return "the model is not compiled with one loss";
  const refs = referenceFunctions();
  const loss = refs.losses.get(m.lossFunctions[0]);
  if (!loss) return `its loss is not one of ${LOSSES.join(", ")} (given by name)`;
  const metrics = m.metricsTensors ?? [];
  if (metrics.length > 1) return "it has more than one metric (the fast path computes accuracy only)";
  if (metrics.length === 0) return { loss, accuracy: null };
  const accuracy = refs.accuracies.get(metrics[0][0]);
  return accuracy && metrics[0][1] === 0 ? { loss, accuracy } : "its metric is not accuracy";
}

/** The units for one layer (none for Flatten, Reshape, Dropout(0)), or why it has none. */
function unitsFor(layer: LayerWithConfig, inShape: number[], outShape: number[]): Unit[] | string {
  const kind = layer.getClassName();
  const config = layer.getConfig();
  const where = `layer '${layer.name}' (${kind})`;
  const inSize = elementCount(inShape);
  if (config.activityRegularizer != null) return `${where} has an activity regularizer`;
  switch (kind) {
    case "Flatten":
    case "Reshape":
      // Row-major, channels-last: the same floats in the same order.
      if (config.dataFormat !== undefined && config.dataFormat !== "channelsLast") return `${where} is channels-first`;
      return [];
    case "Dropout": {
      const rate = config.rate as number;
      if (config.noiseShape != null) return `${where} has a noise shape`;
      return rate > 0 && rate < 1 ? [new DropoutUnit(inSize, rate, config.seed as number | undefined)] : [];
    }
    case "Activation": {
      const activation = config.activation;
      if (!isActivation(activation)) return `${where}: activation '${String(activation)}' has no fast unit yet`;
      return [new ActivationUnit(activation, inSize, inShape[inShape.length - 1] ?? 1)];
    }
    case "Dense": {
      if (inShape.length !== 1)
        return `${where} takes a rank-${inShape.length + 1} input (the fast path flattens first)`;
      const weights = kernelAndBias(layer, config, where);
      if (typeof weights === "string") return weights;
      const { activation, kernel, bias } = weights;
      const units = outShape[0];
      return withActivation(
        new DenseUnit(inSize, units, activation === "relu", kernel, bias, activation),
        activation,
        units,
      );
    }
    case "Embedding":
      return embeddingUnits(layer, config, where, inShape);
    case "Conv2D":
      return conv2DUnits(layer, config, where, inShape);
    case "SimpleRNN":
    case "LSTM":
    case "GRU":
    case "KerasGRU":
      return recurrentUnits(layer, config, where, inShape);
    case "MaxPooling2D":
    case "AveragePooling2D": {
      if (config.dataFormat !== "channelsLast") return `${where} is channels-first`;
      if (inShape.length !== 3) return `${where} takes a rank-${inShape.length + 1} input, not images`;
      const settings = {
        inShape: inShape as [number, number, number],
        poolSize: pair(config.poolSize),
        strides: pair(config.strides),
        padding: config.padding as "same" | "valid",
      };
      return [new Pooling2DUnit(kind, settings)];
    }
    default:
      return `${where} has no fast unit yet`;
  }
}

/** The unit of an Embedding layer, or why it has none. */
function embeddingUnits(
  layer: LayerWithConfig,
  config: Record<string, unknown>,
  where: string,
  inShape: number[],
): Unit[] | string {
  if (inShape.length !== 1)
    return `${where} takes a rank-${inShape.length + 1} input (the fast path embeds [batch, steps] ids only)`;
  if (config.maskZero === true) return `${where} has maskZero: true (the fast path passes no masks)`;
  if (config.embeddingsRegularizer != null) return `${where} has a regularizer`;
  if (config.embeddingsConstraint != null) return `${where} has a constraint`;
  // Public: a built Embedding layer's one weight is its [inputDim, outputDim] table.
  const [table] = layer.weights;
  if (!table) return `${where} is not built`;
  const [inputDim, outputDim] = table.shape as number[];
  return [new EmbeddingUnit(layer.name, inShape[0], inputDim, outputDim, table)];
}

/** A number or a pair, as a pair (Keras's `kernel_size=3` is 3×3). */
function pair(value: unknown): [number, number] {
  return Array.isArray(value) ? [value[0] as number, value[1] as number] : [value as number, value as number];
}

/** The units of a Conv2D layer (the convolution, then its activation unless tfjs fuses it), or why it has none. */
function conv2DUnits(
  layer: LayerWithConfig,
  config: Record<string, unknown>,
  where: string,
  inShape: number[],
): Unit[] | string {
  if (config.dataFormat !== "channelsLast") return `${where} is channels-first`;
  if (inShape.length !== 3) return `${where} takes a rank-${inShape.length + 1} input, not images`;
  const dilation = pair(config.dilationRate ?? 1);
  if (dilation[0] !== 1 || dilation[1] !== 1)
    return `${where} has dilation rate ${dilation.join("×")} (the fast path convolves undilated only)`;
  if (config.padding !== "same" && config.padding !== "valid")
    return `${where} has padding '${String(config.padding)}' (same or valid only)`;
  const weights = kernelAndBias(layer, config, where);
  if (typeof weights === "string") return weights;
  const { activation, kernel, bias } = weights;
  const filters = config.filters as number;
  const unit = new Conv2DUnit(
    {
      inShape: inShape as [number, number, number],
      filters,
      kernelSize: pair(config.kernelSize),
      strides: pair(config.strides),
      padding: config.padding,
      relu: activation === "relu",
      activation,
    },
    kernel,
    bias,
  );
  return withActivation(unit, activation, filters);
}

/**
 * What a Dense and a Conv2D layer need alike: no regularizer or constraint, an activation
 * with a fast unit, and built weights (public: its kernel, then its bias if it has one).
 */
function kernelAndBias(
  layer: LayerWithConfig,
  config: Record<string, unknown>,
  where: string,
): { activation: ActivationName; kernel: tf.LayerVariable; bias: tf.LayerVariable | null } | string {
  if (config.kernelRegularizer != null || config.biasRegularizer != null) return `${where} has a regularizer`;
  if (config.kernelConstraint != null || config.biasConstraint != null) return `${where} has a constraint`;
  const activation = config.activation;
  if (!isActivation(activation)) return `${where}: activation '${String(activation)}' has no fast unit yet`;
  const [kernel, bias] = layer.weights;
  if (!kernel) return `${where} is not built`;
  return { activation, kernel, bias: bias ?? null };
}

/**
 * `unit`, then a unit for its activation over rows of `rowLength` unless tfjs fuses it: relu
 * and linear go into the product, the others are applied after the bias add.
 */
function withActivation(unit: Unit, activation: ActivationName, rowLength: number): Unit[] {
  if (activation === "relu" || activation === "linear") return [unit];
  return [unit, new ActivationUnit(activation, unit.outputSize, rowLength, `(${activation})`)];
}

/** The layer's name in an explanation: "Dense relu", "Dropout 0.3", "Flatten". */
function layerLabel(layer: LayerWithConfig, units: Unit[]): string {
  return units[0]?.label ?? layer.getClassName();
}

/** The plan for `model` (a Sequential or a functional model), or why there is none. */
export function planModel(model: tf.LayersModel): PlanResult {
  const inner = trainingModel(model);
  const m = modelInternals(inner);
  if (m.inputs.length !== 1 || m.outputs.length !== 1) return { reason: "it has several inputs or outputs" };
  const spec = lossSpec(inner);
  if (typeof spec === "string") return { reason: spec };
  const inputShape = m.inputs[0].shape;
  if (inputShape.slice(1).some((d) => d == null)) return { reason: "its input shape is not fully known" };
  // A plain chain: the input layer, then each layer fed by the one before it, the last one the output.
  const layers = inner.layers as LayerWithConfig[];
  if (layers.length < 2 || layers[0].getClassName() !== "InputLayer")
    return { reason: "it does not start with an input" };
  if (m.outputs[0].sourceLayer !== layers[layers.length - 1]) return { reason: "its output is not its last layer" };
  const units: Unit[] = [];
  const labels: string[] = [];
  let shape = inputShape.slice(1) as number[];
  for (let i = 1; i < layers.length; i++) {
    const layer = layers[i];
    const inbound = inboundLayers(layer);
    if (!inbound || inbound.length !== 1 || inbound[0] !== layers[i - 1])
      return { reason: `layer '${layer.name}' is not fed by the layer before it alone` };
    const outShape = (layer.outputShape as (number | null)[]).slice(1) as number[];
    const planned = unitsFor(layer, shape, outShape);
    if (typeof planned === "string") return { reason: planned };
    if (i > 1 && planned.some((unit) => unit.takesIds))
      return {
        reason: `layer '${layer.name}' (${layer.getClassName()}) does not take the model's input (the fast path embeds the input's ids only)`,
      };
    const last = planned[planned.length - 1];
    if (last && last.outputSize !== elementCount(outShape))
      return {
        reason: `layer '${layer.name}' gives ${elementCount(outShape)} floats per sample, its unit ${last.outputSize}`,
      };
    units.push(...planned);
    labels.push(layerLabel(layer, planned));
    shape = outShape;
  }
  // Losses and metrics reduce over the last axis; the plan computes them per sample.
  if (shape.length !== 1) return { reason: `its output is rank ${shape.length + 1}, not one vector per sample` };
  const weights = units.flatMap((unit) => [...unit.weights]);
  // Every weight trainable, and nothing else trainable.
  const trainable = m.collectedTrainableWeights ?? [];
  if (trainable.length !== weights.length || trainable.some((w, i) => w !== weights[i]))
    return { reason: "some of its layers are frozen (trainable: false), or it trains weights outside its layers" };
  if (weights.some((w) => w.dtype !== "float32")) return { reason: "some of its weights are not float32" };
  if (!units.some((unit) => unit.weights.length > 0)) return { reason: "it has no weights to train" };
  return {
    plan: {
      ...spec,
      units,
      weights,
      inputRank: inputShape.length,
      inputSize: elementCount(inputShape.slice(1) as number[]),
      outputShape: shape,
      layers: labels,
    },
  };
}

/** The plan for `model`, or null when it runs stock tfjs. */
export function planFor(model: tf.LayersModel): Plan | null {
  return planModel(model).plan ?? null;
}
