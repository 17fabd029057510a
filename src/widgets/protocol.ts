/**
 * The Jupyter widget message protocol, as the two front-end generations speak it.
 *
 * - **Protocol 1** (ipywidgets 6, `jupyter-js-widgets` ~2.1: Debian 12's classic
 *   Notebook extension `jupyter-nbextension-jupyter-js-widgets`): `comm_open`
 *   data is the model's state itself, with `_model_module: "jupyter-js-widgets"`;
 *   the front end sends `{method: "backbone", sync_data, buffer_keys}`; the kernel
 *   sends `{method: "update", state, buffers}` and `{method: "display"}` to show
 *   a view in the cell's widget area.
 * - **Protocol 2.1** (ipywidgets 8, `@jupyter-widgets/controls` 2.0.0: JupyterLab
 *   and VS Code): `comm_open` data is `{state, buffer_paths}` with metadata
 *   `{version: "2.1.0"}`; both sides send `{method: "update", state, buffer_paths}`
 *   and the kernel echoes accepted front-end updates as `echo_update`; a view is
 *   shown by the `application/vnd.jupyter.widget-view+json` output.
 *
 * One message carries both encodings (protocol 1's flat keys beside protocol
 * 2's `state`), so the kernel never needs to know which front end is attached.
 */

import type { CommBridge } from "../display/registry";

/** The JSON `data` of a widget comm message. */
export type WireState = { [key: string]: unknown };

/** The `comm_open` metadata version: ipywidgets 8's widget protocol. */
const WIDGET_PROTOCOL_VERSION = "2.1.0";
/** The comm target of widget models. */
export const WIDGET_TARGET = "jupyter.widget";
/** The MIME type of a widget view output. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** Model and view classes of one widget, for each protocol. */
export interface ModelNames {
  /** Protocol 1: class names in `jupyter-js-widgets`. */
  v1: { model: string; view: string };
  /** Protocol 2: class names, and the module when it is not `@jupyter-widgets/controls`. */
  v2: { model: string; view: string; module?: string; moduleVersion?: string };
}

const V1_MODULE = { name: "jupyter-js-widgets", version: "~2.1.4" };

/** The comm target protocol 1 front ends open to compare versions with the kernel. */
const VERSION_TARGET = "jupyter.widget.version";

/**
 * Answer a protocol 1 front end's version check (`jupyter.widget.version`), and
 * remember that one is attached: its `request_state` (after a page reload) must
 * get protocol 1's model names, which protocol 2's differ from.
 */
export function registerVersionTarget(comms: CommBridge): void {
  comms.registerTarget(VERSION_TARGET, (comm) => {
    frontEnds.protocol1 = true;
    comm.send({ version: V1_MODULE.version });
  });
}

const frontEnds = { protocol1: false };

/** Whether a protocol 1 front end has announced itself in this kernel. */
export function protocol1FrontEndSeen(): boolean {
  return frontEnds.protocol1;
}
const V2_CONTROLS = { name: "@jupyter-widgets/controls", version: "2.0.0" };

/** The `_model_*` / `_view_*` keys of protocol 1's state. */
export function v1Names(names: ModelNames): WireState {
  return {
    _model_module: V1_MODULE.name,
    _model_module_version: V1_MODULE.version,
    _model_name: names.v1.model,
    _view_module: V1_MODULE.name,
    _view_module_version: V1_MODULE.version,
    _view_name: names.v1.view,
  };
}

/** The `_model_*` / `_view_*` keys of protocol 2's state. */
export function v2Names(names: ModelNames): WireState {
  const module = names.v2.module ?? V2_CONTROLS.name;
  const version = names.v2.moduleVersion ?? V2_CONTROLS.version;
  return {
    _model_module: module,
    _model_module_version: version,
    _model_name: names.v2.model,
    _view_module: module,
    _view_module_version: version,
    _view_name: names.v2.view,
  };
}

/**
 * The `comm_open` data and metadata of a model in both encodings.
 *
 * @example
 * openMessage({ v1: { value: 3 }, v2: { value: 3 } }, names);
 * // → { data: { value: 3, _model_name: "IntSliderModel", …, state: { value: 3, … }, buffer_paths: [] }, metadata: { version: "2.1.0" } }
 */
export function openMessage(
  state: { v1: WireState; v2: WireState },
  names: ModelNames,
): { data: WireState; metadata: WireState } {
  return {
    data: { ...state.v1, ...v1Names(names), state: { ...state.v2, ...v2Names(names) }, buffer_paths: [] },
    metadata: { version: WIDGET_PROTOCOL_VERSION },
  };
}

/** An `update` (or `echo_update`) message: one `state` both generations read. */
export function updateMessage(state: WireState, method: "update" | "echo_update" = "update"): WireState {
  return { method, state, buffers: [], buffer_paths: [] };
}

/** A message from the front end, decoded. */
type Incoming =
  | { kind: "update"; state: WireState; protocol: 1 | 2 }
  | { kind: "request_state" }
  | { kind: "custom"; content: unknown }
  | { kind: "unknown"; method: string };

/**
 * Decode a widget comm message from the front end, putting binary buffers back
 * where their keys (protocol 1) or paths (protocol 2) say.
 *
 * @example
 * decodeIncoming({ method: "backbone", sync_data: { value: 4 } }, []); // → { kind: "update", state: { value: 4 }, protocol: 1 }
 */
export function decodeIncoming(data: WireState, buffers: Uint8Array[]): Incoming {
  const method = String(data.method ?? "");
  if (method === "backbone" || method === "update") {
    const v1 = method === "backbone";
    const state = { ...((v1 ? data.sync_data : data.state) as WireState | undefined) };
    if (v1) {
      const keys = (data.buffer_keys as string[] | undefined) ?? [];
      keys.forEach((key, i) => (state[key] = buffers[i]));
    } else {
      const paths = (data.buffer_paths as Array<Array<string | number>> | undefined) ?? [];
      paths.forEach((path, i) => putAt(state, path, buffers[i]));
    }
    return { kind: "update", state, protocol: v1 ? 1 : 2 };
  }
  if (method === "request_state") return { kind: "request_state" };
  if (method === "custom") return { kind: "custom", content: data.content };
  return { kind: "unknown", method };
}

function putAt(target: WireState, path: Array<string | number>, value: unknown): void {
  let node = target as { [key: string | number]: unknown };
  for (const key of path.slice(0, -1)) node = node[key] as { [key: string | number]: unknown };
  if (path.length > 0) node[path[path.length - 1]] = value;
}
