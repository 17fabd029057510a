import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { currentBridge, display, setDisplayBridge, updateDisplay } from "../../src/display/registry";
import { TslabJupyterModule, bridgeThroughTslab, tslabBridge } from "../../src/display/tslab-fallback";

const tslabJupyter = require("tslab/dist/jupyter") as TslabJupyterModule;

afterEach(() => {
  tslabJupyter.lastWriteDisplayData = null;
  setDisplayBridge(undefined);
});

test("outside any tslab cell there is no tslab bridge", () => {
  assert.equal(tslabBridge(), undefined);
});

test("under stock tslab, the library's display goes through tslab's display hook", () => {
  const written: Array<[unknown, boolean]> = [];
  tslabJupyter.lastWriteDisplayData = (data, update) => written.push([data, update]);
  setDisplayBridge(undefined);
  assert.ok(currentBridge().rich, "the fallback registered by the library is found");
  display(
    { [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>a</b>", "text/plain": "a" }) },
    { displayId: "d" },
  );
  updateDisplay({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "b" }) }, "d");
  assert.deepEqual(written, [
    [{ data: { "text/html": "<b>a</b>", "text/plain": "a" }, metadata: {}, transient: { display_id: "d" } }, false],
    [{ data: { "text/plain": "b" }, metadata: {}, transient: { display_id: "d" } }, true],
  ]);
});

test("a kernel-installed bridge wins over the tslab fallback", () => {
  tslabJupyter.lastWriteDisplayData = () => assert.fail("tslab must not be used");
  const shown: unknown[] = [];
  setDisplayBridge({ rich: true, display: (bundle) => shown.push(bundle), clearOutput: () => {} });
  display("x");
  assert.deepEqual(shown, [{ "text/plain": "x" }]);
});

test("binary data is base64 for tslab", () => {
  const written: unknown[] = [];
  bridgeThroughTslab({ lastWriteDisplayData: (data) => written.push(data) }).display(
    { "image/png": new Uint8Array([1, 2, 3]) },
    { update: false },
  );
  assert.deepEqual(written, [{ data: { "image/png": "AQID" }, metadata: {}, transient: {} }]);
});

test("in plain Node, display prints the text/plain form", () => {
  const printed: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    display({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>h</b>", "text/plain": "plain form" }) });
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(printed, ["plain form\n"]);
});
