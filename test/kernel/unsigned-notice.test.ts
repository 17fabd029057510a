/** A connection file without a key turns signing off, as Jupyter allows; the kernel says so once on stderr. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { KernelServer, readConnectionFile } from "../../kernel/server";
import { repoRoot, tempDir } from "../helpers";

const dir = tempDir("tslab-dl-unsigned-");
const ports = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5 };

function connectionFile(name: string, extra: object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ ...ports, ...extra }));
  return file;
}

function notices(file: string): string[] {
  const lines: string[] = [];
  new KernelServer(readConnectionFile(file), { handlers: {}, log: (t) => lines.push(t) });
  return lines;
}

test("an empty or missing key gives one notice that messages are unsigned; a key gives none", () => {
  for (const file of [connectionFile("empty.json", { key: "" }), connectionFile("missing.json", {})]) {
    const lines = notices(file);
    assert.equal(lines.length, 1, `${path.basename(file)}: ${JSON.stringify(lines)}`);
    assert.match(
      lines[0],
      /no signing key: messages are not signed, so any process that can reach 127\.0\.0\.1's kernel ports can run code/,
    );
  }
  assert.deepEqual(notices(connectionFile("signed.json", { key: "a-secret" })), []);
});

test("without a log of its own, the server writes the notice to stderr", () => {
  const file = connectionFile("stderr.json", { key: "" });
  const server = path.join(repoRoot, "dist", "kernel", "server.js");
  const r = spawnSync(
    process.execPath,
    [
      "-e",
      `const s = require(${JSON.stringify(server)}); new s.KernelServer(s.readConnectionFile(${JSON.stringify(file)}), { handlers: {} });`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.match(/messages are not signed/g)?.length, 1, r.stderr);
  assert.equal(r.stdout, "");
});
