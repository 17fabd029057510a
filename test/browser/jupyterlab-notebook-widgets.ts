/**
 * ipywidgets 8 in the JupyterLab notebook page: `@jupyter-widgets/jupyterlab-manager`'s own
 * WidgetManager for the notebook's context, with the base, controls and output modules
 * registered and its renderer put in the panel's rendermime registry, as the manager's
 * JupyterLab plugin does (the plugin itself needs a JupyterLab application to start).
 */
import * as base from "@jupyter-widgets/base";
import * as controls from "@jupyter-widgets/controls";
import { WIDGET_VIEW_MIMETYPE, WidgetManager } from "@jupyter-widgets/jupyterlab-manager/lib/manager";
import { OUTPUT_WIDGET_VERSION, OutputModel, OutputView } from "@jupyter-widgets/jupyterlab-manager/lib/output";
import { WidgetRenderer } from "@jupyter-widgets/jupyterlab-manager/lib/renderer";
import type { NotebookPanel } from "@jupyterlab/notebook";

/** Give `panel` a widget manager; returns it. */
export function attachWidgetManager(panel: NotebookPanel): WidgetManager {
  const rendermime = panel.content.rendermime;
  const manager = new WidgetManager(panel.context, rendermime, { saveState: false });
  manager.register({
    name: "@jupyter-widgets/base",
    version: base.JUPYTER_WIDGETS_VERSION,
    exports: {
      WidgetModel: base.WidgetModel,
      WidgetView: base.WidgetView,
      DOMWidgetView: base.DOMWidgetView,
      DOMWidgetModel: base.DOMWidgetModel,
      LayoutModel: base.LayoutModel,
      LayoutView: base.LayoutView,
      StyleModel: base.StyleModel,
      StyleView: base.StyleView,
      ErrorWidgetView: base.ErrorWidgetView,
    } as unknown as base.ExportMap,
  });
  manager.register({
    name: "@jupyter-widgets/controls",
    version: controls.JUPYTER_CONTROLS_VERSION,
    exports: controls as unknown as base.ExportMap,
  });
  manager.register({
    name: "@jupyter-widgets/output",
    version: OUTPUT_WIDGET_VERSION,
    exports: { OutputModel, OutputView } as unknown as base.ExportMap,
  });
  rendermime.removeMimeType(WIDGET_VIEW_MIMETYPE);
  rendermime.addFactory(
    {
      safe: false,
      mimeTypes: [WIDGET_VIEW_MIMETYPE],
      createRenderer: (options) => new WidgetRenderer(options, manager),
    },
    -10,
  );
  return manager;
}
