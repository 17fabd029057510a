/**
 * AveragePooling2D over channels-last images, as tfjs computes it: each output the mean of its
 * window's inputs inside the image, and each output's gradient spread over its window at
 * 1 / (pool height · pool width) — tfjs's `AvgPoolGrad` divides by the whole window even where
 * `same` padding cut it, and the unit keeps that so its numbers are stock tfjs's. Both ways
 * are src/speed/as/avg-pool.ts.
 */
import { Pooling2DUnit, type Pooling2DSettings } from "./pooling2d";
import type { StepContext, UnitBuffers } from "./unit";

export class AveragePooling2DUnit extends Pooling2DUnit {
  constructor(settings: Pooling2DSettings) {
    super("AveragePooling2D", settings);
  }

  forward(step: StepContext, at: UnitBuffers): void {
    step.ops.avgPool(this.geometry(step, at), 4 * at.input, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx !== null) step.ops.avgPoolGrad(this.geometry(step, at), 4 * dy, 4 * dx);
  }
}
