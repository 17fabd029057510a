/**
 * The display registry: how any value becomes a Jupyter MIME bundle, and how
 * the library hands bundles to whatever front end is listening.
 *
 * Two well-known symbols make this work across copies of the library (the
 * kernel's copy and a notebook project's copy may be different files):
 * - `Symbol.for("Jupyter.display")`: a method on a value that returns its MIME
 *   bundle (the protocol Deno's kernel uses). Any object can opt in.
 * - the formatter list and the display bridge live on `globalThis` under
 *   `Symbol.for` keys, so every copy of the library sees the same ones.
 */

/** The method name a value implements to display itself: `value[JUPYTER_DISPLAY]()`. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A Jupyter MIME bundle: MIME type to data. `text/plain` is always present in ours. */
export type MimeBundle = { [mimeType: string]: unknown };

/** Options for {@link display}. */
export interface DisplayOptions {
  /** Give the output an id so {@link updateDisplay} can replace it in place later. */
  displayId?: string;
  /** Per-MIME-type metadata (e.g. `{ "image/png": { width: 400 } }`). */
  metadata?: { [key: string]: unknown };
}

/** What a front end (the tslab-dl kernel, stock tslab, a terminal) provides. */
export interface DisplayBridge {
  /** Send a bundle as `display_data`, or as `update_display_data` when `update` is true. */
  display(bundle: MimeBundle, options: DisplayOptions & { update: boolean }): void;
  /** Send `clear_output`. */
  clearOutput(wait: boolean): void;
  /** Whether outputs are shown in a rich front end (a notebook) rather than a terminal. */
  readonly rich: boolean;
  /** Jupyter comms, when the front end carries them (the tslab-dl kernel); widgets need them. */
  readonly comms?: CommBridge;
}

/** The JSON `data` of a comm message. */
export type CommData = { [key: string]: unknown };

/** One open comm: a two-way channel between an object here and one in the front end. */
export interface Comm {
  readonly id: string;
  readonly target: string;
  /** Send `comm_msg`; binary `buffers` travel as extra frames. */
  send(data: CommData, buffers?: Uint8Array[]): void;
  /** Send `comm_close` (once); no handler is called for a close that starts here. */
  close(data?: CommData): void;
  /** Called for every `comm_msg` the front end sends on this comm. */
  onMessage(handler: (data: CommData, buffers: Uint8Array[]) => void): void;
  /** Called when the front end closes the comm. */
  onClose(handler: (data: CommData) => void): void;
}

/** What the kernel offers for comms (the `comms` part of its {@link DisplayBridge}). */
export interface CommBridge {
  /** Open a comm to `target` in the front end (`comm_open`). */
  open(target: string, data: CommData, options?: { metadata?: CommData; buffers?: Uint8Array[]; id?: string }): Comm;
  /** Accept comms the front end opens to `target`; `opened` is called with each. */
  registerTarget(target: string, opened: (comm: Comm, data: CommData, buffers: Uint8Array[]) => void): void;
  /**
   * Outputs sent as children of message `msgId` (not of the running cell): how an
   * Output widget whose `msg_id` is `msgId` captures them in the front end.
   */
  outputTo(msgId: string): Pick<DisplayBridge, "display" | "clearOutput">;
}

/** A formatter for values of classes we do not own (tfjs tensors, models, History, arquero tables). */
export interface Formatter {
  /** Unique name; registering the same name again replaces the earlier formatter. */
  name: string;
  /** Whether this formatter handles the value. Must not throw. */
  test(value: unknown): boolean;
  /** The MIME bundle of the value. */
  format(value: unknown): MimeBundle;
}

const FORMATTERS_KEY = Symbol.for("tslab-dl.display.formatters");
const BRIDGE_KEY = Symbol.for("tslab-dl.display.bridge");

type GlobalSlots = {
  [FORMATTERS_KEY]?: Formatter[];
  [BRIDGE_KEY]?: DisplayBridge;
};
const slots = globalThis as unknown as GlobalSlots;

function formatters(): Formatter[] {
  return (slots[FORMATTERS_KEY] ??= []);
}

/**
 * Register a formatter that turns values of a foreign class into a MIME bundle.
 * Later registrations win over earlier ones when several match.
 *
 * @example
 * registerFormatter({
 *   name: "point",
 *   test: (v) => v instanceof Point,
 *   format: (v) => ({ "text/plain": `Point(${(v as Point).x})` }),
 * });
 */
