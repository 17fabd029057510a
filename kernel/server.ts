/**
 * The kernel's sockets: binds the five channels of a connection file, checks
 * every incoming message's signature, runs shell requests one at a time and
 * control requests at once, and wraps each request in `busy`/`idle` status.
 *
 * It knows nothing about TypeScript: each `<kind>_request` goes to the handler
 * registered for it, whose result is sent back as `<kind>_reply`.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type * as Zmq from "zeromq";
import { Content, Message, ProtocolError, Signer, decode, encode, respond } from "./wire";

/** The connection file Jupyter writes for a kernel (`{connection_file}`). */
export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

/** The socket a request arrived on. */
type Channel = "shell" | "control";

/** Answers one request type; the returned content is sent as the reply (nothing is sent for `undefined`). */
export type Handler = (msg: Message, channel: Channel) => Promise<Content | undefined> | Content | undefined;

/** Options of {@link KernelServer}. */
interface ServerOptions {
  /** Handlers by request type, e.g. `execute_request`. */
  handlers: { [msgType: string]: Handler };
  /** Called before any iopub message other than `stream` is sent (to flush buffered output first). */
  beforePublish?: () => void;
  /** Where the server reports refused messages and handler failures (the kernel's own log). */
  log?: (text: string) => void;
  /** Shell request types answered at once, not queued behind the running request (comms reach a running cell). */
  concurrent?: ReadonlySet<string>;
}

/** Read and check a connection file. */
export function readConnectionFile(path: string): ConnectionInfo {
  let info: Partial<ConnectionInfo>;
  try {
    info = JSON.parse(readFileSync(path, "utf8")) as Partial<ConnectionInfo>;
  } catch (e) {
    throw new ProtocolError(`cannot read the connection file ${path}: ${(e as Error).message}`);
  }
  for (const key of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const) {
    if (typeof info[key] !== "number") {
      throw new ProtocolError(
        `connection file ${path}: "${key}" must be a port number, found ${JSON.stringify(info[key])}`,
      );
    }
  }
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    key: "",
    signature_scheme: "hmac-sha256",
    ...info,
  } as ConnectionInfo;
}

// Loaded when the sockets open, so that `tslab-dl install` never loads the native addon. Our
// declared version satisfies tslab's range, so npm installs one copy that both use.
function loadZmq(): typeof Zmq {
  return require("zeromq") as typeof Zmq;
}

/** Serialises sends: a zeromq socket accepts one pending send at a time. */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(
    private readonly socket: Zmq.Writable,
    private readonly log: (text: string) => void,
  ) {}
  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail
      .then(() => this.socket.send(frames))
      .catch((e: unknown) => this.log(`send failed: ${(e as Error).message}`));
    return this.tail;
  }
}

/**
 * The five sockets of a kernel.
 *
 * @example
 * const server = new KernelServer(readConnectionFile(file), {
 *   handlers: { kernel_info_request: () => ({ status: "ok", ... }) },
 * });
 * await server.start();
 */
export class KernelServer {
  /** The session id this kernel puts in its headers. */
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly log: (text: string) => void;
  private sockets?: {
    shell: Zmq.Router;
    control: Zmq.Router;
    stdin: Zmq.Router;
    iopub: Zmq.Publisher;
    hb: Zmq.Reply;
  };
  private sends = new Map<string, SendQueue>();
  /** Shell requests waiting for the one in progress. */
  private shellQueue: Message[] = [];
  private shellBusy = false;
  /** The shell request being answered now (the cell running). */
  private shellRunning?: Message;
  private closed = false;

  constructor(
    readonly connection: ConnectionInfo,
    private readonly options: ServerOptions,
  ) {
    this.signer = new Signer(connection.signature_scheme, connection.key);
    this.log = options.log ?? ((text) => process.stderr.write(`tslab-dl: ${text}\n`));
    // Jupyter allows an empty key, but then anyone who can reach the ports can run code here: say so, once.
    if (!this.signer.enabled) {
      this.log(
        "the connection file has no signing key: messages are not signed, so any process that can reach " +
          `${connection.ip}'s kernel ports can run code in this kernel`,
      );
    }
  }

  /** Bind all sockets and start answering. */
  async start(): Promise<void> {
    const zmq = loadZmq();
    const s = {
      shell: new zmq.Router(),
      control: new zmq.Router(),
      stdin: new zmq.Router(),
      iopub: new zmq.Publisher(),
      hb: new zmq.Reply(),
    };
    this.sockets = s;
    const c = this.connection;
    const address = (port: number) =>
      c.transport === "ipc" ? `ipc://${c.ip}-${port}` : `${c.transport}://${c.ip}:${port}`;
    await Promise.all([
      s.shell.bind(address(c.shell_port)),
      s.control.bind(address(c.control_port)),
      s.stdin.bind(address(c.stdin_port)),
      s.iopub.bind(address(c.iopub_port)),
      s.hb.bind(address(c.hb_port)),
    ]);
    for (const [name, socket] of Object.entries(s))
      this.sends.set(name, new SendQueue(socket as Zmq.Writable, this.log));
    void this.receive(s.shell, "shell");
    void this.receive(s.control, "control");
    void this.heartbeat(s.hb);
    this.publish("status", { execution_state: "starting" });
  }

