/**
 * col2im: the inverse gather of {@link im2col}. Each row p = (b, oh, ow) of `col` holds
 * gradients for the inputs under output pixel p; they are added into `dx` (NHWC, zeroed
 * here first), skipping the padding. The input gradient of a convolution is
 * col2im(dy · Wᵀ).
 */
import { ConvGeometry, patchPositions } from "./conv-geometry";

export function col2im(geometry: usize, col: usize, dx: usize): void {
  const conv = changetype<Col2im>(geometry);
  memory.fill(dx, 0, <usize>(conv.batch * conv.inH * conv.inW) * <usize>(4 * conv.inC));
  patchPositions(conv, dx, col, false);
}

@final
@unmanaged
class Col2im extends ConvGeometry {
  @inline position(from: usize, to: usize, inside: bool, inC: i32): void {
    if (!inside) return;
    const vecEnd = inC & ~3;
    let c = 0;
    for (; c < vecEnd; c += 4) {
      const at = <usize>(4 * c);
      v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
    }
    for (; c < inC; c++) {
      const at = <usize>(4 * c);
      store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at));
    }
  }
}