export function registerFormatter(formatter: Formatter): void {
  const list = formatters();
  const i = list.findIndex((f) => f.name === formatter.name);
  if (i >= 0) list.splice(i, 1);
  list.push(formatter);
}

function hasDisplayMethod(value: unknown): value is { [JUPYTER_DISPLAY](): MimeBundle } {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { [JUPYTER_DISPLAY]?: unknown })[JUPYTER_DISPLAY] === "function"
  );
}

/**
 * The MIME bundle of a value: its own `[Symbol.for("Jupyter.display")]()` first,
 * then the most recently registered matching formatter; `undefined` when neither applies.
 *
 * @example
 * mimeBundleOf({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "hi" }) });
 * // → { "text/plain": "hi" }
 */
export function mimeBundleOf(value: unknown): MimeBundle | undefined {
  if (hasDisplayMethod(value)) {
    const bundle = value[JUPYTER_DISPLAY]();
    if (typeof bundle !== "object" || bundle === null) {
      throw new TypeError(
        `[Symbol.for("Jupyter.display")]() must return a MIME bundle object, got ${bundle === null ? "null" : typeof bundle}`,
      );
    }
    return bundle;
  }
  const list = formatters();
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].test(value)) return list[i].format(value);
  }
  return undefined;
}

/** The bundle of any value: {@link mimeBundleOf}, else its `util.inspect` text. */
export function mimeBundleOrText(value: unknown): MimeBundle {
  return mimeBundleOf(value) ?? { "text/plain": inspectText(value) };
}

function inspectText(value: unknown): string {
  if (typeof value === "string") return value;
  // Lazy so the module stays importable in a browser bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require("node:util") as typeof import("node:util");
  return util.inspect(value, { colors: false, depth: 4 });
}

/**
 * Install (or, with `undefined`, remove) the bridge that carries bundles to a front end.
 * The tslab-dl kernel calls this at start-up; library code never needs to.
 */
export function setDisplayBridge(bridge: DisplayBridge | undefined): void {
  if (bridge) slots[BRIDGE_KEY] = bridge;
  else delete slots[BRIDGE_KEY];
}

const fallbackFactories: Array<() => DisplayBridge | undefined> = [];

/**
 * Register a way to find a bridge when no kernel installed one (e.g. stock tslab).
 * Tried in order of registration; the first that returns a bridge is used.
 */
export function registerBridgeFallback(factory: () => DisplayBridge | undefined): void {
  fallbackFactories.push(factory);
}

const terminalBridge: DisplayBridge = {
  rich: false,
  display(bundle) {
    const text = bundle["text/plain"];
    process.stdout.write(`${typeof text === "string" ? text : inspectText(text)}\n`);
  },
  clearOutput() {
    /* a terminal keeps what it printed */
  },
};

/** The bridge in use now: the kernel's, else a registered fallback, else the terminal. */
export function currentBridge(): DisplayBridge {
  const installed = slots[BRIDGE_KEY];
  if (installed) return installed;
  for (const factory of fallbackFactories) {
    const bridge = factory();
    if (bridge) return bridge;
  }
  return terminalBridge;
}

/**
 * Show a value as a rich output (`display_data`) in the notebook; in a plain
 * Node script, print its `text/plain` form.
 *
 * @example
 * display(history);                          // loss curves
 * display(table, { displayId: "progress" }); // can be updated in place
 */
export function display(value: unknown, options: DisplayOptions = {}): void {
  currentBridge().display(mimeBundleOrText(value), { ...options, update: false });
}

/**
 * Replace, in place, the output shown earlier with `display(value, { displayId })`.
 *
 * @example
 * display(progress, { displayId: "bar" });
 * updateDisplay(progress, "bar");
 */
export function updateDisplay(
  value: unknown,
  displayId: string,
  options: Omit<DisplayOptions, "displayId"> = {},
): void {
  if (typeof displayId !== "string" || displayId === "") {
    throw new TypeError(`updateDisplay: displayId must be a non-empty string, got ${JSON.stringify(displayId)}`);
  }
  currentBridge().display(mimeBundleOrText(value), { ...options, displayId, update: true });
}

/**
 * Clear the current cell's output; with `wait: true`, only when new output arrives
 * (no flicker), as IPython's `clear_output(wait=True)`.
 *
 * @example
 * clearOutput({ wait: true });
 */
export function clearOutput(options: { wait?: boolean } = {}): void {
  currentBridge().clearOutput(options.wait ?? false);
}
