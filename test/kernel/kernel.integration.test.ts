/**
 * The installed kernel, driven by jupyter_client: errors, interrupts of a
 * running fit, refused messages, shell lines, display updates, shutdown.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  KernelDriver,
  PYTHON,
  type RunningKernel,
  jupyterMissing,
  ofType,
  repoRoot,
  startTempKernel,
  streamText,
} from "./helpers";

const missing = jupyterMissing();

describe("tslab-dl kernel under jupyter_client", { skip: missing }, () => {
  let running: RunningKernel | undefined;
  let kernel: KernelDriver;
  let workDir: string;

  before(async () => {
    running = await startTempKernel();
    ({ kernel, workDir } = running);
  });

  after(() => running?.stop());

  test("a cell that throws reports one error output and the next cell still runs", async () => {
    assert.equal((await kernel.execute("const before = 1;")).reply.status, "ok");
    const failed = await kernel.execute('throw new RangeError("out of range: 7")');
    assert.equal(failed.reply.status, "error");
    assert.equal(failed.reply.ename, "RangeError");
    assert.equal(failed.reply.evalue, "out of range: 7");
    const errors = ofType(failed.outputs, "error");
    assert.equal(errors.length, 1);
    assert.equal(streamText(failed.outputs, "stderr"), "", "the error is not also printed to stderr");
    const next = await kernel.execute("before + 41");
    assert.equal(next.reply.status, "ok");
    assert.deepEqual(ofType(next.outputs, "execute_result")[0].content.data, { "text/plain": "42" });
  });

  test("after a failing cell, the cells queued behind it are aborted, not run", async () => {
    const { replies } = await kernel.request<{ replies: Array<{ status: string }> }>({
      op: "execute_many",
      codes: [
        'await new Promise((r) => setTimeout(r, 300));\nthrow new Error("first fails")',
        "(globalThis as any).queuedRan = true;",
        "1",
      ],
    });
    assert.deepEqual(
      replies.map((r) => r.status),
      ["error", "aborted", "aborted"],
    );
    const check = await kernel.execute("String((globalThis as any).queuedRan)");
    assert.deepEqual(ofType(check.outputs, "execute_result")[0].content.data, { "text/plain": "'undefined'" });
  });

  test("a type error is reported as CompileError with TypeScript's message", async () => {
    const answer = await kernel.execute('const n: number = "seven";');
    assert.equal(answer.reply.status, "error");
    assert.equal(answer.reply.ename, "CompileError");
    assert.match(String(answer.reply.evalue), /Type 'string' is not assignable to type 'number'/);
  });

  test("execute_result carries the execution count and the value's MIME bundle", async () => {
    const answer = await kernel.execute(
      '({ [Symbol.for("Jupyter.display")]: () => ({ "text/markdown": "**x**", "text/plain": "x" }) })',
    );
    const [result] = ofType(answer.outputs, "execute_result");
    assert.equal(result.content.execution_count, answer.reply.execution_count);
    assert.deepEqual(result.content.data, { "text/markdown": "**x**", "text/plain": "x" });
  });

  test("a value whose display method returns a promise shows the resolved bundle; a rejection is a DisplayError", async () => {
    const later = await kernel.execute(
      '({ [Symbol.for("Jupyter.display")]: async () => { await new Promise((r) => setTimeout(r, 50)); return { "text/html": "<i>late</i>", "text/plain": "late" }; } })',
    );
    assert.equal(later.reply.status, "ok");
    assert.deepEqual(ofType(later.outputs, "execute_result")[0]?.content.data, {
      "text/html": "<i>late</i>",
      "text/plain": "late",
    });
    const failed = await kernel.execute(
      '({ [Symbol.for("Jupyter.display")]: () => Promise.reject(new Error("chart data missing")) })',
    );
    assert.equal(failed.reply.status, "error");
    assert.equal(failed.reply.ename, "DisplayError");
    assert.match(String(failed.reply.evalue), /returned a promise that rejected: Error: chart data missing/);
    assert.equal(ofType(failed.outputs, "error").length, 1);
  });

  test("interrupting a long fit (SIGINT) stops it between batches and keeps usable weights", async () => {
    const setup = await kernel.execute(
      [
        'import { tf } from "tslab-dl";',
        'await tf.setBackend("cpu");',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, inputShape: [8], activation: "relu" }), tf.layers.dense({ units: 1 })] });',
        'model.compile({ optimizer: "adam", loss: "meanSquaredError" });',
        "const xs = tf.randomNormal([512, 8]);",
        "const ys = tf.randomNormal([512, 1]);",
        "const initial = model.getWeights().map((w) => Array.from(w.dataSync()));",
        "let batches = 0;",
      ].join("\n"),
    );
    assert.equal(setup.reply.status, "ok", JSON.stringify(setup.reply));
    const fit = await kernel.execute(
      'await model.fit(xs, ys, { epochs: 10000, batchSize: 8, verbose: 0, callbacks: { onBatchEnd: async () => { batches++; } } });\nconsole.log("not reached");',
      { interrupt_after: 2, timeout: 60 },
    );
    assert.equal(fit.reply.status, "error", JSON.stringify(fit.reply));
    assert.equal(fit.reply.ename, "InterruptError");
    // Between two batches, or between two epochs when the interrupt lands there.
    assert.match(
      String(fit.reply.evalue),
      /model\.fit was interrupted by the kernel at (epoch \d+, batch \d+|the end of epoch \d+)/,
    );
    assert.equal(streamText(fit.outputs, "stdout"), "", "the rest of the cell did not run");

    const check = await kernel.execute(
      [
        "const now = model.getWeights().map((w) => Array.from(w.dataSync()));",
        "const changed = now.some((w, i) => w.some((v, j) => v !== initial[i][j]));",
        "const finite = now.every((w) => w.every(Number.isFinite));",
        "const countAtCheck = batches;",
        "await new Promise((r) => setTimeout(r, 300));",
        "const prediction = (model.predict(xs.slice([0, 0], [4, 8])) as tf.Tensor).dataSync();",
        "({ changed, finite, stillTraining: (model as any).isTraining, batchesAfterInterrupt: batches - countAtCheck, predictions: prediction.length })",
      ].join("\n"),
    );
    assert.equal(check.reply.status, "ok", JSON.stringify(check.reply));
    const text = String(
      ofType(check.outputs, "execute_result")[0].content.data &&
        (ofType(check.outputs, "execute_result")[0].content.data as { "text/plain": string })["text/plain"],
    );
    assert.match(text, /changed: true/);
    assert.match(text, /finite: true/);
    assert.match(text, /stillTraining: false/);
    assert.match(text, /batchesAfterInterrupt: 0/);
    assert.match(text, /predictions: 4/);

    const again = await kernel.execute(
      "(await model.fit(xs, ys, { epochs: 1, batchSize: 128, verbose: 0 })).history.loss.length",
    );
    assert.deepEqual(ofType(again.outputs, "execute_result")[0].content.data, { "text/plain": "1" });
  });

  test("interrupt_request on the control channel stops a fit too", async () => {
    const fit = await kernel.execute("await model.fit(xs, ys, { epochs: 10000, batchSize: 8, verbose: 0 });", {
      interrupt_after: 1.5,
      interrupt_via: "message",
      timeout: 60,
    });
    assert.equal(fit.reply.ename, "InterruptError", JSON.stringify(fit.reply));
    const alive = await kernel.execute("(model as any).isTraining");
    assert.deepEqual(ofType(alive.outputs, "execute_result")[0].content.data, { "text/plain": "false" });
  });

  test("interrupting a cell that waits (no fit) abandons it and the kernel stays usable", async () => {
    const wait = await kernel.execute("await new Promise((r) => setTimeout(r, 60000));", {
      interrupt_after: 1,
      interrupt_via: "message",
    });
    assert.equal(wait.reply.ename, "InterruptError");
    await kernel.execute("let spins = 0;");
    const loop = await kernel.execute("while (true) { spins++; }", { interrupt_after: 1.5 });
    assert.equal(loop.reply.ename, "InterruptError", "SIGINT breaks a synchronous loop");
    const next = await kernel.execute("spins > 0");
    assert.deepEqual(ofType(next.outputs, "execute_result")[0].content.data, { "text/plain": "true" });
  });

  test("messages with a wrong signature or none are refused without running", async () => {
    const wrong = await kernel.request<{ reply: unknown }>({
      op: "forged",
      key: "wrong",
      code: "(globalThis as any).forged = 'wrong key';",
    });
    assert.equal(wrong.reply, null);
    const unsigned = await kernel.request<{ reply: unknown }>({
      op: "forged",
      key: "none",
      code: "(globalThis as any).forged = 'unsigned';",
    });
    assert.equal(unsigned.reply, null);
    const check = await kernel.execute("String((globalThis as any).forged)");
    assert.deepEqual(ofType(check.outputs, "execute_result")[0].content.data, { "text/plain": "'undefined'" });
    assert.match(kernel.log, /message refused: its HMAC signature does not match/);
    assert.match(kernel.log, /unsigned message refused/);
  });

  test("shell lines run in the notebook's folder and stream their output; a failing one is reported", async () => {
    writeFileSync(path.join(workDir, "weights.h5"), "x");
    const answer = await kernel.execute(
      '!ls *.h5\n!echo "from $TSLAB_DL_TEST_NAME"\nconst three = Number("3");\nconst same = three != 4 ? "ne" : "eq";\nsame',
      {},
    );
    assert.equal(answer.reply.status, "ok");
    assert.equal(streamText(answer.outputs, "stdout"), "weights.h5\nfrom \n");
    assert.deepEqual(ofType(answer.outputs, "execute_result")[0].content.data, { "text/plain": "'ne'" });

    const failing = await kernel.execute(
      'process.env.TSLAB_DL_TEST_NAME = "cell";\n!echo "from $TSLAB_DL_TEST_NAME"; ls no-such-file.h5\n"after"',
    );
    assert.equal(failing.reply.status, "ok", "a failing command does not stop the cell");
    assert.match(streamText(failing.outputs, "stdout"), /^from cell\n.*no-such-file\.h5/);
    assert.match(
      streamText(failing.outputs, "stderr"),
      /! echo "from \$TSLAB_DL_TEST_NAME"; ls no-such-file\.h5: exited with status 2/,
    );
    assert.deepEqual(ofType(failing.outputs, "execute_result")[0].content.data, { "text/plain": "'after'" });
  });

  test("display with an id, then updateDisplay and clearOutput, reach the notebook", async () => {
    const answer = await kernel.execute(
      [
        'import { display, updateDisplay, clearOutput } from "tslab-dl";',
        'const card = (n: number) => ({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": `<b>${n}</b>`, "text/plain": String(n) }) });',
        'display(card(1), { displayId: "progress" });',
        'updateDisplay(card(2), "progress");',
        "clearOutput({ wait: true });",
      ].join("\n"),
    );
    assert.equal(answer.reply.status, "ok", JSON.stringify(answer.reply));
    const types = answer.outputs.map((o) => o.msg_type).filter((t) => t !== "execute_input");
    assert.deepEqual(types, ["display_data", "update_display_data", "clear_output"]);
    const [shown, updated, cleared] = answer.outputs.filter((o) => o.msg_type !== "execute_input");
    assert.deepEqual(shown.content, {
      data: { "text/html": "<b>1</b>", "text/plain": "1" },
      metadata: {},
      transient: { display_id: "progress" },
    });
    assert.deepEqual(updated.content.transient, { display_id: "progress" });
    assert.deepEqual(updated.content.data, { "text/html": "<b>2</b>", "text/plain": "2" });
    assert.deepEqual(cleared.content, { wait: true });
  });

  test("tslab's own display API works in this kernel too", async () => {
    const answer = await kernel.execute('import * as tslab from "tslab";\ntslab.display.html("<p>tslab</p>");');
    assert.deepEqual(ofType(answer.outputs, "display_data")[0]?.content.data, { "text/html": "<p>tslab</p>" });
  });

  test("model.summary() as a statement in a function shows Keras's table; model.layers, tensors, optimizers and History print in a few lines", async () => {
    const setup = await kernel.execute(
      [
        'import { tf, trainTestSplit } from "tslab-dl";',
        'await tf.setBackend("cpu");',
        'const m22 = tf.sequential({ name: "m22" });',
        'm22.add(tf.layers.dense({ units: 4, inputShape: [3], activation: "relu", name: "hidden" }));',
        'm22.add(tf.layers.dense({ units: 2, activation: "softmax", name: "out" }));',
        'm22.compile({ optimizer: tf.train.sgd(0.1), loss: "sparseCategoricalCrossentropy", metrics: ["acc"] });',
        "const x22 = tf.randomNormal([40, 3]);",
        "const y22 = tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 2));",
        "function describe22() {\n  m22.summary();\n}",
        "describe22();",
      ].join("\n"),
    );
    assert.equal(setup.reply.status, "ok", JSON.stringify(setup.reply));
    assert.equal(streamText(setup.outputs, "stdout"), "", "the summary is a display, not printed text");
    type Data = { [mime: string]: unknown } | undefined;
    const summary = ofType(setup.outputs, "display_data")[0]?.content.data as Data;
    const summaryText = String(summary?.["text/plain"]).split("\n");
    assert.deepEqual(summaryText.slice(0, 3), [
      'Model: "m22"',
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
      "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃",
    ]);
    assert.ok(
      summaryText.includes("│ hidden (Dense)                       │ (None, 4)                   │              16 │"),
    );
    assert.equal(summaryText.length, 11);
    assert.equal(summaryText[8], " Total params: 26 (104.00 B)");
    assert.match(String(summary?.["text/html"]), /<table class="tslab-dl-model-summary">/);

    const resultText = async (code: string): Promise<string[]> => {
      const answer = await kernel.execute(code);
      assert.equal(answer.reply.status, "ok", JSON.stringify(answer.reply));
      const data = ofType(answer.outputs, "execute_result")[0]?.content.data as Data;
      return String(data?.["text/plain"]).split("\n");
    };
    assert.deepEqual(await resultText("m22.layers"), [
      "[<Dense name=hidden, built=True>,",
      " <Dense name=out, built=True>]",
    ]);
    const split = await resultText(
      "let a22, b22, c22, d22;\n[a22, b22, c22, d22] = trainTestSplit(x22, y22, { testSize: 0.25, randomState: 42 });",
    );
    assert.equal(split.length, 5, split.join("\n"));
    assert.equal(split[0], "Array of 4 tensors:");
    assert.match(split[1], /^\[0\] tf\.Tensor float32 \[30, 3\] {2}\[\[/);
    assert.match(split[4], /^\[3\] tf\.Tensor float32 \[10\] {2}\[[01]\., /);
    assert.deepEqual(await resultText("tf.train.sgd(0.1)"), ["<SGD learning_rate=0.1, iterations=0>"]);
    assert.deepEqual(await resultText("tf.tensor2d([[1, 2], [3, 4]])"), [
      "tf.Tensor float32 [2, 2]",
      "[[1., 2.],",
      " [3., 4.]]",
    ]);

    // plotly.js (shipped with a session's first chart, megabytes) is marked as shipped: the reply stays small.
    const fit = await kernel.execute(
      '(globalThis as any)[Symbol.for("tslab-dl.display.plotlyShipped")] = true;\nawait m22.fit(x22, y22, { epochs: 3, verbose: 0 })',
    );
    assert.equal(fit.reply.status, "ok", JSON.stringify(fit.reply));
    const history = ofType(fit.outputs, "execute_result")[0]?.content.data as Data;
    const historyText = String(history?.["text/plain"]).split("\n");
    assert.equal(historyText.length, 2, historyText.join("\n"));
    assert.match(
      historyText[0],
      /^Training history: 3 epochs, best epoch \d \(loss [\d.]+\); last epoch 2: loss=[\d.]+ acc=[\d.]+$/,
    );
    assert.equal(historyText[1], "keys: loss, acc");
    assert.ok(history?.["application/vnd.plotly.v1+json"], "the loss curves are still there");
  });

  test("user_expressions are evaluated after the cell and returned in the reply", async () => {
    const answer = await kernel.execute("const ue = 20;", {
      user_expressions: { doubled: "ue * 2", broken: "ue.nope()" },
    });
    const results = answer.reply.user_expressions as {
      [name: string]: { status: string; data?: unknown; ename?: string };
    };
    assert.deepEqual(results.doubled, { status: "ok", data: { "text/plain": "40" }, metadata: {} });
    assert.equal(results.broken.status, "error");
    assert.equal(results.broken.ename, "CompileError");
  });

  test("history_request answers from the session's inputs", async () => {
    await kernel.execute("const historyMarker = 1234;");
    const { reply } = await kernel.request<{ reply: { content: { history: unknown[][] } } }>({
      op: "request",
      msg_type: "history_request",
      content: { output: false, raw: true, hist_access_type: "search", pattern: "*historyMarker*" },
    });
    assert.deepEqual(
      reply.content.history.map((h) => h[2]),
      ["const historyMarker = 1234;"],
    );
  });

  test("kernel_info_reply is complete", async () => {
    const { reply } = await kernel.request<{ reply: { content: { [k: string]: unknown } } }>({
      op: "request",
      msg_type: "kernel_info_request",
    });
    const info = reply.content;
    assert.equal(info.status, "ok");
    assert.equal(info.implementation, "tslab-dl");
    const lang = info.language_info as { [k: string]: unknown };
    assert.equal(lang.name, "typescript");
    assert.equal(lang.file_extension, ".ts");
    assert.equal(lang.mimetype, "text/typescript");
    assert.equal(lang.pygments_lexer, "typescript");
    assert.match(String(lang.version), /^\d+\.\d+\.\d+$/);
    assert.ok(Array.isArray(info.help_links) && info.help_links.length > 0);
  });

  test("shutdown_request with restart is answered and the kernel exits", async () => {
    const answer = await kernel.request<{ reply: { status: string; restart: boolean }; alive_after: boolean }>({
      op: "shutdown",
      restart: true,
    });
    assert.deepEqual(answer.reply, { status: "ok", restart: true });
    assert.equal(answer.alive_after, false);
  });
});

describe("the library under the stock tslab kernel", { skip: missing }, () => {
  test("display() falls back to tslab's own display", async () => {
    const prefix = mkdtempSync(path.join(tmpdir(), "stock-tslab-"));
    // A user's project under stock tslab: the package in its node_modules (stock tslab has no fallback).
    const workDir = mkdtempSync(path.join(tmpdir(), "stock-tslab-test-"));
    mkdirSync(path.join(workDir, "node_modules"));
    symlinkSync(repoRoot, path.join(workDir, "node_modules", "tslab-dl"), "dir");
    let kernel: KernelDriver | undefined;
    try {
      const tslabBin = path.join(repoRoot, "node_modules", "tslab", "bin", "tslab");
      const installed = spawnSync(
        process.execPath,
        [tslabBin, "install", `--python=${PYTHON}`, `--prefix=${prefix}`, `--binary=${tslabBin}`],
        { encoding: "utf8" },
      );
      assert.equal(installed.status, 0, installed.stderr);
      kernel = await KernelDriver.start(path.join(prefix, "share", "jupyter"), "tslab", workDir);
      const answer = await kernel.execute(
        'import { display } from "tslab-dl";\ndisplay({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>rich</b>", "text/plain": "rich" }) });',
      );
      assert.equal(answer.reply.status, "ok", JSON.stringify(answer));
      assert.deepEqual(ofType(answer.outputs, "display_data")[0]?.content.data, {
        "text/html": "<b>rich</b>",
        "text/plain": "rich",
      });
    } finally {
      await kernel?.stop();
      rmSync(prefix, { recursive: true, force: true });
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
