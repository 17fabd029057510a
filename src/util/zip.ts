/**
 * A small zip reader and writer for `.keras` archives and NumPy `.npz` files.
 *
 * Keras writes `.keras` files with Python's `zipfile` without compression
 * (stored entries); so does {@link writeZip}. {@link readZip} reads stored and
 * deflated entries (`np.savez_compressed` deflates), checks every size and CRC,
 * and refuses archives whose declared sizes exceed a limit before inflating anything.
 *
 * It imports nothing of the project, so both `data/` and `io/` can use it; a
 * {@link ZipProblem} carries no file name, the caller names the file.
 */
import * as zlib from "node:zlib";

/** Refused above this many bytes per entry (uncompressed). */
const MAX_ENTRY_BYTES = 2 ** 31 - 1;

/** A problem in an archive; the caller names the file. */
export class ZipProblem extends Error {}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the zip/PNG polynomial). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** DOS date and time fields for `date`. */
function dosTime(date: Date): { time: number; day: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    day: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/**
 * Build a zip archive of stored (uncompressed) entries, in the given order.
 *
 * @example
 * const bytes = writeZip([{ name: "config.json", data: Buffer.from("{}") }]);
 */
export function writeZip(entries: { name: string; data: Uint8Array }[], date = new Date()): Buffer {
  const { time, day } = dosTime(date);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    if (e.data.length > 0xfffffffe)
      throw new ZipProblem(`entry ${e.name} is larger than 4 GiB; zip64 is not supported`);
    const name = Buffer.from(e.name, "utf8");
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(day, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length));
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** An archive's entries by name. */
type ZipEntries = Map<string, Buffer>;

/** Refused above this many bytes in all, declared by all entries together (uncompressed). */
export const MAX_TOTAL_BYTES = 2 ** 31 - 1;

/**
 * Deflate can shrink zeros about 1000-fold; real weights shrink barely at all
 * and JSON about tenfold. An entry larger than {@link BOMB_FLOOR} that claims a
 * ratio above this is a zip bomb, refused before it is inflated.
 */
const MAX_RATIO = 100;
const BOMB_FLOOR = 16 * 2 ** 20;

/** Limits a caller may tighten: {@link readZip}'s defaults suit model files. */
export interface ZipLimits {
  /** Largest entry accepted, once inflated. Default 2 GiB − 1. */
  maxEntryBytes?: number;
  /** Largest sum of the inflated sizes of all entries. Default {@link MAX_TOTAL_BYTES}. */
  maxTotalBytes?: number;
}

/** One central-directory record, checked but not yet inflated. */
interface EntryInfo {
  name: string;
  method: number;
  crc: number;
  size: number;
  raw: Buffer;
}

/** The archive's entries from its central directory, every size checked before anything is inflated. */
function listEntries(buf: Buffer, limits: ZipLimits = {}): EntryInfo[] {
  const maxEntry = limits.maxEntryBytes ?? MAX_ENTRY_BYTES;
  const maxTotal = limits.maxTotalBytes ?? MAX_TOTAL_BYTES;
  if (buf.length < 22) throw new ZipProblem(`is ${buf.length} bytes long, too short to be a zip archive`);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new ZipProblem(
      buf.readUInt32LE(0) === 0x04034b50
        ? "is a truncated zip archive (its central directory is missing)"
        : "is not a zip archive (no end-of-archive record)",
    );
  }
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) throw new ZipProblem("is a zip64 archive, which is not supported");
  if (cdOffset + cdSize > eocd)
    throw new ZipProblem("is a corrupt zip archive (its central directory lies outside the file)");
  const entries: EntryInfo[] = [];
  let total = 0;
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50)
      throw new ZipProblem(`is a corrupt zip archive (central entry ${k})`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ZipProblem(`entry ${name} is encrypted`);
    if (size > maxEntry || compressed === 0xffffffff)
      throw new ZipProblem(`entry ${name} declares ${size} bytes, more than the ${maxEntry} allowed`);
    total += size;
    if (total > maxTotal) {
      throw new ZipProblem(
        `declares more than ${maxTotal} bytes in all once inflated (at entry ${name}); refused before inflating anything`,
      );
    }
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== 0x04034b50) {
      throw new ZipProblem(`is a corrupt or truncated zip archive (entry ${name} is missing)`);
    }
    const localNameLen = buf.readUInt16LE(localOffset + 26);
    const localName = buf.subarray(localOffset + 30, localOffset + 30 + localNameLen).toString("utf8");
    // Python's zipfile refuses this (BadZipFile): two readers of one archive must not see different files.
    if (localName !== name) {
      throw new ZipProblem(
        `is a corrupt zip archive: its directory names an entry ${JSON.stringify(name.slice(0, 100))}, ` +
          `but the entry's own header names ${JSON.stringify(localName.slice(0, 100))}`,
      );
    }
    if (entries.some((e) => e.name === name)) {
      throw new ZipProblem(
        `is a corrupt zip archive: it holds two entries named ${JSON.stringify(name.slice(0, 100))}`,
      );
    }
    const dataStart = localOffset + 30 + localNameLen + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compressed > buf.length)
      throw new ZipProblem(`is a truncated zip archive (entry ${name} is cut short)`);
    entries.push({ name, method, crc, size, raw: buf.subarray(dataStart, dataStart + compressed) });
  }
  return entries;
}

function inflate(e: EntryInfo): Buffer {
  let data: Buffer;
  if (e.method === 0) data = e.raw;
  else if (e.method === 8) {
    if (e.size > BOMB_FLOOR && e.size > MAX_RATIO * e.raw.length) {
      throw new ZipProblem(
        `entry ${e.name} would inflate ${e.raw.length} bytes to ${e.size} (more than ${MAX_RATIO} times): a zip bomb, refused before inflating`,
      );
    }
    try {
      // The declared size bounds the output: an entry that lies about it stops there.
      data = zlib.inflateRawSync(e.raw, { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      throw new ZipProblem(`entry ${e.name} cannot be decompressed (${(err as Error).message})`);
    }
  } else
    throw new ZipProblem(`entry ${e.name} uses compression method ${e.method}; only stored and deflate are supported`);
  if (data.length !== e.size || crc32(data) !== e.crc)
    throw new ZipProblem(`entry ${e.name} is corrupt (its size or CRC does not match)`);
  return data;
}

/**
 * Each entry's declared size once inflated, by name, without inflating any.
 *
 * @example
 * zipEntrySizes(fs.readFileSync("model.keras")).get("config.json"); // 1234
 */
export function zipEntrySizes(buf: Buffer, limits?: ZipLimits): Map<string, number> {
  return new Map(listEntries(buf, limits).map((e) => [e.name, e.size]));
}

/**
 * Read the entries of a zip archive held in memory, checking sizes and CRCs:
 * those named in `only` (every entry when omitted); the others are never inflated.
 * `limits` tightens the size limits, checked on the declared sizes before anything is inflated.
 *
 * @example
 * const entries = readZip(fs.readFileSync("model.keras"), ["config.json"]);
 * JSON.parse(entries.get("config.json")!.toString());
 */
export function readZip(buf: Buffer, only?: readonly string[], limits?: ZipLimits): ZipEntries {
  const entries: ZipEntries = new Map();
  for (const e of listEntries(buf, limits)) {
    if (only === undefined || only.includes(e.name)) entries.set(e.name, inflate(e));
  }
  return entries;
}
