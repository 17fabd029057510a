/**
 * The HDF5 reader, run in a worker thread.
 *
 * The HDF5 C library (compiled to WebAssembly by h5wasm) can abort, exhaust its
 * 2 GiB heap, or loop on a corrupt file. Reading here keeps such a file from
 * taking down or freezing the notebook: the parent ({@link ./h5-read}) times the
 * worker out and terminates it, and turns every failure into a `ModelFileError`.
 *
 * Protocol (one file per worker): `scan` returns the file's tree (groups,
 * attributes with their values, dataset metadata, no dataset data); `read`
 * returns the data of the datasets the parent asks for, after checking that
 * their declared sizes are sane. Nothing in the file is ever executed.
 */
import { parentPort } from "node:worker_threads";
import * as fs from "node:fs";
import type {
  H5Attribute,
  H5DatasetLike,
  H5FileLike,
  H5GroupLike,
  H5Node,
  H5Tree,
  H5wasmLike,
  ReadReply,
  ReadRequest,
  WorkerRequest,
} from "./h5-types";
import { H5_LIMITS } from "./h5-types";

type H5wasm = H5wasmLike;
type H5File = H5FileLike;
type H5Group = H5GroupLike;
type H5Dataset = H5DatasetLike;

/** HDF5 type classes (H5T_class_t). */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;

let h5: H5wasm | undefined;
let file: H5File | undefined;

class FileProblem extends Error {}

async function open(filePath: string): Promise<H5File> {
  if (!h5) {
    h5 = (await import("h5wasm/node")) as unknown as H5wasm;
    const module = await h5.ready;
    // Errors become exceptions instead of pages of HDF5-DIAG text on stderr.
    module.activate_throwing_error_handler();
  }
  let f: H5File;
  try {
    f = new h5.File(filePath, "r");
  } catch (e) {
    throw new FileProblem(`is not a readable HDF5 file (${firstLine(e)})`);
  }
  if (f.file_id < 0n) throw new FileProblem("is not a readable HDF5 file");
  return f;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim());
  // The HDF5 error stack's innermost entry names the cause best ("truncated file: eof = …").
  const minors = lines.filter((l) => l.startsWith("#0"));
  const last = minors[minors.length - 1];
  const detail = last ? last.replace(/^#\d+:\s*\S+\s+line \d+ in [^:]+:\s*/, "") : lines[0];
  return detail.slice(0, 300);
}

function dims(shape: number[] | null | undefined): number[] {
  return Array.isArray(shape) ? shape.map(Number) : [];
}

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function readAttribute(owner: H5Group | H5Dataset, name: string): H5Attribute {
  const attr = owner.attrs[name];
  const meta = attr.metadata;
  const shape = dims(meta.shape);
  const base: H5Attribute = {
    name,
    typeClass: meta.type,
    size: meta.size,
    vlen: !!meta.vlen,
    cset: meta.cset ?? null,
    shape,
    value: null,
  };
  const n = count(shape);
  if (!(n <= H5_LIMITS.maxAttributeElements)) {
    throw new FileProblem(
      `attribute "${name}" of ${owner.path} claims ${n} elements (more than ${H5_LIMITS.maxAttributeElements})`,
    );
  }
  if (meta.type === H5T_STRING) {
    const value = attr.value;
    if (typeof value === "string") base.value = value;
    else if (Array.isArray(value)) base.value = value.map((v) => String(v));
    return base;
  }
  if (meta.type === H5T_FLOAT || meta.type === H5T_INTEGER) {
    const value = attr.value;
    if (typeof value === "number" || typeof value === "bigint") base.value = [Number(value)];
    else if (ArrayBuffer.isView(value)) base.value = Array.from(value as unknown as ArrayLike<number | bigint>, Number);
    return base;
  }
  return base;
}

