/**
 * The plan's case for recurrent layers: tfjs's SimpleRNN, LSTM and GRU (reset_after false) and
 * tslab-dl's KerasGRU (Keras's GRU, reset_after) become a {@link RecurrentUnit} when they compute what its kernels
 * compute (tanh; sigmoid or hardSigmoid gates; the whole sequence from zero states), or the
 * one-sentence reason they do not. A refused layer still runs its sequence as one fused op
 * each way (recurrent/fused-call.ts).
 */
import type * as tf from "@tensorflow/tfjs";
import { inboundLayers } from "./internals";
import type { GateActivation } from "./recurrent/sequence";
import type { CellKind } from "./recurrent/cells";
import { RecurrentUnit } from "./units/recurrent";
import type { Unit } from "./units/unit";

type LayerWithConfig = tf.layers.Layer & { getConfig(): Record<string, unknown> };

/** Settings tfjs's recurrent layers take that the kernels do not model, and what to call them. */
const UNSUPPORTED_FLAGS: [key: string, what: string][] = [
  ["stateful", "is stateful (its state carries over between batches)"],
  ["goBackwards", "runs backwards (goBackwards)"],
  ["returnState", "returns its state (returnState)"],
  ["unroll", "is unrolled (unroll)"],
];

const WEIGHT_SETTINGS = ["kernel", "recurrent", "bias"];

/**
 * The unit for a SimpleRNN, LSTM, GRU or KerasGRU layer, or why it has none (one sentence,
 * naming the layer and the setting).
 *
 * @example
 * recurrentUnits(layer, layer.getConfig(), "layer 'lstm' (LSTM)", [100, 16]); // [RecurrentUnit "LSTM 8"]
 */
export function recurrentUnits(
  layer: LayerWithConfig,
  config: Record<string, unknown>,
  where: string,
  inShape: number[],
): Unit[] | string {
  const kind = layer.getClassName() as CellKind;
  if (inShape.length !== 2 || inShape.some((d) => !(d > 0)))
    return `${where} takes a rank-${inShape.length + 1} input, not [batch, steps, features] of known size`;
  for (const [key, what] of UNSUPPORTED_FLAGS) if (config[key] === true) return `${where} ${what}`;
  for (const w of WEIGHT_SETTINGS) {
    if (config[`${w}Regularizer`] != null) return `${where} has a regularizer`;
    if (config[`${w}Constraint`] != null) return `${where} has a constraint`;
  }
  if (config.activation !== "tanh")
    return `${where}: activation '${String(config.activation)}' has no fast kernel (tanh only)`;
  const gate = kind === "SimpleRNN" ? "sigmoid" : gateOf(config.recurrentActivation);
  if (gate === null)
    return `${where}: recurrent activation '${String(config.recurrentActivation)}' has no fast kernel (sigmoid or hardSigmoid only)`;
  if ((layer as unknown as { cell?: { dropoutFunc?: unknown } }).cell?.dropoutFunc != null)
    return `${where} has its own dropout function`;
  const masked = maskSource(layer);
  if (masked) return `${where} is fed a mask by '${masked}' (masking is not supported by the fast path)`;
  // Public: a built recurrent layer's weights are its kernel, recurrent kernel, then its bias if it has one.
  const [kernel, recurrentKernel, bias] = layer.weights;
  if (!kernel || !recurrentKernel) return `${where} is not built`;
  const [steps, features] = inShape;
  const unit = new RecurrentUnit(
    {
      kind,
      steps,
      features,
      units: config.units as number,
      returnSequences: config.returnSequences === true,
      gate,
      dropout: (config.dropout as number | undefined) ?? 0,
      recurrentDropout: (config.recurrentDropout as number | undefined) ?? 0,
    },
    kernel,
    recurrentKernel,
    bias ?? null,
  );
  return [unit];
}

function gateOf(name: unknown): GateActivation | null {
  return name === "sigmoid" || name === "hardSigmoid" ? name : null;
}

/**
 * The name of a layer below `layer` in the chain that makes a mask (an Embedding with
 * `maskZero`, a Masking layer), or null. tfjs passes a mask on through the layers in between,
 * and a masked recurrent layer keeps its state over the masked steps, which the kernels do not.
 */
function maskSource(layer: tf.layers.Layer): string | null {
  let below = inboundLayers(layer);
  while (below && below.length === 1) {
    const l = below[0] as LayerWithConfig;
    if (l.getClassName() === "Masking" || l.getConfig().maskZero === true) return l.name;
    below = inboundLayers(l);
  }
  return null;
}
