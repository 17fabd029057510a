/**
 * Recurrent layers and TF 2.11+ optimizers in Keras configs: every setting
 * is mapped or refused by name, as for every other layer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { ConfigProblem, type Json, type JsonObject } from "../../src/io/keras/config/json";
import { buildModel, readModelConfig } from "../../src/io/keras/config/read";
import { compileArgsFrom } from "../../src/io/keras/config/training";
import { modelToKeras } from "../../src/io/keras/config/write";
import { KerasGRU } from "../../src/layers/gru";

/** A tf.keras 2.14 GRU config as the book's 9-3 writes it (Embedding → GRU → Dense), `edit`ed. */
function gruModel(edit: (gru: JsonObject, embedding: JsonObject) => void = () => {}): Json {
  const init = (cls: string, config: JsonObject = {}): JsonObject => ({
    module: "keras.initializers",
    class_name: cls,
    config,
    registered_name: null,
  });
  const embedding: JsonObject = {
    name: "embedding",
    trainable: true,
    dtype: "float32",
    batch_input_shape: [null, 100],
    input_dim: 500,
    output_dim: 16,
    embeddings_initializer: init("RandomUniform", { minval: -0.05, maxval: 0.05, seed: null }),
    embeddings_regularizer: null,
    activity_regularizer: null,
    embeddings_constraint: null,
    mask_zero: false,
    input_length: 100,
  };
  const gru: JsonObject = {
    name: "gru",
    trainable: true,
    dtype: "float32",
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    time_major: false,
    units: 8,
    activation: "tanh",
    recurrent_activation: "sigmoid",
    use_bias: true,
    kernel_initializer: init("GlorotUniform", { seed: null }),
    recurrent_initializer: init("Orthogonal", { gain: 1.0, seed: null }),
    bias_initializer: init("Zeros"),
    kernel_regularizer: null,
    recurrent_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    recurrent_constraint: null,
    bias_constraint: null,
    dropout: 0.0,
    recurrent_dropout: 0.0,
    implementation: 2,
    reset_after: true,
  };
  edit(gru, embedding);
  return {
    class_name: "Sequential",
    config: {
      name: "sequential",
      layers: [
        {
          class_name: "InputLayer",
          config: { batch_input_shape: [null, 100], dtype: "float32", sparse: false, ragged: false, name: "in" },
        },
        { class_name: "Embedding", config: embedding },
        { class_name: "GRU", config: gru },
      ],
    },
  };
}

function refused(raw: Json, pattern: RegExp): void {
  assert.throws(
    () => readModelConfig(raw),
    (e: Error) => e instanceof ConfigProblem && pattern.test(e.message),
    String(pattern),
  );
}

test("a GRU with reset_after=True builds tslab-dl's KerasGRU, with reset_after=False tfjs's GRU; both write back as Keras's GRU", () => {
  for (const resetAfter of [true, false]) {
    const model = buildModel(readModelConfig(gruModel((g) => (g.reset_after = resetAfter))));
    const layer = model.layers[1];
    assert.equal(layer.getClassName(), resetAfter ? KerasGRU.className : "GRU");
    assert.deepEqual(
      layer.weights.map((w) => w.shape),
      [[16, 24], [8, 24], resetAfter ? [2, 24] : [24]],
    );
    const back = modelToKeras(model, "keras2") as { config: { layers: { class_name: string; config: JsonObject }[] } };
    const gru = back.config.layers[2];
    assert.equal(gru.class_name, "GRU");
    assert.equal(gru.config.reset_after, resetAfter);
    assert.equal(gru.config.recurrent_activation, "sigmoid");
    assert.equal(
      (back.config.layers[1].config as JsonObject).input_dim,
      500,
      "Embedding's input_dim is its vocabulary",
    );
  }
});

test("recurrent settings tfjs cannot honour are refused by name", () => {
  refused(
    gruModel((g) => (g.go_backwards = true)),
    /layer "gru" \(GRU\): setting go_backwards = true is not supported/,
  );
  refused(
    gruModel((g) => (g.stateful = true)),
    /setting stateful = true/,
  );
  refused(
    gruModel((g) => (g.return_state = true)),
    /setting return_state = true/,
  );
  refused(
    gruModel((g) => (g.time_major = true)),
    /setting time_major = true/,
  );
  refused(
    gruModel((g) => (g.implementation = 3)),
    /setting implementation = 3/,
  );
  refused(
    gruModel((g) => (g.frobnicate = 1)),
    /setting frobnicate = 1/,
  );
  refused(
    gruModel((_g, e) => (e.mask_zero = true)),
    /layer "embedding" \(Embedding\): setting mask_zero = true/,
  );
  refused(
    gruModel((g) => (g.recurrent_activation = "custom_fn")),
    /activation "custom_fn" is not one tslab-dl knows/,
  );
});

