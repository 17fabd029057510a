/**
 * Keras 3's recurrent layers as factories: Keras's names (`simple_rnn`, `lstm`, `gru`) and
 * defaults where tfjs's differ: Glorot-uniform input kernels (tfjs: Glorot normal), orthogonal
 * recurrent kernels, zero biases, a `sigmoid` recurrent activation (tfjs: `hardSigmoid`), the
 * LSTM's forget-gate bias of 1 (`unit_forget_bias=True`) and the GRU's `reset_after=True`
 * (tslab-dl's {@link KerasGRU}; `resetAfter: false` is tfjs's own GRU). The caller's arguments win.
 */
import { tf } from "../backend";
import { KerasGRU, type KerasGRUArgs } from "../layers/gru";
import { GLOROT_UNIFORM } from "./layers-core";
import { layerNameFor } from "./names";

type Args<F extends (args: never) => unknown> = NonNullable<Parameters<F>[0]>;

/** `keras.layers.SimpleRNN`'s settings: tfjs's `simpleRNN` arguments except `units`. */
export type SimpleRNNArgs = Omit<Args<typeof tf.layers.simpleRNN>, "units">;
/** `keras.layers.LSTM`'s settings: tfjs's `lstm` arguments except `units`. */
export type LSTMArgs = Omit<Args<typeof tf.layers.lstm>, "units">;
/**
 * `keras.layers.GRU`'s settings: {@link KerasGRUArgs} except `units`, and `resetAfter`
 * (default true, Keras's); with `resetAfter: false`, tfjs's `gru` arguments.
 */
export type GRUArgs =
  | (Omit<KerasGRUArgs, "units"> & { resetAfter?: true })
  | (Omit<Args<typeof tf.layers.gru>, "units" | "resetAfter"> & { resetAfter: false });

const RECURRENT_DEFAULTS = {
  kernelInitializer: GLOROT_UNIFORM,
  recurrentInitializer: "orthogonal",
  biasInitializer: "zeros",
} as const;

/**
 * A fully connected recurrent layer, as Keras's `SimpleRNN` (tanh), named `simple_rnn`, ….
 *
 * @example
 * keras.layers.SimpleRNN(8, { inputShape: [100, 500] });
 */
export function SimpleRNN(units: number, args: SimpleRNNArgs = {}): tf.layers.Layer {
  return tf.layers.simpleRNN({ ...RECURRENT_DEFAULTS, ...args, units, name: layerNameFor("SimpleRNN", args.name) });
}

/**
 * A long short-term memory layer, as Keras's `LSTM` (sigmoid gates, forget-gate bias 1), named `lstm`, ….
 *
 * @example
 * keras.layers.LSTM(8, { dropout: 0.3, returnSequences: true });
 */
export function LSTM(units: number, args: LSTMArgs = {}): tf.layers.Layer {
  return tf.layers.lstm({
    ...RECURRENT_DEFAULTS,
    recurrentActivation: "sigmoid",
    unitForgetBias: true,
    ...args,
    units,
    name: layerNameFor("LSTM", args.name),
  });
}

/**
 * A gated recurrent unit layer, as Keras's `GRU` (sigmoid gates, `reset_after=True`: a
 * {@link KerasGRU}), named `gru`, …. `{ resetAfter: false }` gives tfjs's own GRU with Keras's defaults.
 *
 * @example
 * keras.layers.GRU(8);
 * keras.layers.GRU(8, { resetAfter: false, dropout: 0.2 });
 */
export function GRU(units: number, args: GRUArgs = {}): tf.layers.Layer {
  const name = layerNameFor("GRU", args.name);
  if (args.resetAfter === false) {
    const { resetAfter: _, ...rest } = args;
    return tf.layers.gru({ ...RECURRENT_DEFAULTS, recurrentActivation: "sigmoid", ...rest, units, name });
  }
  const { resetAfter: _, ...rest } = args;
  return new KerasGRU({ ...rest, units, name });
}
