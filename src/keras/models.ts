/**
 * Keras 3's models over tfjs's: `keras.Sequential` (a `tf.Sequential`) and `keras.Model` (a
 * functional `tf.LayersModel`), named as Keras names them (`sequential`, `sequential_1`,
 * `functional`), their input layer `input_layer` (tfjs: `<first layer>_input`), `compile`
 * as Keras takes it (`compile.ts`), and a `predict` typed `tf.Tensor`: a Sequential has one
 * output; a functional model with several refuses `predict` and answers `predictAll`.
 * Their class names stay tfjs's (`Sequential`, `Model`), so they save and load as any tfjs model.
 */
import { tf } from "../backend";
import { tfjsCompileArgs, type KerasCompileArgs } from "./compile";
import { layerNameFor, nameFor } from "./names";
import { requireOneOutput } from "../util/one-output";

type PredictArgs = Parameters<tf.LayersModel["predict"]>[1];
/** What `keras.Sequential` and `add` take: a layer, or `keras.Input(…)` (or an `InputLayer`) first. */
export type SequentialItem = tf.layers.Layer | tf.SymbolicTensor;

/** `keras.Input`'s settings, Keras's in camelCase. */
export interface InputArgs {
  /** The shape of one sample, without the batch axis: `[784]`, `[28, 28, 1]`. */
  shape?: (number | null)[];
  /** The shape with the batch axis (`[null, 784]`); instead of `shape`. */
  batchShape?: (number | null)[];
  batchSize?: number;
  dtype?: tf.DataType;
  name?: string;
}

/** The full batch shape of an input: `batchShape`, or `[batchSize ?? null, ...shape]`. */
function batchShapeOf(args: InputArgs, where: string): (number | null)[] {
  if (args.batchShape) return args.batchShape;
  if (!args.shape) throw new Error(`${where}: a shape is required (e.g. { shape: [784] }), found none`);
  return [args.batchSize ?? null, ...args.shape];
}

/**
 * A model's input, as Keras's `keras.Input`: a symbolic tensor from an input layer named
 * `input_layer`, `input_layer_1`, ….
 *
 * @example
 * const inputs = keras.Input({ shape: [784] });
 * const outputs = keras.layers.Dense(10, { activation: "softmax" }).apply(inputs);
 */
export function Input(args: InputArgs): tf.SymbolicTensor {
  return tf.input({
    batchShape: batchShapeOf(args, "keras.Input"),
    dtype: args.dtype,
    name: layerNameFor("InputLayer", args.name),
  });
}

/**
 * An input layer, as Keras's `keras.layers.InputLayer` (`keras.Input` is the usual way).
 *
 * @example
 * keras.Sequential([keras.layers.InputLayer({ shape: [784] }), keras.layers.Dense(10)]);
 */
export function InputLayer(args: InputArgs): tf.layers.Layer {
  return tf.layers.inputLayer({
    batchInputShape: batchShapeOf(args, "keras.layers.InputLayer"),
    dtype: args.dtype,
    name: layerNameFor("InputLayer", args.name),
  });
}

/** The symbolic input `item` stands for, if it is `keras.Input(…)` or an input layer. */
function inputOf(item: SequentialItem): tf.SymbolicTensor | null {
  if (item instanceof tf.SymbolicTensor) {
    if (item.sourceLayer?.getClassName() !== "InputLayer") {
      throw new Error(
        `keras.Sequential: a tensor can be added only as the model's input (keras.Input(…)); ` +
          `found the output of layer '${item.sourceLayer?.name}'`,
      );
    }
    return item;
  }
  return item.getClassName() === "InputLayer" ? (item.output as tf.SymbolicTensor) : null;
}

/**
 * A stack of layers, as Keras's `Sequential` (see {@link Sequential}). A `tf.Sequential` whose
 * input layer is named as Keras names it, whose `compile` takes Keras's settings and whose
 * `predict` returns one tensor.
 */
export class KerasSequential extends tf.Sequential {
  private pendingInput: tf.SymbolicTensor | null = null;

  constructor(layers: SequentialItem[], name: string) {
    super({ name });
    for (const layer of layers) this.add(layer);
  }

  /** Add a layer on top; the first one needs an `inputShape` unless `keras.Input(…)` came first. */
  override add(layer: SequentialItem): void {
    const input = inputOf(layer);
    if (input) {
      if (this.pendingInput || this.outputs.length > 0) {
        throw new Error(
          `keras.Sequential '${this.name}': an input can only come first; the model already has ` +
            `${this.pendingInput ? "an input" : `${this.layers.length} layer(s)`}`,
        );
      }
      this.pendingInput = input;
      return;
    }
    const added = layer as tf.layers.Layer;
    if (this.outputs.length === 0 && added.inboundNodes.length === 0) {
      // Feed the first layer from an input named as Keras names it, before tfjs makes its own `<name>_input`.
      const first =
        this.pendingInput ??
        (added.batchInputShape == null
          ? null
          : tf.input({
              batchShape: added.batchInputShape,
              dtype: added.dtype,
              name: layerNameFor("InputLayer", undefined),
            }));
      if (first) added.apply(first);
      this.pendingInput = null;
    }
    super.add(added);
  }

