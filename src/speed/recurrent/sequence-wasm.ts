/**
 * The LSTM, SimpleRNN and Keras GRU sequence ops in WebAssembly (src/speed/as/lstm.ts,
 * simple-rnn.ts, gru.ts), behind the same interface as `sequence.ts`'s `lstmForwardJs`,
 * `simpleRnnForwardJs` and `gruForwardJs(…, "resetAfter")`: the inputs go onto tfjs's WebAssembly heap for the call, the
 * op runs the whole sequence there, and what the backward pass needs comes back as arrays,
 * so nothing stays allocated on the heap between the passes (a pass that is never
 * differentiated, such as a validation batch, leaves nothing behind).
 */
import type { AsOps } from "../as-ops";
import type { BackendWasmLike } from "../internals";
import { withScratch } from "../ops/conv-geometry";
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

/**
 * `simpleRnnForwardJs` on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = simpleRnnForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export function simpleRnnForwardWasm(backend: BackendWasmLike, ops: AsOps) {
  return (
    x: Float32Array,
    shape: SequenceShape,
    w: SequenceWeights,
    masks: SequenceMasks,
    returnSequences: boolean,
  ): SequencePass => {
    const { batch, steps, features } = shape;
    const u = w.units;
    const xm = maskedInput(x, shape, masks.input);
    const hs = new Float32Array((steps + 1) * batch * u);
    const { wasm, put, take, bytes } = heapIo(backend);
    withScratch(
      wasm,
      [bytes(xm), bytes(w.kernel), bytes(w.recurrentKernel), bytes(w.bias), bytes(masks.recurrent), bytes(hs)].concat([
        4 * batch * u,
      ]),
      ([ax, ak, ar, ab, am, ah, ahm]) => {
        ops.simpleRnnForward(
          ...[batch, steps, features, u, put(ax, xm), put(ak, w.kernel), put(ar, w.recurrentKernel)],
          ...[put(ab, w.bias), put(am, masks.recurrent), ah, ahm],
        );
        take(ah, hs);
      },
    );
    const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
    for (let t = 0; t < steps; t++)
      emit(output, hs.subarray((t + 1) * batch * u, (t + 2) * batch * u), returnSequences, shape, u, t);
    return {
      output,
      backward(dy, wantInput = true) {
        const kernel = new Float32Array(features * u);
        const recurrentKernel = new Float32Array(u * u);
        const bias = w.bias ? new Float32Array(u) : null;
        const input = wantInput ? new Float32Array(batch * steps * features) : null;
        withScratch(
          wasm,
          [bytes(xm), bytes(w.kernel), bytes(w.recurrentKernel), bytes(masks.recurrent), bytes(hs), bytes(dy)]
            .concat([4 * steps * batch * u, bytes(kernel), bytes(recurrentKernel), bytes(bias), bytes(input)])
            .concat([4 * batch * u, 4 * batch * u]),
          ([ax, ak, ar, am, ah, ady, adp, adk, adr, adb, adx, adh, ahm]) => {
            ops.simpleRnnBackward(
              ...[batch, steps, features, u, put(ax, xm), put(ak, w.kernel), put(ar, w.recurrentKernel)],
              ...[put(am, masks.recurrent), put(ah, hs), put(ady, dy), returnSequences ? 1 : 0, adp, adk, adr],
              ...[bias ? adb : 0, input ? adx : 0, adh, ahm],
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
 * `lstmForwardJs` on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = lstmForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export function lstmForwardWasm(backend: BackendWasmLike, ops: AsOps) {
  return (
    x: Float32Array,
    shape: SequenceShape,
    w: SequenceWeights,
    masks: SequenceMasks,
    returnSequences: boolean,
  ): SequencePass => {
    const { batch, steps, features } = shape;
    const u = w.units;
    const g = 4 * u;
    const hard = w.gate === "hardSigmoid" ? 1 : 0;
    const xm = maskedInput(x, shape, masks.input);
    const gates = new Float32Array(steps * batch * g);
    const zs = new Float32Array(steps * batch * g);
    const hs = new Float32Array((steps + 1) * batch * u);
    const cs = new Float32Array((steps + 1) * batch * u);
    const { wasm, put, take, bytes } = heapIo(backend);
    withScratch(
      wasm,
      [bytes(xm), bytes(w.kernel), bytes(w.recurrentKernel), bytes(w.bias), bytes(masks.recurrent)].concat([
        bytes(gates),
        bytes(zs),
        bytes(hs),
        bytes(cs),
        4 * batch * u,
      ]),
      ([ax, ak, ar, ab, am, ag, az, ah, ac, ahm]) => {
        ops.lstmForward(
          batch,
          steps,
          features,
          u,
          put(ax, xm),
          put(ak, w.kernel),
          put(ar, w.recurrentKernel),
          put(ab, w.bias),
          put(am, masks.recurrent),
          hard,
          ag,
          az,
          ah,
          ac,
          ahm,
        );
        take(ag, gates);
        take(az, zs);
        take(ah, hs);
        take(ac, cs);
      },
    );
    const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
    for (let t = 0; t < steps; t++)
      emit(output, hs.subarray((t + 1) * batch * u, (t + 2) * batch * u), returnSequences, shape, u, t);
    return {
      output,
      backward(dy, wantInput = true) {
        const kernel = new Float32Array(features * g);
        const recurrentKernel = new Float32Array(u * g);
        const bias = w.bias ? new Float32Array(g) : null;
        const input = wantInput ? new Float32Array(batch * steps * features) : null;
        withScratch(
          wasm,
          [bytes(xm), bytes(w.kernel), bytes(w.recurrentKernel), bytes(masks.recurrent)]
            .concat([bytes(gates), bytes(zs), bytes(hs), bytes(cs), bytes(dy), bytes(gates)])
            .concat([bytes(kernel), bytes(recurrentKernel), bytes(bias), bytes(input), 4 * batch * u])
            .concat([4 * batch * u, 4 * batch * u]),
          ([ax, ak, ar, am, ag, az, ah, ac, ady, adp, adk, adr, adb, adx, adh, adc, ahm]) => {
            ops.lstmBackward(
              batch,
              steps,
              features,
              u,
              put(ax, xm),
              put(ak, w.kernel),
              put(ar, w.recurrentKernel),
              put(am, masks.recurrent),
              hard,
              put(ag, gates),
              put(az, zs),
              put(ah, hs),
              put(ac, cs),
              put(ady, dy),
              returnSequences ? 1 : 0,
              adp,
              adk,
              adr,
              bias ? adb : 0,
              input ? adx : 0,
              adh,
              adc,
              ahm,
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
 * `gruForwardJs(…, "resetAfter")` (Keras's GRU) on the wasm heap with the AssemblyScript op.
 *
 * @example
 * const pass = kerasGruForwardWasm(backend, ops)(x, shape, weights, masks, false);
 */
