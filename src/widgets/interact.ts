/**
 * `interact`: controls that re-run a function and show its result, as
 * ipywidgets' `interact` / `interactive`.
 */
import { display } from "../display/registry";
import { Output, VBox } from "./containers";
import type { Widget } from "./widget";

/** A control with a value: IntSlider, FloatSlider, Checkbox, Dropdown. */
type ValueControl<T = unknown> = Widget & { readonly value: T };

/** The values of a set of controls, by name. */
type ControlValues<C extends { [name: string]: ValueControl }> = { [K in keyof C]: C[K]["value"] };

/**
 * Controls above an Output that shows `fn(values)` again whenever a control
 * changes. `fn` may be async; only the newest result is shown. A value of
 * `undefined` shows nothing; an error is shown in the output (and `fn` runs again
 * at the next change). Returns the box (display it, or end the cell with it).
 *
 * @example
 * const box = interactive(({ i }) => predictionFigure(i), { i: new IntSlider({ max: 99 }) });
 * box; // the slider and the figure; moving the slider redraws it
 */
export function interactive<C extends { [name: string]: ValueControl }>(
  fn: (values: ControlValues<C>) => unknown,
  controls: C,
): VBox {
  const out = new Output();
  let latest = 0;
  const values = () =>
    Object.fromEntries(Object.entries(controls).map(([name, c]) => [name, c.value])) as ControlValues<C>;
  const show = (result: unknown) => {
    out.clear(result !== undefined);
    if (result !== undefined) out.display(result);
  };
  const showError = (e: unknown) => {
    out.clear(true);
    out.display(`${(e as Error)?.name ?? "Error"} in interactive: ${(e as Error)?.message ?? String(e)}`);
  };
  const render = () => {
    const run = ++latest;
    let result: unknown;
    try {
      result = fn(values());
    } catch (e) {
      showError(e);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => run === latest && show(r),
        (e: unknown) => run === latest && showError(e),
      );
    } else {
      show(result);
    }
  };
  for (const control of Object.values(controls)) control.observe(render, "value");
  render();
  return new VBox([...Object.values(controls), out]);
}

/**
 * {@link interactive}, displayed at once (it returns nothing, so that a cell
 * ending with it does not show the box twice).
 *
 * @example
 * interact(({ rate }) => `dropout ${rate}`, { rate: new FloatSlider({ max: 0.9 }) });
 */
export function interact<C extends { [name: string]: ValueControl }>(
  fn: (values: ControlValues<C>) => unknown,
  controls: C,
): void {
  display(interactive(fn, controls));
}
