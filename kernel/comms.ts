/**
 * Jupyter comms, both ways: `comm_open`, `comm_msg` and `comm_close` from the
 * front end and from the kernel, and `comm_info_request`. Comms are what
 * Jupyter widgets travel on (target `jupyter.widget`).
 *
 * The library reaches this module only through the `comms` part of the display
 * bridge ({@link CommBridge}); the kernel registers {@link commHandlers} in its
 * handler table. Comm requests are answered while a cell runs (see
 * {@link COMM_REQUESTS}): a widget's click must reach a running `fit`.
 * See https://jupyter-client.readthedocs.io/en/latest/messaging.html#custom-messages
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type { Comm, CommBridge, CommData, DisplayBridge } from "../src/display/registry";
import { jupyterData } from "./display-bridge";
import type { Handler } from "./server";
import { type Content, type Message, PROTOCOL_VERSION } from "./wire";

/** Sends one iopub message as a child of `parent`. */
type CommPublish = (
  msgType: string,
  content: Content,
  parent: Message | undefined,
  buffers?: Buffer[],
  metadata?: Content,
) => void;

/** The shell requests about comms; the server runs them at once, even while a cell runs. */
export const COMM_REQUESTS: ReadonlySet<string> = new Set(["comm_open", "comm_msg", "comm_close", "comm_info_request"]);

type Opened = (comm: Comm, data: CommData, buffers: Uint8Array[]) => void;

