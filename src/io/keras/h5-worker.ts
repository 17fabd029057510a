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
import * as nodePath from "node:path";
import type {
  H5Attribute,
  H5DatasetLike,
  H5FileLike,
  H5GroupLike,
  H5Node,
  H5Tree,
  H5wasmLike,
  H5ModuleLike,
  ReadReply,
  ReadRequest,
  WorkerRequest,
} from "./h5-types";
import { H5_LIMITS, maxFilteredBytes } from "./h5-types";
import { hdf5ErrorSummary } from "./h5-errors";
import { elementCount } from "../../util/shape";

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

/** Files the HDF5 library tried to open besides the one being read, refused by {@link confineTo}. */
const refusedOpens: string[] = [];

/**
 * Let the HDF5 library open exactly one file, the one being read.
 *
 * HDF5 follows what a file names: external raw storage (a dataset's bytes kept
 * in another file, at any path), external links and the sources of virtual
 * datasets. h5wasm's Node build reaches the host filesystem through
 * Emscripten's `FS.open`, so that one function is the door: wrapping it
 * guarantees that no byte comes from anywhere but the file, whatever the
 * format allows. The scan also names links and virtual datasets explicitly;
 * this catches the rest (external raw storage has no h5wasm accessor).
 */
function confineTo(module: H5ModuleLike, filePath: string): void {
  const fsApi = module.FS;
  const allowed = nodePath.resolve(filePath);
  const open = fsApi.open.bind(fsApi);
  fsApi.open = (p: string, flags?: unknown, mode?: unknown) => {
    const resolved = nodePath.resolve(fsApi.cwd(), String(p));
    // HDF5 also lists its plugin folders and creates scratch files when an open
    // fails; neither reads data that exists elsewhere, so only those pass.
    const fresh = typeof flags === "number" && (flags & O_CREAT_EXCL) === O_CREAT_EXCL;
    if (resolved !== allowed && !fresh && !isDirectory(resolved)) {
      refusedOpens.push(String(p));
      // 2 is EACCES in Emscripten's (WASI) numbering.
      throw new fsApi.ErrnoError(2);
    }
    return open(p, flags, mode);
  };
}

/** O_CREAT | O_EXCL (Linux values, which Emscripten uses): a file created now, holding nothing yet. */
const O_CREAT_EXCL = 0o100 | 0o200;

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The problem to report for an HDF5 failure while reading `where`, when it came from a refused open. */
function outsideProblem(where: string): FileProblem | undefined {
  if (refusedOpens.length === 0) return undefined;
  return new FileProblem(
    `${where} keeps its data outside the file (HDF5 external storage pointing at "${refusedOpens[0]}"); ` +
      "a model file must hold its own weights, so tslab-dl refuses it and read nothing from that path",
  );
}

async function open(filePath: string): Promise<H5File> {
  if (!h5) {
    h5 = (await import("h5wasm/node")) as unknown as H5wasm;
    const module = await h5.ready;
    // Errors become exceptions instead of pages of HDF5-DIAG text on stderr.
    module.activate_throwing_error_handler();
    confineTo(module, filePath);
  }
  let f: H5File;
  try {
    f = new h5.File(filePath, "r");
  } catch (e) {
    throw new FileProblem(`is not a readable HDF5 file (${hdf5ErrorSummary(e)})`);
  }
  if (f.file_id < 0n) throw new FileProblem("is not a readable HDF5 file");
  return f;
}

function dims(shape: number[] | null | undefined): number[] {
  return Array.isArray(shape) ? shape.map(Number) : [];
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
  const n = elementCount(shape);
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
  /** Each object's reference (group or dataset) → the first path it was reached by. */
  const objectsSeen = new Map<string, string>();
  let seen = 0;
  const visit = (path: string, entity: H5Group | H5Dataset): void => {
    seen += 1;
    if (seen > H5_LIMITS.maxNodes) throw new FileProblem(`holds more than ${H5_LIMITS.maxNodes} groups and datasets`);
    // Before any attribute is read: an object reached twice would have its attributes read twice.
    refuseSecondPath(path, entity, objectsSeen);
    const attrNames = Object.keys(entity.attrs);
    const attrs = attrNames.map((a) => readAttribute(entity, a));
    if (entity instanceof h5!.Dataset) {
      const meta = entity.metadata;
      refuseVirtual(path, meta.virtual_sources);
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
      const external = entity.get_external_link(childPath);
      if (external.filename !== undefined) {
        throw new FileProblem(
          `${childPath} is an external link to "${external.obj_path}" in another file ("${external.filename}"); ` +
            "a model file must be self-contained, so tslab-dl refuses links to other files",
        );
      }
      const e = entity.get(child);
      if (e instanceof h5!.Group || e instanceof h5!.Dataset) visit(childPath, e);
      else nodes[childPath] = { path: childPath, kind: "other", attrs: [], children: [], dataset: null };
    }
  };
  visit("/", f);
  return { nodes };
}

