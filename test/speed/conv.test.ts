import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useFastOps } from "../../src/speed";
import { useWasm } from "./compare";
import { assertSameOnWasmAsCpu, values } from "./conv-grad";

after(async () => {
  await useWasm();
});

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  kernel: [number, number];
  outChannels: number;
  stride: 1 | 2;
  pad: "same" | "valid";
  bias: boolean;
  relu?: boolean;
}

/** Odd shapes: a batch of 3, 7×9 images, 5 channels, 3×2 ops, and their neighbours. */
const CASES: ConvCase[] = [];
for (const pad of ["same", "valid"] as const) {
  for (const stride of [1, 2] as const) {
    for (const bias of [false, true]) {
      CASES.push({ batch: 3, height: 7, width: 9, inChannels: 5, kernel: [3, 2], outChannels: 4, stride, pad, bias });
    }
  }
}
CASES.push({
  batch: 2,
  height: 8,
  width: 6,
  inChannels: 1,
  kernel: [3, 3],
  outChannels: 7,
  stride: 1,
  pad: "same",
  bias: true,
  relu: true,
});
CASES.push({
  batch: 1,
  height: 5,
  width: 5,
  inChannels: 3,
  kernel: [1, 1],
  outChannels: 9,
  stride: 2,
  pad: "valid",
  bias: true,
});
CASES.push({
  batch: 4,
  height: 6,
  width: 7,
  inChannels: 6,
  kernel: [2, 3],
  outChannels: 10,
  stride: 2,
  pad: "same",
  bias: false,
});

function describe(c: ConvCase): string {
  const relu = c.relu ? ", relu" : "";
  return `batch ${c.batch}, ${c.height}×${c.width}×${c.inChannels}, kernel ${c.kernel.join("×")}→${c.outChannels}, stride ${c.stride}, ${c.pad}${c.bias ? ", bias" : ""}${relu}`;
}

for (const [c, fast] of CASES.flatMap((c) => [true, false].map((fast) => [c, fast] as const))) {
  const ops = fast ? "fast ops" : "stock and reference ops";
  test(`Conv2D's gradients (input, filter${c.bias ? ", bias" : ""}) on wasm (${ops}) equal the cpu backend's: ${describe(c)}`, async () => {
    const [kh, kw] = c.kernel;
    const xShape = [c.batch, c.height, c.width, c.inChannels];
    const wShape = [kh, kw, c.inChannels, c.outChannels];
    const f = (): tf.Tensor[] => {
      const x = tf.tensor4d(
        values(
          xShape.reduce((a, b) => a * b),
          1,
        ),
        xShape as [number, number, number, number],
      );
      const w = tf.tensor4d(
        values(
          wShape.reduce((a, b) => a * b),
          2,
        ),
        wShape as [number, number, number, number],
      );
      const b = tf.tensor1d(values(c.outChannels, 3));
      const forward = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor => {
        const y = c.bias
          ? tf.fused.conv2d({
              x: xi as tf.Tensor4D,
              filter: wi as tf.Tensor4D,
              strides: c.stride,
              pad: c.pad,
              bias: bi,
              activation: c.relu ? "relu" : "linear",
            })
          : tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.stride, c.pad);
        // A weighted sum makes every output's gradient different.
        return tf.sum(tf.mul(y, tf.tensor(values(y.size, 4), y.shape)));
      };
      const y = forward(x, w, b);
      const grads = c.bias
        ? tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => forward(xi, wi, bi))([x, w, b])
        : tf.grads((xi: tf.Tensor, wi: tf.Tensor) => forward(xi, wi, b))([x, w]);
      return [y, ...grads];
    };
    await assertSameOnWasmAsCpu(f, describe(c), fast);
  });
}

interface PoolCase {
  kind: "max" | "avg";
  size: [number, number];
  stride: [number, number];
  pad: "same" | "valid";
  /** `[batch, height, width, channels]`; default 3 × 7 × 9 × 5. */
  shape?: [number, number, number, number];
  /** Relu'd input: windows of equal zeros, where the first position takes the gradient. */
  relu?: boolean;
  /** Input rounded to halves in [−1, 1]: windows whose maximum is tied at any of the four positions. */
  ties?: boolean;
}
const POOLS: PoolCase[] = [
  // Windows that tile the input (8-2's pools): every input in exactly one window.
  { kind: "max", size: [2, 2], stride: [2, 2], pad: "valid", shape: [3, 8, 6, 6] },
  { kind: "max", size: [2, 3], stride: [2, 3], pad: "same", shape: [2, 4, 9, 9], relu: true },
  // The kernels' written-out 2×2 case: ties at every position, 8 + 3 channels (vector and scalar lanes).
  { kind: "max", size: [2, 2], stride: [2, 2], pad: "valid", shape: [3, 6, 8, 11], ties: true },
  { kind: "max", size: [2, 2], stride: [2, 2], pad: "same", shape: [2, 4, 6, 8], relu: true },
];
for (const kind of ["max", "avg"] as const) {
  POOLS.push({ kind, size: [2, 2], stride: [2, 2], pad: "valid" });
  POOLS.push({ kind, size: [2, 2], stride: [2, 2], pad: "same" });
  POOLS.push({ kind, size: [3, 2], stride: [1, 2], pad: "same" });
  POOLS.push({ kind, size: [3, 3], stride: [2, 1], pad: "valid" });
}

for (const [p, fast] of POOLS.flatMap((p) => [true, false].map((fast) => [p, fast] as const))) {
  const name = `${p.kind === "max" ? "MaxPool" : "AvgPool"} ${p.size.join("×")} stride ${p.stride.join("×")} ${p.pad}`;
  const ops = fast ? "fast ops" : "stock and reference ops";
  const shape = p.shape ?? [3, 7, 9, 5];
  const input = `batch ${shape[0]}, ${shape.slice(1).join("×")}${p.relu ? ", relu'd" : ""}${p.ties ? ", tied" : ""}`;
  test(`${name}: values and gradient on wasm (${ops}) equal the cpu backend's (${input})`, async () => {
    const f = (): tf.Tensor[] => {
      const raw = values(
        shape.reduce((a, b) => a * b),
        5,
      );
      const shaped = p.ties ? raw.map((v) => Math.round(v * 2) / 2) : raw;
      const x = tf.tensor4d(p.relu ? shaped.map((v) => Math.max(v, 0)) : shaped, shape);
      const pool = (xi: tf.Tensor): tf.Tensor =>
        p.kind === "max"
          ? tf.maxPool(xi as tf.Tensor4D, p.size, p.stride, p.pad)
          : tf.avgPool(xi as tf.Tensor4D, p.size, p.stride, p.pad);
      const y = pool(x);
      const weights = tf.tensor(values(y.size, 6), y.shape);
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(pool(xi), weights)))(x);
      return [y, dx];
    };
    await assertSameOnWasmAsCpu(f, name, fast);
  });
}

test("the Conv2D filter gradient is registered on wasm even with the fast ops off", async () => {
  await useWasm();
  useFastOps(false);
  try {
    assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"));
  } finally {
    useFastOps(true);
  }
});
