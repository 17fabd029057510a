/**
 * Comms: the manager on its own (what it publishes for each message), then
 * round trips through jupyter_client against the installed kernel.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CommManager, commHandlers } from "../../kernel/comms";
import type { Content, Message } from "../../kernel/wire";
import { FakeFrontEnd } from "../widgets/front-end";
import { KernelDriver, type RunningKernel, jupyterMissing, ofType, repoRoot, startTempKernel } from "./helpers";

const REGISTRY = path.join(repoRoot, "dist", "src", "display", "registry");

interface Sent {
  type: string;
  content: Content;
  parent?: string;
  /** The message's own metadata, when the kernel gives it one. */
  metadata?: Content;
}

const request = (msgType: string, content: Content, id = `${msgType}-1`): Message =>
  FakeFrontEnd.message(msgType, content, id);

/** A reply as it travels (JSON): comm_info's table has no prototype, so a name from the front end finds no Object member. */
const wire = <T>(reply: T): T => JSON.parse(JSON.stringify(reply)) as T;

function manager(): { comms: CommManager; sent: Sent[]; logged: string[] } {
  const sent: Sent[] = [];
  const logged: string[] = [];
  const cell = request("execute_request", {}, "cell-1");
  const comms = new CommManager(
    (type, content, parent, _buffers, metadata) =>
      sent.push({ type, content, parent: parent?.header.msg_id, ...(metadata ? { metadata } : {}) }),
    () => cell,
    (text) => logged.push(text),
  );
  return { comms, sent, logged };
}

describe("CommManager", () => {
  test("a comm the kernel opens is announced with comm_open under the running cell, and listed by comm_info", () => {
    const { comms, sent } = manager();
    const comm = comms.bridge().open("my.target", { a: 1 }, { id: "c1", metadata: { version: "2.1.0" } });
    assert.deepEqual(sent, [
      {
        type: "comm_open",
        content: { comm_id: "c1", target_name: "my.target", data: { a: 1 }, metadata: { version: "2.1.0" } },
        parent: "cell-1",
        // The message's metadata too: where ipykernel puts it and JupyterLab's widget manager reads it.
        metadata: { version: "2.1.0" },
      },
    ]);
    assert.equal(comm.id, "c1");
    assert.deepEqual(wire(comms.info()), { status: "ok", comms: { c1: { target_name: "my.target" } } });
    assert.deepEqual(wire(comms.info("other")), { status: "ok", comms: {} });
  });

  test("a front-end message reaches the comm's handlers, and what they send answers that message", () => {
    const { comms, sent } = manager();
    const comm = comms.bridge().open("t", {}, { id: "c1" });
    comm.onMessage((data) => comm.send({ echo: data }));
    commHandlers(comms).comm_msg(request("comm_msg", { comm_id: "c1", data: { x: 2 } }, "m1"), "shell");
    assert.deepEqual(sent.at(-1), {
      type: "comm_msg",
      content: { comm_id: "c1", data: { echo: { x: 2 } } },
      parent: "m1",
    });
  });

  test("comm_close from the front end calls the close handlers and forgets the comm", () => {
    const { comms } = manager();
    const comm = comms.bridge().open("t", {}, { id: "c1" });
    const closes: Content[] = [];
    comm.onClose((data) => closes.push(data));
    comms.close(request("comm_close", { comm_id: "c1", data: { why: "bye" } }));
    assert.deepEqual(closes, [{ why: "bye" }]);
    assert.deepEqual(wire(comms.info()), { status: "ok", comms: {} });
    assert.throws(() => comm.send({}), { name: "CommError" });
  });

  test("comm_open from the front end goes to its registered target; an unknown target is closed at once", () => {
    const { comms, sent, logged } = manager();
    const opened: Content[] = [];
    comms.bridge().registerTarget("known", (comm, data) => {
      opened.push(data);
      comm.send({ hi: true });
    });
    comms.open(request("comm_open", { comm_id: "f1", target_name: "known", data: { n: 1 } }, "o1"));
    assert.deepEqual(opened, [{ n: 1 }]);
    assert.deepEqual(sent.at(-1), { type: "comm_msg", content: { comm_id: "f1", data: { hi: true } }, parent: "o1" });
    comms.open(request("comm_open", { comm_id: "f2", target_name: "nobody", data: {} }, "o2"));
    assert.deepEqual(sent.at(-1), { type: "comm_close", content: { comm_id: "f2", data: {} }, parent: "o2" });
    assert.match(logged.join("\n"), /unknown target "nobody" \(known: known\)/);
  });

  test("an error in a handler is shown on stderr under the message that caused it", async () => {
    const { comms, sent } = manager();
    const comm = comms.bridge().open("t", {}, { id: "c1" });
    comm.onMessage(() => {
      throw new RangeError("bad value 7");
    });
    comm.onMessage(async () => {
      throw new TypeError("async failure");
    });
    comms.message(request("comm_msg", { comm_id: "c1", data: {} }, "m1"));
    await new Promise((r) => setImmediate(r));
    const errors = sent.filter((s) => s.type === "stream");
    assert.equal(errors.length, 2);
    assert.match(String(errors[0].content.text), /RangeError: bad value 7/);
    assert.match(String(errors[1].content.text), /TypeError: async failure/);
    assert.ok(errors.every((e) => e.parent === "m1" && e.content.name === "stderr"));
  });

  test("outputTo publishes outputs as children of the given message id (how Output widgets capture)", () => {
    const { comms, sent } = manager();
    const out = comms.bridge().outputTo("out-7");
    out.clearOutput(true);
    out.display({ "text/plain": "x" }, { update: false });
    assert.deepEqual(
      sent.map((s) => [s.type, s.parent]),
      [
        ["clear_output", "out-7"],
        ["display_data", "out-7"],
      ],
    );
    assert.deepEqual(sent[1].content.data, { "text/plain": "x" });
  });
});

