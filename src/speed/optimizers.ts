/**
 * Optimizer updates written over the variables' and slots' own memory: one pass per
 * variable, no tensor created or disposed. tfjs's optimizers build each update from several
 * element-wise ops, each a pass over the weights plus the engine's bookkeeping; this runs
 * the same arithmetic in the same order, each operation rounded to float32 as tfjs's ops
 * round it (AssemblyScript ops: as/sgd.ts, as/momentum.ts, as/rmsprop.ts, as/adagrad.ts, as/adam.ts), for SGD,
 * Momentum (and Nesterov), RMSProp (not centered), Adagrad and Adam.
 *
 * Each optimizer is one {@link UpdateRule}: the slots tfjs creates for a variable (same
 * names, same initial values, so saving and resuming see tfjs's own state) and the update.
 * The update runs in place only on the WebAssembly backend and where nothing else holds the
 * memory (the backend counts one reference to each buffer: no clone, no reshaped view, no
 * saved copy shares it), so no other tensor's values change, and only for vectors and
 * matrices (see {@link updateInPlace}); otherwise tfjs's own `applyGradients` runs.
 */
import * as tf from "@tensorflow/tfjs";
import {
  offset,
  optimizerInternals,
  registeredVariable,
  wasmBackend,
  type OptimizerInternals,
  type OptimizerSlot,
} from "./internals";
import { asOpsFor, type AsOps } from "./as-ops";
import { handOverInPlace, secondCoreSettings, splitWork } from "./second-core";
import { UPDATE_OPS, type SecondCoreJob } from "./second-core-jobs";

type SlotList = (OptimizerSlot | undefined)[];
type Grad = { name: string; tensor: tf.Tensor | undefined };

/** One optimizer's in-place update. Addresses are float indices into `heap`. */
interface UpdateRule {
  /** Short name for {@link explainFastPath}. */
  label: string;
  /** Why this optimizer's settings need tfjs's own update, or null. */
  unsupported(o: OptimizerInternals): string | null;
  /** The slot lists tfjs keeps, each with its name suffix and initial value. */
  slots(o: OptimizerInternals): { list: SlotList; suffix: string; initial: number }[];
  /** Update n weights at w with gradient g and slots s (same order as `slots`). */
  update(o: OptimizerInternals, heap: Float32Array, ops: AsOps, n: number, w: number, g: number, s: number[]): void;
  /** After all variables: per-step state (Adam's β powers). */
  after?(o: OptimizerInternals, heap: Float32Array): void;
}

const f = Math.fround;

const epsilon = (): number => wasmBackend().epsilon();

/** The rules, by optimizer class. */
const RULES: [new (...args: never[]) => tf.Optimizer, UpdateRule][] = [
  [
    tf.MomentumOptimizer,
    {
      label: "momentum",
      unsupported: () => null,
      slots: (o) => [{ list: (o.accumulations ??= []), suffix: "momentum", initial: 0 }],
      update: (o, _heap, k, n, w, g, [a]) =>
        (o.useNesterov ? k.nesterov : k.momentum)(n, 4 * w, 4 * g, 4 * a, -o.learningRate, o.momentum ?? 0),
    },
  ],
  [
    tf.SGDOptimizer,
    {
      label: "sgd",
      unsupported: () => null,
      slots: () => [],
      update: (o, _heap, k, n, w, g) => k.sgd(n, 4 * w, 4 * g, -o.learningRate),
    },
  ],
  [
    tf.RMSPropOptimizer,
    {
      label: "rmsprop",
      unsupported: (o) => (o.centered ? "centered RMSProp" : null),
      slots: (o) => [
        { list: (o.accumulatedMeanSquares ??= []), suffix: "rms", initial: 0 },
        { list: (o.accumulatedMoments ??= []), suffix: "momentum", initial: 0 },
      ],
      update: (o, _heap, k, n, w, g, [ms, mo]) => {
        const decay = o.decay ?? 0.9;
        k.rmsprop(n, 4 * w, 4 * g, 4 * ms, 4 * mo, decay, 1 - decay, o.momentum ?? 0, o.learningRate, o.epsilon ?? 0);
      },
    },
  ],
  [
    tf.AdagradOptimizer,
    {
      label: "adagrad",
      unsupported: () => null,
      slots: (o) => [
        { list: (o.accumulatedGrads ??= []), suffix: "accumulator", initial: o.initialAccumulatorValue ?? 0.1 },
      ],
      update: (o, _heap, k, n, w, g, [a]) => k.adagrad(n, 4 * w, 4 * g, 4 * a, -o.learningRate, epsilon()),
    },
  ],
  [
    tf.AdamOptimizer,
    {
      label: "adam",
      unsupported: () => null,
      slots: (o) => [
        { list: (o.accumulatedFirstMoment ??= []), suffix: "m", initial: 0 },
        { list: (o.accumulatedSecondMoment ??= []), suffix: "v", initial: 0 },
      ],
      update: (o, heap, ops, n, w, g, [m, v]) => {
        const [b1, b2] = [o.beta1 ?? 0.9, o.beta2 ?? 0.999];
        const c1 = f(1 - heap[offset(wasmBackend(), o.accBeta1 as tf.Tensor) >> 2]);
        const c2 = f(1 - heap[offset(wasmBackend(), o.accBeta2 as tf.Tensor) >> 2]);
        ops.adam(
          n,
          4 * w,
          4 * m,
          4 * v,
          4 * g,
          4 * w,
          4 * m,
          4 * v,
          b1,
          f(1 - b1),
          b2,
          f(1 - b2),
          c1,
          c2,
          -o.learningRate,
          o.epsilon ?? 0,
        );
      },
      after: (o, heap) => {
        for (const [acc, beta] of [
          [o.accBeta1, o.beta1],
          [o.accBeta2, o.beta2],
        ] as const) {
          const at = offset(wasmBackend(), acc as tf.Tensor) >> 2;
          heap[at] = f(heap[at] * f(beta ?? 0));
        }
      },
    },
  ],
];

