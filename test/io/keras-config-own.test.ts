/**
 * The config tables are allow-lists: names from a file that happen to be
 * members of Object.prototype ("constructor", "toString", "valueOf",
 * "__proto__") are unknown names, refused with the usual message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/backend";
import { ConfigProblem, type Json } from "../../src/io/keras/config/json";
import { readModelConfig } from "../../src/io/keras/config/read";
import { compileArgsFrom } from "../../src/io/keras/config/training";
import { modelToKeras } from "../../src/io/keras/config/write";

const PROTO_NAMES = ["constructor", "toString", "valueOf", "__proto__", "hasOwnProperty"];

/** A Keras 2 config of a one-Dense model, to be altered by `edit`. */
function config(edit: (dense: { [k: string]: Json }) => void): Json {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3], name: "d" }));
  const c = modelToKeras(model, "keras2") as {
    config: { layers: { class_name: string; config: { [k: string]: Json } }[] };
  };
  const dense = c.config.layers.find((l) => l.class_name === "Dense")!;
  edit(dense as unknown as { [k: string]: Json });
  return c as unknown as Json;
}

function refused(raw: Json, pattern: RegExp): void {
  assert.throws(
    () => readModelConfig(raw),
    (e: Error) => e instanceof ConfigProblem && pattern.test(e.message),
  );
}

test("a layer class named like an Object.prototype member is an unknown class", () => {
  for (const name of PROTO_NAMES) {
    refused(
      config((d) => (d.class_name = name)),
      new RegExp(`layer class ${name.replace(/_/g, "_")} is not one tslab-dl can build`),
    );
  }
});

test("a layer setting named like an Object.prototype member is an unsupported setting", () => {
  for (const name of PROTO_NAMES.filter((n) => n !== "__proto__")) {
    refused(
      config((d) => ((d.config as { [k: string]: Json })[name] = 1)),
      new RegExp(`setting ${name} = 1 is not supported by tslab-dl`),
    );
  }
});

test("an activation or initializer named like an Object.prototype member is not understood", () => {
  for (const name of PROTO_NAMES) {
    assert.throws(
      () => readModelConfig(config((d) => ((d.config as { [k: string]: Json }).activation = name))),
      (e: Error) => e instanceof ConfigProblem && /activation/.test(e.message),
      `activation ${name}`,
    );
    assert.throws(
      () => readModelConfig(config((d) => ((d.config as { [k: string]: Json }).kernel_initializer = name))),
      (e: Error) => e instanceof ConfigProblem && /initializer/.test(e.message),
      `initializer ${name}`,
    );
  }
});

test("a loss or metric named like an Object.prototype member is not one we know: the model is not compiled with Object", () => {
  for (const name of PROTO_NAMES) {
    const args = compileArgsFrom({ optimizer_config: { class_name: "Adam", config: {} }, loss: name, metrics: [] });
    assert.equal(typeof args, "string", `loss ${name}: ${JSON.stringify(args)}`);
    assert.match(args as string, /is not one tslab-dl knows/);
    const withMetric = compileArgsFrom({
      optimizer_config: { class_name: "Adam", config: {} },
      loss: "categorical_crossentropy",
      metrics: [name],
    });
    assert.equal(typeof withMetric, "object", `metric ${name}`);
    assert.deepEqual((withMetric as { metrics: string[] }).metrics, [], `metric ${name} is dropped`);
  }
});
