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

/**
 * A bundle's values as Jupyter's JSON messages carry them: binary values (`Uint8Array`, e.g.
 * PNG bytes) become base64 text, as the messaging spec requires; the rest is kept as is.
 *
 * @example
 * jsonMimeData({ "image/png": pngBytes, "text/plain": "<figure>" }); // → { "image/png": "iVBOR…", "text/plain": "<figure>" }
 */
export function jsonMimeData(bundle: MimeBundle): { [mimeType: string]: unknown } {
  const data: { [mimeType: string]: unknown } = {};
  for (const [mime, value] of Object.entries(bundle)) {
    data[mime] =
      value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")
        : value;
  }
  return data;
}

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

/**
 * Raised when a value's `[Symbol.for("Jupyter.display")]()` fails, rejects, or gives something
 * other than a MIME bundle.
 *
 * @example
 * await display({ [JUPYTER_DISPLAY]: async () => { throw new Error("no data") } }); // DisplayError naming "no data"
 */
export class DisplayError extends Error {
  override name = "DisplayError";
}

/**
 * A value that displays itself: its display method returns its MIME bundle. Any object with such a
 * method shows richly in the kernel; this is the name of that shape.
 *
 * @example
 * const card: Displayable = { [JUPYTER_DISPLAY]: () => ({ "text/plain": "hello" }) };
 */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

/** A value that displays itself asynchronously: its display method returns a promise. */
export interface AsyncDisplayable {
  [JUPYTER_DISPLAY](): PromiseLike<MimeBundle>;
}

function hasDisplayMethod(value: unknown): value is { [JUPYTER_DISPLAY](): unknown } {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { [JUPYTER_DISPLAY]?: unknown })[JUPYTER_DISPLAY] === "function"
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function checkedBundle(bundle: unknown, how: string): MimeBundle {
  if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) {
    const found = bundle === null ? "null" : Array.isArray(bundle) ? "an array" : typeof bundle;
    throw new DisplayError(
      `[Symbol.for("Jupyter.display")]() must ${how} a MIME bundle object such as { "text/plain": "…" }, got ${found}`,
    );
  }
  return bundle as MimeBundle;
}

/**
 * What the value's own display method, or else the most recently registered matching
 * formatter, gives: a bundle, a promise of one, or `undefined` when neither applies.
 */
function pendingBundleOf(value: unknown): MimeBundle | PromiseLike<unknown> | undefined {
  if (hasDisplayMethod(value)) {
    const result = value[JUPYTER_DISPLAY]();
    return isThenable(result) ? result : checkedBundle(result, "return");
  }
  const list = formatters();
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].test(value)) return list[i].format(value);
  }
  return undefined;
}

/**
 * The MIME bundle of a value: its own `[Symbol.for("Jupyter.display")]()` first,
 * then the most recently registered matching formatter; `undefined` when neither applies.
 * A display method that returns a promise needs {@link mimeBundleOfAsync} (the kernel and
 * {@link display} use it); here it is a {@link DisplayError}.
 *
 * @example
 * mimeBundleOf({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "hi" }) });
 * // → { "text/plain": "hi" }
 */
export function mimeBundleOf(value: unknown): MimeBundle | undefined {
  const pending = pendingBundleOf(value);
  if (isThenable(pending)) {
    // The promise is dropped here, so its failure must not become an unhandled rejection.
    pending.then(undefined, () => undefined);
    throw new DisplayError(
      `[Symbol.for("Jupyter.display")]() returned a promise: await mimeBundleOfAsync(value) (or display(value)) to use it`,
    );
  }
  return pending;
}

/**
 * The MIME bundle of a value, awaiting a display method that returns a promise (as Deno's
 * kernel does); `undefined` when the value has no bundle. A rejection becomes a
 * {@link DisplayError} that names the cause.
 *
 * @example
 * await mimeBundleOfAsync({ [Symbol.for("Jupyter.display")]: async () => ({ "text/plain": "hi" }) });
 * // → { "text/plain": "hi" }
 */
export async function mimeBundleOfAsync(value: unknown): Promise<MimeBundle | undefined> {
  const pending = pendingBundleOf(value);
  return isThenable(pending) ? settledBundle(pending) : pending;
}

async function settledBundle(pending: PromiseLike<unknown>): Promise<MimeBundle> {
  let bundle: unknown;
  try {
    bundle = await pending;
  } catch (e) {
    throw new DisplayError(
      `[Symbol.for("Jupyter.display")]() returned a promise that rejected: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      { cause: e },
    );
  }
  return checkedBundle(bundle, "resolve to");
}

/** The bundle of any value: {@link mimeBundleOf}, else its `util.inspect` text. */
export function mimeBundleOrText(value: unknown): MimeBundle {
  return mimeBundleOf(value) ?? { "text/plain": inspectText(value) };
}

function inspectText(value: unknown): string {
  if (typeof value === "string") return value;
  // Lazy so the module stays importable in a browser bundle.
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
 * await display(asyncChart);                 // a display method that returns a promise
 */
export function display(value: AsyncDisplayable, options?: DisplayOptions): Promise<void>;
export function display(value: unknown, options?: DisplayOptions): void;
export function display(value: unknown, options: DisplayOptions = {}): void | Promise<void> {
  return send(value, { ...options, update: false });
}

/** Hand a value's bundle to the bridge now, or once its display method's promise settles. */
function send(value: unknown, options: DisplayOptions & { update: boolean }): void | Promise<void> {
  const pending = pendingBundleOf(value);
  // The bridge is looked up now: the output belongs to the cell that made the call.
  const bridge = currentBridge();
  if (!isThenable(pending)) return bridge.display(pending ?? { "text/plain": inspectText(value) }, options);
  return settledBundle(pending).then((bundle) => bridge.display(bundle, options));
}

/**
 * Replace, in place, the output shown earlier with `display(value, { displayId })`.
 *
 * @example
 * display(progress, { displayId: "bar" });
 * updateDisplay(progress, "bar");
 */
export function updateDisplay(
  value: AsyncDisplayable,
  displayId: string,
  options?: Omit<DisplayOptions, "displayId">,
): Promise<void>;
export function updateDisplay(value: unknown, displayId: string, options?: Omit<DisplayOptions, "displayId">): void;
export function updateDisplay(
  value: unknown,
  displayId: string,
  options: Omit<DisplayOptions, "displayId"> = {},
): void | Promise<void> {
  if (typeof displayId !== "string" || displayId === "") {
    throw new TypeError(`updateDisplay: displayId must be a non-empty string, got ${JSON.stringify(displayId)}`);
  }
  return send(value, { ...options, displayId, update: true });
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