function scan(f: H5File): H5Tree {
  const nodes: { [path: string]: H5Node } = {};
  let seen = 0;
  const visit = (path: string, entity: H5Group | H5Dataset): void => {
    seen += 1;
    if (seen > H5_LIMITS.maxNodes) throw new FileProblem(`holds more than ${H5_LIMITS.maxNodes} groups and datasets`);
    const attrNames = Object.keys(entity.attrs);
    const attrs = attrNames.map((a) => readAttribute(entity, a));
    if (entity instanceof h5!.Dataset) {
      const meta = entity.metadata;
      const filters = entity.filters;
      nodes[path] = {
        path,
        kind: "dataset",
        attrs,
        children: [],
        dataset: {
          shape: dims(meta.shape),
          typeClass: meta.type,
          size: meta.size,
          signed: !!meta.signed,
          littleEndian: !!meta.littleEndian,
          filters: filters.map((x) => x.name || String(x.id)),
        },
      };
      return;
    }
    const children = entity.keys();
    nodes[path] = { path, kind: "group", attrs, children, dataset: null };
    for (const child of children) {
      const childPath = path === "/" ? `/${child}` : `${path}/${child}`;
      const e = entity.get(child);
      if (e instanceof h5!.Group || e instanceof h5!.Dataset) visit(childPath, e);
      else nodes[childPath] = { path: childPath, kind: "other", attrs: [], children: [], dataset: null };
    }
  };
  visit("/", f);
  return { nodes };
}

function readDatasets(f: H5File, request: ReadRequest, fileSize: number): ReadReply {
  const out: ReadReply = { arrays: {} };
  let total = 0;
  for (const p of request.paths) {
    const e = f.get(p);
    if (!(e instanceof h5!.Dataset)) throw new FileProblem(`has no dataset at ${p}`);
    const meta = e.metadata;
    const shape = dims(meta.shape);
    const n = count(shape);
    const bytes = n * meta.size;
    const where = `dataset ${p} (shape [${shape.join(", ")}])`;
    if (meta.type !== H5T_FLOAT && meta.type !== H5T_INTEGER) throw new FileProblem(`${where} is not numeric`);
    if (!Number.isSafeInteger(n) || n > H5_LIMITS.maxElements) {
      throw new FileProblem(
        `${where} claims ${n} elements, more than the ${H5_LIMITS.maxElements} allowed; refused before reading`,
      );
    }
    // Uncompressed data cannot be larger than the file that holds it.
    if (e.filters.length === 0 && bytes > fileSize) {
      throw new FileProblem(`${where} claims ${bytes} bytes but the file has only ${fileSize}; refused before reading`);
    }
    total += n;
    if (total > H5_LIMITS.maxElements)
      throw new FileProblem(`datasets hold more than ${H5_LIMITS.maxElements} numbers in all`);
    const value = e.value;
    let arr: Float32Array;
    if (typeof value === "number" || typeof value === "bigint") arr = Float32Array.of(Number(value));
    // Always a fresh copy: its buffer is transferred to the parent, never the wasm heap.
    else if (value instanceof Float32Array || value instanceof Float64Array) arr = new Float32Array(value);
    else if (ArrayBuffer.isView(value)) arr = Float32Array.from(value as unknown as ArrayLike<number | bigint>, Number);
    else throw new FileProblem(`${where} could not be read as numbers`);
    if (arr.length !== n) throw new FileProblem(`${where} returned ${arr.length} numbers instead of ${n}`);
    out.arrays[p] = { shape, data: arr };
  }
  return out;
}

async function handle(msg: WorkerRequest): Promise<unknown> {
  if (msg.op === "scan") {
    file = await open(msg.path);
    return scan(file);
  }
  if (!file) throw new FileProblem("was not opened");
  const fileSize = fs.statSync(msg.path).size;
  return readDatasets(file, msg, fileSize);
}

if (parentPort) {
  const port = parentPort;
  port.on("message", (msg: WorkerRequest) => {
    handle(msg).then(
      (result) => {
        const transfer: ArrayBuffer[] = [];
        if (msg.op === "read") {
          for (const a of Object.values((result as ReadReply).arrays)) transfer.push(a.data.buffer as ArrayBuffer);
        }
        port.postMessage({ ok: true, result }, transfer);
      },
      (e: unknown) => {
        const problem = e instanceof FileProblem;
        port.postMessage({ ok: false, problem, message: problem ? (e as Error).message : firstLine(e) });
      },
    );
  });
}
