import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { Message, ProtocolError, Signer, decode, encode, respond } from "../../kernel/wire";
import { PYTHON, jupyterMissing } from "./helpers";

const KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

function request(code: string): Message {
  const msg = respond(undefined, "execute_request", { code }, "client-session");
  msg.identities = [Buffer.from("client-identity")];
  return msg;
}

test("encode then decode returns the same message, identities included", () => {
  const signer = new Signer("hmac-sha256", KEY);
  const msg = request("1 + 1");
  const back = decode(encode(msg, new Signer("hmac-sha256", KEY)), signer);
  assert.deepEqual(back.identities, msg.identities);
  assert.deepEqual(back.header, msg.header);
  assert.deepEqual(back.content, { code: "1 + 1" });
  assert.deepEqual(back.parent_header, {});
});

test("a message signed with another key is refused", () => {
  const frames = encode(request("evil()"), new Signer("hmac-sha256", "another key"));
  assert.throws(
    () => decode(frames, new Signer("hmac-sha256", KEY)),
    (e: unknown) => e instanceof ProtocolError && /does not match/.test(e.message),
  );
});

test("an unsigned message is refused when the connection has a key", () => {
  const frames = encode(request("evil()"), new Signer("hmac-sha256", ""));
  assert.equal(frames[2].length, 0, "empty signature frame");
  assert.throws(() => decode(frames, new Signer("hmac-sha256", KEY)), /unsigned message refused/);
});

test("a message whose content was changed after signing is refused", () => {
  const frames = encode(request("harmless()"), new Signer("hmac-sha256", KEY));
  frames[frames.length - 1] = Buffer.from(JSON.stringify({ code: "evil()" }));
  assert.throws(() => decode(frames, new Signer("hmac-sha256", KEY)), /does not match/);
});

test("a replayed message is refused the second time", () => {
  const signer = new Signer("hmac-sha256", KEY);
  const frames = encode(request("once()"), new Signer("hmac-sha256", KEY));
  decode(frames, signer);
  assert.throws(() => decode(frames, signer), /replayed/);
});

test("with an empty key, authentication is off (as the spec allows)", () => {
  const msg = decode(encode(request("x"), new Signer("hmac-sha256", "")), new Signer("hmac-sha256", ""));
  assert.equal(msg.content.code, "x");
});

test("malformed frames are refused with a reason", () => {
  const signer = new Signer("hmac-sha256", "");
  assert.throws(() => decode([Buffer.from("{}")], signer), /no <IDS\|MSG> delimiter/);
  assert.throws(() => decode([Buffer.from("<IDS|MSG>"), Buffer.from("")], signer), /expected at least 5/);
  assert.throws(() => new Signer("rsa-sha256", KEY), /signature_scheme "rsa-sha256" is not supported/);
});

test("respond sets the parent header, the session and a fresh message id", () => {
  const parent = request("1");
  const reply = respond(parent, "execute_reply", { status: "ok" }, "kernel-session");
  assert.deepEqual(reply.parent_header, parent.header);
  assert.equal(reply.header.session, "kernel-session");
  assert.equal(reply.header.msg_type, "execute_reply");
  assert.notEqual(reply.header.msg_id, parent.header.msg_id);
  assert.deepEqual(reply.identities, parent.identities);
});

const missing = jupyterMissing();

test("jupyter_client's Session reads what we sign and we read what it signs", { skip: missing }, () => {
  const ours = encode(request("from node"), new Signer("hmac-sha256", KEY));
  const script = `
import sys, json
from jupyter_client.session import Session
s = Session(key=${JSON.stringify(KEY)}.encode())
frames = [bytes.fromhex(h) for h in json.loads(sys.stdin.read())]
idents, rest = s.feed_identities(frames, copy=True)
msg = s.deserialize(rest, content=True)
assert msg["content"] == {"code": "from node"}, msg
out = s.msg("execute_request", {"code": "from python"})
wire = s.serialize(out, ident=[b"py-ident"])
print(json.dumps([f.hex() if isinstance(f, bytes) else f.encode().hex() for f in wire]))
`;
  const run = spawnSync(PYTHON, ["-c", script], {
    input: JSON.stringify(ours.map((f) => f.toString("hex"))),
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const theirs = (JSON.parse(run.stdout) as string[]).map((h) => Buffer.from(h, "hex"));
  const msg = decode(theirs, new Signer("hmac-sha256", KEY));
  assert.deepEqual(msg.content, { code: "from python" });
  assert.deepEqual(msg.identities, [Buffer.from("py-ident")]);
});
