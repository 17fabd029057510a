/**
 * Every part of TensorFlow.js that the fast path touches and that is not tfjs's public API,
 * in one place, for the versions it was written against (4.22.x of `@tensorflow/tfjs`,
 * `tfjs-core`, `tfjs-layers` and `tfjs-backend-wasm`).
 *
 * What it touches, and why:
 * - `LayersModel`: `fitLoop`, `testLoop`, `makeTrainFunction`, `makeTestFunction`,
 *   `testFunction`, `predictLoop` (replaced on the prototype), and the compiled model's
 *   `lossFunctions`, `metricsTensors`, `collectedTrainableWeights`, `optimizer_`,
 *   `stopTraining_`, `history`; a `Sequential`'s inner `model`; layers' `inboundNodes`.
 * - `CallbackList`: `setModel` and `callbacks` (the fit loop reuses the list tfjs builds).
 * - Optimizers: the learning rate, hyper-parameters and slot lists of SGD, Momentum,
 *   RMSProp, Adagrad and Adam, and `incrementIterations` (updates run in place).
 * - The engine's `registeredVariables` (to find a variable from its name, as optimizers do).
 * - Recurrent layers: the `SimpleRNN`, `LSTM` and `GRU` classes (from the serialization registry),
 *   whose `call` is wrapped on the prototype; their `cell`'s weights, activations, dropout
 *   rates and dropout masks, and `returnSequences`, `returnState`, `goBackwards`, `stateful`.
 * - The WebAssembly backend: its Emscripten module (`HEAPF32`, `HEAP32`, `_malloc`, `_free`,
 *   the memory), `dataIdMap` (each tensor's heap offset), `makeOutput`, `incRef`, `refCount`;
 *   and, before it starts, its `setWasmPaths(files, usePlatformFetch)` and the platform's
 *   `fetch`, through which {@link shareWasmHeap} hands it its own binary with a shared memory.
 *
 * {@link internalsSupported} says whether the installed versions are those; everything in
 * `src/speed` checks it before touching anything listed here, and runs stock tfjs otherwise
 * (with one warning). `test/speed/internals.test.ts` fails the day an upgrade removes one.
 */
import * as tf from "@tensorflow/tfjs";

/** The version range the internals below were written for. */
const SUPPORTED_TFJS = "4.22.x";

/** The installed versions of the tfjs packages the fast path reads. */
export function installedTfjsVersions(): Record<string, string> {
  const versions = layersVersions();
  try {
    versions["tfjs-backend-wasm"] = (require("@tensorflow/tfjs-backend-wasm") as { version_wasm: string }).version_wasm;
  } catch {
    versions["tfjs-backend-wasm"] = "not installed";
  }
  return versions;
}

/**
 * The versions of tfjs, tfjs-core and tfjs-layers, read without loading the wasm backend
 * (loading it registers it as tfjs's preferred backend, which must not happen on import).
 */
function layersVersions(): Record<string, string> {
  return { tfjs: tf.version.tfjs, "tfjs-core": tf.version["tfjs-core"], "tfjs-layers": tf.version["tfjs-layers"] };
}

/** Why the installed tfjs cannot take the fast path, or null when it can. */
export function unsupportedReason(versions = installedTfjsVersions()): string | null {
  const wrong = Object.entries(versions).filter(([, v]) => !/^4\.22\.\d+$/.test(v));
  if (wrong.length === 0) return null;
  return (
    `tslab-dl's fast path reads tfjs internals written for ${SUPPORTED_TFJS}; installed: ` +
    `${wrong.map(([name, v]) => `@tensorflow/${name} ${v}`).join(", ")}. Stock tfjs runs instead ` +
    `(correct, slower); install @tensorflow/tfjs@4.22 and @tensorflow/tfjs-backend-wasm@4.22 for the fast path.`
  );
}

let warned = false;

/** Whether the fast path may touch tfjs internals; prints one warning (once per process) when not. */
export function internalsSupported(): boolean {
  const reason = unsupportedReason();
  if (reason && !warned) {
    warned = true;
    console.warn(reason);
  }
  return reason === null;
}

// ---------------------------------------------------------------------------------------------
// LayersModel

/** The arguments of tfjs 4.22's `LayersModel.fitLoop`, in order. */
export type FitLoopArgs = [
  f: TrainFunction,
  ins: (tf.Tensor | null | undefined)[],
  outLabels: string[],
  batchSize: number | undefined,
  epochs: number | undefined,
  verbose: number | undefined,
  callbacks: tf.Callback[] | undefined,
  valF: unknown,
  valIns: tf.Tensor[] | undefined,
  shuffle: boolean | string | undefined,
  callbackMetrics: string[],
  initialEpoch: number | undefined,
  stepsPerEpoch: number | null | undefined,
  validationSteps: number | null | undefined,
];
export type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];
export type TestFunction = (data: tf.Tensor[]) => tf.Scalar[];
export type FitLoop = (this: tf.LayersModel, ...args: FitLoopArgs) => Promise<tf.History>;
export type TestLoop = (
  this: tf.LayersModel,
  f: unknown,
  ins: unknown,
  batchSize?: number,
  verbose?: number,
  steps?: number,
) => tf.Scalar[];
export type PredictLoop = (
  this: tf.LayersModel,
  ins: tf.Tensor | tf.Tensor[],
  batchSize?: number,
  verbose?: boolean,
) => tf.Tensor | tf.Tensor[];

