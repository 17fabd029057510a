/**
 * Choosing and initialising the TensorFlow.js backend.
 *
 * Order: native TensorFlow (`@tensorflow/tfjs-node`, an optional dependency
 * whose install needs to download libtensorflow) when it loads, else
 * WebAssembly (`@tensorflow/tfjs-backend-wasm`), else tfjs's plain CPU backend.
 */
import * as tf from "@tensorflow/tfjs";
import { fastOpsInstalled, installFastOps, prepareWasmHeap, useFastOps } from "./speed";

export { tf };

/** The backends tslab-dl knows, fastest first. */
const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
/** A backend name: `"tensorflow"` (tfjs-node), `"wasm"` or `"cpu"`. */
export type BackendName = (typeof BACKENDS)[number];

/** Options for {@link init}. */
export interface InitOptions {
  /** Force one backend instead of the fastest that loads. */
  backend?: BackendName;
  /** Print the backend in use (once per process). Default true. */
  verbose?: boolean;
  /**
   * Use tslab-dl's faster WebAssembly ops for matrix products, element-wise ops and
   * Adam (see `bench/`). Default true; `false` puts tfjs's stock kernels back, e.g. to
   * compare results. Other backends are not affected.
   */
  fastOps?: boolean;
}

/**
 * Raised when a backend is unknown or cannot be loaded; the message lists the backends available.
 *
 * @example
 * try { await init({ backend: "webgl" as never }); }
 * catch (e) { if (e instanceof BackendError) console.error(e.message); }
 */
export class BackendError extends Error {
  override name = "BackendError";
}

type Loader = () => Promise<string | undefined>;

/** Whether the wasm backend, when it starts, gets a shared heap (not where `init` turns the fast ops off). */
let sharedHeapWanted = true;

/** Why each backend failed to load, for the error message. */
const loadFailures = new Map<BackendName, string>();

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

const loaders: Record<BackendName, Loader> = {
  async tensorflow() {
    try {
      // Optional dependency: absent where libtensorflow could not be downloaded.
      require("@tensorflow/tfjs-node");
      return undefined;
    } catch (e) {
      return `@tensorflow/tfjs-node did not load (${errorText(e)})`;
    }
  },
  async wasm() {
    try {
      require("@tensorflow/tfjs-backend-wasm");
      if (sharedHeapWanted) prepareWasmHeap(); // before it starts: a shared heap, where a second core computes on it
      return undefined;
    } catch (e) {
      return `@tensorflow/tfjs-backend-wasm did not load (${errorText(e)})`;
    }
  },
  async cpu() {
    return undefined;
  },
};

async function tryBackend(name: BackendName): Promise<boolean> {
  const failure = await loaders[name]();
  if (failure) {
    loadFailures.set(name, failure);
    return false;
  }
  if (!tf.engine().registryFactory[name]) {
    loadFailures.set(name, `backend "${name}" is not registered with tfjs`);
    return false;
  }
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return true;
    }
    loadFailures.set(name, `tf.setBackend("${name}") returned false`);
  } catch (e) {
    loadFailures.set(name, `tf.setBackend("${name}") failed (${errorText(e)})`);
  }
  return false;
}

let chosen: Promise<BackendName> | undefined;
let chosenName: BackendName | undefined;
let announced = false;

function announce(name: BackendName, verbose: boolean): void {
  if (!verbose || announced) return;
  announced = true;
  const labels: Record<BackendName, string> = {
    tensorflow: "native TensorFlow (@tensorflow/tfjs-node)",
    wasm: "WebAssembly (@tensorflow/tfjs-backend-wasm)",
    cpu: "plain JavaScript CPU (slow: install @tensorflow/tfjs-node or @tensorflow/tfjs-backend-wasm)",
  };
  const fast = name === "wasm" && fastOpsInstalled().length > 0 ? " with tslab-dl's fast ops" : "";
  console.log(`tslab-dl: TensorFlow.js backend = ${name}, ${labels[name]}${fast}`);
}

async function choose(forced: BackendName | undefined): Promise<BackendName> {
  const order = forced ? [forced] : BACKENDS;
  for (const name of order) {
    if (await tryBackend(name)) return name;
  }
  const reasons = order.map((n) => `  ${n}: ${loadFailures.get(n) ?? "not tried"}`).join("\n");
  throw new BackendError(`no TensorFlow.js backend could be initialised:\n${reasons}`);
}

/**
 * Initialise TensorFlow.js on the fastest backend that loads here, and return its name.
 * Calling it again returns the same backend; `options.backend` forces (or switches to) one.
 *
 * @example
 * import { init, tf } from "tslab-dl";
 * const backend = await init();          // "tensorflow", "wasm" or "cpu"
 * await init({ backend: "cpu" });        // force the plain CPU backend
 */
export async function init(options: InitOptions = {}): Promise<BackendName> {
  const verbose = options.verbose ?? true;
  const forced = options.backend;
  if (forced !== undefined && !(BACKENDS as readonly string[]).includes(forced)) {
    throw new BackendError(
      `unknown backend ${JSON.stringify(forced)}: expected one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`,
    );
  }
  if (forced !== undefined && chosenName !== undefined && forced !== chosenName) {
    chosen = undefined;
    announced = false;
  }
  if (!chosen) {
    sharedHeapWanted = options.fastOps !== false;
    const attempt = choose(forced).then(
      (name) => {
        chosenName = name;
        return name;
      },
      (e: unknown) => {
        chosen = undefined;
        throw forced ? unavailable(forced, e) : e;
      },
    );
    chosen = attempt;
  }
  const name = await chosen;
  if (options.fastOps === undefined)
    installFastOps(); // unless turned off earlier
  else useFastOps(options.fastOps);
  announce(name, verbose);
  return name;
}

function unavailable(forced: BackendName, cause: unknown): BackendError {
  const available = BACKENDS.filter((b) => b !== forced && !loadFailures.has(b));
  return new BackendError(
    `backend "${forced}" is not available here: ${loadFailures.get(forced) ?? errorText(cause)}. ` +
      `Available: ${available.length ? available.map((b) => `"${b}"`).join(", ") : "none tried yet"}; ` +
      `call init() without a backend to pick the fastest that loads.`,
  );
}

/**
 * The backend chosen by {@link init}, or `undefined` before it ran.
 *
 * @example
 * await init();
 * currentBackend(); // "wasm" on a machine without tfjs-node
 */
export function currentBackend(): BackendName | undefined {
  return chosenName;
}
