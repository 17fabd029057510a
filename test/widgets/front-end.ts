/**
 * The kernel's real display bridge and comm manager, with a recording
 * publisher standing in for the sockets: what a front end would receive, and
 * a way to send it comm messages as a front end would.
 */
import { CommManager } from "../../kernel/comms";
import { createDisplayBridge } from "../../kernel/display-bridge";
import type { Content, Message } from "../../kernel/wire";
import { setDisplayBridge } from "../../src/display/registry";

/** One iopub message the kernel published. */
export interface Published {
  type: string;
  content: Content;
  parent?: string;
}

/** A recording front end; `uninstall()` removes its bridge. */
export class FakeFrontEnd {
  readonly published: Published[] = [];
  private readonly comms: CommManager;
  private sequence = 0;
  readonly cell = FakeFrontEnd.message("execute_request", {}, "cell-1");

  constructor() {
    const publish = (type: string, content: Content, parent?: Message) =>
      this.published.push({ type, content, parent: parent?.header.msg_id });
    this.comms = new CommManager(
      publish,
      () => this.cell,
      () => {},
    );
    setDisplayBridge(createDisplayBridge((type, content) => publish(type, content, this.cell), this.comms.bridge()));
  }

  static message(msgType: string, content: Content, id: string): Message {
    return {
      identities: [],
      header: { msg_id: id, session: "s", username: "u", date: "", msg_type: msgType, version: "5.3" },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  /** Send a `comm_msg` to the kernel as the front end does; returns its msg_id. */
  send(commId: string, data: Content): string {
    const id = `fe-${++this.sequence}`;
    this.comms.message(FakeFrontEnd.message("comm_msg", { comm_id: commId, data }, id));
    return id;
  }

  /** Open a comm from the front end, as its widget manager does. */
  openFromFrontEnd(target: string, commId: string, data: Content = {}): void {
    this.comms.open(
      FakeFrontEnd.message("comm_open", { comm_id: commId, target_name: target, data }, `open-${commId}`),
    );
  }

  /** The comm messages (`data`) sent on one comm. */
  commData(commId: string): Content[] {
    return this.published
      .filter((p) => p.type === "comm_msg" && p.content.comm_id === commId)
      .map((p) => p.content.data as Content);
  }

  /** The `comm_open` content of one comm. */
  opened(commId: string): Content | undefined {
    return this.published.find((p) => p.type === "comm_open" && p.content.comm_id === commId)?.content;
  }

  uninstall(): void {
    setDisplayBridge(undefined);
  }
}
