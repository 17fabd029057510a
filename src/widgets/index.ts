/**
 * Jupyter widgets for the notebook: sliders, buttons, drop-downs, output areas
 * and `interact`, live in any widget front end (classic Notebook, JupyterLab,
 * VS Code) and static pictures everywhere else.
 */
export { Widget, WidgetError } from "./widget";
export { IntSlider, FloatSlider, Progress, type SliderOptions, type ProgressOptions } from "./numeric";
export {
  Button,
  Checkbox,
  Dropdown,
  Label,
  type ButtonOptions,
  type CheckboxOptions,
  type DropdownOptions,
} from "./controls";
export { Output, HBox, VBox } from "./containers";
export { interact, interactive } from "./interact";
export { WIDGET_VIEW_MIME } from "./protocol";
