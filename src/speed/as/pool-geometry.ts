/**
 * The geometry of a 2-D pooling over NHWC images, as one block of int32 at a byte address:
 * batch, inHeight, inWidth, channels, outHeight, outWidth, filterHeight, filterWidth,
 * strideHeight, strideWidth, padTop, padLeft (byte offsets below).
 */
export const P_BATCH = 0;
export const P_IN_H = 4;
export const P_IN_W = 8;
export const P_C = 12;
export const P_OUT_H = 16;
export const P_OUT_W = 20;
export const P_F_H = 24;
export const P_F_W = 28;
export const P_STRIDE_H = 32;
export const P_STRIDE_W = 36;
export const P_PAD_T = 40;
export const P_PAD_L = 44;
