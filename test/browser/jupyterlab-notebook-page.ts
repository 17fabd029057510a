/**
 * A JupyterLab 4 notebook page for jupyterlab-notebook.test.ts, bundled for Chromium with esbuild
 * at test time and served by the test's Jupyter server: JupyterLab's service manager (the
 * server's REST and WebSocket API, with the page config's token), document manager, notebook
 * panel with its toolbar's interrupt button, rendermime registry (standard renderers and the
 * JavaScript extension's), CodeMirror editor, completer and tooltip (jupyterlab-notebook-editor.ts)
 * and ipywidgets 8 (jupyterlab-notebook-widgets.ts). The test drives it through `window.lab`.
 */
import { SessionContextDialogs, Sanitizer } from "@jupyterlab/apputils";
import { DocumentManager } from "@jupyterlab/docmanager";
import { DocumentRegistry } from "@jupyterlab/docregistry";
import { rendererFactory as javascriptRendererFactory } from "@jupyterlab/javascript-extension";
import type { IOutput } from "@jupyterlab/nbformat";
import {
  NotebookActions,
  NotebookModelFactory,
  NotebookPanel,
  NotebookWidgetFactory,
  StaticNotebook,
} from "@jupyterlab/notebook";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { ToolbarButton, stopIcon } from "@jupyterlab/ui-components";
import { CommandRegistry } from "@lumino/commands";
import { Widget } from "@lumino/widgets";
import { editorHelp, editorServices } from "./jupyterlab-notebook-editor";
import { notebookServerServices } from "./jupyterlab-notebook-server";
import { attachWidgetManager } from "./jupyterlab-notebook-widgets";

/** A cell as the page's notebook model holds it. */
export interface LabCell {
  type: string;
  source: string;
  executionCount: number | null;
  outputs: IOutput[];
}

/** What the page offers the test, as `window.lab`. */
export interface LabNotebookPage {
  /** Open the notebook at `path` (relative to the server's root) and wait for its kernel. */
  open(path: string): Promise<{ kernel: string; cells: number }>;
  /** Run cell `index` (as the run button does); `finished(index)` waits for it. */
  run(index: number): void;
  /** Whether the last run of cell `index` ended without an error, once it has ended. */
  finished(index: number): Promise<boolean>;
  /** The notebook model's cells. */
  cells(): LabCell[];
  /** How many iopub messages of each type the kernel connection has seen. */
  messages(): { [msgType: string]: number };
  /** Make cell `index` active, in edit mode, its editor focused with the cursor at `offset`. */
  edit(index: number, offset: number): void;
  /** Shut the kernel down. */
  shutdown(): Promise<void>;
}

const commands = new CommandRegistry();
document.addEventListener("keydown", (event) => commands.processKeydownEvent(event), true);

const rendermime = new RenderMimeRegistry({
  initialFactories: [...standardRendererFactories, javascriptRendererFactory],
  sanitizer: new Sanitizer(),
});
const services = notebookServerServices();
const registry = new DocumentRegistry();
const documents = new DocumentManager({
  registry,
  manager: services,
  opener: {
    open: () => undefined,
    get opened() {
      return { connect: () => false, disconnect: () => false } as never;
    },
  },
});
const editor = editorServices();
registry.addModelFactory(new NotebookModelFactory({}));
registry.addWidgetFactory(
  new NotebookWidgetFactory({
    name: "Notebook",
    modelName: "notebook",
    fileTypes: ["notebook"],
    defaultFor: ["notebook"],
    preferKernel: true,
    canStartKernel: true,
    rendermime,
    contentFactory: new NotebookPanel.ContentFactory({ editorFactory: editor.factory.newInlineEditor }),
    mimeTypeService: editor.mimeTypes,
    // Every cell in the DOM, as the classic Notebook has it (the test looks at all outputs).
    notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: "none" },
    toolbarFactory: (panel: NotebookPanel) => [
      {
        name: "interrupt",
        widget: new ToolbarButton({
          icon: stopIcon,
          tooltip: "Interrupt the kernel",
          onClick: () => void panel.sessionContext.session?.kernel?.interrupt(),
        }),
      },
    ],
  }),
);

let panel: NotebookPanel | undefined;
const runs = new Map<number, Promise<boolean>>();
const counts: { [msgType: string]: number } = {};

function current(): NotebookPanel {
  if (!panel) throw new Error("no notebook is open: call lab.open(path) first");
  return panel;
}

const lab: LabNotebookPage = {
  async open(path) {
    await services.ready;
    panel = documents.open(path) as NotebookPanel;
    panel.id = "notebook";
    attachWidgetManager(panel);
    editorHelp(panel, commands, rendermime);
    Widget.attach(panel, document.body);
    window.addEventListener("resize", () => panel?.update());
    await panel.context.ready;
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel) throw new Error(`no kernel started for ${path}`);
    kernel.iopubMessage.connect((_, msg) => {
      counts[msg.header.msg_type] = (counts[msg.header.msg_type] ?? 0) + 1;
    });
    return { kernel: kernel.name, cells: panel.content.widgets.length };
  },
  run(index) {
    const p = current();
    const cell = p.content.widgets[index];
    if (!cell) throw new Error(`no cell ${index}: the notebook has ${p.content.widgets.length}`);
    p.content.activeCellIndex = index;
    runs.set(index, NotebookActions.runCells(p.content, [cell], p.sessionContext, new SessionContextDialogs()));
  },
  finished(index) {
    const run = runs.get(index);
    if (!run) throw new Error(`cell ${index} was not run`);
    return run;
  },
  cells() {
    return current().content.widgets.map((cell) => {
      const json = cell.model.toJSON() as { execution_count?: number | null; outputs?: IOutput[] };
      return {
        type: cell.model.type,
        source: cell.model.sharedModel.getSource(),
        executionCount: json.execution_count ?? null,
        outputs: json.outputs ?? [],
      };
    });
  },
  messages: () => ({ ...counts }),
  edit(index, offset) {
    const p = current();
    p.content.activeCellIndex = index;
    p.content.mode = "edit";
    const cellEditor = p.content.widgets[index].editor!;
    cellEditor.focus();
    cellEditor.setCursorPosition(cellEditor.getPositionAt(offset)!);
  },
  async shutdown() {
    await current().sessionContext.shutdown();
  },
};

(window as unknown as { lab: LabNotebookPage }).lab = lab;

// By hand (jupyterlab-serve.ts): `lab.html?path=en/07-3-regularization.ipynb` opens that notebook.
const opened = new URLSearchParams(location.search).get("path");
if (opened) void lab.open(opened);
