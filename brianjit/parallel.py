"""Threaded runs: how many threads a run uses, and the threads that run a chunk of steps.

A network built for threads (``codegen.driver``: ``run_steps_threaded``) is run by
:class:`ThreadedDriver`: the thread that runs the network is thread 0, and ``nthreads - 1``
Python threads, started once per compiled program and kept waiting between chunks, are the
others; each calls the same native function with its own ``tid``. A ctypes call releases the
GIL, so from there on the threads run in parallel and meet only at the barriers in native code
(``codegen.barrier``); Python regains control between chunks, as with one thread. Everything
that runs on one thread (spike propagation, monitors, Python functions called from model code)
runs on thread 0, the caller's own thread, as it would without threads. The caller waits for
every other thread before it returns or raises, so no thread is ever left at a barrier.

The thread count, first found wins: the environment variable ``BRIANJIT_THREADS``, the
preference ``prefs.brianjit.threads``, Brian2's ``prefs.devices.cpp_standalone.openmp_threads``
(when above 0, its default), else the physical cores the process may run on (its affinity
mask, hyperthreads of one core counted once).
"""
from __future__ import annotations

import ctypes
import functools
import os
import queue
import threading
import time
import weakref

from .codegen.barrier import COUNT, STATUS, SYNC_WORDS

__all__ = ["thread_count", "physical_cores", "ThreadedDriver", "ENVIRONMENT_VARIABLE"]

ENVIRONMENT_VARIABLE = "BRIANJIT_THREADS"
_FUNCTION = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
                             ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p)


def physical_cores() -> int:
    """Cores (not hyperthreads) among the CPUs this process may run on."""
    cpus = (os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity")
            else range(os.cpu_count() or 1))
    return _cores(frozenset(cpus))


@functools.cache
def _cores(cpus: frozenset) -> int:
    """The cores of ``cpus``, read from sysfs once per set of CPUs (not at every run)."""
    cores = set()
    for cpu in cpus:
        try:
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/core_id") as f:
                core = f.read().strip()
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id") as f:
                package = f.read().strip()
        except OSError:
            core, package = f"cpu{cpu}", ""
        cores.add((package, core))
    return max(len(cores), 1)


def _positive(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where} has to be a positive integer (a number of threads), not "
                         f"{value!r}")
    return value


def thread_count() -> int:
    """The number of threads a run uses now (see the module docstring)."""
    text = os.environ.get(ENVIRONMENT_VARIABLE)
    if text is not None and text.strip():
        try:
            value = int(text.strip())
        except ValueError:
            value = text
        return _positive(value, f"the environment variable {ENVIRONMENT_VARIABLE}={text!r}")
    from .preferences import prefs
    chosen = prefs["brianjit.threads"]
    if chosen is not None:
        return _positive(chosen, "prefs.brianjit.threads")
    openmp = prefs["devices.cpp_standalone.openmp_threads"]
    if isinstance(openmp, int) and not isinstance(openmp, bool) and openmp > 0:
        return openmp
    return physical_cores()