/** The `LayersModel` methods the fast path replaces, as tfjs 4.22 defines them on the prototype. */
interface ModelPrototype {
  fitLoop: FitLoop;
  testLoop: TestLoop;
  predictLoop: PredictLoop;
  makeTrainFunction: (this: tf.LayersModel) => TrainFunction;
  makeTestFunction: (this: tf.LayersModel) => void;
}

/** A compiled model's private state, as tfjs 4.22 names it. */
interface ModelInternals {
  lossFunctions?: unknown[];
  metricsTensors?: [unknown, number][];
  collectedTrainableWeights?: tf.LayerVariable[];
  optimizer_?: tf.Optimizer;
  testFunction: TestFunction;
  stopTraining_: boolean;
  history: tf.History;
  inputs: tf.SymbolicTensor[];
  outputs: tf.SymbolicTensor[];
}

/** `LayersModel.prototype`, through which the fast path swaps tfjs's loops and train functions. */
export function modelPrototype(): ModelPrototype {
  return tf.LayersModel.prototype as unknown as ModelPrototype;
}

/** A model's private state. A `tf.Sequential` trains through the model it holds: that one's. */
export function modelInternals(model: tf.LayersModel): ModelInternals {
  return model as unknown as ModelInternals;
}

/** The functional model a `tf.Sequential` wraps (compiled with it), or the model itself. */
export function trainingModel(model: tf.LayersModel): tf.LayersModel {
  const inner = (model as unknown as { model?: tf.LayersModel }).model;
  return model instanceof tf.Sequential && inner ? inner : model;
}

/** The layers that feed `layer` through its first inbound node, or null when it has several nodes. */
export function inboundLayers(layer: tf.layers.Layer): unknown[] | null {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: unknown[] }[] }).inboundNodes;
  return nodes.length === 1 ? nodes[0].inboundLayers : null;
}

// ---------------------------------------------------------------------------------------------
// Callbacks

/** Logs as tfjs's loops hand them to callbacks: numbers, or scalars not yet read. */
export type LoopLogs = Record<string, number | tf.Tensor>;

/** `CallbackList` as tfjs 4.22 defines it. */
export interface CallbackListInternals {
  callbacks: tf.Callback[];
  setModel(model: tf.LayersModel): void;
  onTrainBegin(logs?: LoopLogs): Promise<void>;
  onTrainEnd(logs?: LoopLogs): Promise<void>;
  onEpochBegin(epoch: number, logs?: LoopLogs): Promise<void>;
  onEpochEnd(epoch: number, logs?: LoopLogs): Promise<void>;
  onBatchBegin(batch: number, logs?: LoopLogs): Promise<void>;
  onBatchEnd(batch: number, logs?: LoopLogs): Promise<void>;
}

export function callbackListPrototype(): CallbackListInternals {
  return tf.CallbackList.prototype as unknown as CallbackListInternals;
}

// ---------------------------------------------------------------------------------------------
// Optimizers

/** A slot list entry, as tfjs 4.22's optimizers keep their per-variable state. */
export interface OptimizerSlot {
  originalName: string;
  variable: tf.Variable;
}

/** The private state of tfjs 4.22's optimizers that the in-place updates read and write. */
export interface OptimizerInternals {
  learningRate: number;
  incrementIterations(): void;
  // SGD and Momentum
  c?: tf.Scalar;
  // Momentum
  momentum?: number;
  useNesterov?: boolean;
  accumulations?: (OptimizerSlot | undefined)[];
  // RMSProp
  decay?: number;
  epsilon?: number;
  centered?: boolean;
  accumulatedMeanSquares?: (OptimizerSlot | undefined)[];
  accumulatedMoments?: (OptimizerSlot | undefined)[];
  // Adagrad
  initialAccumulatorValue?: number;
  accumulatedGrads?: (OptimizerSlot | undefined)[];
  // Adam
  beta1?: number;
  beta2?: number;
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
  accumulatedFirstMoment?: (OptimizerSlot | undefined)[];
  accumulatedSecondMoment?: (OptimizerSlot | undefined)[];
}

export function optimizerInternals(optimizer: tf.Optimizer): OptimizerInternals {
  return optimizer as unknown as OptimizerInternals;
}

