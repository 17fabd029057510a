/**
 * The tslab-dl kernel: the sockets ({@link KernelServer}), tslab's executor
 * ({@link CellRunner}) and this project's additions, wired together. Each
 * request handler here only translates between a message and those layers.
 */
import type { ChildProcess } from "node:child_process";
import { inspect as utilInspect } from "node:util";
import { COMM_REQUESTS, CommManager, commHandlers } from "./comms";
import { installDisplayBridge, resultData } from "./display-bridge";
import { CellRunner, errorContent } from "./execute";
import { History, HistoryRequest } from "./history";
import { interruptTraining } from "./interrupt";
import { describeAt, inspectReply } from "./docs";
import { complete, isComplete, kernelInfo, pagerPayload, pagerRequest } from "./protocol";
import { KernelServer, readConnectionFile } from "./server";
import { SHELL_HOOK, interruptShellCommand, runShellCommand } from "./shell-lines";
import { StreamCapture } from "./streams";
import type { Content, Message } from "./wire";

/** How long an interrupted `fit` may take to reach its batch end before the cell is abandoned anyway. */
const FIT_STOP_GRACE_MS = 3000;

interface ExecuteRequest {
  code?: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: { [name: string]: string };
}

/**
 * A running kernel.
 *
 * @example
 * const kernel = await Kernel.start("/path/to/connection.json");
 */
export class Kernel {
  private readonly server: KernelServer;
  private readonly runner: CellRunner;
  private readonly history = new History();
  private readonly streams: StreamCapture;
  private readonly comms: CommManager;
  private executionCount = 0;
  /** The request whose outputs are being produced (outputs after a cell ends still go to it, as in IPython). */
  private parent?: Message;
  private running = false;
  private readonly shellChildren = new Set<ChildProcess>();
  private log: (text: string) => void;

  private constructor(connectionFile: string) {
    this.streams = new StreamCapture((name, text) => this.server.publish("stream", { name, text }, this.parent));
    const stderr = process.stderr.write.bind(process.stderr);
    this.log = (text) => stderr(`tslab-dl kernel: ${text}\n`);
    this.comms = new CommManager(
      (type, content, parent, buffers, metadata) => this.server.publish(type, content, parent, buffers, metadata),
      () => this.parent,
      this.log,
    );
    this.server = new KernelServer(readConnectionFile(connectionFile), {
      beforePublish: () => this.streams.flush(),
      log: this.log,
      concurrent: COMM_REQUESTS,
      handlers: {
        ...commHandlers(this.comms),
        kernel_info_request: () => kernelInfo(),
        execute_request: (msg) => this.execute(msg),
        complete_request: (msg) =>
          complete(this.runner.executor, String(msg.content.code ?? ""), Number(msg.content.cursor_pos ?? 0)),
        inspect_request: (msg) =>
          inspectReply(this.runner.executor, String(msg.content.code ?? ""), Number(msg.content.cursor_pos ?? 0)),
        is_complete_request: (msg) => ({ ...isComplete(String(msg.content.code ?? "")) }),
        history_request: (msg) => ({ status: "ok", history: this.history.reply(msg.content as HistoryRequest) }),
        interrupt_request: () => {
          this.interrupt();
          return { status: "ok" };
        },
        shutdown_request: (msg) => this.shutdown(msg.content.restart === true),
      },
    });
    this.runner = new CellRunner(process.cwd(), (text) => process.stderr.write(text));
  }

  /** Start a kernel on the sockets of a connection file. */
  static async start(connectionFile: string): Promise<Kernel> {
    const kernel = new Kernel(connectionFile);
    await kernel.listen();
    return kernel;
  }

  private async listen(): Promise<void> {
    this.streams.install();
    installDisplayBridge((type, content) => this.server.publish(type, content, this.parent), this.comms.bridge());
    (globalThis as unknown as { [SHELL_HOOK]: (command: string) => Promise<void> })[SHELL_HOOK] = (command) =>
      this.shell(command);
    process.on("SIGINT", () => this.interrupt());
    process.on("uncaughtException", (err) => this.backgroundError("uncaught exception", err));
    process.on("unhandledRejection", (reason) => this.backgroundError("unhandled promise rejection", reason));
    await this.server.start();
    this.runner.warm();
  }

  private backgroundError(what: string, err: unknown): void {
    process.stderr.write(`tslab-dl: ${what} outside a running cell: ${utilInspect(err)}\n`);
  }

