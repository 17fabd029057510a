/**
 * SimpleRNN, LSTM and GRU layers run their whole sequence as one op on the WebAssembly backend: the
 * layer's `call` is wrapped so that, where the sequence ops (`sequence.ts`) compute exactly
 * what tfjs's cell loop computes, the forward pass over all time steps is one `tf.customGrad`
 * op and its gradient is backpropagation through time in one call. tfjs 4.22 instead runs a
 * dozen ops per time step each way (about 500 ms a training step for the book's 9-3 LSTM).
 *
 * A layer takes the stock loop when anything is outside what the ops model: a mask or an
 * initial state passed in, `stateful`, `goBackwards`, `returnState`, an activation other than
 * tanh (or, for the gates, sigmoid / hardSigmoid), a backend other than wasm. Dropout masks
 * are made by the cell itself, so a seeded fit draws the same random numbers as stock tfjs.
 */
import * as tf from "@tensorflow/tfjs";
import { type AsOps, asOpsFor } from "../as-ops";
import {
  type BackendWasmLike,
  inboundLayers,
  layerPrototype,
  type RecurrentCall,
  type RecurrentLayerInternals,
  wasmBackend,
} from "../internals";
import { kerasGruForwardWasm, lstmForwardWasm, simpleRnnForwardWasm, tfjsGruForwardWasm } from "./sequence-wasm";
import {
  type GateActivation,
  gruForwardJs,
  lstmForwardJs,
  type SequenceForward,
  type SequenceMasks,
  type SequencePass,
  simpleRnnForwardJs,
} from "./sequence";

/** The layer classes with a sequence op, and how many states each cell carries. */
const FUSED: Record<string, { forward: SequenceForward; states: number }> = {
  SimpleRNN: { forward: (...args) => onWasm(simpleRnnForwardWasm, simpleRnnForwardJs, args), states: 1 },
  LSTM: { forward: (...args) => onWasm(lstmForwardWasm, lstmForwardJs, args), states: 2 },
  GRU: {
    forward: (...args) =>
      onWasm(tfjsGruForwardWasm, (x, shape, w, m, all) => gruForwardJs(x, shape, w, m, all, "resetBefore"), args),
    states: 1,
  },
};

/**
 * Keras's GRU (reset_after) over a sequence, in WebAssembly where it can run there: the op
 * KerasGRU hands to {@link sequenceOp}.
 *
 * @example
 * sequenceOp(kerasGruSequence, x, weights, settings);
 */
export const kerasGruSequence: SequenceForward = (...args) =>
  onWasm(kerasGruForwardWasm, (x, shape, w, m, all) => gruForwardJs(x, shape, w, m, all, "resetAfter"), args);

/** A sequence op in WebAssembly where the backend's module takes tslab-dl's ops, else in JavaScript. */
function onWasm(
  inWasm: (backend: BackendWasmLike, ops: AsOps) => SequenceForward,
  inJs: SequenceForward,
  args: Parameters<SequenceForward>,
): SequencePass {
  const backend = wasmBackend();
  const ops = asOpsFor(backend);
  return ops ? inWasm(backend, ops)(...args) : inJs(...args);
}

const stockCalls = new Map<string, RecurrentCall>();

/**
 * Wrap (`true`) or restore (`false`) the `call` of tfjs's SimpleRNN, LSTM and GRU layers.
 *
 * @example
 * patchRecurrentLayers(true); // an LSTM's fit on wasm now runs one op per sequence each way
 */
export function patchRecurrentLayers(on: boolean): void {
  for (const [className, fused] of Object.entries(FUSED)) {
    const prototype = layerPrototype(className);
    if (on && !stockCalls.has(className)) {
      const stock = prototype.call;
      stockCalls.set(className, stock);
      prototype.call = function (this: RecurrentLayerInternals, inputs, kwargs) {
        return fusedCall(this, fused.forward, fused.states, inputs, kwargs) ?? stock.call(this, inputs, kwargs);
      };
    } else if (!on && stockCalls.has(className)) {
      prototype.call = stockCalls.get(className)!;
      stockCalls.delete(className);
    }
  }
}

/**
 * Whether layers may run their sequence as one op now: the fast ops are on (the layers'
 * calls are wrapped) and the backend is wasm. tslab-dl's own recurrent layers (KerasGRU) ask.
 *
 * @example
 * if (sequenceOpsOn()) return sequenceOp(forward, x, weights, settings);
 */
export function sequenceOpsOn(): boolean {
  return stockCalls.size > 0 && tf.getBackend() === "wasm";
}

/** Why `layer` cannot take the sequence op for this call, or null when it can. */
export function stockReason(
  layer: RecurrentLayerInternals,
  x: tf.Tensor,
  kwargs: Parameters<RecurrentCall>[1],
): string | null {
  const cell = layer.cell;
  if (tf.getBackend() !== "wasm") return `backend ${tf.getBackend()}`;
  if (kwargs?.mask != null) return "a mask";
  if (kwargs?.initialState != null) return "an initial state";
  if (layer.stateful || layer.goBackwards || layer.returnState) return "stateful, goBackwards or returnState";
  if (x.rank !== 3 || x.dtype !== "float32") return `input ${x.dtype} of rank ${x.rank}`;
  if (cell.activation?.getClassName() !== "tanh") return `activation ${cell.activation?.getClassName()}`;
  if (cell.recurrentActivation !== undefined && gateOf(cell.recurrentActivation) === null)
    return `recurrent activation ${cell.recurrentActivation?.getClassName()}`;
  return null;
}

