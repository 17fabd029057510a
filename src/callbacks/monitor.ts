/**
 * Monitored quantities: reading them from tfjs logs under either spelling,
 * and deciding whether bigger or smaller is better.
 */
import { tf } from "../backend";

/** Logs as callbacks receive them: numbers, or scalars not yet read back. */
export type EpochLogs = { [key: string]: number | tf.Scalar };

/** Keras names metrics `accuracy`, tfjs `acc`: both spellings work as a monitor. */
const ALIASES: Array<[string, string]> = [
  ["accuracy", "acc"],
  ["val_accuracy", "val_acc"],
  ["crossentropy", "ce"],
  ["val_crossentropy", "val_ce"],
];

/** The other spelling of a monitor name, if it has one. */
export function alternateName(monitor: string): string | undefined {
  for (const [keras, tfjs] of ALIASES) {
    if (monitor === keras) return tfjs;
    if (monitor === tfjs) return keras;
  }
  return undefined;
}

/** Read every log value as a plain number (tfjs may hand over scalars). */
export async function resolveLogs(logs: EpochLogs | undefined): Promise<{ [key: string]: number }> {
  const out: { [key: string]: number } = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    out[key] = typeof value === "number" ? value : (await value.data())[0];
  }
  return out;
}

/** The monitored value in `logs` under the Keras or the tfjs spelling, or `undefined`. */
export function monitorValue(logs: { [key: string]: number }, monitor: string): number | undefined {
  if (monitor in logs) return logs[monitor];
  const alt = alternateName(monitor);
  return alt !== undefined && alt in logs ? logs[alt] : undefined;
}

/** Warn, as Keras does, that the monitor is missing, listing what is available. */
export function warnMissing(who: string, what: string, monitor: string, logs: { [key: string]: number }): void {
  const available = Object.keys(logs);
  console.warn(
    `${who}: ${what} conditioned on metric \`${monitor}\` which is not available. ` +
      `Available metrics are: ${available.length ? available.join(",") : "(none)"}`,
  );
}

/** Names whose bigger values are better, with or without a `val_` prefix. */
const HIGHER_IS_BETTER =
  /^(acc|accuracy|binary_?accuracy|categorical_?accuracy|sparse_?categorical_?accuracy|auc|precision|recall|f1|fmeasure|top_?k|cosine_?proximity)/i;
/** Names whose smaller values are better. */
const LOWER_IS_BETTER =
  /(^loss$|error|crossentropy|^ce$|^mse$|^mae$|^mape$|^msle$|hinge|poisson|kld|kullback|logcosh|huber)/i;

/** `"min"`, `"max"`, or `undefined` when the name does not tell. */
function directionOf(monitor: string): "min" | "max" | undefined {
  const name = monitor.replace(/^val_/, "");
  if (name === "loss" || LOWER_IS_BETTER.test(name)) return "min";
  if (HIGHER_IS_BETTER.test(name)) return "max";
  return undefined;
}

/** A mode as Keras accepts it; an unknown one warns and falls back to `"auto"`. */
export type Mode = "auto" | "min" | "max";

export function checkMode(who: string, mode: string | undefined): Mode {
  const m = mode ?? "auto";
  if (m === "auto" || m === "min" || m === "max") return m;
  console.warn(`${who} mode ${m} is unknown, fallback to auto mode.`);
  return "auto";
}

/**
 * The direction of `monitor` under `mode` (Keras's `MonitorCallback._set_monitor_op`):
 * `"auto"` decides from the name, and a name that does not tell is an error naming `who`.
 */
export function resolveDirection(who: string, monitor: string, mode: Mode): "min" | "max" {
  const direction = mode === "auto" ? directionOf(monitor) : mode;
  if (direction === undefined) {
    throw new Error(
      `${who} callback received monitor=${monitor} but tslab-dl isn't able to automatically ` +
        `determine whether that metric should be maximized or minimized. Pass mode: "max" in order to ` +
        `monitor based on the highest metric value, or mode: "min" in order to use the lowest value.`,
    );
  }
  return direction;
}

/**
 * Keras's `_is_improvement`: `value` beats `reference` by more than `minDelta` (≥ 0) in
 * `direction`. Before any epoch the reference is ±Infinity, so NaN never counts.
 */
export function isImprovement(
  direction: "min" | "max",
  minDelta: number,
  value: number,
  reference: number | undefined,
): boolean {
  if (direction === "min") return value + minDelta < (reference ?? Infinity);
  return value - minDelta > (reference ?? -Infinity);
}
