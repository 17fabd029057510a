/**
 * im2col: the patches of NHWC images as the rows of a matrix, so that a convolution is one
 * matrix product. Row p = (b, oh, ow) of `col` holds the filterHeight·filterWidth·inChannels
 * inputs under output pixel p, in the filter's (kh, kw, ci) order; zeros where the patch
 * hangs over the padding.
 */
import { ConvGeometry, patchPositions } from "./conv-geometry";

export function im2col(geometry: usize, x: usize, col: usize): void {
  patchPositions(changetype<Im2col>(geometry), x, col, true);
}

@final
@unmanaged
class Im2col extends ConvGeometry {
  @inline position(out: usize, from: usize, inside: bool, inC: i32): void {
    if (inC == 1) store<f32>(out, inside ? load<f32>(from) : 0);
    else if (inC < 8) {
      // A call to memory.copy costs more than copying a few floats one by one.
      for (let c = 0; c < inC; c++) store<f32>(out + <usize>(4 * c), inside ? load<f32>(from + <usize>(4 * c)) : 0);
    } else if (!inside) memory.fill(out, 0, <usize>(4 * inC));
    else memory.copy(out, from, <usize>(4 * inC));
  }
}
