/**
 * A very small WebAssembly assembler: just enough of the binary format (one imported
 * memory, functions with i32/f32/v128 locals, structured control flow, scalar and SIMD
 * float arithmetic) to write tslab-dl's ops in TypeScript without a toolchain.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, "utf8")];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction emitter for one function body; local indices count parameters first. */
export class Body {
  readonly bytes: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(private readonly paramCount: number) {}

  /** Declare a local and return its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  private emit(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  get(i: number): this {
    return this.emit(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.emit(0x22, ...uleb(i));
  }
  i32(n: number): this {
    return this.emit(0x41, ...sleb(n | 0));
  }
  f32(x: number): this {
    const buf = Buffer.alloc(4);
    buf.writeFloatLE(x);
    return this.emit(0x43, ...buf);
  }
  op(name: keyof typeof OPS): this {
    return this.emit(...OPS[name]);
  }
  simd(name: keyof typeof SIMD): this {
    return this.emit(0xfd, ...uleb(SIMD[name]));
  }
  v128Zero(): this {
    return this.emit(0xfd, 0x0c, ...new Array<number>(16).fill(0));
  }
  /** Loads and stores take a byte offset added to the address on the stack. */
  f32Load(offset = 0): this {
    return this.emit(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.emit(0x38, 2, ...uleb(offset));
  }
  i32Load(offset = 0): this {
    return this.emit(0x28, 2, ...uleb(offset));
  }
  i32Store(offset = 0): this {
    return this.emit(0x36, 2, ...uleb(offset));
  }
  v128Load(offset = 0): this {
    return this.emit(0xfd, 0x00, 0, ...uleb(offset));
  }
  /** Load one f32 and splat it to all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.emit(0xfd, 0x09, 2, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.emit(0xfd, 0x0b, 0, ...uleb(offset));
  }
  block(inner: () => void): this {
    this.emit(0x02, 0x40);
    inner();
    return this.emit(0x0b);
  }
  loop(inner: () => void): this {
    this.emit(0x03, 0x40);
    inner();
    return this.emit(0x0b);
  }
  br(depth: number): this {
    return this.emit(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.emit(0x0d, ...uleb(depth));
  }
  /** `local[i] += n` for an i32 local. */
  addTo(i: number, n: number): this {
    return this.get(i).i32(n).op("i32.add").set(i);
  }
  /** `local[i] += local[j]` for i32 locals. */
  addLocal(i: number, j: number): this {
    return this.get(i).get(j).op("i32.add").set(i);
  }

  /** The encoded body: local declarations, instructions, end. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const body = [
      ...uleb(groups.length),
      ...groups.flatMap(([count, type]) => [...uleb(count), type]),
      ...this.bytes,
      0x0b,
    ];
    return [...uleb(body.length), ...body];
  }
}

const OPS = {
  "i32.add": [0x6a],
  "i32.sub": [0x6b],
  "i32.mul": [0x6c],
  "i32.shl": [0x74],
  "i32.eqz": [0x45],
  "i32.or": [0x72],
  "f32.ne": [0x5c],
  "i32.ne": [0x47],
  "i32.lt_s": [0x48],
  "i32.gt_s": [0x4a],
  "i32.le_s": [0x4c],
  "i32.ge_s": [0x4e],
  "f32.add": [0x92],
  "f32.sub": [0x93],
  "f32.mul": [0x94],
  "f32.div": [0x95],
  "f32.max": [0x97],
  "f32.sqrt": [0x91],
  "f32.abs": [0x8b],
  "f32.ge": [0x60],
  "f32.gt": [0x5e],
  select: [0x1b],
} as const;

const SIMD = {
  "f32x4.splat": 0x13,
  "f32x4.ge": 0x46,
  "v128.and": 0x4e,
  "v128.or": 0x50,
  "f32x4.ne": 0x42,
  "f32x4.gt": 0x44,
  "f32x4.abs": 0xe0,
  "f32x4.sqrt": 0xe3,
  "f32x4.add": 0xe4,
  "f32x4.sub": 0xe5,
  "f32x4.mul": 0xe6,
  "f32x4.div": 0xe7,
  "f32x4.max": 0xe9,
  /** Relaxed SIMD (a·b + c, fused where the CPU has FMA); Node 20 compiles it only behind a V8 flag. */
  "f32x4.relaxed_madd": 0x105,
} as const;

/** A function to put in a module: its signature and body. */
export interface FunctionDef {
  name: string;
  params: ValType[];
  body: Body;
}

/** Encode a module that imports `env.memory` (with at least `minPages` pages) and exports `functions`. */
export function encodeModule(functions: FunctionDef[], minPages = 1): Uint8Array<ArrayBuffer> {
  const types = vec(functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]));
  const imports = vec([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(minPages)]]);
  const funcs = vec(functions.map((_, i) => uleb(i)));
  const exports = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const code = vec(functions.map((f) => f.body.encode()));
  // The "name" section's function names: CPU profiles show `gemmSkip`, not `wasm-function[16]`.
  const functionNames = vec(functions.map((f, i) => [...uleb(i), ...name(f.name)]));
  const names = [...name("name"), 1, ...uleb(functionNames.length), ...functionNames];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
    ...section(0, names),
  ]);
}
