import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { StreamCapture } from "../../kernel/streams";

test("captured writes become stream messages, merged per stream and in order", async () => {
  const sent: Array<[string, string]> = [];
  const capture = new StreamCapture((name, text) => sent.push([name, text]));
  capture.install();
  try {
    console.log("one");
    process.stdout.write("two\n");
    console.error("three");
    process.stdout.write(Buffer.from("four\n"));
  } finally {
    capture.uninstall();
  }
  assert.deepEqual(sent, [
    ["stdout", "one\ntwo\n"],
    ["stderr", "three\n"],
    ["stdout", "four\n"],
  ]);
});

test("buffered text is sent on the next tick without an explicit flush", async () => {
  const sent: string[] = [];
  const capture = new StreamCapture((_name, text) => sent.push(text));
  capture.write("stdout", "a");
  capture.write("stdout", "b");
  assert.deepEqual(sent, []);
  await tick();
  assert.deepEqual(sent, ["ab"]);
});

test("a UTF-8 character split across two writes arrives whole", () => {
  const sent: string[] = [];
  const capture = new StreamCapture((_name, text) => sent.push(text));
  capture.install();
  const bytes = Buffer.from("é\n");
  try {
    process.stdout.write(bytes.subarray(0, 1));
    process.stdout.write(bytes.subarray(1));
  } finally {
    capture.uninstall();
  }
  assert.equal(sent.join(""), "é\n");
});

test("uninstall restores the real streams", () => {
  const realWrite = process.stdout.write;
  const capture = new StreamCapture(() => {});
  capture.install();
  assert.notEqual(process.stdout.write, realWrite);
  capture.uninstall();
  assert.equal(process.stdout.write, realWrite);
});
