/**
 * The one place tslab-dl's callbacks wrap a tfjs method: `LayersModel.prototype.fit`
 * (public API, tfjs 4.22), so that a {@link BackupAndRestore} callback can set the
 * epoch `fit` starts from. Keras's callback sets `model._initial_epoch` in
 * `on_train_begin`, which Keras's loop reads afterwards; tfjs's loop has already taken
 * `initialEpoch` from the arguments by then, so the epoch is read before `fit` starts.
 * `Sequential.fit` calls `LayersModel.fit` on its inner model, so both are covered.
 * The wrapper leaves every other call unchanged.
 */
import { tf } from "../backend";

/** What a callback implements to choose the epoch `fit` starts from. */
export interface ResumesFit {
  /** The epoch to start from, or `undefined` to leave `initialEpoch` as given. */
  resumeEpoch(): number | undefined;
}

/** Marks callbacks that implement {@link ResumesFit}; a registry symbol, so copies of tslab-dl agree. */
export const RESUMES_FIT: unique symbol = Symbol.for("tslab-dl.callbacks.resumesFit") as never;
const WRAPPED = Symbol.for("tslab-dl.callbacks.fitWrapped");

type Fit = tf.LayersModel["fit"];
type FitArgs = NonNullable<Parameters<Fit>[2]>;

function resumers(args: FitArgs | undefined): ResumesFit[] {
  const list = args?.callbacks;
  const callbacks: unknown[] = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return callbacks.filter(
    (c): c is ResumesFit =>
      typeof c === "object" && c !== null && (c as { [RESUMES_FIT]?: boolean })[RESUMES_FIT] === true,
  );
}

/** Install the wrapper once per process (idempotent across copies of tslab-dl). */
export function wrapFitForResume(): void {
  const proto = tf.LayersModel.prototype as unknown as { fit: Fit; [WRAPPED]?: boolean };
  if (proto[WRAPPED]) return;
  const stockFit = proto.fit;
  proto.fit = async function (this: tf.LayersModel, x, y, args) {
    const found = resumers(args);
    if (found.length > 1) {
      throw new Error(`model.fit got ${found.length} BackupAndRestore callbacks; pass at most one`);
    }
    const epoch = found[0]?.resumeEpoch();
    return stockFit.call(this, x, y, epoch === undefined ? args : { ...args, initialEpoch: epoch });
  } as Fit;
  proto[WRAPPED] = true;
}
