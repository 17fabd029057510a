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
  /** Whether this `fit` shuffles (tfjs's default), told before it starts. */
  noteShuffle(shuffle: boolean): void;
  /** The epoch to start from, or `undefined` to leave `initialEpoch` as given. */
  resumeEpoch(): number | undefined;
  /**
   * The order the interrupted run's loop held its training samples in (tfjs shuffles that
   * order again each epoch), or `undefined`. `fit` then gets the samples in that order.
   */
  resumeOrder(): Int32Array | undefined;
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

type Data = tf.Tensor | tf.Tensor[];

/**
 * `x` and `y` with their first `order.length` rows (the training samples; validation rows
 * come after them) in `order`: tfjs's loop then starts from the identity order over them,
 * which is the interrupted loop's order over the original rows. `undefined` for data this
 * cannot reorder (dictionaries of inputs, too few rows).
 */
function inOrder(x: unknown, y: unknown, order: Int32Array): [Data, Data] | undefined {
  const list = (d: unknown): tf.Tensor[] | undefined =>
    d instanceof tf.Tensor ? [d] : Array.isArray(d) && d.every((t) => t instanceof tf.Tensor) ? d : undefined;
  const xs = list(x);
  const ys = list(y);
  if (!xs || !ys) return undefined;
  const rows = xs[0]?.shape[0] ?? 0;
  if (order.length > rows || [...xs, ...ys].some((t) => t.shape[0] !== rows)) return undefined;
  const index = new Int32Array(rows);
  index.set(order);
  for (let i = order.length; i < rows; i++) index[i] = i;
  const take = (ts: tf.Tensor[]): tf.Tensor[] =>
    tf.tidy(() => ts.map((t) => tf.gather(t, tf.tensor1d(index, "int32"))));
  const [px, py] = [take(xs), take(ys)];
  return [x instanceof tf.Tensor ? px[0] : px, y instanceof tf.Tensor ? py[0] : py];
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
    const resumer = found[0];
    if (!resumer) return stockFit.call(this, x, y, args);
    const shuffle = args?.shuffle !== false;
    resumer.noteShuffle(shuffle);
    const epoch = resumer.resumeEpoch();
    if (epoch === undefined) return stockFit.call(this, x, y, args);
    const resumed = { ...args, initialEpoch: epoch };
    const order = shuffle ? resumer.resumeOrder() : undefined;
    const permuted = order ? inOrder(x, y, order) : undefined;
    if (!permuted) return stockFit.call(this, x, y, resumed);
    try {
      return await stockFit.call(this, permuted[0], permuted[1], resumed);
    } finally {
      tf.dispose([permuted[0], permuted[1]]);
    }
  } as Fit;
  proto[WRAPPED] = true;
}