/** Virtual datasets assemble their data from other datasets, possibly in other files: refused. */
function refuseVirtual(path: string, sources: { file_name: string; dset_name: string }[] | undefined): void {
  if (sources === undefined) return;
  const first = sources[0];
  throw new FileProblem(
    `dataset ${path} is a virtual dataset${first ? ` (its data comes from "${first.dset_name}" in "${first.file_name}")` : ""}; ` +
      "Keras never writes one, and tslab-dl reads weights only from data stored in the file itself",
  );
}

/**
 * An object reached by a second path is a hard or soft link back into the tree:
 * a cycle (`f["a/loop"] = f["/"]`) would make the scan endless, shared
 * subtrees can multiply it exponentially, and a dataset linked 20 times would
 * have its attributes read 20 times. Keras files have none of these.
 */
function refuseSecondPath(path: string, entity: H5Group | H5Dataset, seen: Map<string, string>): void {
  const key = Buffer.from(entity.create_reference().ref_data).toString("hex");
  const first = seen.get(key);
  if (first === undefined) {
    seen.set(key, path);
    return;
  }
  const what = entity instanceof h5!.Dataset ? "dataset" : "group";
  const cycle = path.startsWith(first === "/" ? "/" : `${first}/`);
  throw new FileProblem(
    cycle
      ? `${path} links back to its ancestor ${first}: a link cycle, which would make reading endless; refused`
      : `the ${what} ${first} is also linked at ${path}; a Keras file links each ${what} once, so this file is refused`,
  );
}

/** HDF5's built-in filters (H5Z_FILTER_*): deflate, shuffle, fletcher32, nbit, scaleoffset. */
const BUILT_IN_FILTERS: ReadonlySet<number> = new Set([1, 2, 3, 5, 6]);

/** Refuse filters the library would look for as plugins, and chunks larger than what they hold. */
function checkStorage(where: string, e: H5Dataset, shape: number[], bytes: number): void {
  for (const x of e.filters) {
    if (!BUILT_IN_FILTERS.has(x.id)) {
      throw new FileProblem(
        `${where} is compressed with HDF5 filter ${x.id}${x.name ? ` ("${x.name.slice(0, 60)}")` : ""}, ` +
          "which is not built into HDF5 (only gzip/deflate, shuffle, fletcher32, nbit and scaleoffset are read); " +
          "save the weights without that filter",
      );
    }
  }
  const chunks = e.metadata.chunks;
  if (!Array.isArray(chunks) || chunks.length !== shape.length) return;
  // Reading the dataset inflates every chunk that covers it, whole.
  let covering = e.metadata.size;
  for (let i = 0; i < shape.length; i++) covering *= Math.ceil(shape[i] / Math.max(1, chunks[i])) * chunks[i];
  if (covering > 2 * bytes + 2 ** 20) {
    throw new FileProblem(
      `${where} is stored in chunks of shape [${chunks.join(", ")}], which inflate to ${covering} bytes ` +
        `to give its ${bytes}; expected chunks no larger than the dataset; refused before reading`,
    );
  }
}

function readDatasets(f: H5File, request: ReadRequest, fileSize: number): ReadReply {
  const out: ReadReply = { arrays: {} };
  let total = 0;
  let filtered = 0;
  for (const p of request.paths) {
    const e = f.get(p);
    if (!(e instanceof h5!.Dataset)) throw new FileProblem(`has no dataset at ${p}`);
    const meta = e.metadata;
    const shape = dims(meta.shape);
    const n = elementCount(shape);
    const bytes = n * meta.size;
    const where = `dataset ${p} (shape [${shape.join(", ")}])`;
    if (meta.type !== H5T_FLOAT && meta.type !== H5T_INTEGER) throw new FileProblem(`${where} is not numeric`);
    if (meta.type === H5T_FLOAT && meta.size === 2)
      throw new FileProblem(`${where} holds float16 numbers, an unsupported dtype; save it as float32`);
    if (!Number.isSafeInteger(n) || n > H5_LIMITS.maxElements) {
      throw new FileProblem(
        `${where} claims ${n} elements, more than the ${H5_LIMITS.maxElements} allowed; refused before reading`,
      );
    }
    checkStorage(where, e, shape, bytes);
    // Uncompressed data cannot be larger than the file that holds it, and compressed data not much larger.
    if (e.filters.length === 0 && bytes > fileSize) {
      throw new FileProblem(`${where} claims ${bytes} bytes but the file has only ${fileSize}; refused before reading`);
    }
    if (e.filters.length > 0) {
      filtered += bytes;
      if (filtered > maxFilteredBytes(fileSize)) {
        throw new FileProblem(
          `${where}: its compressed datasets declare ${filtered} bytes in all, more than ${H5_LIMITS.maxFilterRatio} times ` +
            `the file's ${fileSize} (chunks that were never written, or a compression bomb); refused before reading`,
        );
      }
    }
    total += n;
    if (total > H5_LIMITS.maxElements)
      throw new FileProblem(`datasets hold more than ${H5_LIMITS.maxElements} numbers in all`);
    let value: unknown;
    refusedOpens.length = 0;
    try {
      value = e.value;
    } catch (err) {
      throw outsideProblem(where) ?? err;
    }
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
        port.postMessage({ ok: false, problem, message: problem ? (e as Error).message : hdf5ErrorSummary(e) });
      },
    );
  });
}
