/**
 * A restricted reader for the one kind of pickle a dataset `.npz` holds: what
 * `np.save` writes for an object array of Python lists of ints (protocols 2–5).
 *
 * It is an interpreter of a small subset of the pickle machine, never calling
 * anything: the only globals it accepts are NumPy's array reconstruction
 * (`numpy.core.multiarray._reconstruct`, its NumPy 2 spelling
 * `numpy._core.multiarray._reconstruct`, `numpy.ndarray`, `numpy.dtype`), the
 * same set Keras's own restricted unpickler (`keras/src/datasets/npz_utils.py`)
 * allows, and it rebuilds those by name. Any other opcode or global is a
 * {@link DatasetError} naming it and its offset. Every declared length is checked
 * against the bytes left, lists may nest only a few levels, and the reader never
 * recurses, so no input can exhaust the stack.
 */
import { DatasetError } from "./errors";
import { elementCount } from "../util/shape";

/** Deepest nesting of lists and tuples accepted; an object array of lists needs 2, its dtype's state 1. */
const MAX_PICKLE_NESTING = 16;

/** Deepest nesting of MARKs; NumPy's pickles open 3. */
const MAX_MARKS = 64;

/**
 * Most values on the stack at once, and most memo entries. NumPy's pickler appends
 * in batches of 1000, so an object array of lists needs about 2000 places on the
 * stack, and it memoizes each list once (25,000 for IMDB's training reviews); a
 * file that needs far more is built to exhaust memory.
 */
const MAX_PICKLE_STACK = 100_000;
const MAX_PICKLE_MEMO = 1_000_000;

/**
 * Most items in one list, and in all lists together. IMDB's training pickle holds
 * 25,000 reviews of at most a few thousand words, about 6 million words in all;
 * the limits leave room for larger data sets of that kind and keep a hostile
 * pickle's cost to about 150 MB.
 */
const MAX_LIST_ITEMS = 1_000_000;
const MAX_PICKLE_ITEMS = 16_000_000;

/** Longest GLOBAL line (a module or attribute name). */
const MAX_NAME = 256;

/** A Python `bytes` (or Python 2 `str` read as bytes). */
class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/** A list or tuple, with the height of the nesting below it. */
class PyList {
  height = 1;
  constructor(
    readonly items: PyValue[],
    readonly tuple: boolean,
  ) {}
}

/** One of the allowed globals, by name; nothing is imported or called. */
class PyGlobal {
  constructor(readonly qualified: string) {}
}

/** `numpy.dtype(descr, align, copy)`, its state set by BUILD. */
class PyDtype {
  constructor(readonly descr: string) {}
}

/** `_reconstruct(numpy.ndarray, shape, b"b")`, its contents set by BUILD. */
class PyNdarray {
  shape: number[] = [];
  dtype: PyDtype | undefined;
  items: PyValue[] | undefined;
}

class Mark {}
const MARK = new Mark();

type PyValue = number | boolean | null | string | PyBytes | PyList | PyGlobal | PyDtype | PyNdarray;

const RECONSTRUCT = new Set(["numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"]);
const ALLOWED_GLOBALS = new Set([...RECONSTRUCT, "numpy.ndarray", "numpy.dtype"]);

/** An object array as read: its shape and its items in C order (each a number, a list of values, …). */
interface ObjectArray {
  shape: number[];
  /** The items; a Python list becomes a JavaScript array, an int a number. */
  items: unknown[];
}

const OPCODE_NAMES: Record<number, string> = {
  0x80: "PROTO",
  0x95: "FRAME",
  0x2e: "STOP",
  0x28: "MARK",
  0x5d: "EMPTY_LIST",
  0x6c: "LIST",
  0x61: "APPEND",
  0x65: "APPENDS",
  0x29: "EMPTY_TUPLE",
  0x74: "TUPLE",
  0x85: "TUPLE1",
  0x86: "TUPLE2",
  0x87: "TUPLE3",
  0x4a: "BININT",
  0x4b: "BININT1",
  0x4d: "BININT2",
  0x8a: "LONG1",
  0x4e: "NONE",
  0x88: "NEWTRUE",
  0x89: "NEWFALSE",
  0x58: "BINUNICODE",
  0x8c: "SHORT_BINUNICODE",
  0x8d: "BINUNICODE8",
  0x43: "SHORT_BINBYTES",
  0x42: "BINBYTES",
  0x8e: "BINBYTES8",
  0x55: "SHORT_BINSTRING",
  0x54: "BINSTRING",
  0x63: "GLOBAL",
  0x93: "STACK_GLOBAL",
  0x52: "REDUCE",
  0x62: "BUILD",
  0x71: "BINPUT",
  0x72: "LONG_BINPUT",
  0x94: "MEMOIZE",
  0x68: "BINGET",
  0x6a: "LONG_BINGET",
};

