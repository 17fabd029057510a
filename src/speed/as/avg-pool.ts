/**
 * Average pooling over NHWC images and its gradient, as tfjs computes them. Forward: each
 * output is the mean of its window's inputs inside the image (under `same` padding, a window
 * cut by the edge divides by the pixels it still covers). Backward: each output's gradient
 * times 1 / (poolHeight · poolWidth) is added to every input of its window inside the image
 * — the whole window's size even where the edge cut it, as tfjs's `AvgPoolGrad` (cpu and
 * wasm) has it. Four channels at a time.
 */
import { poolWindows, PoolGeometry } from "./pool-geometry";

/** `(geometry, x, y)`: y = the average pooling of x. */
export function avgPool(geometry: usize, x: usize, y: usize): void {
  poolWindows(changetype<AvgPool>(geometry), x, 0, y, 0);
}

/** `(geometry, dy, dx)`: dx = 0, then each dy / (poolHeight · poolWidth) added over its window. */
export function avgPoolGrad(geometry: usize, dy: usize, dx: usize): void {
  const pool = changetype<AvgPoolGrad>(geometry);
  memory.fill(dx, 0, <usize>(pool.batch * pool.inH * pool.inW) * <usize>(4 * pool.channels));
  poolWindows(pool, dx, 0, dy, <f32>1 / <f32>(pool.fH * pool.fW));
}

@final
@unmanaged
class AvgPool extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    let sum = f32x4.splat(0);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) sum = f32x4.add(sum, v128.load(x + <usize>(h * inW + w) * px));
    }
    v128.store(y, f32x4.div(sum, f32x4.splat(<f32>((h1 - h0) * (w1 - w0)))));
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    let sum: f32 = 0;
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) sum += load<f32>(x + <usize>(h * inW + w) * px);
    }
    store<f32>(y, sum / <f32>((h1 - h0) * (w1 - w0)));
  }
}

/** x: the inputs' gradient, y: the output's; k = 1 / (poolHeight · poolWidth), the whole window even where the edge cuts it. */
@final
@unmanaged
class AvgPoolGrad extends PoolGeometry {
  @inline vector(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const g = f32x4.mul(v128.load(y), f32x4.splat(k));
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const at = x + <usize>(h * inW + w) * px;
        v128.store(at, f32x4.add(v128.load(at), g));
      }
    }
  }

  @inline scalar(x: usize, x2: usize, y: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, px: usize, k: f32): void {
    const g = load<f32>(y) * k;
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const at = x + <usize>(h * inW + w) * px;
        store<f32>(at, load<f32>(at) + g);
      }
    }
  }
}
