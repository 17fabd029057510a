/**
 * Number widgets: IntSlider, FloatSlider and Progress.
 */
import type { MimeBundle } from "../display/registry";
import type { WireState } from "./protocol";
import { Widget, WidgetError, labelHtml, reprText } from "./widget";

/** Options of {@link IntSlider} and {@link FloatSlider}. */
export interface SliderOptions {
  value?: number;
  min?: number;
  /** Default 100 (IntSlider) or 10 (FloatSlider). */
  max?: number;
  /** Default 1 (IntSlider) or 0.1 (FloatSlider). */
  step?: number;
  description?: string;
  disabled?: boolean;
  orientation?: "horizontal" | "vertical";
  /** Send values while dragging (true) or only on release. Default true. */
  continuousUpdate?: boolean;
}

interface SliderState {
  value: number;
  min: number;
  max: number;
  step: number;
  description: string;
  disabled: boolean;
  orientation: string;
  readout: boolean;
  readout_format: string;
  continuous_update: boolean;
}

function finite(what: string, value: number): number {
  if (!Number.isFinite(value)) throw new WidgetError(`${what} must be a finite number, got ${value}`);
  return value;
}

abstract class Slider extends Widget<SliderState> {
  protected constructor(
    kind: "Int" | "Float",
    options: SliderOptions,
    defaults: { max: number; step: number; format: string },
  ) {
    const min = finite(`${kind}Slider min`, options.min ?? 0);
    const max = finite(`${kind}Slider max`, options.max ?? defaults.max);
    if (min > max) throw new WidgetError(`${kind}Slider: min (${min}) is above max (${max}); give min ≤ max`);
    super(
      {
        v1: { model: `${kind}SliderModel`, view: `${kind}SliderView` },
        v2: { model: `${kind}SliderModel`, view: `${kind}SliderView` },
      },
      {
        value: min,
        min,
        max,
        step: finite(`${kind}Slider step`, options.step ?? defaults.step),
        description: options.description ?? "",
        disabled: options.disabled ?? false,
        orientation: options.orientation ?? "horizontal",
        readout: true,
        readout_format: defaults.format,
        continuous_update: options.continuousUpdate ?? true,
      },
    );
    this.state.value = this.clamp(options.value ?? min);
    this.open();
  }

  /** The value, kept within [min, max] as ipywidgets does. */
  get value(): number {
    return this.state.value;
  }
  set value(v: number) {
    this.set({ value: this.clamp(finite("value", v)) });
  }

  get min(): number {
    return this.state.min;
  }
  get max(): number {
    return this.state.max;
  }

  /** Kept within [min, max] (and whole, for IntSlider). */
  protected clamp(v: number): number {
    return Math.min(this.state.max, Math.max(this.state.min, v));
  }

  protected override fromWire(state: WireState): Partial<SliderState> {
    const accepted = super.fromWire(state);
    if (accepted.value !== undefined) accepted.value = this.clamp(Number(accepted.value));
    return accepted;
  }

  protected abstract readonly className: string;

  staticBundle(): MimeBundle {
    const s = this.state;
    return {
      "text/html":
        `<div class="tslab-dl-widget">${labelHtml(s.description)}` +
        `<input type="range" min="${s.min}" max="${s.max}" step="${s.step}" value="${s.value}" disabled> ` +
        `<span>${s.value}</span></div>`,
      "text/plain": reprText(this.className, {
        value: s.value,
        min: s.min,
        max: s.max,
        step: s.step,
        description: s.description,
      }),
    };
  }
}

/**
 * A slider over integers.
 *
 * @example
 * const index = new IntSlider({ value: 0, max: 99, description: "image" });
 * index.observe(({ new: i }) => show(i as number), "value");
 * display(index);
 */
export class IntSlider extends Slider {
  protected readonly className = "IntSlider";
  constructor(options: SliderOptions = {}) {
    super("Int", options, { max: 100, step: 1, format: "d" });
  }
  protected override clamp(v: number): number {
    return Math.round(super.clamp(v));
  }
}

/**
 * A slider over real numbers.
 *
 * @example
 * const rate = new FloatSlider({ value: 0.3, max: 0.9, step: 0.1, description: "dropout" });
 */
export class FloatSlider extends Slider {
  protected readonly className = "FloatSlider";
  constructor(options: SliderOptions = {}) {
    super("Float", options, { max: 10, step: 0.1, format: ".2f" });
  }
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  value?: number;
  min?: number;
  /** Default 100. */
  max?: number;
  description?: string;
  /** "success", "info", "warning", "danger" or "" (default). */
  barStyle?: "" | "success" | "info" | "warning" | "danger";
}

interface ProgressState {
  value: number;
  min: number;
  max: number;
  description: string;
  bar_style: string;
  orientation: string;
}

/**
 * A progress bar (ipywidgets' FloatProgress).
 *
 * @example
 * const bar = new Progress({ max: 10, description: "epochs" });
 * display(bar);
 * bar.value = 3;
 */
export class Progress extends Widget<ProgressState> {
  constructor(options: ProgressOptions = {}) {
    super(
      {
        v1: { model: "ProgressModel", view: "ProgressView" },
        v2: { model: "FloatProgressModel", view: "ProgressView" },
      },
      {
        value: finite("Progress value", options.value ?? 0),
        min: finite("Progress min", options.min ?? 0),
        max: finite("Progress max", options.max ?? 100),
        description: options.description ?? "",
        bar_style: options.barStyle ?? "",
        orientation: "horizontal",
      },
    );
    this.open();
  }

  get value(): number {
    return this.state.value;
  }
  set value(v: number) {
    this.set({ value: finite("Progress value", v) });
  }

  /** Change the bar's colour, e.g. "success" when done. */
  set barStyle(style: ProgressOptions["barStyle"]) {
    this.set({ bar_style: style ?? "" });
  }

  staticBundle(): MimeBundle {
    const s = this.state;
    const fraction = s.max > s.min ? (s.value - s.min) / (s.max - s.min) : 0;
    return {
      "text/html": `<div class="tslab-dl-widget">${labelHtml(s.description)}<progress value="${fraction}" max="1"></progress></div>`,
      "text/plain": reprText("Progress", { value: s.value, min: s.min, max: s.max, description: s.description }),
    };
  }
}