/** Names of opcodes this reader refuses, for a clearer message. */
const REFUSED_NAMES: Record<number, string> = {
  0x69: "INST",
  0x6f: "OBJ",
  0x81: "NEWOBJ",
  0x92: "NEWOBJ_EX",
  0x82: "EXT1",
  0x83: "EXT2",
  0x84: "EXT4",
  0x50: "PERSID",
  0x51: "BINPERSID",
  0x7d: "EMPTY_DICT",
  0x64: "DICT",
  0x73: "SETITEM",
  0x75: "SETITEMS",
  0x8f: "EMPTY_SET",
  0x90: "ADDITEMS",
  0x91: "FROZENSET",
  0x49: "INT",
  0x4c: "LONG",
  0x8b: "LONG4",
  0x46: "FLOAT",
  0x47: "BINFLOAT",
  0x53: "STRING",
  0x56: "UNICODE",
  0x70: "PUT",
  0x67: "GET",
  0x30: "POP",
  0x31: "POP_MARK",
  0x32: "DUP",
  0x96: "BYTEARRAY8",
  0x97: "NEXT_BUFFER",
  0x98: "READONLY_BUFFER",
};

function describe(v: PyValue | Mark | undefined): string {
  if (v === undefined) return "nothing";
  if (v instanceof Mark) return "a MARK";
  if (v === null) return "None";
  if (typeof v === "number") return `the int ${v}`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return `the str ${JSON.stringify(v.slice(0, 40))}`;
  if (v instanceof PyBytes) return `bytes of length ${v.bytes.length}`;
  if (v instanceof PyList) return v.tuple ? `a tuple of ${v.items.length}` : `a list of ${v.items.length}`;
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof PyDtype) return `numpy.dtype(${JSON.stringify(v.descr)})`;
  return "a numpy.ndarray";
}

/** The state of one run of the machine over one pickle. */
class Machine {
  private pos: number;
  private readonly stack: (PyValue | Mark)[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly view: DataView;
  /** Items appended to lists so far. */
  private items = 0;
  /** Offset of the opcode being run, for messages. */
  private at = 0;

  constructor(
    private readonly buf: Uint8Array,
    start: number,
    private readonly where: string,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(what: string): never {
    throw new DatasetError(
      `${this.where}: ${what} at offset ${this.at}; the pickle is damaged or is not a NumPy array`,
    );
  }

  refuse(what: string): never {
    throw new DatasetError(
      `${this.where}: ${what} at offset ${this.at}; a dataset file may hold only NumPy's array reconstruction ` +
        `(numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype) and lists of ints; refused without calling anything`,
    );
  }

  /** `n` bytes, checked against what is left before anything is allocated. */
  take(n: number, what: string): Uint8Array {
    const left = this.buf.length - this.pos;
    if (!Number.isSafeInteger(n) || n < 0 || n > left) {
      this.fail(`${what} declares ${n} bytes but only ${left} remain in the file`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Check that `n` argument bytes remain (the hot path reads them in place). */
  need(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) this.fail(`an argument of ${n} bytes, but only ${this.buf.length - at} remain`);
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.buf[this.need(1)];
  }

  u32(): number {
    const at = this.need(4);
    return this.view.getUint32(at, true);
  }

  u64(what: string): number {
    const b = this.take(8, what);
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 2 ** 24;
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16)) + b[7] * 2 ** 24;
    if (hi >= 2 ** 21) this.fail(`${what} declares ${hi} × 2^32 bytes, far beyond the file`);
    return hi * 2 ** 32 + lo;
  }

  line(): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > MAX_NAME) this.fail(`a GLOBAL name longer than ${MAX_NAME} bytes or unterminated`);
    const s = Buffer.from(this.buf.subarray(this.pos, end)).toString("latin1");
    this.pos = end + 1;
    return s;
  }

