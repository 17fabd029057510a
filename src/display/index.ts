/**
 * Display: MIME bundles for notebooks. Importing this module registers the
 * formatters for tfjs History (loss curves), tensors, LayersModel summaries and
 * arquero tables.
 */
import "./tslab-fallback"; // under the stock tslab kernel, display() uses tslab's own display
export {
  JUPYTER_DISPLAY,
  type MimeBundle,
  type DisplayOptions,
  type DisplayBridge,
  type Formatter,
  type DisplayMethodResult,
  type AsyncDisplayable,
  type Displayable,
  DisplayError,
  registerFormatter,
  registerBridgeFallback,
  mimeBundleOf,
  mimeBundleOfAsync,
  mimeBundleOrText,
  currentBridge,
  setDisplayBridge,
  display,
  updateDisplay,
  clearOutput,
} from "./registry";
export {
  Figure,
  FigureError,
  COLORS,
  type FigureSpec,
  type PanelSpec,
  type SeriesSpec,
  type VLineSpec,
  type Dash,
  type MarkerSymbol,
  type PlotlyFigure,
  type PlotlyTrace,
  type PlotlyBarTrace,
  type BarSpec,
  type ImageSpec,
  type TickSpec,
  type BundleOptions,
} from "./figure";
export { resetPlotlyInclusion, plotlyShipped, type PlotlyInclusion } from "./plotly-html";
export {
  plotHistory,
  historyTable,
  historyData,
  bestEpoch,
  isHistory,
  type HistoryLike,
  type HistoryData,
  type ScalarLike,
  type PlotHistoryOptions,
} from "./history";
export {
  plt,
  Pyplot,
  SubplotsFigure,
  type PlotData,
  type PlotOptions,
  type BarOptions,
  type HistOptions,
  type TickOptions,
  type FigureOptions,
  type SubplotsOptions,
  type ShowOptions,
} from "./plt";
export { Axes } from "./axes";
export type { ImageInput, ImshowOptions } from "./image";
export type { Colormap } from "./colormap";
export { setTableRowLimit, isTable, type Table } from "./tables";
export { tensorText, isTensor, isLayersModel, modelSummaryHTML, modelSummaryText } from "./tfjs-format";
export { predictionView, type PredictionViewOptions, type Numbers } from "./prediction";
export { Evaluation, evaluate, isScalarArray } from "./evaluation";
export { plotHistories, type PlotHistoriesOptions } from "./histories";
export { plotModel, ModelDiagram, type PlotModelOptions } from "./plot-model";
