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
    const n = step.batch * this.inputSize;
    writeDropoutMask(step, at.seed, at.scratch, n, this.rate);
    step.ops.mul_vv(n, 4 * at.input, 4 * at.scratch, 4 * at.output);
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

/**
 * The multipliers `tf.dropout(tf.ones([n]), rate, undefined, seed)` gives (`1 / keep` or 0,
 * float32), written at `heap[at…at + n)`: also the masks tfjs's recurrent cells draw. Alea's
 * seeding (a hash of the seed string) runs here; its numbers are drawn in as/dropout-mask.ts.
 *
 * @example
 * writeDropoutMask(step, at.seeds[0], maskAt, batch * features, 0.3);
 */
export function writeDropoutMask(step: StepContext, seed: string, at: number, n: number, rate: number): void {
  const f = Math.fround;
  // With u in [0, 1] and keep in (0, 1), u + keep is below 2: the floor is 1 when the sum reaches 1, else 0.
  const keep = f(1 - rate);
  const { s0, s1, s2, c } = seedrandom.alea(seed, { state: true }).state() as AleaState;
  step.ops.dropoutMask(n, s0, s1, s2, c, keep, f(1 / keep), 4 * at);
}
