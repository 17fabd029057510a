/**
 * Writing HDF5 files with the attribute types Keras itself writes.
 *
 * h5py, through which Keras writes, stores a Python `str` as a variable-length
 * UTF-8 string and `bytes` as a variable-length ASCII string; an empty list of
 * names becomes an empty float64 array. {@link H5Writer} offers exactly those.
 */
import * as fs from "node:fs";
import { writeAtomically } from "../atomic";
import { hdf5ErrorSummary } from "./h5-errors";
import type { H5EntityLike, H5FileLike, H5wasmLike } from "./h5-types";

type H5wasm = H5wasmLike;
type H5File = H5FileLike;

let loaded: Promise<H5wasm> | undefined;

async function h5wasm(): Promise<H5wasm> {
  if (!loaded) {
    loaded = (async () => {
      const h5 = (await import("h5wasm/node")) as unknown as H5wasm;
      const module = await h5.ready;
      module.activate_throwing_error_handler();
      return h5;
    })();
  }
  return loaded;
}

/** Character set of a string attribute: what h5py writes for `str` (utf8) and `bytes` (ascii). */
type Charset = "ascii" | "utf8";

/** Largest attribute Keras writes in one piece before splitting it into `name0`, `name1`, … */
const HDF5_OBJECT_HEADER_LIMIT = 64512;

/** A file being written; every path is absolute ("/model_weights/dense"). */
export class H5Writer {
  constructor(private readonly f: H5File) {}

  /** Create a group and any missing parents. */
  group(path: string): void {
    const parts = path.split("/").filter((p) => p);
    let at = "";
    for (const p of parts) {
      at = `${at}/${p}`;
      if (this.f.get(at) === null) this.f.create_group(at);
    }
  }

  private owner(path: string): H5EntityLike {
    const o = path === "/" ? this.f : this.f.get(path);
    if (!o || typeof o !== "object" || !("create_attribute" in o)) throw new Error(`no group or dataset at ${path}`);
    return o as H5EntityLike;
  }

  /** A scalar variable-length string attribute. */
  string(path: string, name: string, value: string, charset: Charset): void {
    this.owner(path).create_attribute(
      name,
      charset === "ascii" ? asciiJson(value) : value,
      null,
      charset === "ascii" ? "A" : "S",
    );
  }

  /**
   * A list of names, as Keras's `save_attributes_to_hdf5_group` writes it:
   * variable-length ASCII strings, an empty float64 array when there are none,
   * split into `name0`, `name1`, … when longer than an HDF5 object header allows.
   */
  names(path: string, name: string, values: string[]): void {
    const owner = this.owner(path);
    if (values.length === 0) {
      owner.create_attribute(name, new Float64Array(0), [0], "<d");
      return;
    }
    const bytes = values.reduce((n, v) => n + Buffer.byteLength(v) + 1, 0);
    if (bytes <= HDF5_OBJECT_HEADER_LIMIT) {
      owner.create_attribute(name, values, [values.length], "A");
      return;
    }
    const chunks = Math.ceil(bytes / HDF5_OBJECT_HEADER_LIMIT) + 1;
    const per = Math.ceil(values.length / chunks);
    for (let i = 0; i * per < values.length; i++) {
      const part = values.slice(i * per, (i + 1) * per);
      owner.create_attribute(`${name}${i}`, part, [part.length], "A");
    }
  }

  /** A float32 dataset (the parent group must exist). */
  float32(path: string, data: Float32Array, shape: number[]): void {
    this.f.create_dataset({ name: path, data, shape, dtype: "<f" });
  }
}

/** JSON text whose non-ASCII characters are escaped, as Python's `json.dumps` writes it. */
function asciiJson(text: string): string {
  // eslint-disable-next-line no-control-regex -- the class spans every ASCII code, control characters included
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Write an HDF5 file at `target` atomically: built under a temporary name in the
 * same folder by `build`, then renamed into place.
 *
 * @example
 * await writeH5File("w.h5", (w) => { w.group("/dense"); w.float32("/dense/k", data, [2, 3]); });
 */
export async function writeH5File(target: string, build: (w: H5Writer) => void): Promise<void> {
  const h5 = await h5wasm();
  await writeAtomically(target, (tmp) => writeH5At(h5, tmp, build));
}

/** Write an HDF5 file at `file` directly (a temporary file the caller owns). */
export async function writeH5Plain(file: string, build: (w: H5Writer) => void): Promise<void> {
  writeH5At(await h5wasm(), file, build);
}

function writeH5At(h5: H5wasm, file: string, build: (w: H5Writer) => void): void {
  // Created by Node first, so that a missing folder or a denied write fails with its errno
  // (which the caller explains), not with the HDF5 library's error stack.
  fs.closeSync(fs.openSync(file, "w"));
  let f: H5File;
  try {
    f = new h5.File(file, "w");
  } catch (e) {
    throw new Error(`the HDF5 library could not create it (${hdf5ErrorSummary(e)})`, { cause: e });
  }
  if (f.file_id < 0n) throw new Error(`the HDF5 library could not create it`);
  try {
    build(new H5Writer(f));
  } catch (e) {
    throw new Error(`the HDF5 library failed while writing it (${hdf5ErrorSummary(e)})`, { cause: e });
  } finally {
    f.close();
  }
}
