/**
 * Display: MIME bundles for notebooks. Importing this module registers the
 * formatters for tfjs History (loss curves), tensors, optimizers, LayersModel summaries, `model.layers` and
 * arquero tables.
 */
import "./tslab-fallback"; // under the stock tslab kernel, display() uses tslab's own display
export {
  JUPYTER_DISPLAY,
  type MimeBundle,
  type DisplayOptions,
  type Formatter,
  type AsyncDisplayable,
  type Displayable,
  DisplayError,
  registerFormatter,
  mimeBundleOf,
  display,
  updateDisplay,
  clearOutput,
} from "./registry";
export { Figure } from "./figure";
export { FigureError, COLORS, type PlotlyFigure, type PlotlyTrace, type PlotlyBarTrace } from "./figure-spec";
export { resetPlotlyInclusion, plotlyShipped, plotlyCarrierBundle } from "./plotly-html";
export { plotHistory, historyTable, type PlotHistoryOptions } from "./history";
export { plt, Pyplot, SubplotsFigure, type PlotOptions, type FigureOptions, type ShowOptions } from "./plt";
export { Axes } from "./axes";
export { setTableRowLimit, isTable, type Table } from "./tables";
export { tensorText } from "./tfjs-format";
export { modelSummaryHTML } from "./model-summary";
export { predictionView, type PredictionViewOptions } from "./prediction";
export { Evaluation, evaluate } from "./evaluation";
export { plotHistories, type PlotHistoriesOptions } from "./histories";
export { plotModel, ModelDiagram, type PlotModelOptions } from "./plot-model";