function gateOf(activation: { getClassName(): string } | null | undefined): GateActivation | null {
  const name = activation?.getClassName();
  return name === "sigmoid" || name === "hardSigmoid" ? name : null;
}

/** The dropout masks the cell makes for this call (as tfjs's first step makes them), read as arrays. */
function dropoutMasks(layer: RecurrentLayerInternals, x: tf.Tensor, states: number, training: boolean): SequenceMasks {
  const cell = layer.cell;
  tf.dispose([cell.dropoutMask ?? [], cell.recurrentDropoutMask ?? []].flat());
  cell.dropoutMask = null;
  cell.recurrentDropoutMask = null;
  const active = (rate: number): boolean => training && 0 < rate && rate < 1;
  if (!active(cell.dropout) && !active(cell.recurrentDropout)) return { input: null, recurrent: null };
  tf.tidy(() => {
    const [batch, , features] = x.shape;
    const first = x.slice([0, 0, 0], [batch, 1, features]).reshape([batch, features]);
    const zeros = Array.from({ length: states }, () => tf.zeros([batch, cell.units]));
    cell.call([first, ...zeros], { training });
  });
  const read = (mask: tf.Tensor | tf.Tensor[] | null, rate: number): Float32Array | null =>
    mask && active(rate) ? Float32Array.from((Array.isArray(mask) ? mask[0] : mask).dataSync()) : null;
  return {
    input: read(cell.dropoutMask, cell.dropout),
    recurrent: read(cell.recurrentDropoutMask, cell.recurrentDropout),
  };
}

/** The layer's output for this call through the sequence op, or null where stock tfjs must run. */
function fusedCall(
  layer: RecurrentLayerInternals,
  forward: SequenceForward,
  states: number,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Parameters<RecurrentCall>[1],
): tf.Tensor | null {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
  if (!x || stockReason(layer, x, kwargs) !== null) return null;
  const cell = layer.cell;
  const masks = dropoutMasks(layer, x, states, kwargs?.training ?? false);
  const weights = [cell.kernel.read(), cell.recurrentKernel.read(), ...(cell.bias ? [cell.bias.read()] : [])];
  const gate = gateOf(cell.recurrentActivation) ?? "sigmoid";
  // In training, a layer fed straight by the model's input needs no input gradient (a one-hot
  // input's is most of the backward pass); anywhere else (tf.grad of a prediction) it is computed.
  const inbound = inboundLayers(layer as unknown as tf.layers.Layer) ?? [];
  const fromInput =
    kwargs?.training === true &&
    inbound.length > 0 &&
    inbound.every((l) => (l as tf.layers.Layer).getClassName() === "InputLayer");
  return sequenceOp(forward, x, weights, {
    units: cell.units,
    gate,
    masks,
    returnSequences: layer.returnSequences,
    inputGradient: !fromInput,
  });
}

/** How a layer runs its sequence op for one call. */
interface SequenceOpSettings {
  units: number;
  gate: GateActivation;
  masks: SequenceMasks;
  returnSequences: boolean;
  /** Whether to compute the input's gradient (else zeros: the input is data). Default true. */
  inputGradient?: boolean;
}

/**
 * A layer's whole sequence as one differentiable op: `forward` over `x` ([batch, time,
 * features]) with `weights` (kernel, recurrent kernel and, if any, bias, as tensors tfjs
 * tracks), and its gradient (backpropagation through time) in one call.
 *
 * @example
 * const y = sequenceOp(lstmForwardJs, x, [kernel, recurrentKernel, bias], { units: 8, gate: "sigmoid", masks, returnSequences: false });
 */
export function sequenceOp(
  forward: SequenceForward,
  x: tf.Tensor,
  weights: tf.Tensor[],
  settings: SequenceOpSettings,
): tf.Tensor {
  const [batch, steps, features] = x.shape;
  const shape = { batch, steps, features };
  const { units, gate, masks, returnSequences } = settings;
  const outShape = returnSequences ? [batch, steps, units] : [batch, units];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    // customGrad passes the inputs, then its `save`: the saved state here is the pass's own arrays.
    const [xT, kernel, recurrentKernel, bias] = args.filter((a): a is tf.Tensor => a instanceof tf.Tensor);
    const pass = forward(
      xT.dataSync() as Float32Array,
      shape,
      {
        kernel: kernel.dataSync() as Float32Array,
        recurrentKernel: recurrentKernel.dataSync() as Float32Array,
        bias: bias ? (bias.dataSync() as Float32Array) : null,
        units,
        gate,
      },
      masks,
      returnSequences,
    );
    return {
      value: tf.tensor(pass.output, outShape, "float32"),
      gradFunc: (dy: tf.Tensor) => {
        const g = pass.backward(dy.dataSync() as Float32Array, settings.inputGradient !== false);
        return [
          // fill runs on the backend (zeros would build the array in JavaScript and copy it over).
          g.input ? tf.tensor(g.input, x.shape, "float32") : tf.fill(x.shape, 0),
          tf.tensor(g.kernel, kernel.shape, "float32"),
          tf.tensor(g.recurrentKernel, recurrentKernel.shape, "float32"),
          ...(g.bias && bias ? [tf.tensor(g.bias, bias.shape, "float32")] : []),
        ];
      },
    };
  });
  return op(x, ...weights);
}
