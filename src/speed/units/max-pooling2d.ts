/**
 * MaxPooling2D over channels-last images, as tfjs computes it: each output the largest input
 * of its window (cut to the image under `same` padding), and the gradient routed to the first
 * position of the window's maximum in row-major order (the cpu backend's choice among ties),
 * adding up where windows overlap. Forward is src/speed/as/max-pool.ts; backward is the
 * registered `MaxPoolGrad` kernel's AssemblyScript (src/speed/as/max-pool-grad.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { GEOMETRY_BYTES, writePoolGeometry } from "../ops/conv-geometry";
import { int32 } from "./conv2d";
import { scratchBlocks, scratchFloatsFor } from "./scratch";
import type { StepContext, Unit, UnitBuffers } from "./unit";

/** A 2-D pooling layer's settings (Keras's, resolved to pairs). */
export interface Pooling2DSettings {
  /** The input's [height, width, channels] per sample. */
  inShape: [number, number, number];
  poolSize: [number, number];
  strides: [number, number];
  padding: "same" | "valid";
}

/** The pooling geometry of `settings` for a batch of one, as tfjs's pooling ops compute it. */
export function poolGeometry(settings: Pooling2DSettings): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    [1, ...settings.inShape],
    settings.poolSize,
    settings.strides,
    1,
    settings.padding,
  );
}

export class MaxPooling2DUnit implements Unit {
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
    this.label = `MaxPooling2D ${settings.poolSize.join("×")}`;
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
    step.ops.maxPool(this.geometry(step, at), 4 * at.input, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx !== null) step.ops.maxPoolGrad(this.geometry(step, at), 4 * at.input, 4 * dy, 4 * dx);
  }
}
