/**
 * Where ModelCheckpoint saved, per model, so LivePlot can mark those epochs without
 * the two callbacks knowing of each other.
 */
import type { tf } from "../backend";

/** One save: the epoch (0-based) and its order among all saves in this process. */
interface SaveRecord {
  epoch: number;
  sequence: number;
}

const saves = new WeakMap<tf.LayersModel, SaveRecord[]>();
let sequence = 0;

/** Note that `model` was saved at the end of `epoch`. */
export function recordSave(model: tf.LayersModel, epoch: number): void {
  let list = saves.get(model);
  if (!list) saves.set(model, (list = []));
  list.push({ epoch, sequence: ++sequence });
}

/** The current sequence number: saves recorded later have a bigger one. */
export function saveSequence(): number {
  return sequence;
}

/** The epochs at which `model` was saved after sequence number `since`. */
export function savedEpochsSince(model: tf.LayersModel | undefined, since: number): number[] {
  if (!model) return [];
  return (saves.get(model) ?? []).filter((s) => s.sequence > since).map((s) => s.epoch);
}
