"""Benchmarks for Stepwise, run by `make bench` (`python -m benchmarks`).

Each benchmark is a module in this package listed in `benchmarks.__main__.BENCHMARKS`;
it exposes `NAME`, `DESCRIPTION` and `main(argv) -> int`, and prints its own report.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

# NumPy's ufuncs are single-threaded anyway; this keeps any BLAS/OpenMP pool it
# loads to one thread too, so timings measure one core. It only takes effect when
# set before NumPy is first imported, which is why it lives in the package's
# __init__ (imported before any benchmark module, whichever way they are run).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def usable_cores() -> set[int]:
    """Return the CPU cores this process may run on."""
    return set(os.sched_getaffinity(0))


@contextmanager
def one_core() -> Iterator[int]:
    """Pin this process to one core for the duration (restoring the old affinity after)."""
    before = usable_cores()
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)
