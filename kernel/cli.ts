#!/usr/bin/env node
/**
 * The `tslab-dl` command:
 *
 * ```
 * tslab-dl install [--user | --sys-prefix | --prefix DIR] [--jupyter PATH]
 * tslab-dl uninstall [--user | --sys-prefix | --prefix DIR] [--jupyter PATH]
 * tslab-dl kernel --connection-file FILE     (what Jupyter runs)
 * tslab-dl --version
 * ```
 */
import path from "node:path";
import { parseArgs } from "node:util";
import type { Kernel as KernelClass } from "./kernel";
import { InstallTarget, KernelInstallError, installKernel, uninstallKernel } from "./install";
import { kernelModuleDirs } from "./kernel-modules";

const USAGE = `Usage:
  tslab-dl install [--user | --sys-prefix | --prefix DIR] [--jupyter PATH]
      Register the "TypeScript (tslab-dl)" kernel with Jupyter (default --user). Safe to repeat.
  tslab-dl uninstall [--user | --sys-prefix | --prefix DIR] [--jupyter PATH]
      Remove it.
  tslab-dl kernel --connection-file FILE
      Start the kernel (Jupyter runs this).
  tslab-dl --version`;

/** Raised for a command line this CLI does not understand. */
export class CommandLineError extends Error {
  override name = "CommandLineError";
}

/** A parsed command line. */
export type Command =
  | { command: "install" | "uninstall"; target?: InstallTarget; jupyter?: string }
  | { command: "kernel"; connectionFile: string }
  | { command: "version" }
  | { command: "help" };

/**
 * Parse the arguments after `tslab-dl`.
 *
 * @example
 * parseCommand(["install", "--prefix", "/tmp/jp"]); // → { command: "install", target: { kind: "prefix", dir: "/tmp/jp" } }
 */
export function parseCommand(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h")
    return { command: "help" };
  if (command === "--version" || command === "-V" || command === "version") return { command: "version" };
  if (command === "kernel") {
    const { values } = parseArgs({
      args: rest,
      options: { "connection-file": { type: "string", short: "f" }, "config-path": { type: "string" } },
      strict: true,
    });
    const file = values["connection-file"] ?? values["config-path"];
    if (!file)
      throw new CommandLineError("tslab-dl kernel needs --connection-file FILE (Jupyter passes {connection_file})");
    return { command: "kernel", connectionFile: file };
  }
  if (command === "install" || command === "uninstall") {
    const { values } = parseArgs({
      args: rest,
      options: {
        user: { type: "boolean" },
        "sys-prefix": { type: "boolean" },
        prefix: { type: "string" },
        jupyter: { type: "string" },
      },
      strict: true,
    });
    const chosen = [
      values.user && "--user",
      values["sys-prefix"] && "--sys-prefix",
      values.prefix !== undefined && "--prefix",
    ].filter(Boolean);
    if (chosen.length > 1)
      throw new CommandLineError(`choose one of --user, --sys-prefix, --prefix; got ${chosen.join(" and ")}`);
    const target: InstallTarget | undefined =
      values.prefix !== undefined
        ? { kind: "prefix", dir: values.prefix }
        : values["sys-prefix"]
          ? { kind: "sys-prefix" }
          : values.user
            ? { kind: "user" }
            : undefined;
    return { command, target, jupyter: values.jupyter };
  }
  throw new CommandLineError(`unknown command ${JSON.stringify(command)}`);
}

/**
 * Why cells may type-check an import that then fails to load: the kernelspec that started this
 * kernel predates `NODE_PATH` (kernel/kernel-modules.ts), or names another installation.
 */
function staleNodePath(): string | undefined {
  const have = (process.env.NODE_PATH ?? "").split(path.delimiter);
  const missing = kernelModuleDirs().filter((dir) => !have.includes(dir));
  if (missing.length === 0) return undefined;
  return `NODE_PATH lacks ${missing.join(", ")}: notebooks outside this installation cannot load its packages; run "tslab-dl install" again to update the kernelspec`;
}

async function main(argv: string[]): Promise<number> {
  let parsed: Command;
  try {
    parsed = parseCommand(argv);
  } catch (e) {
    process.stderr.write(`tslab-dl: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  switch (parsed.command) {
    case "help":
      process.stdout.write(USAGE + "\n");
      return 0;
    case "version":
      process.stdout.write(`tslab-dl ${(require("../../package.json") as { version: string }).version}\n`);
      return 0;
    case "kernel": {
      const stale = staleNodePath();
      if (stale) process.stderr.write(`tslab-dl kernel: ${stale}\n`);
      // Loaded only here: install and uninstall need not load TypeScript.
      const { Kernel } = require("./kernel") as { Kernel: typeof KernelClass };
      await Kernel.start(parsed.connectionFile);
      return -1;
    }
    case "install":
    case "uninstall":
      try {
        if (parsed.command === "install") installKernel({ target: parsed.target, jupyter: parsed.jupyter });
        else uninstallKernel({ target: parsed.target, jupyter: parsed.jupyter });
        return 0;
      } catch (e) {
        if (e instanceof KernelInstallError) {
          process.stderr.write(`tslab-dl: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tslab-dl: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
