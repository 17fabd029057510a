"""Measure a trivial cell's round trip in a kernel, after `import { tf } from "tslab-dl"`.

    JUPYTER_PATH=... /usr/bin/python3 test/kernel/measure_roundtrip.py KERNEL_NAME [N] [CWD]

Prints the median, min and max of N (default 30) round trips of `1 + 1`
(execute_request sent → execute_reply received and the kernel idle again), in ms.
A script that prints numbers, not a test.
"""

import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel


def run(kc, code, timeout=120):
    msg_id = kc.execute(code)
    reply = None
    while reply is None:
        msg = kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            return reply["content"]


def main():
    name = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    cwd = sys.argv[3] if len(sys.argv) > 3 else "."
    km, kc = start_new_kernel(kernel_name=name, cwd=cwd, startup_timeout=60)
    try:
        t0 = time.perf_counter()
        status = run(kc, 'import { tf } from "tslab-dl";')["status"]
        first = (time.perf_counter() - t0) * 1000
        assert status == "ok", status
        run(kc, "1 + 1")  # warm
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            assert run(kc, "1 + 1")["status"] == "ok"
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{name}: import cell {first:.0f} ms; trivial cell round trip over {n}: "
              f"median {statistics.median(times):.1f} ms, min {min(times):.1f}, max {max(times):.1f}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