function toBuffers(buffers: Uint8Array[] | undefined): Buffer[] {
  return (buffers ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function dataOf(content: Content): CommData {
  const data = content.data;
  return typeof data === "object" && data !== null && !Array.isArray(data) ? (data as CommData) : {};
}

/** A handler's result, with a synchronous throw turned into a rejected promise. */
function settle(run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** One comm, whichever side opened it. */
class KernelComm implements Comm {
  private messageHandlers: Array<(data: CommData, buffers: Uint8Array[]) => void> = [];
  private closeHandlers: Array<(data: CommData) => void> = [];
  closed = false;

  constructor(
    readonly id: string,
    readonly target: string,
    private readonly manager: CommManager,
  ) {}

  send(data: CommData, buffers?: Uint8Array[]): void {
    if (this.closed) throw new CommError(`comm ${this.id} (${this.target}) is closed: nothing can be sent on it`);
    this.manager.publish("comm_msg", { comm_id: this.id, data }, toBuffers(buffers));
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.id);
    this.manager.publish("comm_close", { comm_id: this.id, data });
  }

  onMessage(handler: (data: CommData, buffers: Uint8Array[]) => void): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: (data: CommData) => void): void {
    this.closeHandlers.push(handler);
  }

  /** A `comm_msg` from the front end: every handler runs, even after one fails. */
  received(data: CommData, buffers: Uint8Array[]): Array<unknown> {
    return this.messageHandlers.map((h) => settle(() => h(data, buffers)));
  }

  /** A `comm_close` from the front end. */
  closedByFrontEnd(data: CommData): Array<unknown> {
    this.closed = true;
    return this.closeHandlers.map((h) => settle(() => h(data)));
  }
}

/** Raised when a comm is used wrongly (sending on a closed comm). */
class CommError extends Error {
  override name = "CommError";
}

/**
 * The kernel's comms: the open ones by id, and the targets the front end may open.
 *
 * @example
 * const comms = new CommManager((type, content, parent) => server.publish(type, content, parent), () => kernel.parent);
 * setDisplayBridge({ ...createDisplayBridge(publish), comms: comms.bridge() });
 */
export class CommManager {
  private readonly comms = new Map<string, KernelComm>();
  private readonly targets = new Map<string, Opened>();
  /** The comm message being handled now: messages sent while handling it answer it. */
  private handling?: Message;

  constructor(
    private readonly send: CommPublish,
    private readonly cellParent: () => Message | undefined,
    private readonly log: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
  ) {}

  /** Send on iopub as a child of the message being handled, else of the running cell. */
  publish(msgType: string, content: Content, buffers?: Buffer[], metadata?: Content): void {
    this.send(msgType, content, this.handling ?? this.cellParent(), buffers, metadata);
  }

  forget(id: string): void {
    this.comms.delete(id);
  }

  /** The `comms` part of the display bridge. */
  bridge(): CommBridge {
    return {
      open: (target, data, options = {}) => {
        const comm = new KernelComm(options.id ?? randomUUID().replace(/-/g, ""), target, this);
        this.comms.set(comm.id, comm);
        // The metadata (a widget's protocol version) both in the content, where protocol 1 front
        // ends read it, and as the message's metadata, where ipykernel puts it and
        // @jupyter-widgets/base-manager (JupyterLab's widget manager) reads it.
        const metadata = options.metadata ?? {};
        this.publish(
          "comm_open",
          { comm_id: comm.id, target_name: target, data, metadata },
          toBuffers(options.buffers),
          metadata,
        );
        return comm;
      },
      registerTarget: (target, opened) => {
        this.targets.set(target, opened);
      },
      outputTo: (msgId) => this.outputTo(msgId),
    };
  }

  private outputTo(msgId: string): Pick<DisplayBridge, "display" | "clearOutput"> {
    // A parent made up for the Output widget: only its msg_id matters to the front end.
    const parent = (): Message => {
      const cell = this.cellParent();
      return {
        identities: [],
        header: {
          msg_id: msgId,
          session: cell?.header.session ?? "",
          username: cell?.header.username ?? "kernel",
          date: new Date().toISOString(),
          msg_type: "comm_msg",
          version: PROTOCOL_VERSION,
        },
        parent_header: {},
        metadata: {},
        content: {},
        buffers: [],
      };
    };
    return {
      display: (bundle, options) => {
        const transient: Content = options.displayId ? { display_id: options.displayId } : {};
        const type = options.update ? "update_display_data" : "display_data";
        this.send(type, { data: jupyterData(bundle), metadata: options.metadata ?? {}, transient }, parent());
      },
      clearOutput: (wait) => this.send("clear_output", { wait }, parent()),
    };
  }

  /** `comm_open` from the front end: hand it to its target, or close it at once when there is none (as the spec asks). */
  open(msg: Message): void {
    const id = String(msg.content.comm_id ?? "");
    const target = String(msg.content.target_name ?? "");
    const opened = this.targets.get(target);
    const comm = new KernelComm(id, target, this);
    if (!opened) {
      this.log(
        `comm_open for unknown target ${JSON.stringify(target)} (known: ${[...this.targets.keys()].join(", ") || "none"}); closed`,
      );
      this.during(msg, () => comm.close());
      return;
    }
    this.comms.set(id, comm);
    this.during(msg, () => opened(comm, dataOf(msg.content), msg.buffers));
  }

  /** `comm_msg` from the front end. */
  message(msg: Message): void {
    const comm = this.comms.get(String(msg.content.comm_id ?? ""));
    if (!comm) {
      this.log(`comm_msg for unknown comm ${JSON.stringify(msg.content.comm_id)}; ignored`);
      return;
    }
    this.during(msg, () => comm.received(dataOf(msg.content), msg.buffers));
  }

  /** `comm_close` from the front end. */
  close(msg: Message): void {
    const id = String(msg.content.comm_id ?? "");
    const comm = this.comms.get(id);
    if (!comm) return;
    this.comms.delete(id);
    this.during(msg, () => comm.closedByFrontEnd(dataOf(msg.content)));
  }

  /** The `comm_info_reply` content: open comms, of one target when `target_name` is given. */
  info(targetName?: string): Content {
    const comms: Content = Object.create(null) as Content; // comm ids come from front ends
    for (const comm of this.comms.values()) {
      if (targetName === undefined || comm.target === targetName) comms[comm.id] = { target_name: comm.target };
    }
    return { status: "ok", comms };
  }

  /**
   * Run handlers with `msg` as the parent of what they send. A handler's error
   * (thrown or rejected) is shown to the user on stderr under that message, and
   * the kernel goes on (as IPython does for widget callbacks).
   */
  private during(msg: Message, run: () => unknown): void {
    const report = (e: unknown) =>
      this.send(
        "stream",
        { name: "stderr", text: `Error in a comm handler (${msg.header.msg_type}): ${inspect(e)}\n` },
        msg,
      );
    const previous = this.handling;
    this.handling = msg;
    try {
      const results = run();
      for (const result of Array.isArray(results) ? results : [results]) {
        if (result instanceof Promise) result.catch(report);
      }
    } catch (e) {
      report(e);
    } finally {
      this.handling = previous;
    }
  }
}

/**
 * The handler-table entries for comm requests.
 *
 * @example
 * new KernelServer(conn, { handlers: { ...commHandlers(comms), execute_request } });
 */
export function commHandlers(comms: CommManager): { [msgType: string]: Handler } {
  return {
    comm_open: (msg) => void comms.open(msg),
    comm_msg: (msg) => void comms.message(msg),
    comm_close: (msg) => void comms.close(msg),
    comm_info_request: (msg) =>
      comms.info(typeof msg.content.target_name === "string" ? msg.content.target_name : undefined),
  };
}
