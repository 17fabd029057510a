/**
 * The losses and accuracies the fast path computes, as tfjs-layers defines them (its
 * `losses.ts` and `metrics.ts`), per row of the model's output: the batch's summed loss and
 * accuracy, and the gradient of the batch's mean loss with respect to the output.
 *
 * - sparse categorical cross-entropy: clip, then categorical on the one-hot target (a
 *   label outside [0, classes) has a zero row: no loss, no gradient);
 * - categorical cross-entropy: divide by the row's sum, clip, −Σ t·log;
 * - binary cross-entropy: clip, logit, then `max(z, 0) − z·t + log1p(exp(−|z|))`, the row's mean;
 * - mean squared error: the row's mean of `(p − t)²`.
 * Clipping is to [ε, 1 − ε] with Keras's ε; the clip passes no gradient outside the range.
 */

export const LOSSES = [
  "sparseCategoricalCrossentropy",
  "categoricalCrossentropy",
  "binaryCrossentropy",
  "meanSquaredError",
] as const;
export type LossName = (typeof LOSSES)[number];
/** The accuracy tfjs picks for `metrics: ["accuracy"]`, by loss and output width. */
export type AccuracyName = "sparseCategorical" | "categorical" | "binary";

export interface LossSpec {
  loss: LossName;
  accuracy: AccuracyName | null;
}

/** Short names for {@link explainFastPath}. */
export const LOSS_LABELS: Record<LossName, string> = {
  sparseCategoricalCrossentropy: "sparse CE",
  categoricalCrossentropy: "categorical CE",
  binaryCrossentropy: "binary CE",
  meanSquaredError: "MSE",
};

/** Target floats per sample: one class number for the sparse loss, else one per output. */
export function targetWidth(spec: LossSpec, outputs: number): number {
  return spec.loss === "sparseCategoricalCrossentropy" ? 1 : outputs;
}

/**
 * The batch's summed loss and accuracy for outputs `p` (`[batch, width]` at float index `p`)
 * and `targets`, and, unless `dp` is null, d(mean loss)/d p written at `dp`.
 */
export function lossRows(
  spec: LossSpec,
  heap: Float32Array,
  p: number,
  targets: Float32Array,
  dp: number | null,
  batch: number,
  width: number,
  epsilon: number,
): { loss: number; accuracy: number } {
  let loss = 0;
  let accuracy = 0;
  const f = Math.fround;
  const lo = f(epsilon);
  const hi = f(1 - epsilon);
  const target = new Float32Array(width);
  const scratch = new Float64Array(width); // each row's d(loss)/d(normalised output)
  // One record, moved from row to row, so the row functions allocate nothing.
  const current: Row = { heap, row: 0, t: target, g: -1, n: width, batch, lo, hi };
  for (let r = 0; r < batch; r++) {
    const row = p + r * width;
    current.row = row;
    current.g = dp === null ? -1 : dp + r * width;
    if (spec.loss === "sparseCategoricalCrossentropy") {
      const label = targets[r];
      const c = Math.floor(label);
      target.fill(0);
      if (c >= 0 && c < width) target[c] = 1;
      loss += crossEntropyRow(current, true, scratch);
    } else {
      target.set(targets.subarray(r * width, (r + 1) * width));
      if (spec.loss === "categoricalCrossentropy") loss += crossEntropyRow(current, false, scratch);
      else if (spec.loss === "binaryCrossentropy") loss += binaryRow(current);
      else loss += squaredErrorRow(current);
    }
    if (spec.accuracy === "binary") {
      let hits = 0;
      for (let j = 0; j < width; j++) if (target[j] === (heap[row + j] > 0.5 ? 1 : 0)) hits += 1;
      accuracy += f(hits / width);
    } else if (spec.accuracy === "sparseCategorical") {
      if (argMax(heap, row, width) === targets[r]) accuracy += 1;
    } else if (spec.accuracy === "categorical") {
      if (argMax(heap, row, width) === argMax(target, 0, width)) accuracy += 1;
    }
  }
  return { loss, accuracy };
}

/** The first index of the largest of n values from `at`. */
function argMax(values: Float32Array, at: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[at + j] > values[at + best]) best = j;
  return best;
}

/**
 * One row of the batch for the row functions: its n outputs at `heap[row]`, its target `t`,
 * where its gradient goes (`g`, or −1: none), the batch size the mean loss divides by, and
 * the clip range [lo, hi].
 */
interface Row {
  heap: Float32Array;
  row: number;
  t: Float32Array;
  g: number;
  n: number;
  batch: number;
  lo: number;
  hi: number;
}

/**
 * One row of categorical cross-entropy (after a first clip when `clipFirst`, as the sparse
 * loss does): q = c / Σc, r = clip(q), loss = −Σ t·log r; gradient written at g unless g < 0.
 */
function crossEntropyRow(at: Row, clipFirst: boolean, dq: Float64Array): number {
  const { heap, row, t, g, n, batch, lo, hi } = at;
  const f = Math.fround;
  const clip = (v: number): number => Math.min(Math.max(v, lo), hi);
  let total = 0;
  for (let j = 0; j < n; j++) total += clipFirst ? clip(heap[row + j]) : heap[row + j];
  const s = f(total);
  let loss = 0;
  let dot = 0; // Σ dq_j c_j
  dq.fill(0);
  for (let j = 0; j < n; j++) {
    if (t[j] === 0) continue;
    const c = clipFirst ? clip(heap[row + j]) : heap[row + j];
    const q = f(c / s);
    const r = clip(q);
    loss -= t[j] * Math.log(r);
    if (g >= 0 && q >= lo && q <= hi) {
      dq[j] = -t[j] / (batch * r);
      dot += dq[j] * c;
    }
  }
  if (g >= 0) {
    for (let k = 0; k < n; k++) {
      const v = heap[row + k];
      const dc = dq[k] / s - dot / (s * s);
      heap[g + k] = !clipFirst || (v >= lo && v <= hi) ? dc : 0;
    }
  }
  return loss;
}

/** One row of binary cross-entropy, tfjs's way: through the logit of the clipped output. */
function binaryRow(at: Row): number {
  const { heap, row, t, g, n, batch, lo, hi } = at;
  const f = Math.fround;
  let total = 0;
  const scale = 1 / (batch * n);
  for (let j = 0; j < n; j++) {
    const p = heap[row + j];
    const y = Math.min(Math.max(p, lo), hi);
    const oneMinus = f(1 - y);
    const x = f(y / oneMinus);
    const z = f(Math.log(x));
    const e = Math.exp(-Math.abs(z));
    total += Math.max(z, 0) - z * t[j] + Math.log1p(e);
    if (g < 0) continue;
    // d/dz of relu(z) − z·t + log1p(exp(−|z|)); |z|'s gradient is −1 at 0, as tfjs's.
    const dz = scale * ((z > 0 ? 1 : 0) - t[j] - (z > 0 ? 1 : -1) * (e / (1 + e)));
    const dx = dz / x;
    const dy = dx / oneMinus + (dx * y) / (oneMinus * oneMinus);
    heap[g + j] = p >= lo && p <= hi ? dy : 0;
  }
  return f(total / n);
}

/** One row of mean squared error. */
function squaredErrorRow(at: Row): number {
  const { heap, row, t, g, n, batch } = at;
  let total = 0;
  const scale = 2 / (batch * n);
  for (let j = 0; j < n; j++) {
    const d = Math.fround(heap[row + j] - t[j]);
    total += d * d;
    if (g >= 0) heap[g + j] = scale * d;
  }
  return Math.fround(total / n);
}
