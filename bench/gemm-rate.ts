/**
 * How fast tslab-dl's matrix product runs on one core, against OpenBLAS on one thread, at the
 * 300/100 model's first-layer shapes (batch 64: forward 64 × 784 by 784 × 300, dW 784 × 64 by
 * 64 × 300), dense inputs (no zeros to skip): GFLOP/s, best of five rounds each. Run it with
 * nothing else on the machine.
 *
 *   node dist/bench/gemm-rate.js
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { asModule, instantiateAsOps, MATRIX, gemmScratchBytes } from "../src/speed/as-ops";

const [M, K, N] = [64, 784, 300];
const FLOPS = 2 * M * K * N;

function ours(): { forward: number; dW: number } {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const ops = instantiateAsOps(memory);
  const heap = new Float32Array(memory.buffer);
  const x = 1024;
  const w = x + 4 * M * K;
  const y = w + 4 * K * N;
  const dz = y + 4 * M * N;
  const dW = dz + 4 * M * N;
  const scratch = dW + 4 * K * N;
  if (scratch + gemmScratchBytes(K, M) > memory.buffer.byteLength) throw new Error("gemm-rate: memory too small");
  let seed = 1;
  const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = x / 4; i < scratch / 4; i++) heap[i] = random() + 0.01;
  const rate = (run: () => void): number => {
    run();
    const calls = 200;
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let c = 0; c < calls; c++) run();
      best = Math.min(best, (performance.now() - start) / 1000 / calls);
    }
    return FLOPS / best / 1e9;
  };
  return {
    forward: rate(() => ops.gemm(M, N, K, MATRIX, x, 4 * K, 4, w, 4 * N, y, 4 * N, 0, scratch, 0, 0)),
    dW: rate(() => ops.gemm(K, N, M, MATRIX, x, 4, 4 * K, dz, 4 * N, dW, 4 * N, 0, scratch, 0, 0)),
  };
}

function openBlas(): { forward: number; dW: number } | string {
  const script = path.join(__dirname, "..", "..", "bench", "gemm_rate.py");
  const child = spawnSync("/usr/bin/python3", [script, "--threads", "1"], { encoding: "utf8" });
  if (child.status !== 0)
    return `not measured (${(child.stderr || child.error?.message || "").trim().split("\n").pop()})`;
  return JSON.parse(child.stdout.trim().split("\n").pop() as string) as { forward: number; dW: number };
}

function main(): void {
  const load = os.loadavg()[0];
  const build = asModule().info.fma ? "relaxed-SIMD fused multiply-add" : "SIMD multiply and add";
  const mine = ours();
  const blas = openBlas();
  console.log(
    `matrix products at the 300/100 model's first layer, one core, load average ${load.toFixed(2)} at the start`,
  );
  console.log(`tslab-dl (${build}): forward ${mine.forward.toFixed(1)} GFLOP/s, dW ${mine.dW.toFixed(1)} GFLOP/s`);
  if (typeof blas === "string") console.log(`OpenBLAS (numpy, 1 thread): ${blas}`);
  else
    console.log(
      `OpenBLAS (numpy, 1 thread): forward ${blas.forward.toFixed(1)} GFLOP/s, dW ${blas.dW.toFixed(1)} GFLOP/s`,
    );
}

main();
