/** Shapes passed between the HDF5 reader worker and the code that reads Keras files. */

/** Limits that keep a hostile or broken file from exhausting memory. */
export const H5_LIMITS = {
  /** Groups plus datasets in one file. */
  maxNodes: 200_000,
  /** Elements of one attribute (strings or numbers). */
  maxAttributeElements: 1_000_000,
  /** Numbers read from all datasets together (1 GiB of float32). */
  maxElements: 268_435_456,
  /**
   * Compressed (filtered) datasets may declare at most this many times the file's size in
   * all, once above {@link H5_LIMITS.filteredFloor} bytes: gzip shrinks real weights little,
   * while chunks that were never written cost nothing on disk and everything in memory.
   */
  maxFilterRatio: 100,
  filteredFloor: 16 * 2 ** 20,
} as const;

/** The most bytes a file of `fileBytes` bytes may declare in compressed datasets. */
export function maxFilteredBytes(fileBytes: number): number {
  return Math.max(H5_LIMITS.filteredFloor, H5_LIMITS.maxFilterRatio * fileBytes);
}

/** An attribute, with its HDF5 type described and its value decoded. */
export interface H5Attribute {
  name: string;
  /** HDF5 type class: 0 integer, 1 float, 3 string, … */
  typeClass: number;
  /** Bytes per element (for variable-length strings, the pointer size). */
  size: number;
  /** Variable-length string. */
  vlen: boolean;
  /** Character set of a string: 0 ASCII, 1 UTF-8; null otherwise. */
  cset: number | null;
  /** Dimensions; [] for a scalar. */
  shape: number[];
  /** A string (scalar), strings, numbers, or null where the type is not decoded. */
  value: string | string[] | number[] | null;
}

/** A dataset's description, without its data. */
interface H5DatasetInfo {
  shape: number[];
  typeClass: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  filters: string[];
}

/** A group, dataset or other link in the file. */
export interface H5Node {
  path: string;
  kind: "group" | "dataset" | "other";
  attrs: H5Attribute[];
  /** Names of the children of a group. */
  children: string[];
  dataset: H5DatasetInfo | null;
}

/** Every node of a file, by absolute path ("/", "/model_weights", …). */
export interface H5Tree {
  nodes: { [path: string]: H5Node };
  /** The file's size in bytes (set by the reader when it opens the file). */
  fileBytes?: number;
}

interface ScanRequest {
  op: "scan";
  path: string;
}

export interface ReadRequest {
  op: "read";
  path: string;
  paths: string[];
}

export type WorkerRequest = ScanRequest | ReadRequest;

export interface ReadReply {
  arrays: { [path: string]: { shape: number[]; data: Float32Array } };
}

/**
 * The part of h5wasm's API this module uses. Declared here because h5wasm is an
 * ES module whose types a CommonJS build cannot import with this TypeScript.
 */
interface H5Metadata {
  type: number;
  size: number;
  vlen?: boolean;
  cset?: number;
  signed?: boolean;
  littleEndian?: boolean;
  shape: number[] | null;
  /** A chunked dataset's chunk shape; null when it is stored contiguously. */
  chunks?: number[] | null;
}

interface H5AttributeLike {
  metadata: H5Metadata;
  value: unknown;
}

export interface H5EntityLike {
  path: string;
  /** An object reference: the same bytes for every path that leads to the same object. */
  create_reference(): { ref_data: Uint8Array };
  attrs: { [name: string]: H5AttributeLike };
  create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void;
}

export interface H5GroupLike extends H5EntityLike {
  keys(): string[];
  /** `{filename, obj_path}` when the link at `path` is an external link; an empty object otherwise. */
  get_external_link(path: string): { filename?: string; obj_path?: string };
  get(name: string): unknown;
  create_group(name: string): unknown;
  create_dataset(args: { name: string; data: unknown; shape?: number[] | null; dtype?: string | null }): unknown;
}

export interface H5DatasetLike extends H5EntityLike {
  metadata: H5Metadata & { virtual_sources?: { file_name: string; dset_name: string }[] };
  filters: { id: number; name: string }[];
  value: unknown;
}

export interface H5FileLike extends H5GroupLike {
  file_id: bigint;
  close(): unknown;
}

/** The Emscripten filesystem calls the reader confines (see `confineTo` in h5-worker). */
interface EmscriptenFsLike {
  open(path: string, flags?: unknown, mode?: unknown): unknown;
  cwd(): string;
  ErrnoError: new (errno: number) => Error;
}

export interface H5ModuleLike {
  activate_throwing_error_handler(): number;
  FS: EmscriptenFsLike;
}

export interface H5wasmLike {
  ready: Promise<H5ModuleLike>;
  File: new (filename: string, mode: "r" | "w") => H5FileLike;
  Group: abstract new (...args: never[]) => H5GroupLike;
  Dataset: abstract new (...args: never[]) => H5DatasetLike;
}
