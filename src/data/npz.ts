/**
 * NumPy's `.npz` container (a zip of `.npy` files, as `np.savez` and
 * `np.savez_compressed` write it) and the `.npy` format inside: the header
 * (a Python dict literal, read by a strict little parser, never evaluated), then
 * either the raw data of a numeric array or, for an object array, a pickle read
 * by the restricted reader in `./pickle`.
 */
import { readZip, zipEntrySizes, ZipProblem, type ZipLimits } from "../util/zip";
import { elementCount } from "../util/shape";
import { DatasetError } from "./errors";
import { readPickledObjectArray } from "./pickle";

/** NumPy refuses headers longer than this when reading (`max_header_size`). */
const MAX_HEADER_BYTES = 10000;

/** One array read from a `.npy` entry. */
export type NpyArray =
  | { kind: "numeric"; descr: string; shape: number[]; values: Float64Array }
  | { kind: "object"; shape: number[]; items: unknown[] };

/** The numeric dtypes read, by their descr without the byte order: bytes per item and reader. */
const NUMERIC: Record<string, [number, (v: DataView, o: number) => number]> = {
  i1: [1, (v, o) => v.getInt8(o)],
  u1: [1, (v, o) => v.getUint8(o)],
  b1: [1, (v, o) => v.getUint8(o)],
  i2: [2, (v, o) => v.getInt16(o, true)],
  u2: [2, (v, o) => v.getUint16(o, true)],
  i4: [4, (v, o) => v.getInt32(o, true)],
  u4: [4, (v, o) => v.getUint32(o, true)],
  i8: [8, (v, o) => Number(v.getBigInt64(o, true))],
  u8: [8, (v, o) => Number(v.getBigUint64(o, true))],
  f4: [4, (v, o) => v.getFloat32(o, true)],
  f8: [8, (v, o) => v.getFloat64(o, true)],
};

interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  /** Offset of the data (or the pickle) after the header. */
  dataStart: number;
}

/** Parse the header dict `{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }`, strictly. */
function parseHeaderDict(text: string, where: string): Omit<NpyHeader, "dataStart"> {
  const bad = (why: string): never => {
    throw new DatasetError(`${where}: the .npy header ${JSON.stringify(text.slice(0, 120))} ${why}`);
  };
  const fields = new Map<string, string>();
  const body = text.trim().replace(/^\{/, "").replace(/\}$/, "");
  if (body.length === text.trim().length) bad("is not a dict literal");
  const re = /\s*'(\w+)'\s*:\s*('[^']*'|True|False|\([\d\s,]*\))\s*(,|$)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = re.exec(body)) !== null) {
    fields.set(m[1], m[2]);
    pos = re.lastIndex;
    if (/^\s*$/.test(body.slice(pos))) break;
  }
  if (!/^\s*$/.test(body.slice(pos))) bad("has something other than descr, fortran_order and shape");
  const descr = fields.get("descr");
  const fortran = fields.get("fortran_order");
  const shape = fields.get("shape");
  if (!descr || !fortran || !shape || fields.size !== 3) bad("lacks descr, fortran_order or shape");
  const dims = shape!
    .slice(1, -1)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  if (!dims.every((d) => Number.isSafeInteger(d))) bad("declares a shape too large to hold");
  return { descr: descr!.slice(1, -1), fortran: fortran === "True", shape: dims };
}

