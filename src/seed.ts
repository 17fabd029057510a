/**
 * Reproducibility: one seed for everything random in training.
 *
 * TensorFlow.js draws its randomness from `Math.random` whenever no explicit
 * seed is given: weight initialisers (`randomUniform`/`randomNormal` seed an
 * Alea generator from it), Dropout masks and the shuffling in `model.fit`.
 * So, like `keras.utils.set_random_seed` seeding Python's, NumPy's and
 * TensorFlow's generators, `setRandomSeed` replaces `Math.random` with a
 * seeded generator.
 */

const ORIGINAL_RANDOM = Symbol.for("tslab-dl.seed.originalMathRandom");
type SeedSlots = { [ORIGINAL_RANDOM]?: () => number };
const slots = globalThis as unknown as SeedSlots;

/** The four 32-bit words of a {@link seededRandom} generator's state. */
export type RandomState = [number, number, number, number];

/** Each seeded generator's state accessors, so a backup can save and restore where it is. */
const STATES = new WeakMap<() => number, { get(): RandomState; set(state: RandomState): void }>();

/** A small, fast, well-distributed 32-bit generator (SplitMix32 seeding xoshiro128**). */
function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return generator([splitmix(), splitmix(), splitmix(), splitmix()]);
}

function generator(state: RandomState): () => number {
  let [a, b, c, d] = state;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
  STATES.set(next, {
    get: () => [a, b, c, d],
    set: (st) => ([a, b, c, d] = st),
  });
  return next;
}

/**
 * Where the seeded `Math.random` installed by {@link setRandomSeed} is in its sequence,
 * or `undefined` when `Math.random` is not seeded. {@link setRandomState} resumes from it.
 *
 * @example
 * setRandomSeed(42);
 * const saved = randomState();
 * const a = Math.random();
 * setRandomState(saved!);
 * Math.random() === a; // true
 */
export function randomState(): RandomState | undefined {
  return STATES.get(Math.random)?.get();
}

/**
 * A generator that draws what the seeded `Math.random` would draw from `state`, without
 * installing it (to predict what a loop is about to draw).
 *
 * @example
 * const next = randomAt(randomState()!);
 * next() === Math.random(); // true
 */
export function randomAt(state: RandomState): () => number {
  return generator(state.map((w) => w | 0) as RandomState);
}

/**
 * Make `Math.random` a seeded generator at `state` (from {@link randomState}), e.g. to
 * resume an interrupted training run with the same shuffles and Dropout masks.
 *
 * @example
 * setRandomState(backup.random);
 */
export function setRandomState(state: RandomState): void {
  if (!Array.isArray(state) || state.length !== 4 || !state.every((w) => Number.isInteger(w))) {
    throw new RangeError(
      `setRandomState: expected the four integers randomState() returns, got ${JSON.stringify(state)}`,
    );
  }
  slots[ORIGINAL_RANDOM] ??= Math.random;
  const words = state.map((w) => w | 0) as RandomState;
  const current = STATES.get(Math.random);
  if (current) current.set(words);
  else Math.random = generator(words);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Make weight initialisation, Dropout and `fit`'s shuffling repeatable on one
 * backend, like `keras.utils.set_random_seed(seed)`. Call it before building the model.
 * `setRandomSeed(undefined)` restores the unseeded `Math.random`.
 *
 * @example
 * setRandomSeed(42);
 * const model = modelFn(tf.layers.dropout({ rate: 0.3 })); // same initial weights every run
 */
export function setRandomSeed(seed: number | undefined): void {
  if (seed === undefined) {
    if (slots[ORIGINAL_RANDOM]) Math.random = slots[ORIGINAL_RANDOM];
    return;
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`setRandomSeed: seed must be an integer from 0 to 2**32-1, got ${seed}`);
  }
  slots[ORIGINAL_RANDOM] ??= Math.random;
  Math.random = seededRandom(seed);
}