/** The rule for `optimizer`'s own class, if any (not a subclass's: tfjs's `instanceof` duck-types every optimizer). */
function ruleFor(optimizer: tf.Optimizer): UpdateRule | undefined {
  return RULES.find(([cls]) => Object.getPrototypeOf(optimizer) === cls.prototype)?.[1];
}

/** How {@link explainFastPath} names the update `optimizer` gets: "adam", or "adamax (tfjs's update)". */
export function describeUpdate(optimizer: tf.Optimizer | undefined): string {
  if (!optimizer) return "not compiled";
  const rule = ruleFor(optimizer);
  const name = optimizer.getClassName();
  if (!rule) return `${name} (tfjs's own update)`;
  const why = rule.unsupported(optimizerInternals(optimizer));
  return why ? `${why} (tfjs's own update)` : rule.label;
}

/** Create the slots tfjs creates on a variable's first update, for each variable in `names`. */
function createSlots(rule: UpdateRule, o: OptimizerInternals, names: string[]): void {
  const slots = rule.slots(o);
  names.forEach((name, i) => {
    const value = registeredVariable(name) as tf.Variable;
    for (const { list, suffix, initial } of slots) {
      list[i] ??= {
        originalName: `${name}/${suffix}`,
        variable: tf.tidy(() => tf.fill(value.shape, initial, "float32").variable(false)),
      };
    }
  });
}

