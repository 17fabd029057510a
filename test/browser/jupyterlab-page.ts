/**
 * The test page of jupyterlab.test.ts, bundled for Chromium with esbuild at test time: notebook
 * outputs rendered by JupyterLab 4's own code, as a notebook cell shows them — the rendermime
 * registry with the standard renderers and the JavaScript extension's, JupyterLab's sanitizer,
 * and an OutputArea over an OutputAreaModel that is trusted or not.
 */
import { Sanitizer } from "@jupyterlab/apputils";
import { rendererFactory as javascriptRendererFactory } from "@jupyterlab/javascript-extension";
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";

/** A cell's outputs as nbformat has them (JupyterLab's `nbformat.IOutput[]`). */
export type Outputs = NonNullable<NonNullable<ConstructorParameters<typeof OutputAreaModel>[0]>["values"]>;

/** What the page offers the test, as `window.jupyterlab`. */
export interface JupyterLabPage {
  /** Show one cell's outputs in a new output area at the end of the page; returns the area's element id. */
  renderCell(outputs: Outputs, trusted: boolean): string;
}

const rendermime = new RenderMimeRegistry({
  initialFactories: [...standardRendererFactories, javascriptRendererFactory],
  sanitizer: new Sanitizer(),
});

let areas = 0;

const page: JupyterLabPage = {
  renderCell(outputs, trusted) {
    const area = new OutputArea({ model: new OutputAreaModel({ trusted, values: outputs }), rendermime });
    area.id = `cell-${++areas}`;
    OutputArea.attach(area, document.body);
    return area.id;
  },
};

(window as unknown as { jupyterlab: JupyterLabPage }).jupyterlab = page;
