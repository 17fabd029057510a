/**
 * SimpleRNN and LSTM over a whole sequence in one op each way (src/speed/recurrent/): outputs
 * and the gradients of the input and every weight equal tfjs's own cell loop on the cpu backend,
 * on odd shapes (batch 3, 7 steps, 4 features, 5 units), with and without returnSequences,
 * bias, dropout and recurrent dropout, with Keras's sigmoid gates and tfjs's hardSigmoid; SimpleRNN,
 * LSTM, tfjs's GRU (reset_after false) and KerasGRU (reset_after true).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { installFastOps, useFastOps } from "../../src/speed";
import { stockReason } from "../../src/speed/recurrent/fused-call";
import type { RecurrentLayerInternals } from "../../src/speed/internals";
import { KerasGRU } from "../../src/layers/gru";
import { setRandomSeed } from "../../src/seed";
import { assertClose, useWasm } from "./compare";
import { values } from "./conv-grad";

const [BATCH, STEPS, FEATURES, UNITS] = [3, 7, 4, 5];

interface Case {
  name: string;
  layer: () => tf.layers.Layer;
  training: boolean;
}

const CASES: Case[] = [];
for (const returnSequences of [false, true]) {
  CASES.push({
    name: `SimpleRNN returnSequences ${returnSequences}`,
    layer: () => tf.layers.simpleRNN({ units: UNITS, returnSequences }),
    training: false,
  });
  CASES.push({
    name: `KerasGRU (reset_after true) returnSequences ${returnSequences}`,
    layer: () => new KerasGRU({ units: UNITS, returnSequences }),
    training: false,
  });
  for (const recurrentActivation of ["sigmoid", "hardSigmoid"] as const)
    CASES.push({
      name: `GRU (reset_after false) ${recurrentActivation} gates, returnSequences ${returnSequences}`,
      layer: () => tf.layers.gru({ units: UNITS, returnSequences, recurrentActivation }),
      training: false,
    });
  for (const recurrentActivation of ["sigmoid", "hardSigmoid"] as const)
    CASES.push({
      name: `LSTM ${recurrentActivation} gates, returnSequences ${returnSequences}`,
      layer: () => tf.layers.lstm({ units: UNITS, returnSequences, recurrentActivation }),
      training: false,
    });
}
CASES.push(
  {
    name: "SimpleRNN without bias, dropout 0.3, recurrent dropout 0.2, training",
    layer: () => tf.layers.simpleRNN({ units: UNITS, useBias: false, dropout: 0.3, recurrentDropout: 0.2 }),
    training: true,
  },
  {
    name: "LSTM sigmoid gates, dropout 0.3, recurrent dropout 0.2, returnSequences, training",
    layer: () =>
      tf.layers.lstm({
        units: UNITS,
        recurrentActivation: "sigmoid",
        dropout: 0.3,
        recurrentDropout: 0.2,
        returnSequences: true,
      }),
    training: true,
  },
  {
    name: "GRU (reset_after false) dropout 0.3, recurrent dropout 0.2, returnSequences, training",
    layer: () => tf.layers.gru({ units: UNITS, dropout: 0.3, recurrentDropout: 0.2, returnSequences: true }),
    training: true,
  },
  {
    name: "KerasGRU (reset_after true) without bias, dropout 0.3, recurrent dropout 0.2, training",
    layer: () => new KerasGRU({ units: UNITS, useBias: false, dropout: 0.3, recurrentDropout: 0.2 }),
    training: true,
  },
  {
    name: "KerasGRU (reset_after true) hardSigmoid gates, dropout 0.3, recurrent dropout 0.2, returnSequences, training",
    layer: () =>
      new KerasGRU({
        units: UNITS,
        recurrentActivation: "hardSigmoid",
        dropout: 0.3,
        recurrentDropout: 0.2,
        returnSequences: true,
      }),
    training: true,
  },
  {
    name: "LSTM with dropout, not training (masks of ones)",
    layer: () => tf.layers.lstm({ units: UNITS, dropout: 0.5, recurrentDropout: 0.5 }),
    training: false,
  },
);

/** The layer's output and the gradients of Σ output·r with respect to the input and each weight. */
function outputsAndGradients(c: Case): Float32Array[] {
  setRandomSeed(3);
  try {
    const layer = c.layer();
    const x = tf.tensor3d(values(BATCH * STEPS * FEATURES, 1), [BATCH, STEPS, FEATURES]);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the layer
    // Weights large enough that the gates leave their linear region (hardSigmoid's clipping included).
    layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(values(w.size, 10 + i), w.shape).mul(1.5)));
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const input = tf.variable(x);
    const r = (shape: number[]) =>
      tf.tensor(
        values(
          shape.reduce((a, b) => a * b, 1),
          2,
        ),
        shape,
      );
    const y = layer.apply(x, { training: c.training }) as tf.Tensor;
    setRandomSeed(3);
    const { value, grads: byName } = tf.variableGrads(() => {
      const out = layer.apply(input, { training: c.training }) as tf.Tensor;
      return tf.sum(tf.mul(out, r(out.shape)));
    }, [input, ...weights]);
    const grads = [input, ...weights].map((v) => byName[v.name]);
    value.dispose();
    const out = [y, ...grads].map((t) => Float32Array.from(t.dataSync()));
    tf.dispose([x, y, input, ...grads]);
    layer.dispose();
    return out;
  } finally {
    setRandomSeed(undefined);
  }
}

