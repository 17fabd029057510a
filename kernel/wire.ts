/**
 * The Jupyter wire protocol: how a message becomes ZeroMQ frames and back,
 * and how its HMAC signature is made and checked.
 *
 * Frames: `[identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`.
 * The signature is the hex HMAC of the four JSON parts, with the connection
 * file's `key` and `signature_scheme` (`hmac-sha256` unless told otherwise).
 * See https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** The protocol version this kernel speaks. */
export const PROTOCOL_VERSION = "5.3";

const DELIMITER = Buffer.from("<IDS|MSG>");

/** A message header, as the spec defines it. */
interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** JSON content of a message. */
export type Content = { [key: string]: unknown };

/** A decoded Jupyter message. */
export interface Message<C extends Content = Content> {
  /** ZeroMQ routing prefix: who to answer on a ROUTER socket. */
  identities: Buffer[];
  header: MessageHeader;
  /** The header of the request this message answers; `{}` when none. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: Content;
  content: C;
  buffers: Buffer[];
}

/** Raised when incoming frames are not a valid, correctly signed Jupyter message. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/**
 * Signs and checks messages with the connection's key. An empty key turns
 * authentication off, as the spec allows (signatures are then empty strings).
 *
 * @example
 * const signer = new Signer("hmac-sha256", conn.key);
 * const frames = encode(msg, signer);
 */
export class Signer {
  private readonly algorithm: string;
  private readonly key: Buffer;
  /** Signatures already accepted: a replayed message is refused. */
  private readonly seen = new Set<string>();
  private static readonly SEEN_LIMIT = 1 << 16;

  constructor(scheme: string, key: string) {
    const match = /^hmac-([a-z0-9]+)$/.exec(scheme || "hmac-sha256");
    if (!match) {
      throw new ProtocolError(
        `signature_scheme ${JSON.stringify(scheme)} is not supported: expected "hmac-<digest>", e.g. "hmac-sha256"`,
      );
    }
    this.algorithm = match[1];
    this.key = Buffer.from(key, "utf8");
    // Fail now, not at the first message, when the digest is unknown to OpenSSL.
    if (this.enabled) createHmac(this.algorithm, this.key);
  }

  /** Whether messages are signed at all (the key is not empty). */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** The hex signature of the four JSON parts. */
  sign(parts: ReadonlyArray<Buffer | string>): string {
    if (!this.enabled) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  /**
   * Throw {@link ProtocolError} unless `signature` is the signature of `parts`
   * and was not seen before. The comparison takes the same time wherever the
   * strings first differ.
   */
  verify(signature: Buffer, parts: ReadonlyArray<Buffer>): void {
    if (!this.enabled) return;
    const expected = Buffer.from(this.sign(parts), "latin1");
    if (signature.length === 0)
      throw new ProtocolError("unsigned message refused: the connection requires an HMAC signature");
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new ProtocolError("message refused: its HMAC signature does not match the connection key");
    }
    const text = signature.toString("latin1");
    if (this.seen.has(text))
      throw new ProtocolError("message refused: its signature was already used (replayed message)");
    if (this.seen.size >= Signer.SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(text);
  }
}

function parseJson(frame: Buffer | undefined, part: string): Content {
  if (frame === undefined) throw new ProtocolError(`message has no ${part} frame`);
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch (e) {
    throw new ProtocolError(`message ${part} is not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError(`message ${part} must be a JSON object, found ${JSON.stringify(value)}`);
  }
  return value as Content;
}

/**
 * Decode the frames received on a socket, checking the signature before
 * anything is parsed. Throws {@link ProtocolError} for anything invalid.
 *
 * @example
 * for await (const frames of shell) {
 *   const msg = decode(frames, signer);
 * }
 */
export function decode(frames: Buffer[], signer: Signer): Message {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new ProtocolError("message has no <IDS|MSG> delimiter frame");
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6);
  if (signature === undefined || parts.length < 4) {
    throw new ProtocolError(`message has ${frames.length - at - 1} frames after the delimiter, expected at least 5`);
  }
  signer.verify(signature, parts);
  const header = parseJson(parts[0], "header");
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new ProtocolError("message header lacks msg_type or msg_id");
  }
  return {
    identities: frames.slice(0, at),
    header: header as unknown as MessageHeader,
    parent_header: parseJson(parts[1], "parent_header") as Message["parent_header"],
    metadata: parseJson(parts[2], "metadata"),
    content: parseJson(parts[3], "content"),
    buffers: frames.slice(at + 6),
  };
}

/** Encode a message into signed frames. */
export function encode(msg: Message, signer: Signer): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    Buffer.from(JSON.stringify(p), "utf8"),
  );
  return [...msg.identities, DELIMITER, Buffer.from(signer.sign(parts), "latin1"), ...parts, ...msg.buffers];
}

/**
 * A new message answering (or caused by) `parent`: same session and user,
 * `parent_header` set to the parent's header.
 *
 * @example
 * const reply = respond(request, "kernel_info_reply", { status: "ok" }, session);
 */
export function respond<C extends Content>(
  parent: Message | undefined,
  msgType: string,
  content: C,
  session: string,
  identities: Buffer[] = parent?.identities ?? [],
): Message<C> {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      session,
      username: parent?.header.username ?? "kernel",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent?.header ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}
