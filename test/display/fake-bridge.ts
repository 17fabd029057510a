/**
 * A display bridge that records what the library sends, for tests.
 */
import { setDisplayBridge, type DisplayBridge, type DisplayOptions, type MimeBundle } from "../../src/display/registry";

/** One message the library sent. */
export interface Sent {
  bundle: MimeBundle;
  displayId: string | undefined;
  update: boolean;
}

/** A recording bridge; `install()` makes it the current one, `uninstall()` removes it. */
export class FakeBridge implements DisplayBridge {
  readonly sent: Sent[] = [];
  cleared = 0;
  constructor(readonly rich: boolean) {}

  display(bundle: MimeBundle, options: DisplayOptions & { update: boolean }): void {
    this.sent.push({ bundle, displayId: options.displayId, update: options.update });
  }

  clearOutput(): void {
    this.cleared += 1;
  }

  install(): this {
    setDisplayBridge(this);
    return this;
  }

  uninstall(): void {
    setDisplayBridge(undefined);
  }

  /** Messages that created outputs (display_data). */
  get displays(): Sent[] {
    return this.sent.filter((s) => !s.update);
  }

  /** Messages that replaced outputs (update_display_data). */
  get updates(): Sent[] {
    return this.sent.filter((s) => s.update);
  }
}
