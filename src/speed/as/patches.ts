/**
 * Packing a band of the patch matrix im2col(x) straight from NHWC images, so a convolution's
 * matrix product never builds that matrix (6272 × 288 floats, 7 MB, for the CNN's second
 * layer at batch 32: writing and re-reading it cost about a quarter of the product).
 * Same layout as gemm's packBand: [kc][rows] floats at `scratch`. (This file is in
 * .prettierignore: prettier does not parse decorators on functions.)
 */
import { ConvGeometry } from "./conv-geometry";

/**
 * Rows i..i+rows of im2col(x) (output pixels), columns [k0, k0+kc) (filter positions and
 * input channels, in (kh, kw, ci) order).
 */
export function packPatchRows(geometry: usize, x: usize, i: i32, rows: i32, k0: i32, kc: i32, scratch: usize): void {
  pack(false, geometry, x, i, rows, k0, kc, scratch);
}

/**
 * Rows i..i+rows of im2col(x)ᵀ (filter positions and input channels), columns [k0, k0+kc)
 * (output pixels): the left operand of the filter gradient im2col(x)ᵀ · dy. Four rows that
 * are four channels of one filter position are one vector load per pixel.
 */
export function packPatchColumns(geometry: usize, x: usize, i: i32, rows: i32, k0: i32, kc: i32, scratch: usize): void {
  pack(true, geometry, x, i, rows, k0, kc, scratch);
}

/** Both packings, `transposed` a compile-time constant: they read the same geometry into the locals their loops use. */
// @ts-ignore: decorator
@inline function pack(transposed: bool, geometry: usize, x: usize, i: i32, rows: i32, k0: i32, kc: i32, scratch: usize): void {
  const conv = changetype<ConvGeometry>(geometry);
  const inH = conv.inH, inW = conv.inW, inC = conv.inC, outH = conv.outH, outW = conv.outW;
  const fW = conv.fW, sH = conv.sH, sW = conv.sW, dH = conv.dH, dW = conv.dW, top = conv.top, left = conv.left;
  if (!transposed) {
    const step = <usize>(4 * rows);
    for (let r = 0; r < rows; r++) {
      const p = i + r;
      const ow = p % outW;
      const t = p / outW;
      const oh = t % outH;
      const image = x + <usize>((t / outH) * inH * inW * inC) * 4;
      const ih0 = oh * sH - top;
      const iw0 = ow * sW - left;
      let dst = scratch + <usize>(4 * r);
      const end = k0 + kc;
      const q = k0 / inC;
      let ci = k0 - q * inC;
      let kh = q / fW;
      let kw = q - kh * fW;
      let k = k0;
      while (k < end) {
        // One (kh, kw) position: a run of channels, contiguous in x.
        const run = min(inC - ci, end - k);
        const ih = ih0 + kh * dH;
        const iw = iw0 + kw * dW;
        if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) {
          for (let c = 0; c < run; c++) {
            store<f32>(dst, 0);
            dst += step;
          }
        } else {
          let src = image + <usize>(((ih * inW + iw) * inC + ci) * 4);
          for (let c = 0; c < run; c++) {
            store<f32>(dst, load<f32>(src));
            dst += step;
            src += 4;
          }
        }
        k += run;
        ci = 0;
        if (++kw == fW) {
          kw = 0;
          kh++;
        }
      }
    }
    return;
  }
  const q = i / inC;
  const ci = i - q * inC;
  const vector = rows == 4 && ci + 4 <= inC;
  const lanes = vector ? 1 : rows;
  for (let r = 0; r < lanes; r++) {
    const qr = (i + r) / inC;
    const cr = i + r - qr * inC;
    const kh = qr / fW;
    const kw = qr - kh * fW;
    const offH = kh * dH - top;
    const offW = kw * dW - left;
    // Walk the pixels k0.. in order: (image, oh, ow) advance like an odometer.
    let ow = k0 % outW;
    let t = k0 / outW;
    let oh = t % outH;
    let b = t / outH;
    let dst = scratch + <usize>(4 * r);
    for (let k = 0; k < kc; k++) {
      const ih = oh * sH + offH;
      const iw = ow * sW + offW;
      const inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
      const src = x + <usize>((((b * inH + ih) * inW + iw) * inC + cr) * 4);
      if (vector) {
        v128.store(dst, inside ? v128.load(src) : f32x4.splat(0));
        dst += 16;
      } else {
        store<f32>(dst, inside ? load<f32>(src) : 0);
        dst += <usize>(4 * rows);
      }
      if (++ow == outW) {
        ow = 0;
        if (++oh == outH) {
          oh = 0;
          b++;
        }
      }
    }
  }
}
