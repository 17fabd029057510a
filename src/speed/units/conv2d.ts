/**
 * Conv2D over channels-last images: `output = conv(input, kernel) (+ bias)`, relu fused when
 * the layer's activation is relu (tfjs fuses relu and linear into its convolution; other
 * activations follow as an {@link ActivationUnit}, as tfjs applies them after the bias add).
 * Forward and backward run the same AssemblyScript code as the registered `FusedConv2D`,
 * `Conv2DBackpropFilter` and `Conv2DBackpropInput` kernels (src/speed/ops/), at the plan's
 * heap addresses: the filter gradient im2col(x)ᵀ · dy, the bias gradient Σ dy over pixels,
 * and (unless this is the first layer) the input gradient col2im(dy · Wᵀ).
 */
import type * as tf from "@tensorflow/tfjs";
import { conv2DInfo, filterGradientAt, filterGradientScratch } from "../ops/conv2d-backprop-filter";
import { inputGradientAt, inputGradientScratch } from "../ops/conv2d-backprop-input";
import { convolveAt, convolveScratch } from "../ops/conv2d";
import { scratchBlocks, scratchFloatsFor } from "./scratch";
import type { StepContext, Unit, UnitBuffers } from "./unit";

/** A Conv2D layer's settings the unit needs (Keras's names, resolved to pairs). */
interface Conv2DSettings {
  /** The input's [height, width, channels] per sample. */
  inShape: [number, number, number];
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: "same" | "valid";
  /** Fused relu (the layer's activation is relu); linear otherwise. */
  relu: boolean;
  /** The layer's activation, for the label. */
  activation: string;
}

export class Conv2DUnit implements Unit {
  readonly label: string;
  readonly weights: readonly tf.LayerVariable[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** The convolution's geometry for a batch of one: {@link Conv2DUnit.geometry} scales it. */
  private readonly info: tf.backend_util.Conv2DInfo;

  constructor(
    private readonly settings: Conv2DSettings,
    kernel: tf.LayerVariable,
    private readonly bias: tf.LayerVariable | null,
  ) {
    const [h, w, c] = settings.inShape;
    const [kh, kw] = settings.kernelSize;
    this.info = conv2DInfo([1, h, w, c], [kh, kw, c, settings.filters], {
      strides: settings.strides,
      pad: settings.padding,
      dataFormat: "NHWC",
    });
    this.inputSize = h * w * c;
    this.outputSize = this.info.outHeight * this.info.outWidth * this.info.outChannels;
    this.label = `Conv2D ${kh}×${kw} ${settings.activation}`;
    this.weights = bias ? [kernel, bias] : [kernel];
  }

  /** The geometry for `batch` images. */
  private geometry(batch: number): tf.backend_util.Conv2DInfo {
    return { ...this.info, batchSize: batch };
  }

  scratchFloats(batch: number, training: boolean): number {
    const info = this.geometry(batch);
    // Forward and backward take turns in the same floats: nothing is kept between them.
    const forward = scratchFloatsFor(convolveScratch(info));
    if (!training) return forward;
    return Math.max(forward, scratchFloatsFor(filterGradientScratch()), scratchFloatsFor(inputGradientScratch(info)));
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const info = this.geometry(step.batch);
    const scratch = scratchBlocks(at.scratch, convolveScratch(info));
    const [w, b] = at.weights;
    const bias = this.bias ? 4 * b : 0;
    convolveAt(step.ops, int32(step), info, scratch, 4 * at.input, 4 * w, bias, this.settings.relu, 4 * at.output);
  }

  backward(step: StepContext, at: UnitBuffers, dz: number, dInput: number | null, grads: number[]): void {
    const { ops, batch } = step;
    const info = this.geometry(batch);
    const pixels = batch * info.outHeight * info.outWidth;
    const co = info.outChannels;
    // d(pre-activation): tfjs's fused relu passes dy where y > 0 (NaN where y is NaN).
    if (this.settings.relu) ops.reluGrad(pixels * co, 4 * at.output, 4 * dz);
    if (this.bias) ops.sumRows(pixels, co, 4 * dz, 4 * grads[1]);
    const heap32 = int32(step);
    filterGradientAt(
      ops,
      heap32,
      info,
      scratchBlocks(at.scratch, filterGradientScratch()),
      4 * at.input,
      4 * dz,
      4 * grads[0],
    );
    if (dInput === null) return;
    const scratch = scratchBlocks(at.scratch, inputGradientScratch(info));
    inputGradientAt(ops, heap32, info, scratch, 4 * dz, 4 * at.weights[0], 4 * dInput);
  }
}

/** The heap as int32, for the geometry blocks the ops read. */
export function int32(step: StepContext): { HEAP32: Int32Array } {
  return { HEAP32: new Int32Array(step.heap.buffer, step.heap.byteOffset, step.heap.length) };
}