const missing = jupyterMissing();

describe("comms through jupyter_client", { skip: missing }, () => {
  let running: RunningKernel | undefined;
  let kernel: KernelDriver;

  interface CommAnswer {
    reply: Content | null;
    outputs: Array<{ msg_type: string; content: Content }>;
    cell: { reply: Content; outputs: Array<{ msg_type: string; content: Content }>; states: string[] } | null;
    handled_before_cell_ended: boolean;
  }
  const comm = (msgType: string, content: Content, extra: Content = {}) =>
    kernel.request<CommAnswer>({ op: "comm", msg_type: msgType, content, timeout: 60, ...extra });

  before(async () => {
    running = await startTempKernel();
    kernel = running.kernel;
  });

  after(() => running?.stop());

  test("open from the kernel, message both ways, info, close from the client", async () => {
    const cell = await kernel.execute(
      [
        // The bridge is internal to the library; any copy of the registry reaches the kernel's.
        `import { currentBridge } from ${JSON.stringify(REGISTRY)};`,
        'const echo = currentBridge().comms!.open("test.echo", { hello: 1 }, { id: "echo-1" });',
        "let closedWith: unknown;",
        "echo.onMessage((data) => echo.send({ echo: data }));",
        "echo.onClose((data) => (closedWith = data));",
      ].join("\n"),
    );
    assert.equal(cell.reply.status, "ok", JSON.stringify(cell.reply));
    const [open] = ofType(cell.outputs, "comm_open");
    assert.deepEqual(open.content, { comm_id: "echo-1", target_name: "test.echo", data: { hello: 1 }, metadata: {} });

    const msg = await comm("comm_msg", { comm_id: "echo-1", data: { n: 42 } });
    assert.deepEqual(ofType(msg.outputs, "comm_msg")[0].content, { comm_id: "echo-1", data: { echo: { n: 42 } } });

    const info = await comm("comm_info_request", { target_name: "test.echo" });
    assert.deepEqual(info.reply, { status: "ok", comms: { "echo-1": { target_name: "test.echo" } } });

    await comm("comm_close", { comm_id: "echo-1", data: { reason: "done" } });
    const after = await kernel.execute("JSON.stringify(closedWith)");
    assert.deepEqual(ofType(after.outputs, "execute_result")[0].content.data, { "text/plain": `'{"reason":"done"}'` });
    const none = await comm("comm_info_request", {});
    assert.deepEqual(none.reply, { status: "ok", comms: {} });
  });

  test("open from the client reaches a registered target; an unknown target gets comm_close", async () => {
    const cell = await kernel.execute(
      'currentBridge().comms!.registerTarget("test.fe", (c, data) => { c.send({ got: data }); c.close({ bye: true }); });',
    );
    assert.equal(cell.reply.status, "ok", JSON.stringify(cell.reply));
    const opened = await comm("comm_open", { comm_id: "fe-1", target_name: "test.fe", data: { x: 1 } });
    assert.deepEqual(
      opened.outputs.map((o) => [o.msg_type, o.content]),
      [
        ["comm_msg", { comm_id: "fe-1", data: { got: { x: 1 } } }],
        ["comm_close", { comm_id: "fe-1", data: { bye: true } }],
      ],
    );
    const unknown = await comm("comm_open", { comm_id: "fe-2", target_name: "no.such.target", data: {} });
    assert.deepEqual(unknown.outputs, [{ msg_type: "comm_close", content: { comm_id: "fe-2", data: {} } }]);
  });

  test("a widget made in a cell opens a jupyter.widget comm, and a front-end sync reaches its value", async () => {
    const cell = await kernel.execute(
      'import { IntSlider } from "tslab-dl";\nconst slider = new IntSlider({ value: 2, max: 9 });\nslider.modelId',
    );
    const [open] = ofType(cell.outputs, "comm_open");
    const id = String(open.content.comm_id);
    assert.equal(open.content.target_name, "jupyter.widget");
    assert.deepEqual(ofType(cell.outputs, "execute_result")[0].content.data, { "text/plain": `'${id}'` });
    await comm("comm_msg", { comm_id: id, data: { method: "backbone", sync_data: { value: 7 } } });
    const echo = await comm("comm_msg", { comm_id: id, data: { method: "update", state: { value: 8 } } });
    assert.deepEqual(ofType(echo.outputs, "comm_msg")[0].content.data, {
      method: "echo_update",
      state: { value: 8 },
      buffers: [],
      buffer_paths: [],
    });
    const read = await kernel.execute("slider.value");
    assert.deepEqual(ofType(read.outputs, "execute_result")[0].content.data, { "text/plain": "8" });
  });

  test("a comm message is handled while a cell is still running, and the kernel says busy again for the cell", async () => {
    await kernel.execute(
      'const live = currentBridge().comms!.open("test.live", {}, { id: "live-1" });\nlet seen = 0;\nlive.onMessage(() => { seen++; live.send({ seen }); });',
    );
    const answer = await comm(
      "comm_msg",
      { comm_id: "live-1", data: {} },
      { during: "await new Promise((r) => setTimeout(r, 2500));\nseen", after: 1 },
    );
    assert.equal(answer.handled_before_cell_ended, true);
    assert.deepEqual(ofType(answer.outputs, "comm_msg")[0].content.data, { seen: 1 });
    assert.equal(answer.cell?.reply.status, "ok");
    assert.deepEqual(answer.cell?.states, ["busy", "busy", "idle"], "busy again after the comm message's idle");
    assert.deepEqual(ofType(answer.cell!.outputs, "execute_result")[0].content.data, { "text/plain": "1" });
  });
});
