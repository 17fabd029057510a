/**
 * Interrupting `model.fit` between batches.
 *
 * A kernel interrupt cannot stop a running TensorFlow.js batch, and tslab's own
 * interrupt only stops *waiting* for the cell, leaving `fit` running in the
 * background. Instead, the kernel registers a small fit callback with every
 * copy of `@tensorflow/tfjs-layers` the notebook loads (tfjs's
 * `registerCallbackConstructor`, verbosity 0, so it joins every `fit` and
 * `fitDataset`). An interrupt bumps a generation counter; at the next batch
 * end each running fit sees it, sets `model.stopTraining` and throws
 * {@link InterruptError}, so `await model.fit(...)` rejects, the rest of the
 * cell is skipped, and the model keeps the weights of its last complete batch.
 */

/** Raised inside `model.fit` when the kernel is interrupted. */
export class InterruptError extends Error {
  override name = "InterruptError";
}

interface ModelLike {
  stopTraining: boolean;
  isTraining?: boolean;
  name?: string;
}

interface CallbackBase {
  model: ModelLike | null;
}

/** The part of `@tensorflow/tfjs-layers` this module uses. */
interface TfjsLayersLike {
  Callback: new () => CallbackBase;
  registerCallbackConstructor(verbosityLevel: number, ctor: new () => CallbackBase): void;
}

interface Watch {
  model: ModelLike | null;
}

interface InterruptState {
  generation: number;
  running: Set<Watch>;
  registered: WeakSet<object>;
}

const STATE_KEY = Symbol.for("tslab-dl.kernel.interrupt");

function state(): InterruptState {
  const slots = globalThis as unknown as { [STATE_KEY]?: InterruptState };
  return (slots[STATE_KEY] ??= { generation: 0, running: new Set(), registered: new WeakSet() });
}

function watcherClass(layers: TfjsLayersLike): new () => CallbackBase {
  return class KernelInterruptWatcher extends layers.Callback {
    private generation = 0;
    private epoch = 0;

    async onTrainBegin(): Promise<void> {
      this.generation = state().generation;
      state().running.add(this);
    }

    async onEpochBegin(epoch: number): Promise<void> {
      this.epoch = epoch;
    }

    async onBatchEnd(batch: number): Promise<void> {
      this.check(`epoch ${this.epoch + 1}, batch ${batch + 1}`);
    }

    async onEpochEnd(epoch: number): Promise<void> {
      this.check(`the end of epoch ${epoch + 1}`);
    }

    async onTrainEnd(): Promise<void> {
      state().running.delete(this);
    }

    private check(where: string): void {
      if (state().generation === this.generation) return;
      state().running.delete(this);
      if (this.model) this.model.stopTraining = true;
      throw new InterruptError(
        `model.fit was interrupted by the kernel at ${where}; the model keeps the weights of that last complete batch. ` +
          `Run fit again to continue training.`,
      );
    }
  };
}

/**
 * Register the fit watcher with one copy of tfjs-layers (once per copy).
 * Returns whether it was newly registered.
 *
 * @example
 * watchTfjsLayers(require("@tensorflow/tfjs-layers"));
 */
export function watchTfjsLayers(layers: TfjsLayersLike): boolean {
  const s = state();
  if (s.registered.has(layers)) return false;
  s.registered.add(layers);
  layers.registerCallbackConstructor(0, watcherClass(layers));
  return true;
}

function isTfjsLayers(exports: unknown): exports is TfjsLayersLike {
  const e = exports as Partial<TfjsLayersLike> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.registerCallbackConstructor === "function" &&
    typeof e.Callback === "function"
  );
}

const TFJS_LAYERS_FILE = /[\\/]@tensorflow[\\/]tfjs-layers[\\/]dist[\\/][^\\/]+\.js$/;

/**
 * Register the fit watcher with every copy of tfjs-layers in `cache`
 * (Node's `require.cache`). Returns how many copies were newly watched.
 *
 * @example
 * require("@tensorflow/tfjs");
 * watchLoadedTfjs(); // → 1
 */
export function watchLoadedTfjs(cache: NodeJS.Dict<NodeJS.Module> = require.cache): number {
  let added = 0;
  for (const [file, mod] of Object.entries(cache)) {
    if (mod && TFJS_LAYERS_FILE.test(file) && isTfjsLayers(mod.exports) && watchTfjsLayers(mod.exports)) added++;
  }
  return added;
}

/** Whether a watched `fit` is running now. */
export function trainingInProgress(): boolean {
  const s = state();
  for (const watch of s.running) {
    // A fit that failed for another reason never reached onTrainEnd.
    if (watch.model?.isTraining === false) s.running.delete(watch);
  }
  return s.running.size > 0;
}

/**
 * Ask every running `fit` to stop at its next batch end. Returns whether one was running.
 *
 * @example
 * process.on("SIGINT", () => interruptTraining());
 */
export function interruptTraining(): boolean {
  const running = trainingInProgress();
  state().generation++;
  return running;
}
