/**
 * The base of every widget: a model whose state lives here and is mirrored in
 * the front end over a comm (target `jupyter.widget`), kept in sync both ways.
 *
 * The library reaches the kernel only through the display bridge's `comms`
 * ({@link currentBridge}); outside the tslab-dl kernel (a script, stock tslab)
 * there is no comm and a widget shows its static form.
 */
import { randomUUID } from "node:crypto";
import { JUPYTER_DISPLAY, currentBridge, type Comm, type MimeBundle } from "../display/registry";
import { xmlEscape } from "../display/escape";
import {
  WIDGET_TARGET,
  WIDGET_VIEW_MIME,
  decodeIncoming,
  openMessage,
  protocol1FrontEndSeen,
  registerVersionTarget,
  updateMessage,
  v1Names,
  v2Names,
  type ModelNames,
  type WireState,
} from "./protocol";

/** A change of one state key, as given to {@link Widget.observe} handlers. */
interface Change<T> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
}

/**
 * Raised for a widget used wrongly: an invalid value, a widget of another kernel session.
 *
 * @example
 * new Dropdown({ options: [] }); // WidgetError: Dropdown: options is empty; give at least one option
 */
export class WidgetError extends Error {
  override name = "WidgetError";
}

/**
 * A widget model. Subclasses give their model names, their state and a static form.
 *
 * @example
 * const slider = new IntSlider({ value: 3, max: 9 });
 * slider.observe((change) => console.log(change.new), "value");
 * slider.value = 5; // the front end moves too
 */
export abstract class Widget<S extends object = object> {
  /** The model id (also the comm id). */
  readonly modelId: string = randomUUID().replace(/-/g, "");
  protected state: S;
  private comm?: Comm;
  private observers: Array<{ names?: string[]; handler: (change: Change<unknown>) => void }> = [];
  private customHandlers: Array<(content: unknown) => void> = [];

  protected constructor(
    private readonly names: ModelNames,
    state: S,
  ) {
    this.state = state;
  }

  /** Open the comm (subclass constructors call this once their state is complete). */
  protected open(): void {
    const comms = currentBridge().comms;
    if (!comms) return;
    registerVersionTarget(comms);
    const { data, metadata } = openMessage(this.wireState(), this.names);
    this.comm = comms.open(WIDGET_TARGET, data, { metadata, id: this.modelId });
    this.comm.onMessage((msg, buffers) => this.received(msg, buffers));
    this.comm.onClose(() => (this.comm = undefined));
  }

  /** Whether this widget is live in a front end (it has a comm). */
  get live(): boolean {
    return this.comm !== undefined;
  }

  /** The state as each protocol spells it (most widgets spell it the same). */
  protected wireState(): { v1: WireState; v2: WireState } {
    const state = { ...this.state } as WireState;
    return { v1: state, v2: state };
  }

  /** The state keys and values a front-end update sets, validated; by default the keys this model has. */
  protected fromWire(state: WireState): Partial<S> {
    const accepted: WireState = {};
    for (const [key, value] of Object.entries(state)) if (key in this.state) accepted[key] = value;
    return accepted as Partial<S>;
  }

  /** The static form: what is shown without a widget front end (text/plain always). */
  abstract staticBundle(): MimeBundle;

  /**
   * Call `handler` when one of `names` (default: any key) changes, from code or from the front end.
   *
   * @example
   * slider.observe(({ new: v }) => console.log(v), "value");
   */
  observe(handler: (change: Change<unknown>) => void, names?: string | string[]): void {
    this.observers.push({ names: typeof names === "string" ? [names] : names, handler });
  }

  /** Call `handler` for each custom message from the front end (e.g. a button's click). */
  protected onCustom(handler: (content: unknown) => void): void {
    this.customHandlers.push(handler);
  }

  /** Set state keys, send them to the front end (unless they came from it) and tell observers. */
  protected set(changes: Partial<S>, from: "kernel" | "front-end" = "kernel"): void {
    const old = this.state;
    this.state = { ...this.state, ...changes };
    const changed = Object.keys(changes).filter(
      (k) => !sameValue(old[k as keyof S], this.state[k as keyof S]),
    ) as Array<keyof S & string>;
    if (this.comm && from === "kernel" && changed.length > 0) {
      const wire = this.wireState();
      const state: WireState = {};
      for (const key of changed)
        Object.assign(state, pick(wire.v1, key), pick(wire.v2, key), this.wireAliases(key, wire));
      this.comm.send(updateMessage(state));
    }
    for (const name of changed) {
      const change = { name, old: old[name], new: this.state[name], owner: this as Widget };
      for (const o of this.observers) if (!o.names || o.names.includes(name)) o.handler(change);
    }
  }

  /** Wire keys that stand for a state key under another name (Dropdown's `value` / `index`). */
  protected wireAliases(_key: string, _wire: { v1: WireState; v2: WireState }): WireState {
    return {};
  }

  private received(data: WireState, buffers: Uint8Array[]): void {
    const msg = decodeIncoming(data, buffers);
    if (msg.kind === "update") {
      const accepted = this.fromWire(msg.state);
      this.set(accepted, "front-end");
      // Protocol 2.1: confirm to every front end what was accepted.
      if (msg.protocol === 2 && this.comm) this.comm.send(updateMessage({ ...msg.state }, "echo_update"));
    } else if (msg.kind === "request_state") {
      // A reloaded page rebuilds the model from this state: it needs its own generation's names.
      const wire = this.wireState();
      const state = protocol1FrontEndSeen()
        ? { ...wire.v2, ...wire.v1, ...v1Names(this.names) }
        : { ...wire.v1, ...wire.v2, ...v2Names(this.names) };
      this.comm?.send(updateMessage(state));
    } else if (msg.kind === "custom") {
      for (const handler of this.customHandlers) handler(msg.content);
    }
  }

  /** Close the comm: the front end removes the widget's views. */
  close(): void {
    this.comm?.close();
    this.comm = undefined;
  }

  /**
   * The output that shows this widget: the widget view for a widget front end,
   * with the static form beside it for every other reader of the notebook.
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    const bundle = this.staticBundle();
    if (!this.comm) return bundle;
    // Protocol 1 front ends show a view when told so over the comm.
    this.comm.send({ method: "display" });
    return { [WIDGET_VIEW_MIME]: { model_id: this.modelId, version_major: 2, version_minor: 0 }, ...bundle };
  }
}

function pick(state: WireState, key: string): WireState {
  return key in state ? { [key]: state[key] } : {};
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]));
}

/** `<label>` HTML for a description (empty when there is none). */
export function labelHtml(description: string): string {
  return description ? `<label style="margin-right:8px">${xmlEscape(description)}</label>` : "";
}

/** A `text/plain` form like ipywidgets' repr: `IntSlider(value=3, min=0, max=9)`. */
export function reprText(name: string, fields: { [key: string]: unknown }): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${typeof v === "string" ? `'${v}'` : Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}`);
  return `${name}(${parts.join(", ")})`;
}