  /** Keras's `compile`: the optimizer optional (RMSprop at 0.001), Keras's names accepted. */
  override compile(args: KerasCompileArgs): void {
    super.compile(tfjsCompileArgs(args));
  }

  /** The model's output for `x`: one tensor (a Sequential has one output). */
  override predict(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor {
    return super.predict(x, args) as tf.Tensor;
  }
}

/**
 * A model built from inputs and outputs, as Keras's functional `Model` (see {@link Model}): a
 * `tf.LayersModel` whose `compile` takes Keras's settings and whose `predict` returns the one
 * output (`predictAll` returns every output).
 */
export class KerasFunctional extends tf.LayersModel {
  /** Keras's `compile`: the optimizer optional (RMSprop at 0.001), Keras's names accepted. */
  override compile(args: KerasCompileArgs): void {
    super.compile(tfjsCompileArgs(args));
  }

  /** The model's one output for `x`; a model with several outputs refuses (use {@link predictAll}). */
  override predict(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor {
    requireOneOutput(this);
    return super.predict(x, args) as tf.Tensor;
  }

  /** One tensor per output of the model, in the order of its outputs. */
  predictAll(x: tf.Tensor | tf.Tensor[], args?: PredictArgs): tf.Tensor[] {
    const out = super.predict(x, args);
    return Array.isArray(out) ? out : [out];
  }
}

/**
 * A stack of layers, as Keras's `keras.Sequential`: one layer, an array, or nothing (then
 * `add`), `keras.Input(…)` first or an `inputShape` on the first layer. Named `sequential`,
 * `sequential_1`, …, its input `input_layer`. `compile` without an optimizer uses RMSprop
 * (0.001), as Keras does; `predict` returns a `tf.Tensor`.
 *
 * @example
 * const model = keras.Sequential([
 *   keras.layers.Flatten({ inputShape: [28, 28] }),
 *   keras.layers.Dense(100, { activation: "relu" }),
 *   keras.layers.Dense(10, { activation: "softmax" }),
 * ]);
 * model.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
 * const named = keras.Sequential({ name: "패션 MNIST 모델" }); // then named.add(…)
 */
export function Sequential(layers?: SequentialItem | SequentialItem[], options?: { name?: string }): KerasSequential;
/** An empty Sequential with a name, as Keras's `keras.Sequential(name="…")`; then `add`. */
export function Sequential(options: { name?: string }): KerasSequential;
export function Sequential(
  first: SequentialItem | SequentialItem[] | { name?: string } = [],
  options: { name?: string } = {},
): KerasSequential {
  if (!Array.isArray(first) && !(first instanceof tf.layers.Layer) && !(first instanceof tf.SymbolicTensor)) {
    return new KerasSequential([], nameFor("Sequential", first.name));
  }
  const list = Array.isArray(first) ? first : [first];
  return new KerasSequential(list, nameFor("Sequential", options.name));
}

/** `keras.Model`'s settings as one object: `keras.Model({ inputs, outputs })`. */
export interface ModelArgs {
  inputs: tf.SymbolicTensor | tf.SymbolicTensor[];
  outputs: tf.SymbolicTensor | tf.SymbolicTensor[];
  name?: string;
}

/**
 * A functional model from its inputs to its outputs, as Keras's `keras.Model(inputs, outputs)`,
 * named `functional`, `functional_1`, …. `predict` returns the one output as a `tf.Tensor`
 * (no cast, also for a `layer.output`, which tfjs types as one tensor or several); a model with
 * several outputs refuses `predict` with an error and answers `predictAll`.
 *
 * @example
 * const acti = keras.Model(model.inputs, model.layers[0].output);
 * const maps = acti.predict(x); // tf.Tensor
 */
export function Model(args: ModelArgs): KerasFunctional;
export function Model(
  inputs: tf.SymbolicTensor | tf.SymbolicTensor[],
  outputs: tf.SymbolicTensor | tf.SymbolicTensor[],
  options?: { name?: string },
): KerasFunctional;
export function Model(
  first: ModelArgs | tf.SymbolicTensor | tf.SymbolicTensor[],
  outputs?: tf.SymbolicTensor | tf.SymbolicTensor[],
  options: { name?: string } = {},
): KerasFunctional {
  const args: ModelArgs =
    first instanceof tf.SymbolicTensor || Array.isArray(first)
      ? { inputs: first, outputs: outputs as ModelArgs["outputs"], name: options.name }
      : first;
  if (args.inputs == null || args.outputs == null) {
    throw new Error(
      "keras.Model: inputs and outputs are required (keras.Model(inputs, outputs)), found " +
        `${args.inputs == null ? "no inputs" : "no outputs"}`,
    );
  }
  return new KerasFunctional({ inputs: args.inputs, outputs: args.outputs, name: nameFor("Functional", args.name) });
}
