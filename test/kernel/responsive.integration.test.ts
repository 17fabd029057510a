/**
 * The control channel answers while a cell compiles: TypeScript runs on the
 * compiler thread (kernel/compiler-thread.ts), so `kernel_info`,
 * `interrupt_request` and `shutdown_request` are answered within a second
 * while a 2 MB cell is being type-checked (about five seconds of work), and an
 * interrupt stops the compile.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  KernelDriver,
  TempInstall,
  jupyterMissing,
  ofType,
  repoRoot,
  tempInstall,
  type ExecuteAnswer,
} from "./helpers";

const missing = jupyterMissing();

/** A cell of about `bytes` characters: one array literal TypeScript must type-check element by element. */
function bigCell(bytes: number, tail: string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const item = String(i % 1000);
    parts.push(item);
    length += item.length + 1;
  }
  return `const big = [${parts.join(",")}];\n${tail}`;
}

interface ControlAnswer {
  reply: { status: string; [key: string]: unknown };
  reply_seconds: number;
  cell: ExecuteAnswer | null;
  alive_after?: boolean;
}

const TWO_MB = 2 * 1024 * 1024;

describe("the kernel's control channel while a cell compiles", { skip: missing }, () => {
  let install: TempInstall;
  let kernel: KernelDriver;
  let workDir: string;

  before(async () => {
    install = tempInstall();
    workDir = mkdtempSync(path.join(repoRoot, "dist", "responsive-test-"));
    kernel = await KernelDriver.start(install.jupyterPath, "tslab-dl", workDir);
    assert.equal((await kernel.execute("const kept = 41;")).reply.status, "ok");
  });

  after(async () => {
    await kernel?.stop();
    install?.remove();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("kernel_info is answered within 1 s while a 2 MB cell compiles, and the cell then runs", async () => {
    const answer = await kernel.request<ControlAnswer>({
      op: "control_during",
      code: bigCell(TWO_MB, "big.length + kept"),
      msg_type: "kernel_info_request",
      after: 1,
      timeout: 120,
    });
    assert.equal(answer.reply.status, "ok");
    assert.equal(answer.reply.implementation, "tslab-dl");
    assert.ok(answer.reply_seconds < 1, `kernel_info took ${answer.reply_seconds.toFixed(2)} s`);
    const cell = answer.cell!;
    assert.equal(cell.reply.status, "ok", JSON.stringify(cell.reply).slice(0, 500));
    const shown = ofType(cell.outputs, "execute_result")[0].content.data as { "text/plain": string };
    assert.ok(Number(shown["text/plain"]) > 500_000, `the cell's value: ${shown["text/plain"]}`);
  });

  test("interrupt_request stops the compile within 1 s; nothing of the cell ran and the session's names stay", async () => {
    const answer = await kernel.request<ControlAnswer>({
      op: "control_during",
      code: bigCell(TWO_MB, "const ranAfterInterrupt = true;"),
      msg_type: "interrupt_request",
      after: 1,
      timeout: 120,
    });
    assert.equal(answer.reply.status, "ok");
    assert.ok(answer.reply_seconds < 1, `interrupt_request took ${answer.reply_seconds.toFixed(2)} s`);
    const cell = answer.cell!;
    assert.equal(cell.reply.status, "error");
    assert.equal(cell.reply.ename, "InterruptError");
    assert.match(String(cell.reply.evalue), /while TypeScript compiled it/);
    const next = await kernel.execute("typeof (globalThis as any).ranAfterInterrupt + ' ' + (kept + 1)");
    assert.equal(next.reply.status, "ok", JSON.stringify(next.reply));
    assert.deepEqual(ofType(next.outputs, "execute_result")[0].content.data, { "text/plain": "'undefined 42'" });
  });

  test("shutdown_request is answered within 1 s while a 2 MB cell compiles, and the kernel exits", async () => {
    const answer = await kernel.request<ControlAnswer>({
      op: "control_during",
      code: bigCell(TWO_MB, "1"),
      msg_type: "shutdown_request",
      content: { restart: false },
      after: 1,
      collect: false,
      timeout: 60,
    });
    assert.equal(answer.reply.status, "ok");
    assert.ok(answer.reply_seconds < 1, `shutdown_request took ${answer.reply_seconds.toFixed(2)} s`);
    assert.equal(answer.alive_after, false, "the kernel process ended");
  });
});