/** The update in place, or false (nothing changed) when it cannot run in place. */
function updateInPlace(rule: UpdateRule, optimizer: tf.Optimizer, grads: Grad[]): boolean {
  if (tf.getBackend() !== "wasm") return false;
  const o = optimizerInternals(optimizer);
  if (rule.unsupported(o)) return false;
  const backend = wasmBackend();
  const ops = asOpsFor(backend);
  if (!ops || typeof backend.refCount !== "function") return false;
  const alone = (t: tf.Tensor): boolean => backend.refCount(t.dataId) === 1 && t.dtype === "float32";
  const work: { n: number; tensors: tf.Tensor[] }[] = [];
  for (const { name, tensor: gradient } of grads) {
    const value = registeredVariable(name);
    // Vectors and matrices only: tfjs-backend-wasm's convolutions (XNNPACK) keep each filter packed in a
    // cache keyed by its buffer, so a filter rewritten in place would go on convolving with its old values.
    if (!value || value.rank > 2 || !gradient || gradient.dtype !== "float32" || gradient.isDisposed || !alone(value))
      return false;
    if (!tf.util.arraysEqual(gradient.shape, value.shape)) return false;
  }
  createSlots(
    rule,
    o,
    grads.map((g) => g.name),
  );
  const lists = rule.slots(o).map((s) => s.list);
  for (let i = 0; i < grads.length; i++) {
    const slots = lists.map((list) => list[i]?.variable);
    if (slots.some((s) => !s || !alone(s))) return false;
    work.push({
      n: (grads[i].tensor as tf.Tensor).size,
      tensors: [
        registeredVariable(grads[i].name) as tf.Variable,
        grads[i].tensor as tf.Tensor,
        ...(slots as tf.Variable[]),
      ],
    });
  }
  if (rule.after && !(o.accBeta1 && o.accBeta2 && alone(o.accBeta1) && alone(o.accBeta2))) return false;
  const heap = backend.wasm.HEAPF32;
  for (const { n, tensors } of work) {
    const [w, g, ...s] = tensors.map((t) => offset(backend, t) >> 2);
    const update = (k: AsOps, from: number, count: number): void =>
      rule.update(
        o,
        heap,
        k,
        count,
        w + from,
        g + from,
        s.map((at) => at + from),
      );
    splitWork(
      heap,
      ownElements(n),
      n,
      (from, count) => update(ops, from, count),
      (own, count) => ({
        inputs: [],
        outputs: [],
        scratch: [],
        inPlaceOnly: true,
        job: () => recordedUpdate((k) => update(k, own, count)),
      }),
    );
  }
  rule.after?.(o, heap);
  o.incrementIterations();
  return true;
}

/**
 * Where a variable's update splits: the first element the second core updates (a multiple of 16,
 * about `secondCoreSettings.ownShare` of them), or `n` where its part would be under
 * `minUpdateElements` or the worker does not compute on tfjs's heap (copying a variable, its
 * gradient and its slots in and out would cost more than the update). Each element's update is
 * the same arithmetic wherever it runs, so a split changes no bit.
 */
function ownElements(n: number): number {
  const own = 16 * Math.ceil((n * secondCoreSettings.ownShare) / 16);
  return n - own >= secondCoreSettings.minUpdateElements && handOverInPlace() ? own : n;
}

/** The job {@link recordedUpdate}'s recorder saw last. */
let recorded: SecondCoreJob | undefined;
/** The six update ops, each recording its call as the second core's job instead of running it. */
const RECORDER = Object.fromEntries(
  UPDATE_OPS.map((op) => [op, (...args: number[]) => (recorded = { kind: "update", op, args })]),
) as unknown as AsOps;

/** The one update op `run` calls, with its arguments, as the second core's job (nothing runs here). */
function recordedUpdate(run: (ops: AsOps) => void): SecondCoreJob {
  recorded = undefined;
  run(RECORDER);
  const job = recorded as SecondCoreJob | undefined;
  if (!job) throw new Error("tslab-dl: an optimizer's update called no update op");
  return job;
}

type ApplyGradients = tf.Optimizer["applyGradients"];
const stockApply = new Map<UpdateRule, ApplyGradients>(
  RULES.map(([cls, rule]) => [rule, cls.prototype.applyGradients as ApplyGradients]),
);

/** What runs when the update cannot run in place (Adam: its one-op update; see `adam.ts`). */
const fallbacks = new Map<UpdateRule, ApplyGradients>();
export function setFallback(cls: typeof tf.AdamOptimizer, apply: ApplyGradients): void {
  const rule = RULES.find(([c]) => c === cls)?.[1];
  if (rule) fallbacks.set(rule, apply);
}

function fastApplyFor(rule: UpdateRule): ApplyGradients {
  return function (this: tf.Optimizer, variableGradients) {
    const grads: Grad[] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => ({ name: g.name, tensor: g.tensor }))
      : Object.keys(variableGradients).map((name) => ({
          name,
          tensor: variableGradients[name] as tf.Tensor | undefined,
        }));
    if (updateInPlace(rule, this, grads)) return;
    (fallbacks.get(rule) ?? (stockApply.get(rule) as ApplyGradients)).call(this, variableGradients);
  };
}

/** Route the five optimizers' `applyGradients` through their in-place updates (true) or tfjs's own (false). */
export function patchOptimizers(on: boolean): void {
  for (const [cls, rule] of RULES) {
    // Only the class's own method: a subclass (Momentum extends SGD) keeps its own.
    cls.prototype.applyGradients = on ? fastApplyFor(rule) : (stockApply.get(rule) as ApplyGradients);
  }
}
