import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { CommandLineError, parseCommand } from "../../kernel/cli";
import {
  KernelInstallError,
  cliPath,
  findJupyter,
  installKernel,
  kernelSpec,
  uninstallKernel,
} from "../../kernel/install";
import { jupyterMissing, repoRoot } from "./helpers";

test("the kernelspec runs this repository's dist/kernel/cli.js with an absolute node", () => {
  const spec = kernelSpec("/opt/node/bin/node");
  assert.deepEqual(spec.argv, [
    "/opt/node/bin/node",
    path.join(repoRoot, "dist", "kernel", "cli.js"),
    "kernel",
    "--connection-file",
    "{connection_file}",
  ]);
  assert.equal(spec.display_name, "TypeScript (tslab-dl)");
  assert.equal(spec.language, "typescript");
  assert.ok(path.isAbsolute(cliPath()));
});

test("the command line: install targets, uninstall, kernel, errors", () => {
  assert.deepEqual(parseCommand(["install"]), { command: "install", target: undefined, jupyter: undefined });
  assert.deepEqual(parseCommand(["install", "--prefix", "/tmp/x"]), {
    command: "install",
    target: { kind: "prefix", dir: "/tmp/x" },
    jupyter: undefined,
  });
  assert.deepEqual(parseCommand(["install", "--sys-prefix"]).command, "install");
  assert.deepEqual(parseCommand(["uninstall", "--user"]), {
    command: "uninstall",
    target: { kind: "user" },
    jupyter: undefined,
  });
  assert.deepEqual(parseCommand(["kernel", "--connection-file", "/c.json"]), {
    command: "kernel",
    connectionFile: "/c.json",
  });
  assert.deepEqual(
    parseCommand(["kernel", "--config-path", "/c.json"]),
    { command: "kernel", connectionFile: "/c.json" },
    "tslab's spelling",
  );
  assert.throws(() => parseCommand(["install", "--user", "--prefix", "/x"]), CommandLineError);
  assert.throws(() => parseCommand(["kernel"]), /needs --connection-file/);
  assert.throws(() => parseCommand(["instal"]), /unknown command "instal"/);
});

test("findJupyter skips a jupyter that does not work and says what it tried", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fake-jupyter-"));
  try {
    const fake = path.join(dir, "jupyter");
    writeFileSync(fake, "#!/bin/sh\necho 'pyenv: jupyter: command not found' >&2\nexit 127\n");
    chmodSync(fake, 0o755);
    assert.throws(
      () => findJupyter({ JUPYTER: fake }),
      (e: unknown) =>
        e instanceof KernelInstallError && e.message.includes(fake) && /command not found/.test(e.message),
    );
    if (!jupyterMissing()) assert.equal(findJupyter({ PATH: `${dir}:/usr/bin` }), "/usr/bin/jupyter");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("install into a prefix twice, list it with jupyter, uninstall twice", { skip: jupyterMissing() }, () => {
  const prefix = mkdtempSync(path.join(tmpdir(), "tslab-dl-install-"));
  const logs: string[] = [];
  const log = (t: string) => logs.push(t);
  try {
    installKernel({ target: { kind: "prefix", dir: prefix }, log });
    installKernel({ target: { kind: "prefix", dir: prefix }, log });
    const specFile = path.join(prefix, "share", "jupyter", "kernels", "tslab-dl", "kernel.json");
    const spec = JSON.parse(readFileSync(specFile, "utf8")) as { argv: string[] };
    assert.equal(spec.argv[1], cliPath());
    const list = spawnSync(findJupyter(), ["kernelspec", "list", "--json"], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") },
    });
    const specs = (
      JSON.parse(list.stdout) as {
        kernelspecs: Record<string, { resource_dir: string; spec: { display_name: string } }>;
      }
    ).kernelspecs;
    assert.equal(specs["tslab-dl"].spec.display_name, "TypeScript (tslab-dl)");
    assert.equal(uninstallKernel({ target: { kind: "prefix", dir: prefix }, log }), true);
    assert.equal(existsSync(specFile), false);
    assert.equal(
      uninstallKernel({ target: { kind: "prefix", dir: prefix }, log }),
      false,
      "removing twice is harmless",
    );
    assert.match(logs.join("\n"), /not installed/);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});

test("the CLI installs with --prefix and prints usage on bad arguments", { skip: jupyterMissing() }, () => {
  const prefix = mkdtempSync(path.join(tmpdir(), "tslab-dl-cli-"));
  try {
    const ok = spawnSync(process.execPath, [cliPath(), "install", "--prefix", prefix], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Installed the TypeScript \(tslab-dl\) kernel/);
    const bad = spawnSync(process.execPath, [cliPath(), "install", "--user", "--prefix", prefix], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /choose one of --user, --sys-prefix, --prefix/);
    assert.match(bad.stderr, /Usage:/);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
