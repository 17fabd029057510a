"""Round trip of a trivial cell through the installed `tslab-dl` Jupyter kernel, after `tf` is imported.

Starts the kernel with jupyter_client, runs a setup cell that imports tfjs, then times
`execute_request` -> `status: idle` for N trivial cells, each new (`0 + 1`, `1 + 1`, ...: a
repeated identical cell is cheaper, since TypeScript has nothing new to compile), then for
the same cell N times, then for N cells that each declare a name. Prints one JSON line:
{"kernel": ..., "setupMs": ..., "medianMs": ..., "p95Ms": ..., "n": ..., "repeatedMedianMs": ...,
"declaringMedianMs": ...}, or {"skipped": "why"} when the kernel is not installed.

    /usr/bin/python3 bench/cell_roundtrip.py [--kernel tslab-dl] [--n 50] [--cwd notebooks]
"""
import argparse
import json
import os
import statistics
import sys
import time

SETUP = 'import { tf } from "tslab-dl";\nconst probe = tf.tensor([1, 2, 3]).sum().dataSync()[0];'
TRIVIAL = "1 + 1"


def run_cell(client, code, timeout):
    """Send one cell and wait until the kernel is idle again; return (ms, error text or None)."""
    start = time.perf_counter()
    msg_id = client.execute(code, store_history=True)
    error = None
    deadline = start + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"cell did not finish within {timeout} s: {code!r}")
        msg = client.get_iopub_msg(timeout=remaining)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "error":
            error = "\n".join(msg["content"].get("traceback", [])) or msg["content"].get("evalue")
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            return (time.perf_counter() - start) * 1000, error


def percentile95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", default="tslab-dl")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--cwd", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "notebooks"))
    args = parser.parse_args()
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
        from jupyter_client.manager import start_new_kernel
    except ImportError as e:
        print(json.dumps({"skipped": f"jupyter_client is not importable by {sys.executable} ({e})"}))
        return
    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(json.dumps({"skipped": f"Jupyter kernel {args.kernel!r} is not installed (see `jupyter kernelspec list`)"}))
        return
    cwd = os.path.abspath(args.cwd if os.path.isdir(args.cwd) else os.path.dirname(args.cwd))
    manager, client = start_new_kernel(kernel_name=args.kernel, cwd=cwd, startup_timeout=120)
    try:
        setup_ms, error = run_cell(client, SETUP, timeout=300)
        if error:
            print(json.dumps({"skipped": f"the setup cell failed in kernel {args.kernel!r}: {error}"}))
            return
        run_cell(client, TRIVIAL, timeout=60)  # the first trivial cell can carry one-time work
        times = []
        for i in range(args.n):
            ms, error = run_cell(client, f"{i} + 1", timeout=60)
            if error:
                print(json.dumps({"skipped": f"the trivial cell failed: {error}"}))
                return
            times.append(ms)
        repeated = []
        for _ in range(args.n):
            ms, error = run_cell(client, TRIVIAL, timeout=60)
            if error:
                print(json.dumps({"skipped": f"the repeated cell failed: {error}"}))
                return
            repeated.append(ms)
        # A cell that declares a name costs more in tslab: it compiles the cell twice to export the name.
        declaring = []
        for i in range(args.n):
            ms, error = run_cell(client, f"const benchValue{i} = {i} + 1;", timeout=60)
            if error:
                print(json.dumps({"skipped": f"the declaring cell failed: {error}"}))
                return
            declaring.append(ms)
        print(json.dumps({
            "kernel": args.kernel,
            "cell": "N + 1 (a new cell each time)",
            "setupMs": setup_ms,
            "n": len(times),
            "medianMs": statistics.median(times),
            "p95Ms": percentile95(times),
            "minMs": min(times),
            "maxMs": max(times),
            "repeatedCell": TRIVIAL,
            "repeatedMedianMs": statistics.median(repeated),
            "declaringCell": "const benchValueN = N + 1;",
            "declaringMedianMs": statistics.median(declaring),
            "declaringP95Ms": percentile95(declaring),
        }))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
