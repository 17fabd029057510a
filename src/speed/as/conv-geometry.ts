/**
 * The geometry of a 2-D convolution over NHWC images, passed to the ops as one block of
 * 16 int32 at a byte address (an op taking 16 separate arguments would be harder to call
 * and to read). Fields, in order: batch, inHeight, inWidth, inChannels, outHeight, outWidth,
 * outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight,
 * dilationWidth, padTop, padLeft, (unused).
 */
export const BATCH = 0;
export const IN_H = 4;
export const IN_W = 8;
export const IN_C = 12;
export const OUT_H = 16;
export const OUT_W = 20;
export const OUT_C = 24;
export const F_H = 28;
export const F_W = 32;
export const STRIDE_H = 36;
export const STRIDE_W = 40;
export const DIL_H = 44;
export const DIL_W = 48;
export const PAD_T = 52;
export const PAD_L = 56;
