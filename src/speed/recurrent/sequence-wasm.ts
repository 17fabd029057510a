/**
 * The LSTM, SimpleRNN and both GRUs' sequence ops in WebAssembly (src/speed/as/sequence.ts and
 * the cells' steps), behind the same interface as `sequence.ts`'s `lstmForwardJs`,
 * `simpleRnnForwardJs` and `gruForwardJs`: the inputs go onto tfjs's WebAssembly heap for the call, the
 * op runs the whole sequence there, and what the backward pass needs comes back as arrays,
 * so nothing stays allocated on the heap between the passes (a pass that is never
 * differentiated, such as a validation batch, leaves nothing behind). The four cells differ
 * only in their kernels and the arrays those keep, which cells.ts's table `CELLS` (shared
 * with the plan's recurrent unit) says.
 */
import type { AsOps } from "../as-ops";
import type { BackendWasmLike } from "../internals";
import { withScratch } from "../ops/conv-geometry";
import { type CellKind, CELLS } from "./cells";
import {
  emit,
  maskedInput,
  type SequenceMasks,
  type SequencePass,
  type SequenceShape,
  type SequenceWeights,
} from "./sequence";

/** Heap helpers of one call: copy arrays in (0 for none) and out, and their sizes in bytes. */
function heapIo(backend: BackendWasmLike) {
  const wasm = backend.wasm;
  return {
    wasm,
    put: (at: number, a: Float32Array | null): number => {
      if (a) wasm.HEAPF32.set(a, at >> 2);
      return a ? at : 0;
    },
    take: (at: number, into: Float32Array): Float32Array => {
      into.set(wasm.HEAPF32.subarray(at >> 2, (at >> 2) + into.length));
      return into;
    },
    bytes: (a: { length: number } | null): number => 4 * (a?.length ?? 0),
  };
}

/** The input's gradient with the input's dropout mask applied, in place. */
function maskInputGradient(input: Float32Array | null, shape: SequenceShape, mask: Float32Array | null): void {
  if (!input || !mask) return;
  const { batch, steps, features } = shape;
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) {
      const row = (b * steps + t) * features;
      for (let f = 0; f < features; f++) input[row + f] *= mask[b * features + f];
    }
}

/** One cell's sequence op on the wasm heap: the forward call, and a backward call from what it kept. */
function sequenceWasm(kind: CellKind) {
  const cell = CELLS[kind];
  return (backend: BackendWasmLike, ops: AsOps) =>
    (
      x: Float32Array,
      shape: SequenceShape,
      w: SequenceWeights,
      masks: SequenceMasks,
      returnSequences: boolean,
    ): SequencePass => {
      const { batch, steps, features } = shape;
      const u = w.units;
      const s = { batch, steps, features, units: u };
      const hard = w.gate === "hardSigmoid" ? 1 : 0;
      const xm = maskedInput(x, shape, masks.input);
      const hs = new Float32Array((steps + 1) * batch * u);
      const kept = cell.kept(s).map((n) => new Float32Array(n));
      const { wasm, put, take, bytes } = heapIo(backend);
      const inputs = [xm, w.kernel, w.recurrentKernel, w.bias, masks.recurrent];
      withScratch(
        wasm,
        [...inputs.map(bytes), bytes(hs), 4 * batch * u, ...kept.map(bytes)],
        ([ax, ak, ar, ab, am, ah, ahm, ...akept]) => {
          const arrays = { x: put(ax, xm), kernel: put(ak, w.kernel), recurrent: put(ar, w.recurrentKernel) };
          const rest = { bias: put(ab, w.bias), recMask: put(am, masks.recurrent), hs: ah, hm: ahm, kept: akept };
          cell.forward(ops, s, hard, { ...arrays, ...rest });
          take(ah, hs);
          kept.forEach((k, i) => take(akept[i], k));
        },
      );
      const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
      for (let t = 0; t < steps; t++)
        emit(output, hs.subarray((t + 1) * batch * u, (t + 2) * batch * u), returnSequences, shape, u, t);
      return {
        output,
        backward(dy, wantInput = true) {
          const kernel = new Float32Array(w.kernel.length);
          const recurrentKernel = new Float32Array(w.recurrentKernel.length);
          const bias = w.bias ? new Float32Array(w.bias.length) : null;
          const input = wantInput ? new Float32Array(batch * steps * features) : null;
          const temporary = cell.temporary(s).map((n) => 4 * n);
          const grads = [kernel, recurrentKernel, bias, input];
          withScratch(
            wasm,
            [
              ...inputs.map(bytes),
              bytes(hs),
              4 * batch * u,
              ...kept.map(bytes),
              bytes(dy),
              ...temporary,
              ...grads.map(bytes),
            ],
            (addresses) => {
              const [ax, ak, ar, ab, am, ah, ahm] = addresses;
              const akept = addresses.slice(7, 7 + kept.length);
              const [ady, ...after] = addresses.slice(7 + kept.length);
              const atemp = after.slice(0, temporary.length);
              const [adk, adr, adb, adx] = after.slice(temporary.length);
              kept.forEach((k, i) => put(akept[i], k));
              const arrays = { x: put(ax, xm), kernel: put(ak, w.kernel), recurrent: put(ar, w.recurrentKernel) };
              const rest = { bias: put(ab, w.bias), recMask: put(am, masks.recurrent), hs: put(ah, hs), hm: ahm };
              cell.backward(
                ops,
                s,
                hard,
                { ...arrays, ...rest, kept: akept },
                {
                  dy: put(ady, dy),
                  sequences: returnSequences,
                  temporary: atemp,
                  kernel: adk,
                  recurrent: adr,
                  bias: bias ? adb : 0,
                  input: input ? adx : 0,
                },
              );
              take(adk, kernel);
              take(adr, recurrentKernel);
              if (bias) take(adb, bias);
              if (input) take(adx, input);
            },
          );
          maskInputGradient(input, shape, masks.input);
          return { input, kernel, recurrentKernel, bias };
        },
      };
    };
}

/**
 * `simpleRnnForwardJs` on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = simpleRnnForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export const simpleRnnForwardWasm = sequenceWasm("SimpleRNN");

/**
 * `lstmForwardJs` on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = lstmForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export const lstmForwardWasm = sequenceWasm("LSTM");

/**
 * `gruForwardJs(…, "resetAfter")` (Keras's GRU) on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = kerasGruForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export const kerasGruForwardWasm = sequenceWasm("KerasGRU");

/**
 * `gruForwardJs(…, "resetBefore")` (tfjs's GRU) on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = tfjsGruForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export const tfjsGruForwardWasm = sequenceWasm("GRU");
