/**
 * Message types come from outside: the server looks its handlers up as own
 * properties only, so `constructor`, `toString`, `__proto__` or
 * `hasOwnProperty` are unknown types. An unknown `<kind>_request` gets an error
 * `<kind>_reply` naming the type, with nothing of the request echoed; any other
 * unknown type is logged and ignored (as ipykernel does). The kernel keeps
 * answering afterwards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as net from "node:net";
import * as zmq from "zeromq";
import { KernelServer, type ConnectionInfo } from "../../kernel/server";
import { decode, encode, type Message, Signer } from "../../kernel/wire";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function request(msgType: string, content: object = {}): Message {
  return {
    identities: [],
    header: { msg_id: randomUUID(), session: "s", username: "u", date: "", msg_type: msgType, version: "5.3" },
    parent_header: {},
    metadata: {},
    content: { secret: "ECHO-ME-NOT", ...content },
    buffers: [],
  };
}

test("message types named after Object's members are unknown types: no crash, no echo, the kernel keeps answering", async () => {
  const connection: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: await freePort(),
    iopub_port: await freePort(),
    stdin_port: await freePort(),
    control_port: await freePort(),
    hb_port: await freePort(),
    key: "k",
    signature_scheme: "hmac-sha256",
  };
  const log: string[] = [];
  const server = new KernelServer(connection, {
    handlers: { kernel_info_request: () => ({ status: "ok", implementation: "test" }) },
    log: (t) => log.push(t),
  });
  await server.start();
  const signer = new Signer("hmac-sha256", "k");
  const shell = new zmq.Dealer({ receiveTimeout: 3000 });
  shell.connect(`tcp://127.0.0.1:${connection.shell_port}`);
  const control = new zmq.Dealer({ receiveTimeout: 3000 });
  control.connect(`tcp://127.0.0.1:${connection.control_port}`);
  const ask = async (socket: zmq.Dealer, msgType: string): Promise<Message> => {
    const req = request(msgType);
    await socket.send(encode(req, signer));
    const reply = decode(await socket.receive(), signer);
    assert.equal(reply.parent_header.msg_id, req.header.msg_id, "a reply to this request, in order");
    return reply;
  };
  try {
    for (const socket of [shell, control]) {
      for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
        // Not a request: ignored, so the next reply on this socket is kernel_info's.
        await socket.send(encode(request(type), signer));
      }
      for (const type of ["constructor_request", "tostring_request", "nonsense_request"]) {
        const reply = await ask(socket, type);
        assert.equal(reply.header.msg_type, type.replace(/_request$/, "_reply"));
        assert.equal(reply.content.status, "error");
        assert.equal(reply.content.ename, "UnknownMessageType");
        assert.match(String(reply.content.evalue), new RegExp(`does not handle "${type}" messages`));
        assert.doesNotMatch(JSON.stringify(reply.content), /ECHO-ME-NOT/);
      }
      const info = await ask(socket, "kernel_info_request");
      assert.equal(info.header.msg_type, "kernel_info_reply");
      assert.equal(info.content.implementation, "test");
    }
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      assert.ok(
        log.some((l) => l.includes(`no handler for message type "${type}"; ignored`)),
        `${type} logged: ${log.join(" | ")}`,
      );
    }
    assert.ok(!log.some((l) => /failed|TypeError/.test(l)), log.join(" | "));
  } finally {
    shell.close();
    control.close();
    server.close();
  }
});
