/**
 * Widget state sync, checked on the messages the kernel's real comm manager
 * publishes and on front-end messages in both protocol generations.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { JUPYTER_DISPLAY, display, setDisplayBridge } from "../../src/display/registry";
import {
  Button,
  Dropdown,
  FloatSlider,
  HBox,
  IntSlider,
  Output,
  WIDGET_VIEW_MIME,
  interactive,
  type Widget,
} from "../../src/widgets";
import { FakeFrontEnd } from "./front-end";

let fe: FakeFrontEnd | undefined;
afterEach(() => {
  fe?.uninstall();
  fe = undefined;
  setDisplayBridge(undefined);
});

function open(widget: Widget) {
  const content = fe!.opened(widget.modelId);
  assert.ok(content, "the widget opened a comm");
  return content as { target_name: string; data: Record<string, unknown>; metadata: Record<string, unknown> };
}

test("a slider opens a jupyter.widget comm whose data both protocol generations read", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ value: 12.4, max: 9, description: "i" });
  const { target_name, data, metadata } = open(slider);
  assert.equal(target_name, "jupyter.widget");
  assert.deepEqual(metadata, { version: "2.1.0" });
  // Protocol 1 (Debian's jupyter-js-widgets 2.1): the flat data is the state.
  assert.equal(data._model_module, "jupyter-js-widgets");
  assert.equal(data._model_module_version, "~2.1.4");
  assert.equal(data._model_name, "IntSliderModel");
  assert.equal(data._view_name, "IntSliderView");
  assert.equal(data.value, 9, "the value is clamped to max");
  // Protocol 2 (ipywidgets 8 front ends): data.state.
  const state = data.state as Record<string, unknown>;
  assert.equal(state._model_module, "@jupyter-widgets/controls");
  assert.equal(state._model_module_version, "2.0.0");
  assert.equal(state._model_name, "IntSliderModel");
  assert.equal(state.value, 9);
  assert.equal(state.description, "i");
  assert.deepEqual(data.buffer_paths, []);
});

test("setting a value in the kernel sends only that key as an update", () => {
  fe = new FakeFrontEnd();
  const slider = new FloatSlider({ value: 0.5, max: 1 });
  slider.value = 0.75;
  assert.deepEqual(fe.commData(slider.modelId), [
    { method: "update", state: { value: 0.75 }, buffers: [], buffer_paths: [] },
  ]);
  slider.value = 0.75;
  assert.equal(fe.commData(slider.modelId).length, 1, "an unchanged value is not sent again");
});

test("a protocol 1 front-end sync changes the value and calls observers, without an echo", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ max: 10 });
  const seen: unknown[] = [];
  slider.observe((c) => seen.push([c.old, c.new]), "value");
  fe.send(slider.modelId, { method: "backbone", sync_data: { value: 7 }, buffer_keys: [] });
  assert.equal(slider.value, 7);
  assert.deepEqual(seen, [[0, 7]]);
  assert.deepEqual(fe.commData(slider.modelId), []);
});

test("a protocol 2 update is echoed as echo_update under the front end's message", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ max: 10 });
  const id = fe.send(slider.modelId, { method: "update", state: { value: 99 }, buffer_paths: [] });
  assert.equal(slider.value, 10, "values from the front end are clamped too");
  const echo = fe.published.filter((p) => p.type === "comm_msg").at(-1)!;
  assert.equal(echo.parent, id);
  assert.deepEqual(echo.content.data, { method: "echo_update", state: { value: 99 }, buffers: [], buffer_paths: [] });
});

test("request_state is answered with the whole state, with the model names of the front end's generation", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ value: 3, max: 5 });
  fe.send(slider.modelId, { method: "request_state" });
  const [update] = fe.commData(slider.modelId);
  assert.equal(update.method, "update");
  const state = update.state as Record<string, unknown>;
  assert.equal(state.value, 3);
  assert.equal(state.max, 5);
  assert.equal(state._model_name, "IntSliderModel");
  assert.equal(state._model_module, "@jupyter-widgets/controls");

  // A protocol 1 front end announces itself on the version comm; it is told the version it must be.
  fe.openFromFrontEnd("jupyter.widget.version", "version-1");
  assert.deepEqual(fe.commData("version-1"), [{ version: "~2.1.4" }]);
  fe.send(slider.modelId, { method: "request_state" });
  const v1 = fe.commData(slider.modelId).at(-1)!.state as Record<string, unknown>;
  assert.equal(v1._model_module, "jupyter-js-widgets");
  assert.equal(v1._model_module_version, "~2.1.4");
  assert.equal(v1.value, 3);
});

test("a click (custom message) calls the button's handlers", () => {
  fe = new FakeFrontEnd();
  const button = new Button({ description: "Go" });
  let clicks = 0;
  button.onClick(() => clicks++);
  fe.send(button.modelId, { method: "custom", content: { event: "click" } });
  fe.send(button.modelId, { method: "custom", content: { event: "other" } });
  assert.equal(clicks, 1);
});

test("a dropdown selects by label in protocol 1 and by index in protocol 2", () => {
  fe = new FakeFrontEnd();
  const pick = new Dropdown({
    options: [
      ["Adam", "adam"],
      ["SGD", "sgd"],
      ["RMSprop", "rmsprop"],
    ] as const,
  });
  const { data } = open(pick);
  assert.equal(data.value, "Adam");
  assert.deepEqual(data._options_labels, ["Adam", "SGD", "RMSprop"]);
  assert.equal((data.state as Record<string, unknown>).index, 0);
  fe.send(pick.modelId, { method: "backbone", sync_data: { value: "SGD" } });
  assert.equal(pick.value, "sgd");
  fe.send(pick.modelId, { method: "update", state: { index: 2 } });
  assert.equal(pick.value, "rmsprop");
  pick.value = "adam";
  assert.deepEqual(fe.commData(pick.modelId).at(-1)!.state, { index: 0, value: "Adam" });
  assert.throws(() => (pick.value = "nadam" as "adam"), {
    name: "WidgetError",
    message: /"nadam" is not among the options/,
  });
});

test("displaying a live widget sends the view MIME type, a static fallback, and protocol 1's display message", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ value: 4, max: 9, description: "epoch" });
  display(slider);
  const out = fe.published.find((p) => p.type === "display_data")!;
  const data = out.content.data as Record<string, unknown>;
  assert.deepEqual(data[WIDGET_VIEW_MIME], { model_id: slider.modelId, version_major: 2, version_minor: 0 });
  assert.equal(data["text/plain"], "IntSlider(value=4, min=0, max=9, step=1, description='epoch')");
  assert.match(String(data["text/html"]), /<input type="range" min="0" max="9" step="1" value="4" disabled>/);
  assert.deepEqual(fe.commData(slider.modelId), [{ method: "display" }]);
});

test("outside a kernel a widget has no comm and shows only its static form", () => {
  const slider = new IntSlider({ value: 2 });
  assert.equal(slider.live, false);
  const bundle = slider[JUPYTER_DISPLAY]();
  assert.equal(WIDGET_VIEW_MIME in bundle, false);
  assert.equal(bundle["text/plain"], "IntSlider(value=2, min=0, max=100, step=1)");
  slider.value = 5;
  assert.equal(slider.value, 5);
});

test("an Output captures what is displayed into it under its own msg_id, and keeps it as its static form", () => {
  fe = new FakeFrontEnd();
  const out = new Output();
  const msgId = `tslab-dl-output-${out.modelId}`;
  assert.deepEqual(fe.commData(out.modelId), [
    { method: "update", state: { msg_id: msgId }, buffers: [], buffer_paths: [] },
  ]);
  out.clear(true);
  out.display({ [JUPYTER_DISPLAY]: () => ({ "text/html": "<b>hi</b>", "text/plain": "hi" }) });
  const routed = fe.published.filter((p) => p.parent === msgId).map((p) => [p.type, p.content]);
  assert.deepEqual(routed, [
    ["clear_output", { wait: true }],
    ["display_data", { data: { "text/html": "<b>hi</b>", "text/plain": "hi" }, metadata: {}, transient: {} }],
  ]);
  assert.equal(out.staticBundle()["text/html"], '<div class="tslab-dl-output"><b>hi</b></div>');
  // Protocol 2 front ends read the `outputs` state instead.
  assert.deepEqual(fe.commData(out.modelId).at(-1)!.state, {
    outputs: [{ output_type: "display_data", data: { "text/html": "<b>hi</b>", "text/plain": "hi" }, metadata: {} }],
  });
  out.clear();
  assert.deepEqual(fe.commData(out.modelId).at(-1)!.state, { outputs: [] });
  assert.deepEqual(out.outputs, []);
});

test("a box lists its children as model references", () => {
  fe = new FakeFrontEnd();
  const a = new Button({ description: "a" });
  const b = new IntSlider();
  const box = new HBox([a, b]);
  assert.deepEqual(open(box).data.children, [`IPY_MODEL_${a.modelId}`, `IPY_MODEL_${b.modelId}`]);
  assert.equal(open(box).data._model_name, "HBoxModel");
});

test("interactive re-runs the function when the front end moves a control and replaces the output", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ value: 1, max: 5 });
  const box = interactive(({ n }) => `n squared is ${n * n}`, { n: slider });
  const out = box.children[1] as Output;
  assert.deepEqual(out.outputs, [{ "text/plain": "n squared is 1" }]);
  fe.send(slider.modelId, { method: "backbone", sync_data: { value: 4 } });
  assert.deepEqual(out.outputs, [{ "text/plain": "n squared is 16" }]);
  const routed = fe.published.filter((p) => p.parent === `tslab-dl-output-${out.modelId}`);
  assert.deepEqual(routed.at(-1)!.content.data, { "text/plain": "n squared is 16" });
  assert.equal(routed.at(-2)!.type, "clear_output");
});

test("interactive shows an error of the function in its output and keeps working", () => {
  fe = new FakeFrontEnd();
  const slider = new IntSlider({ value: 1, max: 5 });
  const box = interactive(
    ({ n }) => {
      if (n === 3) throw new RangeError("three is not allowed");
      return n;
    },
    { n: slider },
  );
  const out = box.children[1] as Output;
  slider.value = 3;
  assert.match(String(out.outputs[0]["text/plain"]), /RangeError in interactive: three is not allowed/);
  slider.value = 2;
  assert.deepEqual(out.outputs, [{ "text/plain": "2" }]);
});