  /**
   * Send a message on iopub, as a child of `parent` when given, with binary `buffers` as extra
   * frames and `metadata` as the message's metadata (where a widget's `comm_open` carries its
   * protocol version, as ipykernel sends it).
   */
  publish(msgType: string, content: Content, parent?: Message, buffers: Buffer[] = [], metadata?: Content): void {
    if (!this.sockets || this.closed) return;
    if (msgType !== "stream") this.options.beforePublish?.();
    const msg = respond(parent, msgType, content, this.session, [Buffer.from(`kernel.${this.session}.${msgType}`)]);
    msg.buffers = buffers;
    if (metadata) msg.metadata = metadata;
    void this.sends.get("iopub")!.send(encode(msg, this.signer));
  }

  /** Close all sockets. */
  close(): void {
    if (this.closed || !this.sockets) return;
    this.closed = true;
    for (const socket of Object.values(this.sockets)) socket.close();
  }

  private async receive(socket: Zmq.Router, channel: Channel): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = decode(frames, this.signer);
        } catch (e) {
          this.log(`${channel}: ${(e as Error).message}`);
          continue;
        }
        if (channel === "control") {
          void this.dispatch(msg, channel);
        } else if (this.options.concurrent?.has(msg.header.msg_type)) {
          void this.dispatch(msg, channel).then(() => this.stillBusy());
        } else {
          this.shellQueue.push(msg);
          void this.drainShell();
        }
      }
    } catch (e) {
      if (!this.closed) this.log(`${channel} socket failed: ${(e as Error).message}`);
    }
  }

  private async drainShell(): Promise<void> {
    if (this.shellBusy) return;
    this.shellBusy = true;
    try {
      for (let msg = this.shellQueue.shift(); msg; msg = this.shellQueue.shift()) {
        this.shellRunning = msg;
        const reply = await this.dispatch(msg, "shell").finally(() => (this.shellRunning = undefined));
        if (
          msg.header.msg_type === "execute_request" &&
          reply?.status === "error" &&
          msg.content.stop_on_error !== false
        ) {
          await this.abortQueuedExecutes();
        }
      }
    } finally {
      this.shellBusy = false;
    }
  }

  /**
   * A request answered beside a running cell ended with `idle`: say `busy` again
   * for the cell, so that front ends do not show the kernel idle while it runs.
   */
  private stillBusy(): void {
    if (this.shellRunning) this.publish("status", { execution_state: "busy" }, this.shellRunning);
  }

  /** After a failed cell, the cells queued behind it are not run (as in IPython). */
  private async abortQueuedExecutes(): Promise<void> {
    const kept: Message[] = [];
    for (const msg of this.shellQueue) {
      if (msg.header.msg_type !== "execute_request") {
        kept.push(msg);
        continue;
      }
      this.publish("status", { execution_state: "busy" }, msg);
      await this.reply(msg, "shell", { status: "aborted" });
      this.publish("status", { execution_state: "idle" }, msg);
    }
    this.shellQueue = kept;
  }

  private async dispatch(msg: Message, channel: Channel): Promise<Content | undefined> {
    const type = msg.header.msg_type;
    // An own property only: "constructor", "toString" or "__proto__" are unknown types, not Object's members.
    const handler = Object.hasOwn(this.options.handlers, type) ? this.options.handlers[type] : undefined;
    if (typeof handler !== "function") return this.unknown(msg, channel);
    this.publish("status", { execution_state: "busy" }, msg);
    let content: Content | undefined;
    try {
      content = await handler(msg, channel);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.log(`${type} failed: ${err.stack ?? err.message}`);
      content = { status: "error", ename: err.name, evalue: err.message, traceback: (err.stack ?? "").split("\n") };
    }
    if (content) await this.reply(msg, channel, content);
    this.publish("status", { execution_state: "idle" }, msg);
    return content;
  }

  /**
   * A message type this kernel has no handler for. ipykernel logs it and sends
   * nothing, which leaves a client waiting for a reply forever; so a
   * `<kind>_request` is answered with an error `<kind>_reply` naming the type
   * (nothing of the request is echoed), and any other type is logged and
   * ignored, as ipykernel does. Either way the kernel says busy, then idle.
   */
  private async unknown(msg: Message, channel: Channel): Promise<Content | undefined> {
    const type = msg.header.msg_type;
    const shown = JSON.stringify(type.length > 80 ? `${type.slice(0, 80)}…` : type);
    this.log(
      `${channel}: no handler for message type ${shown}; ${type.endsWith("_request") ? "answered with an error" : "ignored"}`,
    );
    this.publish("status", { execution_state: "busy" }, msg);
    let content: Content | undefined;
    if (/^[a-z][a-z0-9_]*_request$/.test(type) && type.length <= 80) {
      content = {
        status: "error",
        ename: "UnknownMessageType",
        evalue: `this kernel does not handle ${shown} messages on the ${channel} channel`,
        traceback: [],
      };
      await this.reply(msg, channel, content);
    }
    this.publish("status", { execution_state: "idle" }, msg);
    return content;
  }

  private reply(msg: Message, channel: Channel, content: Content): Promise<void> {
    const type = msg.header.msg_type.replace(/_request$/, "_reply");
    return this.sends.get(channel)!.send(encode(respond(msg, type, content, this.session), this.signer));
  }

  private async heartbeat(hb: Zmq.Reply): Promise<void> {
    try {
      for await (const frames of hb) await hb.send(frames);
    } catch (e) {
      if (!this.closed) this.log(`heartbeat socket failed: ${(e as Error).message}`);
    }
  }
}
