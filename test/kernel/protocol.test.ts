import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DISPLAY_NAME,
  KERNEL_NAME,
  isComplete,
  kernelInfo,
  pagerPayload,
  pagerRequest,
  pagerTarget,
} from "../../kernel/protocol";

test("is_complete: complete, incomplete (with indent) and invalid code", () => {
  assert.deepEqual(isComplete("const a = 1;"), { status: "complete" });
  assert.deepEqual(isComplete("await fetch(url)"), { status: "complete" });
  assert.deepEqual(isComplete("function f() {"), { status: "incomplete", indent: "  " });
  assert.deepEqual(isComplete("const xs = [1,"), { status: "incomplete", indent: "  " });
  assert.deepEqual(isComplete("const = 5;"), { status: "invalid" });
  assert.deepEqual(isComplete("let 3x = 1;"), { status: "invalid" });
});

test("is_complete: shell lines are complete lines", () => {
  assert.deepEqual(isComplete("!ls -al *.h5"), { status: "complete" });
  assert.deepEqual(isComplete("!echo `date`\nconst a = 1;"), { status: "complete" });
});

test("pager cells are one line starting or ending with ?", () => {
  assert.equal(pagerTarget("tf.layers.dense?"), "tf.layers.dense");
  assert.equal(pagerTarget("?Math.max"), "Math.max");
  assert.equal(pagerTarget("  x??  "), "x");
  assert.equal(pagerTarget("a ? b : c"), undefined);
  assert.equal(pagerTarget("a?.b"), undefined);
  assert.equal(pagerTarget("x?\ny"), undefined);
  assert.equal(pagerTarget("?"), undefined);
  assert.deepEqual(pagerPayload("doc"), { source: "page", data: { "text/plain": "doc" }, start: 0 });
});

test("?? asks for the source too, ? for the documentation only", () => {
  assert.deepEqual(pagerRequest("EarlyStopping??"), { target: "EarlyStopping", source: true });
  assert.deepEqual(pagerRequest("??tf.sequential"), { target: "tf.sequential", source: true });
  assert.deepEqual(pagerRequest("new EarlyStopping?"), { target: "new EarlyStopping", source: false });
  assert.equal(pagerRequest("a ?? b"), undefined);
});

test("kernel_info has status, language_info, implementation, banner and help links", () => {
  const info = kernelInfo();
  assert.equal(info.status, "ok");
  assert.equal(info.implementation, KERNEL_NAME);
  assert.match(String(info.protocol_version), /^5\.\d+$/);
  const lang = info.language_info as Record<string, unknown>;
  assert.deepEqual(
    {
      name: lang.name,
      mimetype: lang.mimetype,
      file_extension: lang.file_extension,
      pygments_lexer: lang.pygments_lexer,
    },
    { name: "typescript", mimetype: "text/typescript", file_extension: ".ts", pygments_lexer: "typescript" },
  );
  assert.match(String(lang.version), /^5\.\d+\.\d+$/, "the TypeScript version tslab compiles with");
  assert.ok(String(info.banner).includes("tslab-dl"));
  for (const link of info.help_links as Array<{ text: string; url: string }>) assert.match(link.url, /^https:\/\//);
  assert.equal(DISPLAY_NAME, "TypeScript (tslab-dl)");
});