  push(v: PyValue | Mark): void {
    if (this.stack.length >= MAX_PICKLE_STACK) {
      this.refuse(
        `more than ${MAX_PICKLE_STACK} values on the pickle's stack at once (NumPy's pickles need about 2000)`,
      );
    }
    this.stack.push(v);
  }

  remember(i: number, v: PyValue): void {
    if (this.memo.size >= MAX_PICKLE_MEMO && !this.memo.has(i)) {
      this.refuse(`more than ${MAX_PICKLE_MEMO} memo entries`);
    }
    this.memo.set(i, v);
  }

  pop(): PyValue {
    const v = this.stack.pop();
    if (v === undefined) this.fail("the stack is empty");
    if (v instanceof Mark) this.fail("a MARK where a value belongs");
    return v;
  }

  top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v instanceof Mark) this.fail("no value on the stack");
    return v;
  }

  popMark(): PyValue[] {
    const at = this.marks.pop();
    if (at === undefined) this.fail("no MARK to pop to");
    const items = this.stack.splice(at) as (PyValue | Mark)[];
    items.shift();
    return items as PyValue[];
  }

  /** A list or tuple of `items`, its height checked. */
  container(items: PyValue[], tuple: boolean): PyList {
    const c = new PyList(items, tuple);
    for (const it of items) if (it instanceof PyList) this.grow(c, it);
    return c;
  }

  /** Record that `child` sits inside `parent`; refuse nesting beyond {@link MAX_PICKLE_NESTING}. */
  grow(parent: PyList, child: PyList): void {
    if (child === parent) this.refuse("a list that contains itself");
    if (child.height + 1 > parent.height) parent.height = child.height + 1;
    if (parent.height > MAX_PICKLE_NESTING) {
      this.refuse(`lists nested more than ${MAX_PICKLE_NESTING} levels deep`);
    }
  }

  append(list: PyValue, items: PyValue[]): void {
    if (!(list instanceof PyList) || list.tuple) this.refuse(`an APPEND to ${describe(list)}`);
    if (list.items.length + items.length > MAX_LIST_ITEMS) {
      this.refuse(`a list of more than ${MAX_LIST_ITEMS} items`);
    }
    this.items += items.length;
    if (this.items > MAX_PICKLE_ITEMS) this.refuse(`more than ${MAX_PICKLE_ITEMS} list items in all`);
    for (const it of items) {
      if (it instanceof PyList) this.grow(list, it);
      list.items.push(it);
    }
  }

  reduce(fn: PyValue, args: PyValue): PyValue {
    if (!(fn instanceof PyGlobal) || !(args instanceof PyList) || !args.tuple) {
      this.refuse(`a REDUCE of ${describe(fn)} with ${describe(args)}`);
    }
    const a = args.items;
    if (RECONSTRUCT.has(fn.qualified)) {
      const kind = a[0];
      const b = a[2];
      const isB = (b instanceof PyBytes && b.bytes.length === 1 && b.bytes[0] === 0x62) || b === "b";
      if (a.length !== 3 || !(kind instanceof PyGlobal) || kind.qualified !== "numpy.ndarray" || !isB) {
        this.refuse(`a REDUCE of ${fn.qualified} with other arguments than (numpy.ndarray, shape, b"b")`);
      }
      return new PyNdarray();
    }
    if (fn.qualified === "numpy.dtype") {
      // Older NumPy wrote the two flags as the ints 0 and 1, newer as False and True.
      const flag = (v: PyValue): boolean => typeof v === "boolean" || v === 0 || v === 1;
      if (a.length !== 3 || typeof a[0] !== "string" || !flag(a[1]) || !flag(a[2])) {
        this.refuse(`a REDUCE of numpy.dtype with other arguments than (descr, align, copy)`);
      }
      return new PyDtype(a[0]);
    }
    this.refuse(`a REDUCE of ${fn.qualified}, which is not NumPy's array reconstruction`);
  }

  build(target: PyValue, state: PyValue): void {
    if (target instanceof PyDtype) {
      // (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata]).
      if (!(state instanceof PyList) || !state.tuple || state.items.some((s) => s instanceof PyList && !s.tuple)) {
        this.refuse(`a BUILD of ${describe(target)} with ${describe(state)}`);
      }
      return;
    }
    if (target instanceof PyNdarray) {
      if (!(state instanceof PyList) || !state.tuple || state.items.length !== 5) {
        this.refuse(`a BUILD of a numpy.ndarray with ${describe(state)}; expected (1, shape, dtype, fortran, data)`);
      }
      const [version, shape, dtype, , data] = state.items;
      if (version !== 1) this.refuse(`a numpy.ndarray state of version ${describe(version)}; expected 1`);
      if (!(shape instanceof PyList) || !shape.items.every((d) => typeof d === "number" && d >= 0)) {
        this.refuse(`a numpy.ndarray shape of ${describe(shape)}`);
      }
      if (!(dtype instanceof PyDtype)) this.refuse(`a numpy.ndarray dtype of ${describe(dtype)}`);
      if (dtype.descr !== "O8" && dtype.descr !== "O4" && dtype.descr !== "O") {
        this.refuse(
          `a pickled numpy.ndarray of dtype ${JSON.stringify(dtype.descr)}; np.save pickles only object arrays`,
        );
      }
      if (!(data instanceof PyList) || data.tuple) this.refuse(`object-array data given as ${describe(data)}`);
      target.shape = shape.items as number[];
      target.dtype = dtype;
      target.items = data.items;
      return;
    }
    this.refuse(`a BUILD of ${describe(target)}`);
  }

  global(qualified: string): PyGlobal {
    if (!ALLOWED_GLOBALS.has(qualified)) this.refuse(`the global ${qualified}`);
    return new PyGlobal(qualified);
  }

  memoGet(i: number): void {
    const v = this.memo.get(i);
    if (v === undefined) this.fail(`a memo entry ${i} that was never stored`);
    this.push(v);
  }

  run(): PyValue {
    const buf = this.buf;
    for (;;) {
      this.at = this.pos;
      if (this.pos >= buf.length) this.fail("the pickle ends before its STOP");
      const op = buf[this.pos++];
      switch (op) {
        case 0x80: {
          const proto = this.u8();
          if (proto < 2 || proto > 5) this.refuse(`pickle protocol ${proto} (NumPy writes 2 to 5)`);
          break;
        }
        case 0x95:
          // A frame only groups opcodes; its length must fit in what remains.
          if (this.u64("a FRAME") > buf.length - this.pos) this.fail("a FRAME longer than the rest of the file");
          break;
        case 0x2e:
          return this.pop();
        case 0x28:
          if (this.marks.length >= MAX_MARKS) this.refuse(`MARKs nested more than ${MAX_MARKS} deep`);
          this.marks.push(this.stack.length);
          this.push(MARK);
          break;
        case 0x5d:
          this.push(new PyList([], false));
          break;
        case 0x6c:
          this.push(this.container(this.popMark(), false));
          break;
        case 0x61: {
          const item = this.pop();
          const list = this.top();
          // The common case, an int into a list, without the general path's allocations.
          if (typeof item === "number" && list instanceof PyList && !list.tuple && list.items.length < MAX_LIST_ITEMS) {
            if (++this.items > MAX_PICKLE_ITEMS) this.refuse(`more than ${MAX_PICKLE_ITEMS} list items in all`);
            list.items.push(item);
          } else this.append(list, [item]);
          break;
        }
        case 0x65: {
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }
        case 0x29:
          this.push(new PyList([], true));
          break;
        case 0x74:
          this.push(this.container(this.popMark(), true));
          break;
        case 0x85:
        case 0x86:
        case 0x87: {
          const n = op - 0x84;
          const items: PyValue[] = [];
          for (let i = 0; i < n; i++) items.unshift(this.pop());
          this.push(this.container(items, true));
          break;
        }
        case 0x4a:
          this.push(this.view.getInt32(this.need(4), true));
          break;
        case 0x4b:
          this.push(this.u8());
          break;
        case 0x4d:
          this.push(this.view.getUint16(this.need(2), true));
          break;
        case 0x8a: {
          const b = this.take(this.u8(), "LONG1");
          if (b.length > 7) this.refuse(`an int of ${b.length} bytes (word indexes fit in 7)`);
          let v = 0;
          for (let i = b.length - 1; i >= 0; i--) v = v * 256 + b[i];
          if (b.length > 0 && b[b.length - 1] & 0x80) v -= 2 ** (8 * b.length);
          this.push(v);
          break;
        }
        case 0x4e:
          this.push(null);
          break;
        case 0x88:
          this.push(true);
          break;
        case 0x89:
          this.push(false);
          break;
        case 0x58:
        case 0x8c:
        case 0x8d: {
          const n = op === 0x8c ? this.u8() : op === 0x58 ? this.u32() : this.u64("BINUNICODE8");
          this.push(Buffer.from(this.take(n, OPCODE_NAMES[op])).toString("utf8"));
          break;
        }
        case 0x43:
        case 0x42:
        case 0x8e: {
          const n = op === 0x43 ? this.u8() : op === 0x42 ? this.u32() : this.u64("BINBYTES8");
          this.push(new PyBytes(this.take(n, OPCODE_NAMES[op])));
          break;
        }
        case 0x55:
        case 0x54: {
          // Python 2's str: text in NumPy's pickles (dtype descrs), read as Latin-1 as np.load does.
          const n = op === 0x55 ? this.u8() : this.u32();
          this.push(Buffer.from(this.take(n, OPCODE_NAMES[op])).toString("latin1"));
          break;
        }
        case 0x63: {
          const module = this.line();
          const name = this.line();
          this.push(this.global(`${module}.${name}`));
          break;
        }
        case 0x93: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string") {
            this.refuse(`a STACK_GLOBAL of ${describe(module)} and ${describe(name)}`);
          }
          this.push(this.global(`${module}.${name}`));
          break;
        }
        case 0x52: {
          const args = this.pop();
          const fn = this.pop();
          this.push(this.reduce(fn, args));
          break;
        }
        case 0x62: {
          const state = this.pop();
          this.build(this.top(), state);
          break;
        }
        case 0x71:
          this.remember(this.u8(), this.top());
          break;
        case 0x72:
          this.remember(this.u32(), this.top());
          break;
        case 0x94:
          this.remember(this.memo.size, this.top());
          break;
        case 0x68:
          this.memoGet(this.u8());
          break;
        case 0x6a:
          this.memoGet(this.u32());
          break;
        default: {
          const name = REFUSED_NAMES[op];
          this.refuse(`the pickle opcode 0x${op.toString(16).padStart(2, "0")}${name ? ` (${name})` : ""}`);
        }
      }
    }
  }
}

