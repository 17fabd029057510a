/**
 * MaxPooling2D over channels-last images, as tfjs computes it: each output the largest input
 * of its window (cut to the image under `same` padding), and the gradient routed to the first
 * position of the window's maximum in row-major order (the cpu backend's choice among ties),
 * adding up where windows overlap. Forward is src/speed/as/max-pool.ts; backward is the
 * registered `MaxPoolGrad` kernel's AssemblyScript (src/speed/as/max-pool-grad.ts).
 */
import { Pooling2DUnit, type Pooling2DSettings } from "./pooling2d";
import type { StepContext, UnitBuffers } from "./unit";

export class MaxPooling2DUnit extends Pooling2DUnit {
  constructor(settings: Pooling2DSettings) {
    super("MaxPooling2D", settings);
  }

  forward(step: StepContext, at: UnitBuffers): void {
    step.ops.maxPool(this.geometry(step, at), 4 * at.input, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx !== null) step.ops.maxPoolGrad(this.geometry(step, at), 4 * at.input, 4 * dy, 4 * dx);
  }
}
