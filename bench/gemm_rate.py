"""OpenBLAS's float32 products at the 300/100 model's first-layer shapes, for bench/gemm-rate.ts.

    python3 bench/gemm_rate.py --threads 1   # prints one JSON line: GFLOP/s of each product
"""
import json
import sys
import time

from blas_threads import pin

threads = pin(default=1)  # before numpy loads OpenBLAS

import numpy as np  # noqa: E402


def rate(a, b, seconds=1.0):
    """Best of five rounds of `a @ b`, each about seconds / 5, in GFLOP/s."""
    flops = 2 * a.shape[0] * a.shape[1] * b.shape[1]
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.float32)
    np.matmul(a, b, out=out)
    calls = max(1, int(seconds / 5 / max(1e-6, flops / 50e9)))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=out)
        best = min(best, (time.perf_counter() - start) / calls)
    return flops / best / 1e9


rng = np.random.default_rng(1)
x = rng.random((64, 784), dtype=np.float32)
w = rng.random((784, 300), dtype=np.float32) - 0.5
dz = rng.random((64, 300), dtype=np.float32) - 0.5
print(json.dumps({"threads": threads, "forward": rate(x, w), "dW": rate(np.ascontiguousarray(x.T), dz)}))
sys.stdout.flush()
