/**
 * MaxPooling2D and AveragePooling2D over channels-last images, as tfjs computes them: Keras's
 * settings resolved to tfjs's pooling geometry, the sizes per sample, and the geometry block the
 * pooling kernels read, written into the unit's scratch for each step's batch. The two layers
 * differ only in their kernels ({@link kernels}).
 */
import * as tf from "@tensorflow/tfjs";
import { GEOMETRY_BYTES, writePoolGeometry } from "../ops/conv-geometry";
import { int32 } from "./conv2d";
import { scratchBlocks, scratchFloatsFor } from "./scratch";
import type { AsOps } from "../as-ops";
import type { StepContext, Unit, UnitBuffers } from "./unit";

/** A 2-D pooling layer's settings (Keras's, resolved to pairs). */
interface Pooling2DSettings {
  /** The input's [height, width, channels] per sample. */
  inShape: [number, number, number];
  poolSize: [number, number];
  strides: [number, number];
  padding: "same" | "valid";
}

/** The pooling geometry of `settings` for a batch of one, as tfjs's pooling ops compute it. */
function poolGeometry(settings: Pooling2DSettings): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    [1, ...settings.inShape],
    settings.poolSize,
    settings.strides,
    1,
    settings.padding,
  );
}

/** Each pooling layer's kernels, at byte addresses: `geometry` a writePoolGeometry block. */
const kernels = {
  /**
   * Each output the largest input of its window (cut to the image under `same` padding), and the
   * gradient routed to the first position of the window's maximum in row-major order (the cpu
   * backend's choice among ties), adding up where windows overlap: src/speed/as/max-pool.ts, and
   * backward the registered `MaxPoolGrad` kernel's AssemblyScript (src/speed/as/max-pool-grad.ts).
   */
  MaxPooling2D: {
    forward: (ops: AsOps, geometry: number, x: number, y: number) => ops.maxPool(geometry, x, y),
    backward: (ops: AsOps, geometry: number, x: number, dy: number, dx: number) => ops.maxPoolGrad(geometry, x, dy, dx),
  },
  /**
   * Each output the mean of its window's inputs inside the image, and each output's gradient
   * spread over its window at 1 / (pool height · pool width) — tfjs's `AvgPoolGrad` divides by
   * the whole window even where `same` padding cut it, and the unit keeps that so its numbers are
   * stock tfjs's. Both ways are src/speed/as/avg-pool.ts.
   */
  AveragePooling2D: {
    forward: (ops: AsOps, geometry: number, x: number, y: number) => ops.avgPool(geometry, x, y),
    backward: (ops: AsOps, geometry: number, _x: number, dy: number, dx: number) => ops.avgPoolGrad(geometry, dy, dx),
  },
};

/** The pooling layers the unit runs. */
type Pooling2DLayer = keyof typeof kernels;

export class Pooling2DUnit implements Unit {
  readonly label: string;
  readonly weights = [];
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly info: tf.backend_util.Conv2DInfo;
  private readonly kernels: (typeof kernels)[Pooling2DLayer];

  /** `layer` chooses the kernels and names the layer type in the unit's label ("MaxPooling2D 2×2"). */
  constructor(layer: Pooling2DLayer, settings: Pooling2DSettings) {
    this.kernels = kernels[layer];
    this.info = poolGeometry(settings);
    const [h, w, c] = settings.inShape;
    this.inputSize = h * w * c;
    this.outputSize = this.info.outHeight * this.info.outWidth * c;
    this.label = `${layer} ${settings.poolSize.join("×")}`;
  }

  scratchFloats(): number {
    return scratchFloatsFor([GEOMETRY_BYTES]);
  }

  forward(step: StepContext, at: UnitBuffers): void {
    this.kernels.forward(step.ops, this.geometry(step, at), 4 * at.input, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void {
    if (dx !== null) this.kernels.backward(step.ops, this.geometry(step, at), 4 * at.input, 4 * dy, 4 * dx);
  }

  /** The geometry block for `step`'s batch, written into the unit's scratch; its byte address. */
  private geometry(step: StepContext, at: UnitBuffers): number {
    const [geometry] = scratchBlocks(at.scratch, [GEOMETRY_BYTES]);
    writePoolGeometry(int32(step), geometry, { ...this.info, batchSize: step.batch });
    return geometry;
  }
}
