/**
 * A Stop button for a running `fit`: a click ends training at the next batch
 * end, keeping the weights and the History, as Keras's `model.stop_training`.
 * LivePlot shows one; any callback can compose it.
 */
import { JUPYTER_DISPLAY, currentBridge, display } from "../display/registry";
import { WIDGET_VIEW_MIME } from "../widgets/protocol";
import { Button } from "../widgets/controls";

/** How often, at most, a batch end hands the event loop a turn (so a click can arrive). */
const YIELD_EVERY_MS = 25;

/** The part of a tfjs model the button stops. */
interface Stoppable {
  stopTraining: boolean;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A Stop button tied to training. Shown only where a widget front end can click
 * it (the tslab-dl kernel's comms); elsewhere every method does nothing.
 *
 * @example
 * class MyCallback extends tf.Callback {
 *   private stop = new StopButton();
 *   async onTrainBegin() { this.stop.show(); }
 *   async onBatchEnd() { await this.stop.check(this.model); }
 *   async onTrainEnd() { this.stop.finish(); }
 * }
 */
export class StopButton {
  private button?: Button;
  private requested = false;
  private lastTurn = 0;
  /** Where the click stopped training (`epoch`, `batch` 0-based), once it has. */
  stoppedAt?: { epoch: number; batch: number };

  /** Display a fresh button for this run (training state reset). */
  show(): void {
    this.requested = false;
    this.stoppedAt = undefined;
    this.button = undefined;
    if (!currentBridge().comms) return;
    const button = new Button({
      description: "Stop",
      buttonStyle: "danger",
      icon: "stop",
      tooltip: "End training after the current batch; the weights and History are kept",
    });
    button.onClick(() => {
      this.requested = true;
      button.description = "Stopping…";
      button.disabled = true;
    });
    this.button = button;
    // A Stop button means nothing in a saved notebook: the live view only, no static picture.
    display({
      [JUPYTER_DISPLAY]: () => ({ [WIDGET_VIEW_MIME]: button[JUPYTER_DISPLAY]()[WIDGET_VIEW_MIME], "text/plain": "" }),
    });
  }

  /**
   * At a batch end: give the kernel a turn to deliver a click (every
   * {@link YIELD_EVERY_MS} ms at most), then, if Stop was clicked, set
   * `model.stopTraining` so that `fit` ends after this batch. Returns whether it did.
   */
  async check(model: Stoppable | null | undefined, epoch = 0, batch = 0): Promise<boolean> {
    if (!this.button || !model) return false;
    const now = performance.now();
    if (now - this.lastTurn >= YIELD_EVERY_MS) {
      this.lastTurn = now;
      await nextTurn();
    }
    if (!this.requested || this.stoppedAt) return this.requested;
    model.stopTraining = true;
    this.stoppedAt = { epoch, batch };
    return true;
  }

  /** Whether Stop was clicked during this run. */
  get clicked(): boolean {
    return this.requested;
  }

  /** Training ended: the button can no longer be used. */
  finish(): void {
    if (!this.button) return;
    this.button.description = this.stoppedAt ? "Stopped" : "Finished";
    this.button.disabled = true;
  }
}
