/**
 * Simple controls: Button, Checkbox, Dropdown and Label.
 */
import type { MimeBundle } from "../display/registry";
import { xmlEscape } from "../display/escape";
import type { WireState } from "./protocol";
import { Widget, WidgetError, labelHtml, reprText } from "./widget";

/** Options of {@link Button}. */
export interface ButtonOptions {
  description?: string;
  tooltip?: string;
  /** "primary", "success", "info", "warning", "danger" or "" (default). */
  buttonStyle?: "" | "primary" | "success" | "info" | "warning" | "danger";
  /** A Font Awesome icon name (e.g. "stop"). */
  icon?: string;
  disabled?: boolean;
}

interface ButtonState {
  description: string;
  tooltip: string;
  button_style: string;
  icon: string;
  disabled: boolean;
}

/**
 * A button; clicks arrive as custom messages and call the {@link Button.onClick} handlers.
 *
 * @example
 * const stop = new Button({ description: "Stop", buttonStyle: "danger" });
 * stop.onClick(() => (model.stopTraining = true));
 * display(stop);
 */
export class Button extends Widget<ButtonState> {
  constructor(options: ButtonOptions = {}) {
    super(
      { v1: { model: "ButtonModel", view: "ButtonView" }, v2: { model: "ButtonModel", view: "ButtonView" } },
      {
        description: options.description ?? "",
        tooltip: options.tooltip ?? "",
        button_style: options.buttonStyle ?? "",
        icon: options.icon ?? "",
        disabled: options.disabled ?? false,
      },
    );
    this.open();
  }

  /** Call `handler` on every click in the front end. */
  onClick(handler: (button: Button) => void): void {
    this.onCustom((content) => {
      if ((content as { event?: unknown } | null)?.event === "click") handler(this);
    });
  }

  get description(): string {
    return this.state.description;
  }
  set description(text: string) {
    this.set({ description: text });
  }
  get disabled(): boolean {
    return this.state.disabled;
  }
  set disabled(on: boolean) {
    this.set({ disabled: on });
  }

  staticBundle(): MimeBundle {
    return {
      "text/html": `<button disabled title="${xmlEscape(this.state.tooltip)}">${xmlEscape(this.state.description)}</button>`,
      "text/plain": reprText("Button", { description: this.state.description }),
    };
  }
}

/** Options of {@link Checkbox}. */
export interface CheckboxOptions {
  value?: boolean;
  description?: string;
  disabled?: boolean;
}

interface CheckboxState {
  value: boolean;
  description: string;
  disabled: boolean;
  indent: boolean;
}

/**
 * A check box.
 *
 * @example
 * const augment = new Checkbox({ value: true, description: "augment" });
 */
export class Checkbox extends Widget<CheckboxState> {
  constructor(options: CheckboxOptions = {}) {
    super(
      { v1: { model: "CheckboxModel", view: "CheckboxView" }, v2: { model: "CheckboxModel", view: "CheckboxView" } },
      {
        value: options.value ?? false,
        description: options.description ?? "",
        disabled: options.disabled ?? false,
        indent: true,
      },
    );
    this.open();
  }

  get value(): boolean {
    return this.state.value;
  }
  set value(on: boolean) {
    this.set({ value: on });
  }

  protected override fromWire(state: WireState): Partial<CheckboxState> {
    const accepted = super.fromWire(state);
    if (accepted.value !== undefined) accepted.value = accepted.value === true;
    return accepted;
  }

  staticBundle(): MimeBundle {
    return {
      "text/html": `<label><input type="checkbox" disabled${this.state.value ? " checked" : ""}> ${xmlEscape(this.state.description)}</label>`,
      "text/plain": reprText("Checkbox", { value: this.state.value, description: this.state.description }),
    };
  }
}

/**
 * A line of text (ipywidgets' Label).
 *
 * @example
 * const status = new Label("waiting…");
 * status.value = "done";
 */
