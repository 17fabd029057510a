/**
 * Reading a file only when it is a regular file: the one way tslab-dl opens a
 * path that came from a user or from inside another file (model.json, weights,
 * `.h5`, `.keras`, data sets, a CSV log to append to).
 *
 * A device (`/dev/zero`) never ends, a FIFO blocks a plain `open` or `read`
 * until someone writes to it, and `stat` reports size 0 for both, so a size
 * check alone lets them through. Here the path is `stat`ed first (a symlink is
 * followed, and accepted only when it ends at a regular file), then opened with
 * `O_NONBLOCK` (so a FIFO cannot block the open) and checked again with `fstat`
 * on the descriptor, so a path swapped in between is caught too; at most the
 * size that `fstat` reported is ever read.
 *
 * A leaf module (it imports only Node): `src/data` and `src/io` both use it,
 * each turning a refusal into its own error family through `refuse`.
 */
import * as fs from "node:fs";

/** Turns a refusal (`problem` completes "<file> …") into the caller's error family. */
type Refuse = (problem: string, cause?: unknown) => Error;

/**
 * What a non-regular file is, in words, or undefined for a regular file.
 *
 * @example
 * notRegular(fs.statSync("/dev/zero")); // "a character device"
 */
function notRegular(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function problemOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "does not exist";
  if (code === "ENXIO") return "is a socket, not a regular file; refused";
  if (code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE")
    return "is not a valid path (it holds a NUL byte)";
  return `cannot be read (${code ?? String(e)})`;
}

/**
 * Open `file` for reading if it is a regular file (or a symlink to one), and
 * return its descriptor and size; anything else is refused through `refuse`
 * without reading from it or blocking. The caller closes the descriptor.
 *
 * @example
 * const { fd, size } = openRegularFile("model.json", (p, cause) => new Error(`model.json ${p}`, { cause }));
 * fs.closeSync(fd);
 */
export function openRegularFile(file: string, refuse: Refuse): { fd: number; size: number } {
  let kind: string | undefined;
  let fd: number;
  try {
    kind = notRegular(fs.statSync(file));
    fd = kind === undefined ? fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK) : -1;
  } catch (e) {
    throw refuse(problemOf(e), e);
  }
  if (kind !== undefined) throw refuse(`is ${kind}, not a regular file; refused without reading it`);
  const st = fs.fstatSync(fd);
  kind = notRegular(st);
  if (kind !== undefined) {
    fs.closeSync(fd);
    throw refuse(`is ${kind}, not a regular file (it changed while being opened); refused without reading it`);
  }
  return { fd, size: st.size };
}

/**
 * Read a whole regular file of at most `maxBytes` bytes. The size is checked
 * before anything is read (`tooLarge(size)` makes the refusal), and no more
 * than that size is read even if the file grows meanwhile.
 *
 * @example
 * const bytes = readRegularFile("model.keras", 2 ** 31, (p) => new Error(`model.keras ${p}`));
 */
export function readRegularFile(
  file: string,
  maxBytes: number,
  refuse: Refuse,
  tooLarge: (size: number) => Error = (size) =>
    refuse(`is ${size} bytes, more than the ${maxBytes} allowed here; refused before reading`),
): Buffer {
  const { fd, size } = openRegularFile(file, refuse);
  try {
    if (size > maxBytes) throw tooLarge(size);
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, buf, at, size - at, at);
      if (n === 0) throw refuse(`shrank while being read (${at} of ${size} bytes)`);
      at += n;
    }
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}
