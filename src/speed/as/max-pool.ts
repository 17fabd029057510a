/**
 * Max pooling over NHWC images: each output is the largest input of its window, the window
 * cut to the image where padding hangs over it (as tfjs's cpu backend computes it: a running
 * maximum from −∞ that only a greater value replaces, so NaN inputs are passed over). Four
 * channels at a time. The plan's MaxPooling2D unit runs it forward and
 * {@link maxPoolGrad} (max-pool-grad.ts) backward, which picks the same position.
 */
import { poolWindows, PoolGeometry, tiles2x2 } from "./pool-geometry";

export function maxPool(geometry: usize, x: usize, y: usize): void {
  if (tiles2x2(changetype<PoolGeometry>(geometry))) poolWindows(changetype<MaxPool2x2>(geometry), x, 0, y, 0);
  else poolWindows(changetype<MaxPool>(geometry), x, 0, y, 0);
}

@final
@unmanaged
class MaxPool extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    let best = f32x4.splat(-Infinity);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const v = v128.load(x + <usize>(h * inW + w) * px);
        best = v128.bitselect(v, best, f32x4.gt(v, best));
      }
    }
    v128.store(y, best);
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    let best: f32 = -Infinity;
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const v = load<f32>(x + <usize>(h * inW + w) * px);
        if (v > best) best = v;
      }
    }
    store<f32>(y, best);
  }
}

/** {@link MaxPool} for 2×2 windows that tile the input: the same chain over four loads at fixed offsets. */
@final
@unmanaged
class MaxPool2x2 extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const at = x + <usize>(h0 * inW + w0) * px;
    const down = <usize>inW * px;
    let best = f32x4.splat(-Infinity);
    let v = v128.load(at);
    best = v128.bitselect(v, best, f32x4.gt(v, best));
    v = v128.load(at + px);
    best = v128.bitselect(v, best, f32x4.gt(v, best));
    v = v128.load(at + down);
    best = v128.bitselect(v, best, f32x4.gt(v, best));
    v = v128.load(at + down + px);
    v128.store(y, v128.bitselect(v, best, f32x4.gt(v, best)));
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    changetype<MaxPool>(changetype<usize>(this)).scalar(x, x2, y, h0, h1, w0, w1, inW, px, k);
  }
}
