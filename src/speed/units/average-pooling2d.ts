/**
 * AveragePooling2D over channels-last images, as tfjs computes it: each output the mean of its
 * window's inputs inside the image, and each output's gradient spread over its window at
 * 1 / (pool height · pool width) — tfjs's `AvgPoolGrad` divides by the whole window even where
 * `same` padding cut it, and the unit keeps that so its numbers are stock tfjs's. Both ways
 * are src/speed/as/avg-pool.ts.
 */
import type * as tf from "@tensorflow/tfjs";
import { GEOMETRY_BYTES, writePoolGeometry } from "../ops/conv-geometry";
import { int32 } from "./conv2d";
import { poolGeometry, type Pooling2DSettings } from "./max-pooling2d";
import { scratchBlocks, scratchFloatsFor } from "./scratch";
import type { StepContext, Unit, UnitBuffers } from "./unit";

export class AveragePooling2DUnit implements Unit {
  readonly label: string;
  readonly weights = [];
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly info: tf.backend_util.Conv2DInfo;

  constructor(settings: Pooling2DSettings) {
    this.info = poolGeometry(settings);
    const [h, w, c] = settings.inShape;
    this.inputSize = h * w * c;
    this.outputSize = this.info.outHeight * this.info.outWidth * c;
    this.label = `AveragePooling2D ${settings.poolSize.join("×")}`;
  }

  scratchFloats(): number {
    return scratchFloatsFor([GEOMETRY_BYTES]);
  }

  /** The geometry block for `step`'s batch, written into the unit's scratch; its byte address. */
  private geometry(step: StepContext, at: UnitBuffers): number {
    const [geometry] = scratchBlocks(at.scratch, [GEOMETRY_BYTES]);
    writePoolGeometry(int32(step), geometry, { ...this.info, batchSize: step.batch });
    return geometry;
  }

  forward(step: StepContext, at: UnitBuffers): void {
    step.ops.avgPool(this.geometry(step, at), 4 * at.input, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx !== null) step.ops.avgPoolGrad(this.geometry(step, at), 4 * dy, 4 * dx);
  }
}
