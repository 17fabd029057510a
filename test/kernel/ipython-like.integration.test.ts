/**
 * The installed kernel, driven by jupyter_client, where it behaves like
 * IPython: names that survive a runtime error, tracebacks on the cell's
 * lines, `?`/`??` and Shift-Tab documentation, and magics.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KernelDriver, type RunningKernel, jupyterMissing, ofType, startTempKernel, streamText } from "./helpers";

const missing = jupyterMissing();
const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

describe("tslab-dl kernel like IPython, under jupyter_client", { skip: missing }, () => {
  let running: RunningKernel | undefined;
  let kernel: KernelDriver;

  before(async () => {
    running = await startTempKernel();
    kernel = running.kernel;
  });

  after(() => running?.stop());

  const result = (outputs: Parameters<typeof ofType>[0]) =>
    (ofType(outputs, "execute_result")[0]?.content.data as { "text/plain"?: string } | undefined)?.["text/plain"];

  test("a name declared before a runtime error is usable in the next cell; one after it is not", async () => {
    const failed = await kernel.execute(
      'import { tf } from "tslab-dl";\nconst t = tf.tensor([1, 2, 3]);\nconst bad = t.reshape([2, 2]);\nconst after = 1;',
    );
    assert.equal(failed.reply.status, "error");
    assert.equal(ofType(failed.outputs, "error").length, 1);
    const next = await kernel.execute("t.shape");
    assert.equal(next.reply.status, "ok");
    assert.equal(result(next.outputs), "[ 3 ]");
    const later = await kernel.execute("after");
    assert.equal(later.reply.status, "error");
    assert.match(String(later.reply.evalue), /Cannot find name 'after'/);
  });

  test("a model built in a cell whose fit fails on a shape mistake is kept, with its type", async () => {
    const failed = await kernel.execute(
      'import { tf } from "tslab-dl";\n' +
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });\n" +
        'model.compile({ loss: "meanSquaredError", optimizer: "sgd" });\n' +
        "const history = await model.fit(tf.zeros([4, 5]), tf.zeros([4, 2]), { epochs: 1 });",
    );
    assert.equal(failed.reply.status, "error");
    assert.match(String(failed.reply.evalue), /expected .* shape \[3\]/);
    const next = await kernel.execute("model.outputs[0].shape");
    assert.equal(next.reply.status, "ok");
    assert.equal(result(next.outputs), "[ null, 2 ]");
    const notDefined = await kernel.execute("history");
    assert.match(String(notDefined.reply.evalue), /Cannot find name 'history'/);
  });

  test("a traceback names the cell and its line, with context and an arrow, and folds tfjs's frames", async () => {
    const answer = await kernel.execute(
      'import { tf } from "tslab-dl";\nconst v = tf.tensor([1, 2, 3]);\nfunction square(x: typeof v) {\n  return x.reshape([2, 2]);\n}\nsquare(v);',
    );
    assert.equal(answer.reply.status, "error");
    const errors = ofType(answer.outputs, "error");
    assert.equal(errors.length, 1, "exactly one error output");
    const count = answer.reply.execution_count;
    const lines = (errors[0].content.traceback as string[]).map((l) => l.replace(ANSI_COLOR, ""));
    assert.equal(lines[0], "Error: Size(3) must match the product of shape 2,2");
    const text = lines.join("\n");
    assert.match(
      text,
      new RegExp(`In \\[${count}\\], line 4, in square\\n(.*\\n){2}----> 4   return x\\.reshape\\(\\[2, 2\\]\\);`),
    );
    assert.match(text, new RegExp(`In \\[${count}\\], line 6\\n(.*\\n)*----> 6 square\\(v\\);`));
    assert.match(text, /… \d+ frames? in @tensorflow\/tfjs-core/);
    assert.ok(!/node_modules/.test(text), "package frames are folded");
    assert.equal(streamText(answer.outputs, "stderr"), "");
  });

  test("`new EarlyStopping?` pages the class's TSDoc; Shift-Tab in `new EarlyStopping({ pat` shows it too", async () => {
    await kernel.execute('import { EarlyStopping } from "tslab-dl";');
    const paged = await kernel.execute("new EarlyStopping?");
    const payload = paged.reply.payload as Array<{ source: string; data: { "text/plain": string } }>;
    assert.equal(payload[0].source, "page");
    assert.match(payload[0].data["text/plain"], /new EarlyStopping\(args\?: EarlyStoppingArgs\): EarlyStopping/);
    assert.match(payload[0].data["text/plain"], /Stop training when a monitored metric has stopped improving\./);
    const code = "const stopper = new EarlyStopping({ pat";
    const { reply } = await kernel.request<{ reply: { content: { found: boolean; data: { "text/plain": string } } } }>({
      op: "request",
      msg_type: "inspect_request",
      content: { code, cursor_pos: code.length, detail_level: 0 },
    });
    assert.equal(reply.content.found, true);
    assert.match(reply.content.data["text/plain"], /Stop training when a monitored metric has stopped improving\./);
  });

  test("name?? pages the source: a user's cell, and the library's TypeScript", async () => {
    await kernel.execute("function cube(n: number) {\n  return n ** 3;\n}");
    const mine = await kernel.execute("cube??");
    const minePage = (mine.reply.payload as Array<{ data: { "text/plain": string } }>)[0].data["text/plain"];
    assert.match(minePage, /Source \(In \[\d+\]\):\nfunction cube\(n: number\) \{\n {2}return n \*\* 3;\n\}/);
    const ours = await kernel.execute("EarlyStopping??");
    const oursPage = (ours.reply.payload as Array<{ data: { "text/plain": string } }>)[0].data["text/plain"];
    assert.match(oursPage, /Source \(.*src[\\/]callbacks[\\/]early-stopping\.ts\):\n(.*\n)*export class EarlyStopping/);
  });

  test("%timeit prints IPython's format; %time prints CPU and wall times and keeps the value", async () => {
    const timed = await kernel.execute("%timeit -r 3 Math.sqrt(2)");
    assert.equal(timed.reply.status, "ok");
    // Numbers as IPython's "%.3g": a tiny spread prints as 7.28e-05 ns (a loop V8 reduced to nothing).
    assert.match(
      streamText(timed.outputs, "stdout"),
      /^(The slowest run took \d+\.\d\d times longer than the fastest\. This could mean that an intermediate result is being cached\.\n)?\d[\d.]*(e[-+]\d\d)? (ns|µs) ± \d[\d.]*(e[-+]\d\d)? (ns|µs) per loop \(mean ± std\. dev\. of 3 runs, \d{1,3}(,\d{3})* loops each\)\n$/,
    );
    const cell = await kernel.execute("%%timeit -n 5 -r 2\nconst xs = Array.from({ length: 100 }, (_, i) => i * i);");
    assert.match(streamText(cell.outputs, "stdout"), / per loop \(mean ± std\. dev\. of 2 runs, 5 loops each\)\n$/);
    const time = await kernel.execute("%time 6 * 7");
    assert.match(
      streamText(time.outputs, "stdout"),
      /^CPU times: user \d[\d.]* (s|ms|µs|ns), sys: \d[\d.]* (s|ms|µs|ns), total: \d[\d.]* (s|ms|µs|ns)\nWall time: \d[\d.]* (s|ms|µs|ns)\n$/,
    );
    assert.equal(result(time.outputs), "42");
  });

  test("%who lists the session's names, %env sets and reads a variable, an unknown magic lists the magics", async () => {
    await kernel.execute("const whoMarker = 1;");
    const who = await kernel.execute("%who number");
    assert.match(streamText(who.outputs, "stdout"), /\bwhoMarker\t /);
    const set = await kernel.execute("%env TSLAB_DL_MAGIC_TEST=on\n%env TSLAB_DL_MAGIC_TEST");
    assert.equal(streamText(set.outputs, "stdout"), "env: TSLAB_DL_MAGIC_TEST=on\n");
    assert.equal(result(set.outputs), "'on'");
    const unknown = await kernel.execute("%matplotlib inline");
    assert.equal(unknown.reply.status, "error");
    assert.equal(unknown.reply.ename, "UsageError");
    assert.match(String(unknown.reply.evalue), /`%matplotlib` not found\. Line magics: %env .*%time .*%timeit .*%who/);
  });

  test("% in TypeScript is left alone: modulo on the next line, in templates and comments", async () => {
    const answer = await kernel.execute("const m = 17\n% 5\nconst s = `\n%who\n`; // %time\nm + s.length");
    assert.equal(answer.reply.status, "ok");
    assert.equal(result(answer.outputs), "8");
    assert.equal(streamText(answer.outputs, "stdout"), "");
  });
});
