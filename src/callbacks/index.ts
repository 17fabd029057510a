import "./progbar-logger"; // Keras's per-epoch lines for fit's `verbose` (registered with tfjs)
import "./progress-file"; // each fit's epoch, for `npm run tutorial` (registered with tfjs)
export { EarlyStopping, type EarlyStoppingArgs } from "./early-stopping";
export { ModelCheckpoint, type ModelCheckpointArgs } from "./model-checkpoint";
export { formatPath, PathTemplateError } from "./format-path";
export * from "./live-plot";
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from "./reduce-lr-on-plateau";
export { LearningRateScheduler, type LearningRateSchedulerArgs } from "./learning-rate-scheduler";
export {
  type LearningRateSchedule,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  type CosineDecayArgs,
  withSchedule,
} from "./schedules";
export { learningRate, setLearningRate, LearningRateError } from "./optimizer-state";
export { CSVLogger, type CSVLoggerArgs } from "./csv-logger";
export { TerminateOnNaN, NaNLossError, type TerminateOnNaNArgs } from "./terminate-on-nan";
export { LambdaCallback, type LambdaCallbackArgs } from "./lambda-callback";
export { BackupAndRestore, type BackupAndRestoreArgs } from "./backup-and-restore";
