import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  type AsyncDisplayable,
  DisplayError,
  JUPYTER_DISPLAY,
  type MimeBundle,
  clearOutput,
  display,
  mimeBundleOf,
  setDisplayBridge,
  updateDisplay,
} from "../../src/display/registry";
import { createDisplayBridge, installDisplayBridge, jupyterData, resultData } from "../../kernel/display-bridge";
import type { Content } from "../../kernel/wire";

const displayable = (html: string) => ({
  [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": "card" }),
});

afterEach(() => setDisplayBridge(undefined));

test("the library's display, updateDisplay and clearOutput become iopub messages through the bridge", () => {
  const sent: Array<[string, Content]> = [];
  const uninstall = installDisplayBridge((type, content) => sent.push([type, content]));
  try {
    display(displayable("<b>1</b>"), { displayId: "p" });
    updateDisplay(displayable("<b>2</b>"), "p");
    clearOutput({ wait: true });
    display("plain");
  } finally {
    uninstall();
  }
  assert.deepEqual(sent, [
    [
      "display_data",
      { data: { "text/html": "<b>1</b>", "text/plain": "card" }, metadata: {}, transient: { display_id: "p" } },
    ],
    [
      "update_display_data",
      { data: { "text/html": "<b>2</b>", "text/plain": "card" }, metadata: {}, transient: { display_id: "p" } },
    ],
    ["clear_output", { wait: true }],
    ["display_data", { data: { "text/plain": "plain" }, metadata: {}, transient: {} }],
  ]);
});

test("tslab's display API goes through the kernel too", () => {
  const sent: Array<[string, Content]> = [];
  const uninstall = installDisplayBridge((type, content) => sent.push([type, content]));
  try {
    const tslab = require("tslab") as { display: { html(s: string): void } };
    tslab.display.html("<p>x</p>");
  } finally {
    uninstall();
  }
  assert.equal(sent[0][0], "display_data");
  assert.deepEqual((sent[0][1] as { data: unknown }).data, { "text/html": "<p>x</p>" });
});

test("an update without a display id is an error, not a silent new output", () => {
  const bridge = createDisplayBridge(() => assert.fail("nothing must be sent"));
  assert.throws(() => bridge.display({ "text/plain": "x" }, { update: true }), /needs a displayId/);
});

test("binary MIME data is base64, and text/plain is always present", () => {
  assert.deepEqual(jupyterData({ "image/png": new Uint8Array([137, 80, 78, 71]) }), {
    "image/png": "iVBORw==",
    "text/plain": "<image/png>",
  });
  assert.deepEqual(jupyterData({ "text/plain": ["a"] }), { "text/plain": "[ 'a' ]" });
});

test("a cell's last value: its own bundle first, else util.inspect text", async () => {
  assert.deepEqual(await resultData(displayable("<i>v</i>")), { "text/html": "<i>v</i>", "text/plain": "card" });
  assert.deepEqual(await resultData(42), { "text/plain": "42" });
  assert.deepEqual(await resultData("s"), { "text/plain": "'s'" });
  assert.deepEqual(await resultData({ a: [1, 2] }), { "text/plain": "{ a: [ 1, 2 ] }" });
  assert.deepEqual(await resultData(new Map([["k", 1]])), { "text/plain": "Map(1) { 'k' => 1 }" });
});

/** A value whose bundle arrives after `ms` (`bundle` may be a wrong one, for the error tests). */
const later = (bundle: unknown, ms = 20): AsyncDisplayable => ({
  [JUPYTER_DISPLAY]: () => new Promise<MimeBundle>((resolve) => setTimeout(() => resolve(bundle as MimeBundle), ms)),
});

test("a cell's last value whose display method returns a promise shows the bundle it resolves to", async () => {
  assert.deepEqual(await resultData(later({ "text/html": "<b>late</b>", "text/plain": "late" })), {
    "text/html": "<b>late</b>",
    "text/plain": "late",
  });
});

test("a display method's rejected promise is a DisplayError that names the cause", async () => {
  const failing = { [Symbol.for("Jupyter.display")]: () => Promise.reject(new RangeError("no data yet")) };
  await assert.rejects(resultData(failing), (e: Error) => {
    assert.ok(e instanceof DisplayError);
    assert.match(e.message, /returned a promise that rejected: RangeError: no data yet/);
    return true;
  });
  await assert.rejects(resultData(later(null)), /must resolve to a MIME bundle object .*, got null/);
});

test("display() and updateDisplay() await a promised bundle and publish it for the cell that called them", async () => {
  const sent: Array<[string, Content]> = [];
  const uninstall = installDisplayBridge((type, content) => sent.push([type, content]));
  try {
    const shown = display(later({ "text/plain": "first" }), { displayId: "d" });
    assert.ok(shown instanceof Promise);
    assert.deepEqual(sent, [], "nothing is sent before the bundle exists");
    await shown;
    await updateDisplay(later({ "text/plain": "second" }), "d");
  } finally {
    uninstall();
  }
  assert.deepEqual(sent, [
    ["display_data", { data: { "text/plain": "first" }, metadata: {}, transient: { display_id: "d" } }],
    ["update_display_data", { data: { "text/plain": "second" }, metadata: {}, transient: { display_id: "d" } }],
  ]);
});

test("the synchronous mimeBundleOf refuses a promised bundle with a DisplayError that says what to call", () => {
  assert.throws(() => mimeBundleOf(later({ "text/plain": "x" })), /returned a promise: await mimeBundleOfAsync/);
});
