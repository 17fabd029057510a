/**
 * The editor side of the JupyterLab notebook page (jupyterlab-notebook-page.ts): CodeMirror 6
 * bound to the cells' shared models, as JupyterLab's codemirror-extension sets it up; Tab
 * completion from the kernel (JupyterLab's completer with its kernel provider); Shift-Tab help
 * (JupyterLab's tooltip widget over the kernel's inspect reply, as tooltip-extension launches it).
 */
import {
  CodeMirrorEditorFactory,
  CodeMirrorMimeTypeService,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding,
} from "@jupyterlab/codemirror";
import {
  Completer,
  CompleterModel,
  CompletionHandler,
  KernelCompleterProvider,
  ProviderReconciliator,
} from "@jupyterlab/completer";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { Tooltip } from "@jupyterlab/tooltip";
import type { CommandRegistry } from "@lumino/commands";
import { Widget } from "@lumino/widgets";

type YBindingOptions = Parameters<typeof ybinding>[0];

/** CodeMirror as JupyterLab configures it: default extensions and themes, every default language. */
export function editorServices(): { factory: CodeMirrorEditorFactory; mimeTypes: CodeMirrorMimeTypeService } {
  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) languages.addLanguage(language);
  const themes = new EditorThemeRegistry();
  for (const theme of EditorThemeRegistry.getDefaultThemes()) themes.addTheme(theme);
  const extensions = new EditorExtensionRegistry();
  for (const extension of EditorExtensionRegistry.getDefaultExtensions({ themes })) extensions.addExtension(extension);
  // What the editor shows is the cell's shared text (JupyterLab's own binding, without which
  // typing in a cell never reaches the model the kernel runs).
  extensions.addExtension({
    name: "shared-model-binding",
    factory: (options) => {
      const shared = options.model.sharedModel as unknown as {
        ysource: YBindingOptions["ytext"];
        undoManager?: YBindingOptions["undoManager"] | null;
      };
      return EditorExtensionRegistry.createImmutableExtension(
        ybinding({ ytext: shared.ysource, undoManager: shared.undoManager ?? undefined }),
      );
    },
  });
  return {
    factory: new CodeMirrorEditorFactory({ extensions, languages }),
    mimeTypes: new CodeMirrorMimeTypeService(languages),
  };
}

/**
 * Tab completion and Shift-Tab help in `panel`'s code cells, bound to keys in `commands`
 * as JupyterLab binds them (Tab where the completer is enabled, Shift Tab in edit mode).
 */
export function editorHelp(panel: NotebookPanel, commands: CommandRegistry, rendermime: IRenderMimeRegistry): void {
  const completer = new Completer({ model: new CompleterModel() });
  const handler = new CompletionHandler({
    completer,
    reconciliator: new ProviderReconciliator({ context: { widget: panel }, providers: [], timeout: 1000 }),
  });
  const follow = (): void => {
    const editor = panel.content.activeCell?.editor ?? null;
    handler.editor = editor;
    handler.reconciliator = new ProviderReconciliator({
      context: { widget: panel, editor, session: panel.sessionContext.session },
      providers: [new KernelCompleterProvider()],
      // JupyterLab's default provider timeout (the completer's "providerTimeout" setting).
      timeout: 1000,
    });
  };
  panel.content.activeCellChanged.connect(follow);
  panel.sessionContext.kernelChanged.connect(follow);
  void panel.sessionContext.ready.then(follow);
  completer.hide();
  Widget.attach(completer, document.body);

  let tooltip: Tooltip | undefined;
  commands.addCommand("completer:invoke-notebook", {
    execute: () => {
      if (panel.content.activeCell?.model.type === "code") handler.invoke();
    },
  });
  commands.addCommand("completer:select-notebook", { execute: () => handler.completer.selectActive() });
  commands.addCommand("tooltip:launch-notebook", {
    execute: async () => {
      const editor = panel.content.activeCell?.editor;
      const kernel = panel.sessionContext.session?.kernel;
      if (!editor || !kernel) return;
      tooltip?.dispose();
      const code = editor.model.sharedModel.getSource();
      const cursor = editor.getOffsetAt(editor.getCursorPosition());
      const reply = await kernel.requestInspect({ code, cursor_pos: cursor, detail_level: 0 });
      const content = reply.content;
      if (content.status !== "ok" || !content.found) return;
      tooltip = new Tooltip({ anchor: panel.content, bundle: content.data, editor, rendermime });
      Widget.attach(tooltip, document.body);
    },
  });
  commands.addKeyBinding({
    selector: ".jp-Notebook.jp-mod-editMode .jp-mod-completer-enabled",
    keys: ["Tab"],
    command: "completer:invoke-notebook",
  });
  commands.addKeyBinding({
    selector: ".jp-mod-completer-active",
    keys: ["Enter"],
    command: "completer:select-notebook",
  });
  commands.addKeyBinding({
    selector: ".jp-Notebook.jp-mod-editMode:not(.jp-mod-completer-active)",
    keys: ["Shift Tab"],
    command: "tooltip:launch-notebook",
  });
}