/** A list's items as JavaScript values: lists become arrays (two levels at most), the rest as read. */
function plain(v: PyValue): unknown {
  if (!(v instanceof PyList)) return leaf(v);
  // A list of ints (a review) is handed over as it is, not copied.
  if (v.items.every((it) => typeof it === "number")) return v.items;
  return v.items.map((it) => (it instanceof PyList ? it.items.map(leaf) : leaf(it)));
}

function leaf(v: PyValue): unknown {
  return v instanceof PyList ? v.items : v instanceof PyBytes ? v.bytes : v;
}

/**
 * Read the pickled object array that `np.save` writes after a `.npy` header
 * (`numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b"b")` then BUILD with
 * its shape, dtype and items), starting at `start` of `buf`. `where` names the file
 * and entry in messages.
 *
 * @example
 * const { shape, items } = readPickledObjectArray(npyBytes, headerEnd, "imdb.npz: x_train.npy");
 */
export function readPickledObjectArray(buf: Uint8Array, start: number, where: string): ObjectArray {
  const machine = new Machine(buf, start, where);
  const result = machine.run();
  if (!(result instanceof PyNdarray) || result.items === undefined) {
    throw new DatasetError(`${where}: the pickle holds ${describe(result)}, not a NumPy object array`);
  }
  const count = elementCount(result.shape);
  if (count !== result.items.length) {
    throw new DatasetError(
      `${where}: the array's shape (${result.shape.join(", ")}) holds ${count} items, its data ${result.items.length}`,
    );
  }
  return { shape: result.shape, items: result.items.map(plain) };
}