  private async execute(msg: Message): Promise<Content> {
    const request = msg.content as ExecuteRequest;
    const code = String(request.code ?? "");
    const silent = request.silent === true;
    const store = request.store_history !== false && !silent;
    this.streams.flush();
    this.parent = msg;
    if (store) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.server.publish("execute_input", { code, execution_count: count }, msg);
    if (store) this.history.record(count, code);

    const payload: Content[] = [];
    const pager = pagerRequest(code);
    if (pager) {
      const text = await this.pagerText(pager.target, pager.source);
      if (text === undefined) process.stdout.write(`${pager.target}: no type information found\n`);
      else payload.push(pagerPayload(text));
      return { status: "ok", execution_count: count, payload, user_expressions: {} };
    }

    this.running = true;
    const outcome = await this.runner.run(code, `In [${count}]`).finally(() => (this.running = false));
    this.streams.flush();
    if (outcome.status === "error") {
      this.server.publish("error", { ...outcome.error }, msg);
      return { status: "error", execution_count: count, ...outcome.error };
    }
    if (outcome.hasValue && !silent) {
      let data: Content;
      try {
        data = await resultData(outcome.value);
      } catch (e) {
        const error = errorContent(e);
        this.server.publish("error", { ...error }, msg);
        return { status: "error", execution_count: count, ...error };
      }
      this.server.publish("execute_result", { execution_count: count, data, metadata: {} }, msg);
      if (store && typeof data["text/plain"] === "string") this.history.setOutput(count, data["text/plain"]);
    }
    const userExpressions = await this.userExpressions(request.user_expressions ?? {});
    return { status: "ok", execution_count: count, payload, user_expressions: userExpressions };
  }

  /** The pager's text for `target?` (documentation) or `target??` (documentation and source). */
  private async pagerText(target: string, withSource: boolean): Promise<string | undefined> {
    const docs = describeAt(this.runner.executor, target, target.length);
    if (!withSource) return docs;
    const source = await this.runner.sourceOf(target.replace(/^new\s+/, ""));
    return docs ? `${docs}\n\n${source}` : source;
  }

  /** `user_expressions`: each expression's result bundle, or its error. */
  private async userExpressions(expressions: { [name: string]: string }): Promise<Content> {
    // No prototype: an expression named "__proto__" is a key like any other.
    const results: Content = Object.create(null) as Content;
    for (const [name, expression] of Object.entries(expressions)) {
      const outcome = await this.runner.run(String(expression), `user expression ${name}`);
      if (outcome.status === "error") {
        results[name] = { status: "error", ...outcome.error };
        continue;
      }
      try {
        const data = outcome.hasValue ? await resultData(outcome.value) : { "text/plain": "undefined" };
        results[name] = { status: "ok", data, metadata: {} };
      } catch (e) {
        results[name] = { status: "error", ...errorContent(e) };
      }
    }
    return results;
  }

  /** Run a shell line (called by the rewritten cell). */
  private async shell(command: string): Promise<void> {
    const write = (text: string) => process.stdout.write(text);
    const result = await runShellCommand(command, {
      write,
      started: (child) => {
        this.shellChildren.add(child);
        child.on("close", () => this.shellChildren.delete(child));
      },
    });
    if (result.code !== 0) {
      const how = result.signal ? `was stopped by ${result.signal}` : `exited with status ${result.code}`;
      process.stderr.write(`! ${command}: ${how}\n`);
    }
  }

  /**
   * Interrupt (SIGINT or `interrupt_request`): stop shell commands, ask a
   * running `fit` to stop at its next batch end (the cell then fails with
   * InterruptError), otherwise stop waiting for the cell's asynchronous work.
   */
  interrupt(): void {
    for (const child of this.shellChildren) interruptShellCommand(child);
    if (interruptTraining()) {
      const parent = this.parent;
      setTimeout(() => {
        if (this.running && this.parent === parent) this.runner.interrupt();
      }, FIT_STOP_GRACE_MS).unref();
    } else if (this.running) {
      this.runner.interrupt();
    }
  }

  private shutdown(restart: boolean): Content {
    setTimeout(() => {
      this.streams.uninstall();
      this.server.close();
      this.runner.close();
      process.exit(0);
    }, 50);
    return { status: "ok", restart };
  }
}
