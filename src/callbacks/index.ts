export { EarlyStopping, type EarlyStoppingArgs } from "./early-stopping";
export { ModelCheckpoint, type ModelCheckpointArgs } from "./model-checkpoint";
export { formatPath, PathTemplateError } from "./format-path";
export * from "./live-plot";
export { StopButton } from "./stop-button";