/** The optimizer `model` was compiled with, if any. */
export function compiledOptimizer(model: tf.LayersModel): tf.Optimizer | undefined {
  return modelInternals(model).optimizer_;
}

/** The variable registered under `name`, as optimizers find it. */
export function registeredVariable(name: string): tf.Variable | undefined {
  return tf.engine().registeredVariables[name];
}

// ---------------------------------------------------------------------------------------------
// Recurrent layers

/** What tfjs 4.22's `SimpleRNNCell` and `LSTMCell` hold that the sequence ops read. */
interface RecurrentCellInternals {
  units: number;
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  activation: { getClassName(): string } | null;
  recurrentActivation?: { getClassName(): string } | null;
  dropout: number;
  recurrentDropout: number;
  dropoutMask: tf.Tensor | tf.Tensor[] | null;
  recurrentDropoutMask: tf.Tensor | tf.Tensor[] | null;
  /** One step: `[input, ...states]` → `[output, ...states]`; also creates the dropout masks. */
  call(inputs: tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor[];
}

/** What tfjs 4.22's `SimpleRNN` and `LSTM` layers hold that the sequence ops read. */
export interface RecurrentLayerInternals {
  cell: RecurrentCellInternals;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
}

/** A recurrent layer's `call`, as tfjs 4.22 declares it. */
export type RecurrentCall = (
  this: RecurrentLayerInternals,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: { mask?: unknown; training?: boolean; initialState?: unknown } | null,
) => tf.Tensor | tf.Tensor[];

/** The prototype of tfjs's registered layer class `className` (`"LSTM"`, `"SimpleRNN"`), whose `call` may be wrapped. */
export function layerPrototype(className: string): { call: RecurrentCall } {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`tfjs registers no layer class ${className}`);
  return entry[0].prototype as unknown as { call: RecurrentCall };
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly backend

/** The parts of tfjs-backend-wasm 4.22's Emscripten module the ops use. */
export interface WasmModule {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The parts of tfjs-backend-wasm 4.22's `BackendWasm` the ops use. */
export interface BackendWasmLike {
  incRef(dataId: tf.DataId): void;
  refCount(dataId: tf.DataId): number;
  wasm: WasmModule;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Public (KernelBackend's): frees an output made by {@link BackendWasmLike.makeOutput} that no tensor holds. */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  epsilon(): number;
}

/** A kernel's backend argument, or the current backend, as the wasm backend's internals. */
export function wasmBackend(backend: unknown = tf.backend()): BackendWasmLike {
  return backend as BackendWasmLike;
}

/** The byte offset of a tensor's data in the wasm heap. */
export function offset(backend: BackendWasmLike, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** The memory of the wasm backend's module (where tslab-dl's ops are instantiated). */
export function wasmMemory(backend: BackendWasmLike): WebAssembly.Memory | undefined {
  return backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
}

/**
 * The byte of a module's memory limits (its memory section's one memory: `1`, a minimum and a
 * maximum) made `3`, the same limits on shared memory; null where the binary is not laid out so.
 * tfjs-backend-wasm 4.22's single-threaded SIMD and plain builds define one memory of 256 to
 * 65 536 pages and use no atomics, so shared, the module computes as before.
 */
export function sharedMemoryBinary(bytes: Uint8Array): Uint8Array | null {
  const leb = (at: number): [number, number] => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= bytes.length || shift > 28) return [-1, at];
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return [value, at];
    }
  };
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null;
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, body] = leb(at + 1);
    if (size < 0) return null;
    if (id === 5) {
      const [count, limits] = leb(body);
      if (count !== 1 || bytes[limits] !== 1) return null;
      const copy = bytes.slice();
      copy[limits] = 3;
      return WebAssembly.validate(copy) ? copy : null;
    }
    at = body + size;
  }
  return null;
}

/** Whether {@link shareWasmHeap} has installed its binaries (once per process). */
let heapShareInstalled = false;

/** The scheme of the addresses {@link shareWasmHeap} answers itself (no real fetch sees them). */
const SHARED_BINARY = "tslab-dl-shared-heap:";

/**
 * Make the WebAssembly backend's heap a shared memory, before the backend starts: its own
 * binary (the single-threaded SIMD build, or the plain one where SIMD is off), with the memory
 * declared shared, reaches it through tfjs's `setWasmPaths(files, true)` and a `fetch` that
 * answers those addresses from the patched bytes. A worker can then compute on the heap itself
 * (second-core.ts) instead of on copies. True when installed; false (nothing changed) where the
 * versions differ, the backend already started, this Node has no shared memory or the binary is
 * not laid out as expected.
 *
 * @example
 * require("@tensorflow/tfjs-backend-wasm");
 * shareWasmHeap();
 * await tf.setBackend("wasm"); // its heap is now a SharedArrayBuffer
 */
