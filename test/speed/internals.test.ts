/**
 * The contract between the fast path and tfjs's internals (`src/speed/internals.ts`): each
 * test fails the day an upgrade of tfjs renames or removes something the fast path touches.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import {
  callbackListPrototype,
  inboundLayers,
  installedTfjsVersions,
  layerPrototype,
  type RecurrentLayerInternals,
  modelInternals,
  modelPrototype,
  offset,
  optimizerInternals,
  registeredVariable,
  trainingModel,
  unsupportedReason,
  wasmBackend,
  wasmMemory,
} from "../../src/speed/internals";
import { useWasm } from "./compare";

before(async () => {
  await useWasm();
  useFastOps(true);
});

test("the installed tfjs packages are the 4.22.x the internals were written for", () => {
  const versions = installedTfjsVersions();
  assert.deepEqual(Object.keys(versions).sort(), ["tfjs", "tfjs-backend-wasm", "tfjs-core", "tfjs-layers"]);
  for (const [name, version] of Object.entries(versions)) assert.match(version, /^4\.22\.\d+$/, name);
  assert.equal(unsupportedReason(), null);
});

test("another tfjs version is refused with a message naming the package, the version and what to do", () => {
  const reason = unsupportedReason({
    tfjs: "4.22.0",
    "tfjs-core": "4.23.1",
    "tfjs-layers": "4.22.0",
    "tfjs-backend-wasm": "4.22.0",
  });
  assert.match(reason ?? "", /@tensorflow\/tfjs-core 4\.23\.1/);
  assert.match(reason ?? "", /Stock tfjs runs instead/);
  assert.doesNotMatch(reason ?? "", /tfjs-layers/);
});

test("with another tfjs version, init installs nothing, training runs stock tfjs, and one warning is printed", () => {
  const root = path.resolve(__dirname, "..", "..", "..");
  const script = `
    const tf = require("@tensorflow/tfjs");
    tf.version["tfjs-core"] = "4.23.0"; // what an upgrade would report
    const dl = require("./dist/src");
    const { installFastOps } = require("./dist/src/speed");
    (async () => {
      await dl.init({ backend: "wasm", verbose: false });
      installFastOps();
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: "softmax", inputShape: [3] })] });
      m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
      const h = await m.fit(tf.ones([8, 3]), tf.zeros([8]), { epochs: 1, verbose: 0 });
      console.log(JSON.stringify({ installed: dl.fastOpsInstalled(), loss: h.history.loss.length, explain: dl.explainFastPath(m) }));
    })();`;
  const child = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout.trim().split("\n").pop() as string);
  assert.deepEqual(result.installed, []);
  assert.equal(result.loss, 1, "training ran");
  assert.match(result.explain, /^stock tfjs: .*4\.22\.x/);
  const warnings = child.stderr.split("\n").filter((line) => line.includes("tfjs internals written for 4.22.x"));
  assert.equal(warnings.length, 1, child.stderr);
});

test("LayersModel keeps the methods the fast path replaces, and a compiled model the state it reads", async () => {
  const proto = modelPrototype();
  for (const name of ["fitLoop", "testLoop", "predictLoop", "makeTrainFunction", "makeTestFunction"] as const)
    assert.equal(typeof proto[name], "function", name);
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.dense({ units: 2, activation: "softmax" })],
  });
  model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const inner = trainingModel(model);
  assert.notEqual(inner, model, "a Sequential trains through the model it holds");
  assert.ok(inner instanceof tf.LayersModel);
  const m = modelInternals(inner);
  assert.equal(m.lossFunctions?.length, 1);
  assert.equal(typeof m.lossFunctions?.[0], "function");
  assert.equal(typeof m.metricsTensors?.[0]?.[0], "function");
  assert.equal(m.metricsTensors?.[0]?.[1], 0);
  assert.deepEqual(
    m.collectedTrainableWeights?.map((w) => w.name),
    model.trainableWeights.map((w) => w.name),
  );
  assert.ok(m.optimizer_ instanceof tf.SGDOptimizer);
  assert.deepEqual(inboundLayers(inner.layers[2]), [inner.layers[1]]);
  const x = tf.ones([4, 2]);
  const y = tf.zeros([4]);
  await model.fit(x, y, { epochs: 1, verbose: 0, validationData: [x, y] });
  assert.equal(typeof m.testFunction, "function", "fit with validation made the test function");
  assert.equal(typeof m.stopTraining_, "boolean");
  assert.ok(m.history instanceof tf.History);
  tf.dispose([x, y]);
  model.dispose();
});

test("CallbackList keeps setModel and its callbacks array", () => {
  assert.equal(typeof callbackListPrototype().setModel, "function");
  const list = new tf.CallbackList([new tf.CustomCallback({})]) as unknown as { callbacks: unknown[] };
  assert.equal(list.callbacks.length, 1);
});

test("the optimizers keep the hyper-parameters and slot lists the in-place updates read and write", () => {
  const v = tf.variable(tf.ones([3]), true, "internals_contract_v");
  const step = (optimizer: tf.Optimizer) => {
    // Stock tfjs's update creates the slots under the names the in-place updates create.
    useFastOps(false);
    try {
      optimizer.applyGradients([{ name: v.name, tensor: tf.ones([3]) }]);
    } finally {
      useFastOps(true);
    }
    return optimizerInternals(optimizer);
  };
  const slotName = (list: { originalName: string }[] | undefined) => list?.[0]?.originalName;
  const sgd = step(tf.train.sgd(0.1));
  assert.equal(sgd.learningRate, 0.1);
  assert.equal(typeof sgd.incrementIterations, "function");
  const momentum = step(tf.train.momentum(0.1, 0.9, true));
  assert.deepEqual([momentum.momentum, momentum.useNesterov], [0.9, true]);
  assert.equal(slotName(momentum.accumulations as { originalName: string }[]), `${v.name}/momentum`);
  const rmsprop = step(tf.train.rmsprop(0.1, 0.8, 0.1, 1e-6));
  assert.deepEqual([rmsprop.decay, rmsprop.momentum, rmsprop.epsilon, rmsprop.centered], [0.8, 0.1, 1e-6, false]);
  assert.equal(slotName(rmsprop.accumulatedMeanSquares as { originalName: string }[]), `${v.name}/rms`);
  assert.equal(slotName(rmsprop.accumulatedMoments as { originalName: string }[]), `${v.name}/momentum`);
  const adagrad = step(tf.train.adagrad(0.1, 0.2));
  assert.equal(adagrad.initialAccumulatorValue, 0.2);
  assert.equal(slotName(adagrad.accumulatedGrads as { originalName: string }[]), `${v.name}/accumulator`);
  const adam = step(tf.train.adam(0.1, 0.8, 0.9, 1e-6));
  assert.deepEqual([adam.beta1, adam.beta2, adam.epsilon], [0.8, 0.9, 1e-6]);
  assert.ok(adam.accBeta1 instanceof tf.Variable && adam.accBeta2 instanceof tf.Variable);
  assert.equal(slotName(adam.accumulatedFirstMoment as { originalName: string }[]), `${v.name}/m`);
  assert.equal(slotName(adam.accumulatedSecondMoment as { originalName: string }[]), `${v.name}/v`);
  assert.equal(registeredVariable(v.name), v);
  v.dispose();
});

test("the wasm backend keeps its heap, allocator, data map and reference counts", () => {
  const backend = wasmBackend();
  assert.ok(wasmMemory(backend) instanceof WebAssembly.Memory);
  assert.ok(backend.wasm.HEAPF32 instanceof Float32Array && backend.wasm.HEAP32 instanceof Int32Array);
  const p = backend.wasm._malloc(16);
  assert.ok(p > 0);
  backend.wasm._free(p);
  const t = tf.tensor1d([1.5, 2.5]);
  assert.equal(backend.wasm.HEAPF32[(offset(backend, t) >> 2) + 1], 2.5);
  assert.equal(backend.refCount(t.dataId), 1);
  assert.equal(typeof backend.incRef, "function");
  const out = backend.makeOutput([2], "float32");
  assert.equal(out.dtype, "float32");
  assert.equal(backend.epsilon(), 1e-7);
  tf.dispose([tf.engine().makeTensorFromTensorInfo(out), t]);
});

test("the wasm package keeps setWasmPaths(files, usePlatformFetch), the platform its fetch, and the engine its backend registry", () => {
  const wasm = require("@tensorflow/tfjs-backend-wasm") as { setWasmPaths?: unknown };
  assert.equal(typeof wasm.setWasmPaths, "function");
  assert.equal(
    (wasm.setWasmPaths as (...args: unknown[]) => void).length,
    2,
    "setWasmPaths(prefixOrFileMap, usePlatformFetch)",
  );
  assert.equal(typeof (tf.env().platform as unknown as { fetch?: unknown }).fetch, "function");
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry;
  assert.ok(
    registry && typeof registry === "object" && registry.wasm,
    "the started wasm backend is in engine.registry",
  );
  // tfjs-backend-wasm's init fetches through tfjs's util.fetch, which asks the platform's fetch (shareWasmHeap's way in).
  const source = require("node:fs").readFileSync(
    require.resolve("@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js"),
    "utf8",
  ) as string;
  assert.match(source, /tfjsCore\.util\.fetch\(path, \{ credentials: 'same-origin' \}\)/);
});

test("SimpleRNN, LSTM and GRU keep the call, cell weights, activations and dropout state the sequence op reads", () => {
  for (const [className, make] of [
    ["SimpleRNN", () => tf.layers.simpleRNN({ units: 3, dropout: 0.1, recurrentDropout: 0.2 })],
    ["LSTM", () => tf.layers.lstm({ units: 3, dropout: 0.1, recurrentDropout: 0.2 })],
    ["GRU", () => tf.layers.gru({ units: 3, dropout: 0.1, recurrentDropout: 0.2 })],
  ] as const) {
    assert.equal(typeof layerPrototype(className).call, "function", `${className}.prototype.call`);
    const layer = make();
    tf.dispose(layer.apply(tf.zeros([2, 4, 5])) as tf.Tensor);
    const internals = layer as unknown as RecurrentLayerInternals;
    assert.equal(Object.getPrototypeOf(layer), layerPrototype(className));
    const cell = internals.cell;
    assert.equal(cell.units, 3);
    const width = { SimpleRNN: 3, LSTM: 12, GRU: 9 }[className];
    assert.deepEqual(cell.kernel.read().shape, [5, width]);
    assert.deepEqual(cell.recurrentKernel.read().shape, [3, width]);
    assert.deepEqual(cell.bias?.read().shape, [width]);
    assert.equal(cell.activation?.getClassName(), "tanh");
    if (className !== "SimpleRNN") assert.equal(cell.recurrentActivation?.getClassName(), "hardSigmoid");
    assert.deepEqual([cell.dropout, cell.recurrentDropout], [0.1, 0.2]);
    assert.ok("dropoutMask" in cell && "recurrentDropoutMask" in cell);
    assert.equal(typeof cell.call, "function");
    for (const flag of ["returnSequences", "returnState", "goBackwards", "stateful"] as const)
      assert.equal(typeof internals[flag], "boolean", flag);
    layer.dispose();
  }
  assert.throws(() => layerPrototype("NoSuchLayer"), /registers no layer class NoSuchLayer/);
});