test("Custom>Adam and Custom>RMSprop (TF 2.11–2.15's .h5 names) restore the optimizer with its stored settings", () => {
  const tf214 = (cls: string, extra: JsonObject): Json => ({
    loss: "binary_crossentropy",
    metrics: [
      [{ class_name: "MeanMetricWrapper", config: { name: "accuracy", dtype: "float32", fn: "binary_accuracy" } }],
    ],
    optimizer_config: {
      class_name: cls,
      config: {
        name: cls.replace("Custom>", ""),
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: null,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: 100,
        jit_compile: false,
        is_legacy_optimizer: false,
        ...extra,
      },
    },
  });
  const adam = compileArgsFrom(
    tf214("Custom>Adam", { learning_rate: 0.002, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-6, amsgrad: false }),
  );
  assert.ok(typeof adam === "object", String(adam));
  assert.equal(adam.optimizer.getClassName(), "Adam");
  assert.deepEqual(adam.optimizer.getConfig(), { learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
  assert.deepEqual(adam.metrics, ["accuracy"]);
  const rms = compileArgsFrom(
    tf214("Custom>RMSprop", { learning_rate: 1e-4, rho: 0.8, momentum: 0.1, epsilon: 1e-7, centered: true }),
  );
  assert.ok(typeof rms === "object", String(rms));
  assert.deepEqual(rms.optimizer.getConfig(), {
    learningRate: 1e-4,
    decay: 0.8,
    momentum: 0.1,
    epsilon: 1e-7,
    centered: true,
  });
  const sgd = compileArgsFrom(tf214("Custom>SGD", { learning_rate: 0.05, momentum: 0.9, nesterov: true }));
  assert.ok(typeof sgd === "object", String(sgd));
  assert.equal(sgd.optimizer.getClassName(), "Momentum");
  // Settings that would change training are refused by name: the model is loaded uncompiled, with this reason.
  assert.match(
    String(compileArgsFrom(tf214("Custom>Adam", { clipnorm: 1.0 }))),
    /setting clipnorm = 1 has no tfjs equivalent/,
  );
  assert.match(String(compileArgsFrom(tf214("Custom>Adam", { use_ema: true }))), /setting use_ema = true/);
  assert.match(String(compileArgsFrom(tf214("Custom>Adam", { weight_decay: 0.004 }))), /setting weight_decay = 0.004/);
  assert.match(
    String(compileArgsFrom(tf214("Custom>Adam", { learning_rate: { class_name: "ExponentialDecay", config: {} } }))),
    /learning_rate .* is a schedule/,
  );
  assert.match(String(compileArgsFrom(tf214("Custom>Lion", {}))), /optimizer Custom>Lion is not one tslab-dl knows/);
});

test("a model with an Embedding, SimpleRNN and LSTM written in Keras 3's words reads back the same layers", () => {
  const model = tf.sequential({ name: "s" });
  model.add(tf.layers.embedding({ inputDim: 50, outputDim: 4, inputLength: 7, name: "e" }));
  model.add(tf.layers.simpleRNN({ units: 3, returnSequences: true, name: "r" }));
  model.add(tf.layers.lstm({ units: 2, unitForgetBias: true, recurrentActivation: "sigmoid", name: "l" }));
  const keras3 = modelToKeras(model, "keras3");
  const layers = (keras3.config as { layers: { class_name: string; config: JsonObject }[] }).layers;
  assert.deepEqual(
    layers.map((l) => l.class_name),
    ["InputLayer", "Embedding", "SimpleRNN", "LSTM"],
  );
  assert.equal(layers[3].config.unit_forget_bias, true);
  assert.ok(!("input_length" in layers[1].config) && !("time_major" in layers[2].config));
  const plan = readModelConfig(keras3);
  assert.deepEqual(plan.inputShape, [null, 7]);
  const rebuilt = buildModel(plan);
  assert.deepEqual(
    rebuilt.layers.map((l) => l.getClassName()),
    ["Embedding", "SimpleRNN", "LSTM"],
  );
  assert.deepEqual(rebuilt.outputs[0].shape, [null, 2]);
});

test("a Keras 3 loss object with label smoothing is not silently compiled without it", () => {
  const loss = (label_smoothing: number): Json => ({
    module: "keras.losses",
    class_name: "BinaryCrossentropy",
    config: {
      name: "binary_crossentropy",
      reduction: "sum_over_batch_size",
      from_logits: false,
      label_smoothing,
      axis: -1,
    },
    registered_name: null,
  });
  const compile = (l: Json): ReturnType<typeof compileArgsFrom> =>
    compileArgsFrom({
      optimizer: {
        module: "keras.optimizers",
        class_name: "RMSprop",
        config: { name: "rmsprop", learning_rate: 0.001 },
        registered_name: null,
      },
      loss: l,
      metrics: ["accuracy"],
    });
  const plain = compile(loss(0));
  assert.ok(typeof plain === "object", String(plain));
  assert.equal(plain.loss, "binaryCrossentropy");
  assert.match(String(compile(loss(0.1))), /label_smoothing=0.1 has no tfjs/);
});

test("a recurrent model's weights count against the file's budget before they are allocated", () => {
  const plan = readModelConfig(gruModel());
  // Embedding 500×16, GRU kernel 16×24, recurrent kernel 8×24, bias 2×24.
  const needed = 500 * 16 + 16 * 24 + 8 * 24 + 2 * 24;
  const budget = { limit: needed, used: 0 };
  buildModel(plan, budget);
  assert.equal(budget.used, needed);
  assert.throws(
    () => buildModel(readModelConfig(gruModel()), { limit: needed - 1, used: 0 }),
    (e: Error) =>
      e instanceof ConfigProblem && /layer "gru" \(GRU\): its bias of shape \[2, 24\] needs 48 numbers/.test(e.message),
  );
  assert.throws(
    () => buildModel(readModelConfig(gruModel((_g, emb) => (emb.input_dim = 50_000_000))), { limit: needed, used: 0 }),
    (e: Error) =>
      e instanceof ConfigProblem &&
      /layer "embedding" \(Embedding\): its embeddings of shape \[50000000, 16\]/.test(e.message),
  );
});
