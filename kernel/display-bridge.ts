/**
 * The display bridge: how the library's `display()`, `updateDisplay()` and
 * `clearOutput()` (and tslab's own `display` API) reach the notebook through
 * this kernel, as `display_data`, `update_display_data` and `clear_output`.
 *
 * The kernel imports only the display registry from the library; the bridge
 * is stored on `globalThis`, so a notebook's copy of the library uses it too.
 */
import { inspect } from "node:util";
import {
  CommBridge,
  DisplayBridge,
  jsonMimeData,
  MimeBundle,
  mimeBundleOfAsync,
  setDisplayBridge,
} from "../src/display/registry";
import { tslabJupyter } from "./tslab-internals";
import type { Content } from "./wire";

/** Sends one iopub message for the cell running now. */
type Publish = (msgType: string, content: Content) => void;

/** The `text/plain` of a value as the kernel shows a cell's result: Node's `util.inspect`. */
function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4 });
}

/**
 * The `data` of a Jupyter output from a MIME bundle: binary values become
 * base64 (as the spec requires), and `text/plain` is always present.
 *
 * @example
 * jupyterData({ "image/png": pngBytes }); // → { "image/png": "iVBOR…", "text/plain": "<image/png>" }
 */
export function jupyterData(bundle: MimeBundle): Content {
  const data: Content = jsonMimeData(bundle);
  if (typeof data["text/plain"] !== "string") {
    data["text/plain"] =
      "text/plain" in data ? plainText(data["text/plain"]) : `<${Object.keys(data).join(", ") || "empty output"}>`;
  }
  return data;
}

/**
 * The `data` of a cell's last value: its MIME bundle from the library's
 * registry when it has one (awaited when its display method returns a
 * promise), else its `util.inspect` text.
 *
 * @example
 * await resultData(42);                 // → { "text/plain": "42" }
 * await resultData("hi");               // → { "text/plain": "'hi'" }
 */
export async function resultData(value: unknown): Promise<Content> {
  const bundle = await mimeBundleOfAsync(value);
  return bundle ? jupyterData(bundle) : { "text/plain": plainText(value) };
}

/**
 * A bridge that publishes display messages with `publish` (and offers `comms` when given).
 *
 * @example
 * setDisplayBridge(createDisplayBridge((type, content) => server.publish(type, content, parent)));
 */
export function createDisplayBridge(publish: Publish, comms?: CommBridge): DisplayBridge {
  return {
    rich: true,
    comms,
    display(bundle, options) {
      const transient: Content = options.displayId ? { display_id: options.displayId } : {};
      if (options.update && !options.displayId) {
        throw new TypeError("update_display_data needs a displayId: call display(value, { displayId }) first");
      }
      publish(options.update ? "update_display_data" : "display_data", {
        data: jupyterData(bundle),
        metadata: options.metadata ?? {},
        transient,
      });
    },
    clearOutput(wait) {
      publish("clear_output", { wait });
    },
  };
}

/**
 * Install the bridge (with the kernel's `comms`, for widgets) for the library and for tslab's own `display` API
 * (`import * as tslab from "tslab"; tslab.display.html(...)`). Returns a
 * function that removes both.
 */
export function installDisplayBridge(publish: Publish, comms?: CommBridge): () => void {
  setDisplayBridge(createDisplayBridge(publish, comms));
  const jupyter = tslabJupyter();
  jupyter.lastWriteDisplayData = (data, update) => publish(update ? "update_display_data" : "display_data", data);
  return () => {
    setDisplayBridge(undefined);
    jupyter.lastWriteDisplayData = null;
  };
}
