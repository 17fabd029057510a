/**
 * The optimizers' element-wise updates (see `optimizers.ts`) as WebAssembly functions: each
 * written once, as a sequence of float32 operations over named operands, and emitted twice
 * by {@link elementwise}: four lanes at a time (SIMD), then one at a time for the tail. Same
 * IEEE operations in the same order either way, and the same as tfjs's separate ops (no
 * fused multiply-add).
 */
import { Body, F32, I32, V128, type FunctionDef, type ValType } from "./wasm-asm";

/** The operations an update is written in; `vector` says which loop is being emitted. */
interface Lanes {
  vector: boolean;
  /** Push element j of pointer parameter p. */
  load(p: number): Lanes;
  /** Store what `value` pushes as element j of pointer parameter p. */
  store(p: number, value: () => void): Lanes;
  /** Push scalar parameter s (splat in the vector loop). */
  scalar(s: number): Lanes;
  /** Pop into / push a temporary of the loop's type. */
  set(t: number): Lanes;
  get(t: number): Lanes;
  mul(): Lanes;
  add(): Lanes;
  sub(): Lanes;
  div(): Lanes;
  sqrt(): Lanes;
}

/**
 * `name(n, p0…, s0…)`: n elements, `pointers` byte addresses, `scalars` f32 parameters;
 * `temps` temporaries per loop; `body` emits one element's update.
 */
function elementwise(
  name: string,
  pointers: number,
  scalars: number,
  temps: number,
  body: (e: Lanes) => void,
): FunctionDef {
  const params: ValType[] = [I32, ...new Array<ValType>(pointers).fill(I32), ...new Array<ValType>(scalars).fill(F32)];
  const f = new Body(params.length);
  const off = f.local(I32);
  const end = f.local(I32);
  const splats = Array.from({ length: scalars }, () => f.local(V128));
  const vTemps = Array.from({ length: temps }, () => f.local(V128));
  const sTemps = Array.from({ length: temps }, () => f.local(F32));
  splats.forEach((local, s) =>
    f
      .get(1 + pointers + s)
      .simd("f32x4.splat")
      .set(local),
  );
  const lanes = (vector: boolean): Lanes => {
    const op = (v: Parameters<Body["simd"]>[0], s: Parameters<Body["op"]>[0]) => () => {
      if (vector) f.simd(v);
      else f.op(s);
      return e;
    };
    const e: Lanes = {
      vector,
      load: (p) => {
        f.get(1 + p)
          .get(off)
          .op("i32.add");
        if (vector) f.v128Load();
        else f.f32Load();
        return e;
      },
      store: (p, value) => {
        f.get(1 + p)
          .get(off)
          .op("i32.add");
        value();
        if (vector) f.v128Store();
        else f.f32Store();
        return e;
      },
      scalar: (s) => (f.get(vector ? splats[s] : 1 + pointers + s), e),
      set: (t) => (f.set(vector ? vTemps[t] : sTemps[t]), e),
      get: (t) => (f.get(vector ? vTemps[t] : sTemps[t]), e),
      mul: op("f32x4.mul", "f32.mul"),
      add: op("f32x4.add", "f32.add"),
      sub: op("f32x4.sub", "f32.sub"),
      div: op("f32x4.div", "f32.div"),
      sqrt: op("f32x4.sqrt", "f32.sqrt"),
    };
    return e;
  };
  f.i32(0).set(off);
  f.get(0).i32(-4).op("i32.add").i32(2).op("i32.shl").set(end); // last full vector start, in bytes
  f.block(() =>
    f.loop(() => {
      f.get(off).get(end).op("i32.gt_s").brIf(1);
      body(lanes(true));
      f.addTo(off, 16).br(0);
    }),
  );
  f.get(0).i32(2).op("i32.shl").set(end);
  f.block(() =>
    f.loop(() => {
      f.get(off).get(end).op("i32.ge_s").brIf(1);
      body(lanes(false));
      f.addTo(off, 4).br(0);
    }),
  );
  return { name, params, body: f };
}

/** `(n, w, g, c)`: w = c·g + w (tfjs's SGD; c = −learning rate). */
type SgdFn = (n: number, w: number, g: number, c: number) => void;
/** `(n, w, g, acc, c, m)`: acc = m·acc + g; w = c·acc + w, or for Nesterov c·(g + acc·m) + w. */
type MomentumFn = (n: number, w: number, g: number, acc: number, c: number, m: number) => void;
/** `(n, w, g, ms, mom, decay, 1−decay, momentum, lr, eps)`: tfjs's RMSProp, not centered. */
type RmspropFn = (
  n: number,
  w: number,
  g: number,
  ms: number,
  mom: number,
  decay: number,
  oneMinusDecay: number,
  momentum: number,
  lr: number,
  eps: number,
) => void;
/** `(n, w, g, acc, −lr, eps)`: acc = acc + g²; w = (g / √(acc + eps))·(−lr) + w (tfjs's Adagrad). */
type AdagradFn = (n: number, w: number, g: number, acc: number, negLr: number, eps: number) => void;

export interface UpdateOps {
  sgd: SgdFn;
  momentum: MomentumFn;
  nesterov: MomentumFn;
  rmsprop: RmspropFn;
  adagrad: AdagradFn;
}

const [W, G, A, B] = [0, 1, 2, 3];

function momentumFunction(nesterov: boolean): FunctionDef {
  const [C, M] = [0, 1];
  return elementwise(nesterov ? "nesterov" : "momentum", 3, 2, 1, (e) => {
    e.scalar(M).load(A).mul().load(G).add().set(0);
    e.store(A, () => e.get(0));
    e.store(W, () => {
      if (nesterov) e.scalar(C).load(G).get(0).scalar(M).mul().add().mul();
      else e.scalar(C).get(0).mul();
      e.load(W).add();
    });
  });
}

/** The update functions, for the op module. */
export function updateFunctions(): FunctionDef[] {
  const sgd = elementwise("sgd", 2, 1, 0, (e) => e.store(W, () => e.scalar(0).load(G).mul().load(W).add()));
  const [DECAY, OMD, MOM, LR, EPS] = [0, 1, 2, 3, 4];
  const rmsprop = elementwise("rmsprop", 4, 5, 2, (e) => {
    e.load(A).scalar(DECAY).mul().load(G).load(G).mul().scalar(OMD).mul().add().set(0);
    e.store(A, () => e.get(0));
    e.load(B).scalar(MOM).mul().load(G).scalar(LR).mul().get(0).scalar(EPS).add().sqrt().div().add().set(1);
    e.store(B, () => e.get(1));
    e.store(W, () => e.load(W).get(1).sub());
  });
  const adagrad = elementwise("adagrad", 3, 2, 1, (e) => {
    e.load(A).load(G).load(G).mul().add().set(0);
    e.store(A, () => e.get(0));
    e.store(W, () => e.load(G).get(0).scalar(1).add().sqrt().div().scalar(0).mul().load(W).add());
  });
  return [sgd, momentumFunction(false), momentumFunction(true), rmsprop, adagrad];
}
