export {
  JUPYTER_DISPLAY,
  type MimeBundle,
  type DisplayOptions,
  type DisplayBridge,
  type Formatter,
  registerFormatter,
  mimeBundleOf,
  setDisplayBridge,
  display,
  updateDisplay,
  clearOutput,
} from "./registry";
