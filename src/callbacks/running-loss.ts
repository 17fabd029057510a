/**
 * LivePlot's running training loss within epochs, and when to redraw the chart during
 * an epoch so that drawing stays a small share of training.
 */

/** Points kept per epoch at most, so a chart update stays small. */
const POINTS_PER_EPOCH = 50;
/** A redraw during an epoch waits at least this many times its last cost: drawing stays under 2 % of training. */
const COST_FACTOR = 49;

/**
 * The running mean of the training loss within each epoch (weighted by batch size, as
 * tfjs averages an epoch's loss), as points at x = epoch - 1 + fraction of the epoch done,
 * so each epoch's curve ends at that epoch's loss.
 */
export class RunningLoss {
  /** The kept points. */
  readonly points = { x: [] as number[], y: [] as number[] };
  private total = 0;
  private count = 0;
  private lastFraction = 0;

  /** Start a new epoch's mean. */
  startEpoch(): void {
    this.total = 0;
    this.count = 0;
    this.lastFraction = 0;
  }

  /** Add a batch's loss; returns the running mean. A point is kept every 1/50 of an epoch and at its end. */
  add(loss: number, size: number, epoch: number, fraction: number): number {
    this.total += loss * size;
    this.count += size;
    const mean = this.total / this.count;
    if (fraction - this.lastFraction >= 1 / POINTS_PER_EPOCH || fraction >= 1) {
      this.lastFraction = fraction;
      this.points.x.push(epoch - 1 + fraction);
      this.points.y.push(mean);
    }
    return mean;
  }
}

/**
 * Whether a chart redraw is due at `now`: `chartEvery` ms after the last one ended, and
 * never before 49 times its cost, so that redrawing takes at most 2 % of the time.
 */
export function redrawDue(now: number, lastAt: number, lastCost: number, chartEvery: number): boolean {
  return now - lastAt >= Math.max(chartEvery, COST_FACTOR * lastCost);
}