export function kerasGruForwardWasm(backend: BackendWasmLike, ops: AsOps) {
  return (
    x: Float32Array,
    shape: SequenceShape,
    w: SequenceWeights,
    masks: SequenceMasks,
    returnSequences: boolean,
  ): SequencePass => {
    const { batch, steps, features } = shape;
    const u = w.units;
    const g = 3 * u;
    const hard = w.gate === "hardSigmoid" ? 1 : 0;
    const xm = maskedInput(x, shape, masks.input);
    const gates = new Float32Array(steps * batch * g);
    const keep = new Float32Array(steps * batch * g);
    const hs = new Float32Array((steps + 1) * batch * u);
    const { wasm, put, take, bytes } = heapIo(backend);
    withScratch(
      wasm,
      [bytes(xm), bytes(w.kernel), bytes(w.recurrentKernel), bytes(w.bias), bytes(masks.recurrent)].concat([
        bytes(gates),
        bytes(keep),
        bytes(hs),
        4 * batch * u,
        4 * batch * g,
      ]),
      ([ax, ak, ar, ab, am, ag, ak2, ah, ahm, ain]) => {
        ops.gruForward(
          ...[batch, steps, features, u, put(ax, xm), put(ak, w.kernel), put(ar, w.recurrentKernel)],
          ...[put(ab, w.bias), put(am, masks.recurrent), hard, ag, ak2, ah, ahm, ain],
        );
        take(ag, gates);
        take(ak2, keep);
        take(ah, hs);
      },
    );
    const output = new Float32Array(returnSequences ? batch * steps * u : batch * u);
    for (let t = 0; t < steps; t++)
      emit(output, hs.subarray((t + 1) * batch * u, (t + 2) * batch * u), returnSequences, shape, u, t);
    return {
      output,
      backward(dy, wantInput = true) {
        const kernel = new Float32Array(features * g);
        const recurrentKernel = new Float32Array(u * g);
        const bias = w.bias ? new Float32Array(2 * g) : null;
        const input = wantInput ? new Float32Array(batch * steps * features) : null;
        withScratch(
          wasm,
          [bytes(xm), bytes(w.kernel), bytes(w.recurrentKernel), bytes(masks.recurrent), bytes(gates), bytes(keep)]
            .concat([bytes(hs), bytes(dy), bytes(gates), bytes(kernel), bytes(recurrentKernel), bytes(bias)])
            .concat([bytes(input), 4 * batch * u, 4 * batch * u, 4 * batch * g]),
          ([ax, ak, ar, am, ag, ak2, ah, ady, adp, adk, adr, adb, adx, adh, ahm, adi]) => {
            ops.gruBackward(
              ...[batch, steps, features, u, put(ax, xm), put(ak, w.kernel), put(ar, w.recurrentKernel)],
              ...[put(am, masks.recurrent), hard, put(ag, gates), put(ak2, keep), put(ah, hs), put(ady, dy)],
              ...[returnSequences ? 1 : 0, adp, adk, adr, bias ? adb : 0, input ? adx : 0, adh, ahm, adi],
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