export class Label extends Widget<{ value: string; description: string }> {
  constructor(value = "") {
    super(
      { v1: { model: "LabelModel", view: "LabelView" }, v2: { model: "LabelModel", view: "LabelView" } },
      { value, description: "" },
    );
    this.open();
  }

  get value(): string {
    return this.state.value;
  }
  set value(text: string) {
    this.set({ value: String(text) });
  }

  staticBundle(): MimeBundle {
    return { "text/html": `<span>${xmlEscape(this.state.value)}</span>`, "text/plain": this.state.value };
  }
}

/** Options of {@link Dropdown}: labels, or `[label, value]` pairs. */
export interface DropdownOptions<T> {
  options: ReadonlyArray<string | readonly [string, T]>;
  /** The initially selected value. Default: the first option. */
  value?: T;
  description?: string;
  disabled?: boolean;
}

interface DropdownState {
  index: number;
  description: string;
  disabled: boolean;
}

/**
 * A drop-down list. `value` is the selected option's value (its label when options are plain strings).
 *
 * @example
 * const optimizer = new Dropdown({ options: ["adam", "sgd", "rmsprop"], description: "optimizer" });
 * optimizer.value; // → "adam"
 */
export class Dropdown<T = string> extends Widget<DropdownState> {
  private readonly labels: string[];
  private readonly values: T[];

  constructor(options: DropdownOptions<T>) {
    const pairs = options.options.map((o) => (typeof o === "string" ? ([o, o as unknown as T] as const) : o));
    if (pairs.length === 0) throw new WidgetError("Dropdown: options is empty; give at least one option");
    const values = pairs.map((p) => p[1]);
    const index = options.value === undefined ? 0 : values.indexOf(options.value);
    if (index < 0) {
      throw new WidgetError(
        `Dropdown: value ${JSON.stringify(options.value)} is not among the options (${pairs.map((p) => p[0]).join(", ")})`,
      );
    }
    super(
      { v1: { model: "DropdownModel", view: "DropdownView" }, v2: { model: "DropdownModel", view: "DropdownView" } },
      { index, description: options.description ?? "", disabled: options.disabled ?? false },
    );
    this.labels = pairs.map((p) => p[0]);
    this.values = values;
    this.open();
  }

  /** The selected option's value. */
  get value(): T {
    return this.values[this.state.index];
  }
  set value(v: T) {
    const index = this.values.indexOf(v);
    if (index < 0)
      throw new WidgetError(`Dropdown: ${JSON.stringify(v)} is not among the options (${this.labels.join(", ")})`);
    this.set({ index });
  }

  /** The selected option's position. */
  get index(): number {
    return this.state.index;
  }

  // Protocol 1 selects by label (`value`), protocol 2 by position (`index`).
  protected override wireState(): { v1: WireState; v2: WireState } {
    const labels = this.labels ?? [];
    const common = { _options_labels: labels, description: this.state.description, disabled: this.state.disabled };
    return { v1: { ...common, value: labels[this.state.index] }, v2: { ...common, index: this.state.index } };
  }

  protected override wireAliases(key: string, wire: { v1: WireState; v2: WireState }): WireState {
    return key === "index" ? { value: wire.v1.value } : {};
  }

  protected override fromWire(state: WireState): Partial<DropdownState> {
    const accepted: Partial<DropdownState> = {};
    if (typeof state.index === "number" && state.index >= 0 && state.index < this.labels.length)
      accepted.index = state.index;
    else if (typeof state.value === "string" && this.labels.includes(state.value))
      accepted.index = this.labels.indexOf(state.value);
    return accepted;
  }

  staticBundle(): MimeBundle {
    const options = this.labels
      .map((l, i) => `<option${i === this.state.index ? " selected" : ""}>${xmlEscape(l)}</option>`)
      .join("");
    return {
      "text/html": `<div class="tslab-dl-widget">${labelHtml(this.state.description)}<select disabled>${options}</select></div>`,
      "text/plain": reprText("Dropdown", {
        value: this.labels[this.state.index],
        options: this.labels,
        description: this.state.description,
      }),
    };
  }
}