export function shareWasmHeap(): boolean {
  if (heapShareInstalled) return true; // once: a second call would wrap the platform's fetch again
  if (!internalsSupported() || typeof SharedArrayBuffer !== "function") return false;
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  if (engine.registry.wasm) return false; // started: its memory is what it is
  const wasm = require("@tensorflow/tfjs-backend-wasm") as {
    setWasmPaths(files: Record<string, string>, usePlatformFetch: boolean): void;
  };
  const files: Record<string, Uint8Array> = {};
  for (const name of ["tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm.wasm"]) {
    try {
      const file = require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${name}`);
      const shared = sharedMemoryBinary(
        new Uint8Array((require("node:fs") as typeof import("node:fs")).readFileSync(file)),
      );
      if (!shared) return false;
      files[name] = shared;
    } catch {
      return false;
    }
  }
  const platform = tf.env().platform as unknown as { fetch(path: string, init?: unknown): Promise<unknown> };
  const fetch = platform.fetch;
  platform.fetch = function (address: string, init?: unknown) {
    const bytes = address.startsWith(SHARED_BINARY) ? files[address.slice(SHARED_BINARY.length)] : undefined;
    if (!bytes) return fetch.call(this, address, init);
    return Promise.resolve({ ok: true, arrayBuffer: () => Promise.resolve(bytes.slice().buffer) });
  };
  try {
    // The threaded build, which tfjs picks only where it can start its workers (never in Node), stays itself.
    wasm.setWasmPaths(
      {
        "tfjs-backend-wasm-simd.wasm": `${SHARED_BINARY}tfjs-backend-wasm-simd.wasm`,
        "tfjs-backend-wasm.wasm": `${SHARED_BINARY}tfjs-backend-wasm.wasm`,
        "tfjs-backend-wasm-threaded-simd.wasm":
          require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm"),
      },
      true,
    );
  } catch {
    platform.fetch = fetch;
    return false;
  }
  heapShareInstalled = true;
  return true;
}

/** The current backend's heap where it is the WebAssembly backend's and shared ({@link shareWasmHeap}), else null. */
export function sharedWasmHeap(): WebAssembly.Memory | null {
  const backend = tf.backend() as Partial<BackendWasmLike> | undefined;
  if (!backend?.wasm) return null;
  const memory = wasmMemory(backend as BackendWasmLike);
  return memory && memory.buffer instanceof SharedArrayBuffer ? memory : null;
}

// ---------------------------------------------------------------------------------------------
// Printing

/** `LayersModel.summary`'s arguments, as tfjs 4.22 declares them. */
export type SummaryArgs = [lineLength?: number, positions?: number[], printFn?: (message?: unknown) => void];

const STOCK_SUMMARY = Symbol.for("tslab-dl.stock-summary");

type SummaryMethod = ((this: tf.LayersModel, ...args: SummaryArgs) => void) & {
  [STOCK_SUMMARY]?: (this: tf.LayersModel, ...args: SummaryArgs) => void;
};

/**
 * Replace `LayersModel.prototype.summary` (which `Sequential`'s `summary` calls once it has built
 * the model) with `print`, called only for a built model: tfjs's own method still raises its
 * error for a model never built. Only with the tfjs-layers version above (otherwise tfjs's
 * layout stays); a second copy of tslab-dl replaces the first's patch, not wraps it.
 */
export function patchModelSummary(print: (model: tf.LayersModel, ...args: SummaryArgs) => void): void {
  if (unsupportedReason(layersVersions()) !== null) return;
  const proto = tf.LayersModel.prototype as unknown as { summary: SummaryMethod };
  const stock = proto.summary[STOCK_SUMMARY] ?? proto.summary;
  const patched: SummaryMethod = function (this: tf.LayersModel, ...args: SummaryArgs): void {
    if (!this.built) return stock.call(this, args[0], args[1], () => undefined);
    print(this, ...args);
  };
  patched[STOCK_SUMMARY] = stock;
  proto.summary = patched;
}

/** A model's layers as tfjs 4.22 links them: each node's inbound layers with their node and tensor indices. */
interface NodeInternals {
  inboundLayers: { name: string }[];
  nodeIndices: number[];
  tensorIndices: number[];
}

/** The nodes of a functional model, by depth (`nodesByDepth`), and a layer's inbound nodes. */
export function modelNodes(model: tf.LayersModel): NodeInternals[] {
  const byDepth = (model as unknown as { nodesByDepth?: { [depth: string]: NodeInternals[] } }).nodesByDepth ?? {};
  return Object.values(byDepth).flat();
}

export function inboundNodes(layer: tf.layers.Layer): NodeInternals[] {
  return (layer as unknown as { inboundNodes?: NodeInternals[] }).inboundNodes ?? [];
}