test("the sequence op gives the cpu backend's outputs and gradients (input, kernel, recurrent kernel, bias)", async () => {
  await useWasm();
  installFastOps();
  for (const c of CASES) {
    await tf.setBackend("cpu");
    const cpu = outputsAndGradients(c);
    await useWasm();
    const wasm = outputsAndGradients(c);
    assert.equal(wasm.length, cpu.length, c.name);
    const names = ["output", "d input", "d kernel", "d recurrent kernel", "d bias"];
    cpu.forEach((expected, i) => assertClose(wasm[i], expected, 2e-5, `${c.name}: ${names[i]}`));
    assert.ok(
      cpu[1].some((v) => Math.abs(v) > 1e-3),
      `${c.name}: the input's gradient is not zero`,
    );
  }
});

test("the sequence op is what runs on wasm, and the stock loop where it cannot: another backend, a mask, an initial state, goBackwards", async () => {
  await useWasm();
  installFastOps();
  const lstm = tf.layers.lstm({ units: 2 }) as unknown as RecurrentLayerInternals & tf.layers.Layer;
  const x = tf.zeros([1, 3, 2]);
  lstm.apply(x);
  assert.equal(stockReason(lstm, x, null), null);
  assert.equal(stockReason(lstm, x, { mask: tf.ones([1, 3]) }), "a mask");
  assert.equal(stockReason(lstm, x, { initialState: [x] }), "an initial state");
  const backwards = tf.layers.lstm({ units: 2, goBackwards: true }) as unknown as RecurrentLayerInternals;
  assert.match(stockReason(backwards, x, null) ?? "", /goBackwards/);
  const relu = tf.layers.simpleRNN({ units: 2, activation: "relu" }) as unknown as RecurrentLayerInternals &
    tf.layers.Layer;
  relu.apply(x);
  assert.equal(stockReason(relu, x, null), "activation relu");
  await tf.setBackend("cpu");
  assert.equal(stockReason(lstm, x, null), "backend cpu");
  await useWasm();
  // With the fast ops off, the stock loop runs: a step's profile holds its per-step ops.
  const profile = async () =>
    (await tf.profile(() => tf.tidy(() => lstm.apply(tf.ones([1, 3, 2])) as tf.Tensor))).kernelNames;
  assert.ok(!(await profile()).includes("Unpack"), "fused: no per-step unstacking of the sequence");
  useFastOps(false);
  assert.ok((await profile()).includes("Unpack"), "stock: tfjs's loop unstacks the sequence");
  useFastOps(true);
  tf.dispose(x);
});