class ThreadedDriver:
    """``driver(table, start, stop) -> status``: runs the steps ``[start, stop)`` of the
    compiled ``run_steps_threaded`` at ``address`` on up to ``nthreads`` threads; the status is
    thread 0's (every thread returns the same one).

    ``nthreads`` is an upper bound: with :attr:`adaptive` the driver measures the time per step
    on one thread and on all of them and runs on whichever is faster, trying the other again on
    a slice of every :attr:`PROBE_EVERY`-th call, since the answer changes with the
    machine's load (a sixteenth of every sixteenth call: probing a quarter of every eighth
    cost 40 % on a loaded machine, where the probed choice can be 14 times slower). Results are
    the same bits on any number of threads, so this only changes the speed: on a 2-core machine
    shared with other work, a barrier waits for a descheduled thread (CUBA 4k measured 14x
    slower on 2 threads than on 1 at a load average of 6)."""

    #: choose between one thread and ``nthreads`` by measurement (False: always ``nthreads``)
    adaptive = True
    PROBE_EVERY = 16

    def __init__(self, address: int, nthreads: int):
        self.nthreads = nthreads
        self._function = _FUNCTION(address)
        # the sync block: SYNC_WORDS int64s on a 64-byte boundary (see codegen.barrier)
        self._buffer = (ctypes.c_int64 * (SYNC_WORDS + 8))()
        aligned = (ctypes.addressof(self._buffer) + 63) & ~63
        self._sync = (ctypes.c_int64 * SYNC_WORDS).from_address(aligned)
        self._jobs, self._results, self._threads, self._pid = [], None, [], None
        #: thread count -> measured seconds per step (a running average)
        self.seconds_per_step = {}
        self._calls = 0

    def _start(self):
        # a forked child inherits the queues but not the threads: it starts its own
        self._pid = os.getpid()
        self._jobs = [queue.SimpleQueue() for _ in range(self.nthreads - 1)]
        self._results = queue.SimpleQueue()
        self._threads = []
        for tid, jobs in enumerate(self._jobs, start=1):
            thread = threading.Thread(target=_work, name=f"brianjit-{tid}", daemon=True,
                                      args=(self._function, tid, self.nthreads, jobs,
                                            self._results))
            thread.start()
            self._threads.append(thread)
        # the threads hold no reference to the driver: when it goes, they are told to end
        weakref.finalize(self, _stop, self._jobs)

    def __call__(self, table, start, stop) -> int:
        if not self.adaptive or stop - start < 2:
            return self._run(table, start, stop, self._best() if self.adaptive else self.nthreads)
        self._calls += 1
        measured = self.seconds_per_step
        if len(measured) < 2:  # the first call: half on each
            cut = (start + stop) // 2
            return (self._timed(table, start, cut, 1)
                    or self._timed(table, cut, stop, self.nthreads))
        best = self._best()
        if self._calls % self.PROBE_EVERY == 0:
            cut = start + max(1, (stop - start) // 16)
            other = 1 if best == self.nthreads else self.nthreads
            status = self._timed(table, start, cut, other)
            if status:
                return status
            start, best = cut, self._best()
        return self._timed(table, start, stop, best)

    def _best(self):
        measured = self.seconds_per_step
        if len(measured) < 2:
            return self.nthreads
        return min(measured, key=measured.get)

    def _timed(self, table, start, stop, count):
        t0 = time.perf_counter()
        status = self._run(table, start, stop, count)
        per_step = (time.perf_counter() - t0) / (stop - start)
        previous = self.seconds_per_step.get(count)
        self.seconds_per_step[count] = per_step if previous is None else (previous + per_step) / 2
        return status

    def _run(self, table, start, stop, count) -> int:
        if self._sync[COUNT] != 0:
            raise RuntimeError("a threaded run left its barrier in use (a bug in brianjit)")
        self._sync[STATUS] = 0
        sync = ctypes.addressof(self._sync)
        if count == 1:
            return self._function(table, start, stop, 0, 1, sync)
        if not self._threads or self._pid != os.getpid():
            self._start()
        for jobs in self._jobs:
            jobs.put((table, start, stop, sync))
        try:
            return self._function(table, start, stop, 0, self.nthreads, sync)
        finally:
            self._wait_for_others()

    def _wait_for_others(self):
        """Every other thread's result; an interrupt while waiting is raised after them all."""
        pending, interrupted = len(self._jobs), None
        while pending:
            try:
                self._results.get()
            except BaseException as error:  # noqa: BLE001  (Ctrl-C: the threads finish first)
                interrupted = interrupted or error
                continue
            pending -= 1
        if interrupted is not None:
            raise interrupted


def _work(function, tid, nthreads, jobs, results):
    while True:
        job = jobs.get()
        if job is None:
            return
        table, start, stop, sync = job
        results.put(function(table, start, stop, tid, nthreads, sync))


def _stop(job_queues):
    for jobs in job_queues:
        jobs.put(None)
