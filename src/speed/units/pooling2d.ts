/**
 * What MaxPooling2D and AveragePooling2D share: Keras's settings resolved to tfjs's pooling
 * geometry, the sizes per sample, and the geometry block the pooling kernels read, written into
 * the unit's scratch for each step's batch. The two units differ only in their kernels.
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
function poolGeometry(settings: Pooling2DSettings): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    [1, ...settings.inShape],
    settings.poolSize,
    settings.strides,
    1,
    settings.padding,
  );
}

export abstract class Pooling2DUnit implements Unit {
  readonly label: string;
  readonly weights = [];
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly info: tf.backend_util.Conv2DInfo;

  /** `layer` names the layer type in the unit's label ("MaxPooling2D 2×2"). */
  constructor(layer: string, settings: Pooling2DSettings) {
    this.info = poolGeometry(settings);
    const [h, w, c] = settings.inShape;
    this.inputSize = h * w * c;
    this.outputSize = this.info.outHeight * this.info.outWidth * c;
    this.label = `${layer} ${settings.poolSize.join("×")}`;
  }

  scratchFloats(): number {
    return scratchFloatsFor([GEOMETRY_BYTES]);
  }

  /** The geometry block for `step`'s batch, written into the unit's scratch; its byte address. */
  protected geometry(step: StepContext, at: UnitBuffers): number {
    const [geometry] = scratchBlocks(at.scratch, [GEOMETRY_BYTES]);
    writePoolGeometry(int32(step), geometry, { ...this.info, batchSize: step.batch });
    return geometry;
  }

  abstract forward(step: StepContext, at: UnitBuffers): void;

  abstract backward(step: StepContext, at: UnitBuffers, dy: number, dx: number | null): void;
}
