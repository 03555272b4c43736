"""Run independent compilations (``jit``'s parts of one module) on threads, and say how many.

LLVM releases nothing to Python while it works, but llvmlite calls it through ctypes, which
releases the GIL: two parts, each in an LLVM context of its own, really compile at the same time.
:func:`map_on_threads` returns the results in the order of the inputs (so what is built never
depends on which thread finished first) and raises the first failure in that order, the exception
the function raised, after every thread has finished. Nothing it started outlives it: when Ctrl-C
arrives while the main thread waits, it still waits for the threads (whose LLVM work cannot be
stopped, and whose contexts must not be freed under them) and then raises ``KeyboardInterrupt``.

:func:`compile_threads` is how many parts a module is split into: the CPUs this process may run on
(``os.sched_getaffinity``), or the ``BRIANJIT_COMPILE_THREADS`` environment variable (1 compiles
every module whole, on the calling thread).
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence

__all__ = ["ENVIRONMENT_VARIABLE", "compile_threads", "map_on_threads"]

ENVIRONMENT_VARIABLE = "BRIANJIT_COMPILE_THREADS"
#: how often the calling thread looks whether the others are done (a part takes ~50-300 ms)
_POLL_SECONDS = 0.001


def compile_threads() -> int:
    """How many threads compile the parts of one module (at least 1)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if value:
        try:
            count = int(value)
        except ValueError:
            raise ValueError(f"{ENVIRONMENT_VARIABLE} must be a whole number of threads, "
                             f"not {value!r}") from None
        if count < 1:
            raise ValueError(f"{ENVIRONMENT_VARIABLE} must be at least 1, not {value!r}")
        return count
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def map_on_threads(function: Callable, items: Sequence) -> list:
    """``[function(item) for item in items]``, the first item on the calling thread and each
    other on a thread of its own (see the module docstring)."""
    results: list = [None] * len(items)
    errors: list = [None] * len(items)

    def run(n):
        try:
            results[n] = function(items[n])
        except BaseException as exc:  # handed to the caller, in input order
            errors[n] = exc

    threads = [threading.Thread(target=run, args=(n,), name=f"brianjit-compile-{n}", daemon=True)
               for n in range(1, len(items))]
    for thread in threads:
        thread.start()
    try:
        if items:
            run(0)
    finally:
        for thread in threads:
            _join(thread)
    for error in errors:
        if error is not None:
            raise error
    return results


def _join(thread: threading.Thread) -> None:
    """Wait for ``thread`` even if Ctrl-C interrupts the wait (it is raised afterwards).

    Polls instead of ``Thread.join()``: CPython 3.11's join, interrupted by ``KeyboardInterrupt``
    at the wrong moment, keeps the thread's lock, and a second join then waits forever."""
    interrupted = None
    while thread.is_alive():
        try:
            time.sleep(_POLL_SECONDS)
        except KeyboardInterrupt as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted
