/**
 * Display under the stock tslab kernel: when no tslab-dl kernel installed a
 * bridge, `display()` and `updateDisplay()` go through tslab's own display
 * hook (`lastWriteDisplayData` in `tslab/dist/jupyter`, which tslab points at
 * the running cell), so rich outputs still appear. tslab has no way to send
 * `clear_output`, so `clearOutput()` does nothing there. In a plain Node
 * script no tslab is running and the registry prints `text/plain`.
 *
 * Registered when the library loads (`src/display/index.ts` imports this file).
 */
import { DisplayBridge, jsonMimeData, registerBridgeFallback } from "./registry";

interface TslabDisplayData {
  data: { [mime: string]: unknown };
  metadata: { [key: string]: unknown };
  transient: { display_id?: string };
}

/** The part of `tslab/dist/jupyter` used here. */
export interface TslabJupyterModule {
  lastWriteDisplayData: ((data: TslabDisplayData, update: boolean) => void) | null;
}

const TSLAB_JUPYTER_FILE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * A bridge writing through a tslab `jupyter` module's display hook.
 *
 * @example
 * const bridge = bridgeThroughTslab(require("tslab/dist/jupyter"));
 * bridge.display({ "text/html": "<b>hi</b>", "text/plain": "hi" }, { update: false });
 */
export function bridgeThroughTslab(jupyter: TslabJupyterModule): DisplayBridge {
  return {
    rich: true,
    display(bundle, options) {
      const write = jupyter.lastWriteDisplayData;
      if (!write)
        throw new Error("tslab's display is not ready: display() must be called while a cell runs in a tslab kernel");
      write(
        {
          data: jsonMimeData(bundle),
          metadata: options.metadata ?? {},
          transient: options.displayId ? { display_id: options.displayId } : {},
        },
        options.update,
      );
    },
    clearOutput() {
      // tslab cannot send clear_output; the output stays.
    },
  };
}

/**
 * The bridge to the tslab kernel running this process, if any: the loaded
 * copy of `tslab/dist/jupyter` whose display hook is set (tslab may run from
 * another folder than the one this library would resolve).
 *
 * @example
 * tslabBridge(); // → a bridge inside a stock tslab kernel, undefined in plain Node
 */
export function tslabBridge(cache: NodeJS.Dict<NodeJS.Module> = require.cache): DisplayBridge | undefined {
  for (const [file, mod] of Object.entries(cache)) {
    if (!mod || !TSLAB_JUPYTER_FILE.test(file)) continue;
    const jupyter = mod.exports as Partial<TslabJupyterModule>;
    if (typeof jupyter.lastWriteDisplayData === "function") return bridgeThroughTslab(jupyter as TslabJupyterModule);
  }
  return undefined;
}

registerBridgeFallback(() => tslabBridge());
