/**
 * Dropout as tfjs computes it in float32: `output = input · (floor(u + keep) / keep)`, with
 * `u` drawn as `tf.randomUniform` draws it (seedrandom's alea seeded with the step's seed
 * string, row-major, rounded to float32), so a seeded run (`setRandomSeed`) draws the same
 * masks either way. The multipliers are kept in scratch for the backward pass.
 */
import seedrandom from "seedrandom";
import type { StepContext, Unit, UnitBuffers } from "./unit";

export class DropoutUnit implements Unit {
  readonly label: string;
  readonly weights = [];
  readonly trainingOnly = true;
  readonly outputSize: number;
  readonly seed: { layerSeed: number | undefined };

  constructor(
    readonly inputSize: number,
    private readonly rate: number,
    layerSeed: number | undefined,
  ) {
    this.outputSize = inputSize;
    this.label = `Dropout ${rate}`;
    this.seed = { layerSeed };
  }

  scratchFloats(batch: number, training: boolean): number {
    return training ? batch * this.inputSize : 0;
  }

  forward(step: StepContext, at: UnitBuffers): void {
    if (at.seed === undefined) throw new Error(`${this.label}: a training step needs the layer's noise seed`);
    dropoutForward(
      step.heap,
      aleaState(at.seed),
      at.input,
      at.scratch,
      at.output,
      step.batch * this.inputSize,
      this.rate,
    );
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx !== null) step.ops.mul_vv(step.batch * this.inputSize, 4 * dy, 4 * at.scratch, 4 * dx);
  }
}

/** Alea's state, as seedrandom's `state()` returns it. */
interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/** The state of seedrandom's alea seeded with `seed` (its seeding hashes the string), before its first number. */
function aleaState(seed: string): AleaState {
  return seedrandom.alea(seed, { state: true }).state() as AleaState;
}

function dropoutForward(
  heap: Float32Array,
  state: AleaState,
  x: number,
  mult: number,
  out: number,
  n: number,
  rate: number,
): void {
  writeMultipliers(heap, state, mult, n, rate);
  for (let j = 0; j < n; j++) heap[out + j] = Math.fround(heap[x + j] * heap[mult + j]);
}

/**
 * The multipliers `tf.dropout(tf.ones([n]), rate, undefined, seed)` gives (`1 / keep` or 0,
 * float32), written at `heap[at…at + n)`: the masks tfjs's recurrent cells draw.
 *
 * @example
 * writeDropoutMask(step.heap, at.seeds[0], maskAt, batch * features, 0.3);
 */
export function writeDropoutMask(heap: Float32Array, seed: string, at: number, n: number, rate: number): void {
  writeMultipliers(heap, aleaState(seed), at, n, rate);
}

function writeMultipliers(heap: Float32Array, state: AleaState, mult: number, n: number, rate: number): void {
  const f = Math.fround;
  // With u in [0, 1] and keep in (0, 1), u + keep is below 2: the floor is 1 when the sum reaches 1, else 0.
  const keep = f(1 - rate);
  const scale = f(1 / keep);
  let { s0, s1, s2, c } = state;
  for (let j = 0; j < n; j++) {
    // Alea's step (Baagøe's multiply-with-carry in doubles), as seedrandom computes it.
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    heap[mult + j] = f(f(s2) + keep) >= 1 ? scale : 0;
  }
}
