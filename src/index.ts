/**
 * tslab-dl: deep learning in TypeScript notebooks.
 *
 * The public surface, nothing else: every name a notebook cell imports. Each name here is
 * listed in the README's library table (test/public-surface.test.ts checks both ways).
 * Importing the package also registers its display formatters and its `file://` model router.
 *
 * @example
 * import { tf, init, loadFashionMnist, EarlyStopping } from "tslab-dl";
 */
export { tf, init, currentBackend, BackendError, type BackendName, type InitOptions } from "./backend";
export { setRandomSeed } from "./seed";
export {
  loadFashionMnist,
  loadImdb,
  getImdbWordIndex,
  padSequences,
  toCategorical,
  Sequences,
  trainTestSplit,
  FASHION_MNIST_CLASSES,
  DatasetError,
  type FashionMnist,
  type FashionMnistOptions,
  type Imdb,
  type ImdbOptions,
  type ImdbFileOptions,
  type PadSequencesOptions,
  type SplitOptions,
  type Splittable,
} from "./data";
export {
  EarlyStopping,
  ModelCheckpoint,
  LivePlot,
  ReduceLROnPlateau,
  LearningRateScheduler,
  CSVLogger,
  TerminateOnNaN,
  LambdaCallback,
  BackupAndRestore,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  withSchedule,
  learningRate,
  setLearningRate,
  PathTemplateError,
  NaNLossError,
  LearningRateError,
  type EarlyStoppingArgs,
  type ModelCheckpointArgs,
  type LivePlotArgs,
  type ReduceLROnPlateauArgs,
  type LearningRateSchedulerArgs,
  type LearningRateSchedule,
  type CosineDecayArgs,
  type CSVLoggerArgs,
  type TerminateOnNaNArgs,
  type LambdaCallbackArgs,
  type BackupAndRestoreArgs,
} from "./callbacks";
export { saveModel, loadModel, saveWeights, loadWeights, formatOf, ModelFileError, type ModelFormat } from "./io";
export { KerasGRU, type KerasGRUArgs } from "./layers/gru";
export {
  display,
  updateDisplay,
  clearOutput,
  registerFormatter,
  JUPYTER_DISPLAY,
  plotHistory,
  plotHistories,
  historyTable,
  evaluate,
  plt,
  predictionView,
  plotModel,
  setTableRowLimit,
  FigureError,
  DisplayError,
  type MimeBundle,
  type AsyncDisplayable,
  type DisplayOptions,
  type Formatter,
  type PlotHistoryOptions,
  type PlotOptions,
  type FigureOptions,
  type ShowOptions,
  type PredictionViewOptions,
  type PlotModelOptions,
  type PlotHistoriesOptions,
  type Evaluation,
  type Displayable,
  type Figure,
  type Pyplot,
  type SubplotsFigure,
  type Axes,
  type ModelDiagram,
  type Table,
} from "./display";
export {
  IntSlider,
  FloatSlider,
  Dropdown,
  Button,
  Checkbox,
  Label,
  Progress,
  Output,
  HBox,
  VBox,
  interact,
  interactive,
  WidgetError,
  type SliderOptions,
  type ProgressOptions,
  type ButtonOptions,
  type CheckboxOptions,
  type DropdownOptions,
} from "./widgets";
export { useFastOps, fastOpsInstalled, explainFastPath } from "./speed";
export * as keras from "./keras";
