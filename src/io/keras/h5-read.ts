/**
 * Reading HDF5 files safely: the parent side of {@link ./h5-worker}.
 *
 * A file is read in two steps: its tree (attributes and dataset shapes), which
 * the caller validates against what it expects, then only the datasets it
 * needs. A crash, an abort or a time-out of the HDF5 library becomes a
 * `ModelFileError` naming the file; the worker is always terminated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { openRegularFile } from "../../regular-file";
import { ModelFileError } from "../errors";
import type { H5Attribute, H5Node, H5Tree, ReadReply, WorkerRequest } from "./h5-types";

/** The 8-byte HDF5 signature, found at offset 0, 512, 1024, 2048, … */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Refuse early what is certainly not HDF5, with a message a learner understands. */
function checkHdf5Signature(file: string, shownAs: string = file): number {
  const { fd, size } = openRegularFile(file, (problem, cause) => new ModelFileError(shownAs, problem, { cause }));
  let zip: boolean;
  try {
    if (size === 0)
      throw new ModelFileError(shownAs, "is empty (0 bytes): it is not an HDF5 file; was the save interrupted?");
    const head = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      fs.readSync(fd, head, 0, 8, offset);
      if (head.equals(SIGNATURE)) return size;
      if (offset >= 1 << 20) break;
    }
    fs.readSync(fd, head, 0, 4, 0);
    zip = head.readUInt32LE(0) === 0x04034b50;
  } finally {
    fs.closeSync(fd);
  }
  throw new ModelFileError(
    shownAs,
    zip
      ? "is a zip archive, not an HDF5 file: a Keras 3 model archive should be named .keras"
      : `is not an HDF5 file (no HDF5 signature in its first bytes; ${size} bytes)`,
  );
}

/** Milliseconds allowed for one step: generous, growing with the file. */
function timeoutFor(bytes: number): number {
  return 60_000 + Math.ceil(bytes / (10 * 1024 * 1024)) * 2_000;
}

/** An open HDF5 file in its worker. */
export class H5Reader {
  private worker: Worker;
  private closed = false;
  private output = "";

  private constructor(
    private readonly file: string,
    private readonly shownAs: string,
  ) {
    // The worker's output is kept, not passed through: a damaged file makes the
    // WebAssembly runtime print "Aborted(...)" lines that belong in our error.
    this.worker = new Worker(path.join(__dirname, "h5-worker.js"), { stdout: true, stderr: true });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-2000);
    };
    this.worker.stdout.on("data", keep);
    this.worker.stderr.on("data", keep);
  }

  /**
   * Open `file` and return its tree; `shownAs` is the name used in errors
   * (the archive member of a `.keras` file, say).
   */
  static async open(file: string, shownAs: string = file): Promise<{ reader: H5Reader; tree: H5Tree }> {
    const fileBytes = checkHdf5Signature(file, shownAs);
    const reader = new H5Reader(file, shownAs);
    try {
      const tree = (await reader.call({ op: "scan", path: file })) as H5Tree;
      return { reader, tree: { ...tree, fileBytes } };
    } catch (e) {
      await reader.close();
      throw e;
    }
  }

  /** Read the given datasets (absolute paths) as float32. */
  async read(paths: string[]): Promise<ReadReply["arrays"]> {
    const reply = (await this.call({ op: "read", path: this.file, paths })) as ReadReply;
    return reply.arrays;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private call(request: WorkerRequest): Promise<unknown> {
    const bytes = fs.statSync(this.file).size;
    const limit = timeoutFor(bytes);
    return new Promise((resolve, reject) => {
      const fail = (message: string, cause?: unknown): void => {
        cleanup();
        void this.close();
        reject(new ModelFileError(this.shownAs, message, { cause }));
      };
      const timer = setTimeout(
        () =>
          fail(
            `reading it took more than ${Math.round(limit / 1000)} s; the file is probably corrupt, or not the file you meant`,
          ),
        limit,
      );
      const onMessage = (msg: { ok: boolean; result?: unknown; message?: string; problem?: boolean }): void => {
        cleanup();
        if (msg.ok) resolve(msg.result);
        else if (msg.problem) reject(new ModelFileError(this.shownAs, msg.message ?? "could not be read"));
        else {
          void this.close();
          reject(
            new ModelFileError(
              this.shownAs,
              `is corrupt or truncated: the HDF5 library failed while reading it (${msg.message})`,
            ),
          );
        }
      };
      const onError = (e: Error): void =>
        fail(`is corrupt: the HDF5 library crashed while reading it (${e.message.split("\n")[0]})`, e);
      const onExit = (code: number): void => {
        const last = this.output.trim().split("\n").pop();
        fail(`is corrupt: the HDF5 reader stopped (exit code ${code}${last ? `, "${last}"` : ""}) while reading it`);
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
        this.worker.off("exit", onExit);
      };
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.on("exit", onExit);
      this.worker.postMessage(request);
    });
  }
}

/** Join HDF5 path parts ("/", "a", "b/c") into an absolute path. */
export function h5join(...parts: string[]): string {
  const joined = parts
    .flatMap((p) => p.split("/"))
    .filter((p) => p.length > 0)
    .join("/");
  return `/${joined}`;
}

/** The attribute `name` of a node, or undefined. */
function attr(node: H5Node | undefined, name: string): H5Attribute | undefined {
  return node?.attrs.find((a) => a.name === name);
}

/**
 * A string-list attribute as Keras writes it: strings (fixed or variable
 * length), an empty float array for "none", or split over `name0`, `name1`, …
 * when it was too long for one HDF5 attribute.
 */
export function stringListAttr(node: H5Node | undefined, name: string): string[] | undefined {
  const one = attr(node, name);
  if (one) return asStrings(one);
  if (!attr(node, `${name}0`)) return undefined;
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const chunk = attr(node, `${name}${i}`);
    if (!chunk) break;
    out.push(...(asStrings(chunk) ?? []));
  }
  return out;
}

function asStrings(a: H5Attribute): string[] | undefined {
  if (Array.isArray(a.value) && a.value.length === 0) return [];
  if (typeof a.value === "string") return [a.value];
  const list = a.value as (string | number)[] | null;
  if (Array.isArray(list) && list.every((v) => typeof v === "string")) return list as string[];
  return undefined;
}

/** A scalar string attribute (model_config, keras_version, …). */
export function stringAttr(node: H5Node | undefined, name: string): string | undefined {
  const a = attr(node, name);
  if (!a) return undefined;
  if (typeof a.value === "string") return a.value;
  if (Array.isArray(a.value) && a.value.length === 1 && typeof a.value[0] === "string") return a.value[0];
  return undefined;
}
