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
import { convolveAt } from "../ops/conv2d";
import { convScratch, productSize } from "../ops/conv-geometry";
import { ownColumns, secondCoreSettings, splitWork, type HeapRun } from "../second-core";
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
    const forward = scratchFloatsFor(convScratch(info));
    if (!training) return forward;
    const backward = [filterGradientScratch(info), inputGradientScratch(info)].map(scratchFloatsFor);
    return Math.max(forward, ...backward);
  }

  /** Twice the multiply-adds of the convolution's product for `images` images (forward, or either gradient). */
  private flops(images: number): number {
    const i = this.info;
    return 2 * images * i.outHeight * i.outWidth * i.filterHeight * i.filterWidth * i.inChannels * i.outChannels;
  }

  /**
   * How many of a batch's images this thread keeps when the second core takes the rest: about
   * `secondCoreSettings.ownShare` of them, so that its rows of the product start on a band of 4 (the same bands as unsplit);
   * the whole batch where the other half is too little work to pay for its copies.
   */
  private ownImages(batch: number): number {
    const pixels = this.info.outHeight * this.info.outWidth;
    let own = Math.ceil(batch * secondCoreSettings.ownShare);
    while (own < batch && (own * pixels) % 4 !== 0) own++;
    return this.flops(batch - own) >= secondCoreSettings.minPartFlops ? own : batch;
  }

  /** The first filter whose column of dW the second core computes ({@link ownColumns}), or all filters where it does not pay. */
  private ownFilters(batch: number): number {
    return ownColumns(this.info.outChannels, this.flops(batch) / this.info.outChannels);
  }

  forward(step: StepContext, at: UnitBuffers): void {
    const [w, b] = at.weights;
    const bias = this.bias ? 4 * b : 0;
    const { relu } = this.settings;
    const convolve = (first: number, images: number): void => {
      const info = this.geometry(images);
      const scratch = scratchBlocks(at.scratch, convScratch(info));
      const [x, y] = [at.input + first * this.inputSize, at.output + first * this.outputSize];
      convolveAt(step.ops, int32(step), info, scratch, 4 * x, 4 * w, bias, relu, 4 * y);
    };
    splitWork(step.heap, this.ownImages(step.batch), step.batch, convolve, (own, images) => {
      const info = this.geometry(images);
      return {
        inputs: [
          [at.input + own * this.inputSize, images * this.inputSize],
          [w, this.filterFloats()],
          ...(this.bias ? [[b, info.outChannels] as HeapRun] : []),
        ],
        outputs: [[at.output + own * this.outputSize, images * this.outputSize]],
        scratch: convScratch(info),
        job: ([x, filter, b = 0], [y], scratch) => ({ kind: "convolve", info, scratch, x, filter, bias: b, relu, y }),
      };
    });
  }

  backward(step: StepContext, at: UnitBuffers, dz: number, dInput: number | null, grads: number[]): void {
    const { ops, batch } = step;
    const info = this.geometry(batch);
    const { pixels, co } = productSize(info);
    // d(pre-activation): tfjs's fused relu passes dy where y > 0 (NaN where y is NaN).
    if (this.settings.relu) ops.reluGrad(pixels * co, 4 * at.output, 4 * dz);
    if (this.bias) ops.sumRows(pixels, co, 4 * dz, 4 * grads[1], 0);
    this.filterGradient(step, at, dz, grads[0]);
    if (dInput !== null) this.inputGradient(step, at, dz, dInput);
  }

  /** dW = im2col(x)ᵀ · dz, the second core taking the later filters' columns where it pays. */
  private filterGradient(step: StepContext, at: UnitBuffers, dz: number, dW: number): void {
    const info = this.geometry(step.batch);
    const co = info.outChannels;
    const columns = (from: number, count: number): void => {
      const scratch = scratchBlocks(at.scratch, filterGradientScratch(info));
      filterGradientAt(step.ops, int32(step), info, scratch, 4 * at.input, 4 * dz, 4 * dW, [from, count]);
    };
    const { patch } = productSize(info);
    splitWork(step.heap, this.ownFilters(step.batch), co, columns, (own) => ({
      inputs: [
        [at.input, step.batch * this.inputSize],
        [dz, step.batch * this.outputSize],
      ],
      outputs: [[dW + own, co - own, patch, co]],
      scratch: filterGradientScratch(info),
      // The output block starts at column `own` of row 0: dW itself lies `own` floats before it.
      job: ([x, dy], [block], scratch) => ({
        kind: "filterGradient",
        info,
        scratch,
        x,
        dy,
        dW: block - 4 * own,
        columns: [own, co - own],
      }),
    }));
  }

  /** dx = col2im(dz · Wᵀ), the second core taking the later images where it pays. */
  private inputGradient(step: StepContext, at: UnitBuffers, dz: number, dInput: number): void {
    const w = at.weights[0];
    const images = (first: number, count: number): void => {
      const info = this.geometry(count);
      const scratch = scratchBlocks(at.scratch, inputGradientScratch(info));
      const [dy, dx] = [dz + first * this.outputSize, dInput + first * this.inputSize];
      inputGradientAt(step.ops, int32(step), info, scratch, 4 * dy, 4 * w, 4 * dx);
    };
    splitWork(step.heap, this.ownImages(step.batch), step.batch, images, (own, count) => {
      const info = this.geometry(count);
      return {
        inputs: [
          [dz + own * this.outputSize, count * this.outputSize],
          [w, this.filterFloats()],
        ],
        outputs: [[dInput + own * this.inputSize, count * this.inputSize]],
        scratch: inputGradientScratch(info),
        job: ([dy, filter], [dx], scratch) => ({ kind: "inputGradient", info, scratch, dy, filter, dx }),
      };
    });
  }

  /** Floats of the kernel. */
  private filterFloats(): number {
    const i = this.info;
    return i.filterHeight * i.filterWidth * i.inChannels * i.outChannels;
  }
}

/** The heap as int32, for the geometry blocks the ops read. */
export function int32(step: StepContext): { HEAP32: Int32Array } {
  return { HEAP32: new Int32Array(step.heap.buffer, step.heap.byteOffset, step.heap.length) };
}