function parseHeader(buf: Uint8Array, where: string): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) {
    throw new DatasetError(`${where}: not a .npy array (no \\x93NUMPY magic)`);
  }
  const major = buf[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf[8] | (buf[9] << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new DatasetError(`${where}: truncated .npy header`);
    headerLen = (buf[8] | (buf[9] << 8) | (buf[10] << 16)) + buf[11] * 2 ** 24;
    start = 12;
  } else {
    throw new DatasetError(`${where}: .npy format version ${major}.${buf[7]}; expected 1.0, 2.0 or 3.0`);
  }
  if (headerLen > MAX_HEADER_BYTES) {
    throw new DatasetError(`${where}: a .npy header of ${headerLen} bytes; NumPy reads at most ${MAX_HEADER_BYTES}`);
  }
  if (start + headerLen > buf.length) {
    throw new DatasetError(`${where}: the .npy header declares ${headerLen} bytes, only ${buf.length - start} remain`);
  }
  const text = Buffer.from(buf.subarray(start, start + headerLen)).toString(major === 3 ? "utf8" : "latin1");
  return { ...parseHeaderDict(text, where), dataStart: start + headerLen };
}

/**
 * Read one `.npy` file held in memory: a numeric array (little-endian or
 * byte-order-free dtypes) as float64 values, or an object array through the
 * restricted pickle reader. Sizes are checked against the bytes present before
 * anything is allocated.
 *
 * @example
 * const y = readNpy(entries.get("y_train.npy")!, "imdb.npz: y_train.npy"); // { kind: "numeric", shape: [25000], … }
 */
function readNpy(buf: Uint8Array, where: string): NpyArray {
  const header = parseHeader(buf, where);
  const { descr, shape } = header;
  if (header.fortran && shape.length > 1) {
    throw new DatasetError(`${where}: a Fortran-order array of shape (${shape.join(", ")}); only C order is read`);
  }
  const count = elementCount(shape);
  if (descr === "|O" || descr === "O") {
    const array = readPickledObjectArray(buf, header.dataStart, where);
    if (array.shape.join() !== shape.join()) {
      throw new DatasetError(
        `${where}: the header says shape (${shape.join(", ")}), the pickled array (${array.shape.join(", ")})`,
      );
    }
    return { kind: "object", shape, items: array.items };
  }
  const order = descr[0];
  const reader = NUMERIC[descr.slice(1)];
  if (!reader || !(order === "<" || order === "|" || (order === "=" && reader[0] === 1))) {
    throw new DatasetError(
      `${where}: dtype ${JSON.stringify(descr)} is not read; expected a little-endian int, bool or float`,
    );
  }
  const [size, get] = reader;
  const have = buf.length - header.dataStart;
  if (!Number.isSafeInteger(count * size) || count * size !== have) {
    throw new DatasetError(
      `${where}: the header declares ${count} items of ${size} bytes (shape (${shape.join(", ")})), the file holds ${have} bytes`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset + header.dataStart, have);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = get(view, i * size);
  return { kind: "numeric", descr, shape, values };
}

/**
 * The named arrays of a `.npz` file held in memory (`names` without `.npy`),
 * with the zip's entry sizes checked against `limits` before anything is
 * inflated. A missing name is an error listing what the file holds.
 *
 * @example
 * const arrays = readNpz(fs.readFileSync("imdb.npz"), "imdb.npz", ["x_train", "y_train"], { maxEntryBytes: 2 ** 28 });
 */
export function readNpz(buf: Buffer, file: string, names: readonly string[], limits: ZipLimits): Map<string, NpyArray> {
  let entries: Map<string, Buffer>;
  try {
    const present = [...zipEntrySizes(buf, limits).keys()];
    const missing = names.filter((n) => !present.includes(`${n}.npy`));
    if (missing.length > 0) {
      throw new DatasetError(
        `${file}: no ${missing.map((n) => `${n}.npy`).join(", ")} in the archive; it holds ${present.join(", ") || "nothing"}`,
      );
    }
    entries = readZip(
      buf,
      names.map((n) => `${n}.npy`),
      limits,
    );
  } catch (e) {
    if (e instanceof ZipProblem)
      throw new DatasetError(`${file}: ${e.message}; expected a NumPy .npz file`, { cause: e });
    throw e;
  }
  const out = new Map<string, NpyArray>();
  for (const n of names) out.set(n, readNpy(entries.get(`${n}.npy`)!, `${file}: ${n}.npy`));
  return out;
}
