/**
 * Widgets that hold others: Output (captured outputs), HBox and VBox.
 */
import { currentBridge, mimeBundleOrText, type CommBridge, type MimeBundle } from "../display/registry";
import { xmlEscape } from "../display/escape";
import { Widget } from "./widget";

/** The HTML of one bundle in a static page: its HTML, else its picture, else its text. */
function bundleHtml(bundle: MimeBundle): string {
  if (typeof bundle["text/html"] === "string") return bundle["text/html"];
  if (typeof bundle["image/svg+xml"] === "string") return bundle["image/svg+xml"];
  const png = bundle["image/png"];
  if (png instanceof Uint8Array || typeof png === "string") {
    const base64 = typeof png === "string" ? png : Buffer.from(png).toString("base64");
    return `<img src="data:image/png;base64,${base64}">`;
  }
  const text = bundle["text/plain"];
  return `<pre>${xmlEscape(typeof text === "string" ? text : "")}</pre>`;
}

/** A bundle as an nbformat `display_data` output (binary values in base64, as the notebook format stores them). */
function nbformatOutput(bundle: MimeBundle): { output_type: "display_data"; data: MimeBundle; metadata: object } {
  const data: MimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    data[mime] = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
  }
  if (typeof data["text/plain"] !== "string") data["text/plain"] = `<${Object.keys(data).join(", ")}>`;
  return { output_type: "display_data", data, metadata: {} };
}

function plainOf(bundle: MimeBundle): string {
  const text = bundle["text/plain"];
  return typeof text === "string" ? text : "";
}

/**
 * An area other outputs are displayed into, and replaced in (ipywidgets' Output).
 * Its static form is what it holds now.
 *
 * Two routes to the front end, one per protocol: protocol 1 front ends capture
 * outputs whose parent is the model's `msg_id`; protocol 2 front ends (JupyterLab,
 * VS Code, nbclient) show the model's `outputs` state, which hooks on `msg_id`
 * cannot reach there (they only see requests of their own).
 *
 * @example
 * const out = new Output();
 * display(out);
 * out.clear(true);
 * out.display(figure);
 */
export class Output extends Widget<{ msg_id: string; outputs: unknown[] }> {
  private held: MimeBundle[] = [];
  /** A `clear(true)` waiting for the next output, so the area never flickers empty. */
  private clearPending = false;
  private target?: ReturnType<CommBridge["outputTo"]>;

  constructor() {
    super(
      {
        v1: { model: "OutputModel", view: "OutputView" },
        v2: { model: "OutputModel", view: "OutputView", module: "@jupyter-widgets/output", moduleVersion: "1.0.0" },
      },
      // `outputs` is where protocol 2 front ends (and nbclient, which acts as one) keep what they captured.
      { msg_id: "", outputs: [] },
    );
    this.open();
    const comms = currentBridge().comms;
    if (this.live && comms) {
      // The front end captures outputs whose parent is `msg_id`; set after opening,
      // as protocol 1 front ends only start capturing when msg_id changes.
      const msgId = `tslab-dl-output-${this.modelId}`;
      this.target = comms.outputTo(msgId);
      this.set({ msg_id: msgId });
    }
  }

  /** Show `value` (anything `display()` shows) at the end of this area. */
  display(value: unknown): void {
    const bundle = mimeBundleOrText(value);
    if (this.clearPending) this.held = [];
    this.clearPending = false;
    this.held.push(bundle);
    this.target?.display(bundle, { update: false });
    this.set({ outputs: this.held.map(nbformatOutput) });
  }

  /** Empty this area; with `wait`, only when the next output arrives (no flicker). */
  clear(wait = false): void {
    this.target?.clearOutput(wait);
    if (wait) {
      this.clearPending = true;
      return;
    }
    this.held = [];
    this.set({ outputs: [] });
  }

  /** The bundles this area holds now (a `clear(true)` takes effect at the next output). */
  get outputs(): readonly MimeBundle[] {
    return this.held;
  }

  staticBundle(): MimeBundle {
    return {
      "text/html": `<div class="tslab-dl-output">${this.held.map(bundleHtml).join("")}</div>`,
      "text/plain": this.held.map(plainOf).join("\n"),
    };
  }
}

abstract class Box extends Widget<{ children: string[]; box_style: string }> {
  readonly children: readonly Widget[];

  protected constructor(kind: "HBox" | "VBox", children: Widget[]) {
    const names = { model: `${kind}Model`, view: `${kind}View` };
    super({ v1: names, v2: names }, { children: children.map((c) => `IPY_MODEL_${c.modelId}`), box_style: "" });
    this.children = children;
    this.open();
  }

  protected boxHtml(direction: "row" | "column"): MimeBundle {
    const parts = this.children.map((c) => c.staticBundle());
    return {
      "text/html":
        `<div style="display:flex;flex-direction:${direction};gap:4px;align-items:${direction === "row" ? "center" : "flex-start"}">` +
        parts.map((b) => `<div>${bundleHtml(b)}</div>`).join("") +
        `</div>`,
      "text/plain": parts.map(plainOf).join(direction === "row" ? "  " : "\n"),
    };
  }
}

/**
 * Widgets side by side.
 *
 * @example
 * display(new HBox([new Button({ description: "−" }), new Label("0"), new Button({ description: "+" })]));
 */
export class HBox extends Box {
  constructor(children: Widget[]) {
    super("HBox", children);
  }
  staticBundle(): MimeBundle {
    return this.boxHtml("row");
  }
}

/**
 * Widgets one above the other.
 *
 * @example
 * display(new VBox([slider, out]));
 */
export class VBox extends Box {
  constructor(children: Widget[]) {
    super("VBox", children);
  }
  staticBundle(): MimeBundle {
    return this.boxHtml("column");
  }
}
