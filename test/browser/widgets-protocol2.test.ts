/**
 * Protocol 2 (ipywidgets 8: JupyterLab, VS Code) has no front end on this
 * machine to run a kernel against, but its widget code is on npm:
 * `@jupyter-widgets/html-manager` renders saved widget state with the same
 * `@jupyter-widgets/controls` 2.0.0 models JupyterLab uses. The state our
 * widgets send in `comm_open` (`data.state`) is rendered by it in headless
 * Chromium, and every control must show its value.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import {
  Button,
  Checkbox,
  Dropdown,
  FloatSlider,
  HBox,
  IntSlider,
  Label,
  Progress,
  VBox,
  interactive,
} from "../../src/widgets";
import { FakeFrontEnd } from "../widgets/front-end";

const REPO = resolve(__dirname, "../../..");
const ARTIFACTS = join(REPO, "test-artifacts");
const CHROMIUM = "/usr/bin/chromium";

function embedScript(): string | undefined {
  try {
    return require.resolve("@jupyter-widgets/html-manager/dist/embed.js");
  } catch {
    return undefined;
  }
}

const embed = embedScript();
const skip = !existsSync(CHROMIUM)
  ? "needs /usr/bin/chromium"
  : embed
    ? undefined
    : "needs the devDependency @jupyter-widgets/html-manager (npm ci)";

let work = "";
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test(
  "ipywidgets 8's own controls render the protocol 2 state our widgets open with",
  { skip, timeout: 120_000 },
  async () => {
    const fe = new FakeFrontEnd();
    const n = new IntSlider({ value: 3, description: "n" });
    const square = interactive(
      ({ n }) => ({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": `<b class="square">${n * n}</b>` }) }),
      { n },
    );
    const box = new VBox([
      new HBox([
        new IntSlider({ value: 7, max: 9, description: "int" }),
        new FloatSlider({ value: 0.3, max: 1, description: "float" }),
      ]),
      new Dropdown({ options: ["adam", "sgd"], value: "sgd", description: "optimizer" }),
      new Button({ description: "Stop", buttonStyle: "danger" }),
      new Checkbox({ value: true, description: "augment" }),
      new Label("a label"),
      new Progress({ value: 40, description: "progress" }),
      square,
    ]);
    n.value = 4; // the Output's `outputs` state follows
    fe.uninstall();
    // The state a protocol 2 front end ends with (as nbclient saves it): the opening state, then each update.
    const state: Record<
      string,
      { model_name: string; model_module: string; model_module_version: string; state: object }
    > = {};
    for (const msg of fe.published.filter((p) => p.type === "comm_open" || p.type === "comm_msg")) {
      const id = String(msg.content.comm_id);
      const s = (msg.content.data as { state?: Record<string, string> }).state;
      if (!s) continue;
      if (msg.type === "comm_open") {
        state[id] = {
          model_name: s._model_name,
          model_module: s._model_module,
          model_module_version: s._model_module_version,
          state: s,
        };
      } else {
        Object.assign(state[id].state, s);
      }
    }
    work = mkdtempSync(join(tmpdir(), "tslab-dl-widgets-v2-"));
    const page = join(work, "widgets.html");
    writeFileSync(
      page,
      `<!doctype html><html><head><script src="file://${embed}"></script>` +
        `<script type="application/vnd.jupyter.widget-state+json">${JSON.stringify({ version_major: 2, version_minor: 0, state })}</script>` +
        `</head><body><script type="application/vnd.jupyter.widget-view+json">` +
        `${JSON.stringify({ version_major: 2, version_minor: 0, model_id: box.modelId })}</script></body></html>`,
    );

    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    const errors: string[] = [];
    try {
      const p = await browser.newPage({ viewport: { width: 800, height: 400 } });
      p.on("pageerror", (e) => errors.push(e.message));
      p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await p.goto(`file://${page}`, { waitUntil: "load" });
      await p.locator(".widget-hprogress").waitFor({ state: "visible", timeout: 30_000 });
      mkdirSync(ARTIFACTS, { recursive: true });
      await p.screenshot({ path: join(ARTIFACTS, "widgets-protocol2.png") });
      const readouts = await p.locator(".widget-readout").allTextContents();
      assert.deepEqual(
        readouts.map((t) => t.trim()),
        ["7", "0.30", "4"],
      );
      assert.equal(await p.locator(".widget-dropdown select").inputValue(), "sgd");
      assert.equal((await p.locator("button.jupyter-button").textContent())?.trim(), "Stop");
      assert.match((await p.locator("button.jupyter-button").getAttribute("class")) ?? "", /mod-danger/);
      assert.equal(await p.locator(".widget-checkbox input").isChecked(), true);
      assert.equal((await p.locator("div.widget-inline-hbox.widget-label").textContent())?.trim(), "a label");
      const width = await p.locator(".widget-hprogress .progress-bar").evaluate((e) => (e as HTMLElement).style.width);
      assert.equal(width, "40%");
      assert.equal(
        (await p.locator(".widget-output .square").textContent())?.trim(),
        "16",
        "the Output (@jupyter-widgets/output 1.0.0) shows its outputs state: the result for the slider's latest value",
      );
      assert.deepEqual(errors, [], "the widget manager reported no error");
    } finally {
      await browser.close();
    }
  },
);
