"""One thread count for PyTorch and its BLAS, for the bench's PyTorch scripts.

Debian's python3-torch (BLAS_INFO=generic) calls the system's libblas.so.3; OpenBLAS there starts
one thread per core whatever torch.set_num_threads says, so a run at "1 thread" multiplied its
matrices on both cores (on 2026-12-07 the 300/100 model's steps used twice their wall time in
CPU). Called before numpy and torch load OpenBLAS, `pin` sets OPENBLAS_NUM_THREADS to the script's --threads, so that
a thread count holds for the products too; `--blas-threads N` sets OpenBLAS's apart (PyTorch's
default here is 1 thread with OpenBLAS on every core, the fastest setting for small dense layers).

    from blas_threads import pin
    threads = pin(default=1)  # before `import numpy` and `import torch`
"""
import os
import sys


def argument(name, default):
    """The value of `name` N (or `name`=N) on the command line, else `default`."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith(name + "="):
            return int(arg.split("=", 1)[1])
    return default


def pin(default):
    """Set OPENBLAS_NUM_THREADS to --blas-threads, else to --threads (0: the library's own
    default, a thread per core); return it."""
    threads = argument("--blas-threads", argument("--threads", default))
    if threads > 0:
        os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    return threads
