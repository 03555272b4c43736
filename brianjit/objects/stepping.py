"""Driving a compiled network through time: native chunks, Python operations, Ctrl-C, reports.

A point in the simulation is (base step ``s``, schedule position ``p``): the kernels at positions
``< p`` of step ``s`` have run. Without Python operations a run is whole steps, called in chunks
of about 0.1 s of wall time (a chunk boundary never changes results). With operations, the
stepper stops at each one's (step, position), calls it, and carries on from there: the tail of
that step through ``run_partial``, whole steps through ``run_steps``, the head of the step of the
next operation through ``run_partial`` again. Ctrl-C is honoured at step boundaries only, so the
state and every monitor are consistent at the step where it stops. ``stop()`` (Brian2's
``Network.stop``/``stop``) called by an operation ends the run after the rest of that step, as in
Brian2; called between chunks (from a report callback, another thread), at the next step boundary.
"""
from __future__ import annotations

import ctypes
import math
import signal
import threading
import time
from dataclasses import dataclass

from .. import kernel as K
from .. import memory_budget
from ..memory import growth_failure
from .callbacks import raise_pending

__all__ = ["ScheduledOperation", "Stepper", "next_chunk", "MAX_CHUNK"]

_CHUNK_SECONDS = 0.1
#: The most steps one native call runs: 2**24 steps take 0.1 s only below 6 ns per step, so the
#: bound never slows a run down, and it keeps every step count a small exact integer.
MAX_CHUNK = 1 << 24
_FIRST_CHUNK = 16
_MAX_GROWTH = 4


def next_chunk(chunk: int, steps: int, elapsed: float) -> int:
    """How many steps the next native call should run, in ``[1, MAX_CHUNK]``, after ``steps``
    steps (the last call; at most ``chunk``, fewer when an operation or the end of the run cut
    it short) took ``elapsed`` seconds of wall time.

    Aims at ``_CHUNK_SECONDS`` per call from the measured time per step, growing at most
    ``_MAX_GROWTH``-fold per call (a cheap first chunk says little about later ones). A time that
    measures nothing (0: below the clock's resolution) allows the full growth; one that cannot be
    right (negative, NaN, infinite) keeps the chunk. Bounded for every input: a run calling an
    operation on every step grew the chunk without end before (``int(inf)`` raised
    OverflowError after ~510 calls)."""
    chunk = min(max(int(chunk), 1), MAX_CHUNK)
    ceiling = min(_MAX_GROWTH * chunk + _FIRST_CHUNK, MAX_CHUNK)
    if elapsed == 0:
        return ceiling
    if not (0 < elapsed < math.inf) or steps < 1:
        return chunk
    wanted = steps * (_CHUNK_SECONDS / elapsed)  # a float, possibly inf: compared, not converted
    return max(1, int(min(wanted, ceiling)))


@dataclass(frozen=True)
class ScheduledOperation:
    """A Python operation at schedule ``position`` (kernels before it), ticking every ``period``
    base steps; ``rank`` orders operations inside a step."""

    operation: object
    period: int
    position: int
    rank: int

    def next_tick(self, step: int, rank: int) -> int:
        """The first step ``>= step`` at which it is due, given that operations of rank
        ``< rank`` have run at ``step`` already."""
        tick = -(-step // self.period) * self.period
        if tick == step and self.rank < rank:
            tick += self.period
        return tick


class Stepper:
    """Runs a program from base step ``start`` (:meth:`run`: for ``n_steps``); ``at_step(step)``
    sets the network's clocks before an operation is called, ``call(obj)`` calls one (its
    ``run()``) and ``stop_requested()`` says whether ``stop()`` was called. ``step`` is where it
    is (after :meth:`run`: where it stopped) and ``interrupted`` whether Ctrl-C stopped it."""

    def __init__(self, program, operations, n_kernels, at_step, start,
                 call=lambda obj: obj.run(), stop_requested=lambda: False):
        self.program = program
        self.table = ctypes.cast(program.slots.addresses(), ctypes.c_void_p)
        self.operations = sorted(operations, key=lambda op: op.rank)
        self.n_kernels = n_kernels
        self.at_step = at_step
        self.start = self.step = self.stop = start
        self._call, self._stop_requested = call, stop_requested
        self._stopping = False
        self.interrupted = False
        self._flag = []
        self._chunk = _FIRST_CHUNK

    def run(self, n_steps, reporter):
        start = self.start
        self.stop = start + n_steps
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, lambda *_: self._flag.append(True))
        progress = (lambda: (self.step - start) / n_steps) if n_steps else (lambda: 1.0)
        try:
            reporter.start()
            self._run(reporter, progress)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        self.interrupted = bool(self._flag)
        reporter.finish(progress())

    def jump(self, step):
        """Continue at base step ``step`` (``restore()`` inside an operation): the rest of the
        current step's schedule runs at ``step``, then whole steps up to the run's end."""
        self.step = step

    def _run(self, reporter, progress):
        position, rank = 0, 0
        while True:
            due = min(((op.next_tick(self.step, rank), op.rank, op) for op in self.operations),
                      default=None, key=lambda e: e[:2])
            if due is None or due[0] >= self.stop:
                # after a jump to ``stop`` or beyond, the step in progress still ends (Brian2)
                end = max(self.stop, self.step + 1 if position else self.step)
                self._advance(position, end, 0, reporter, progress)
                return
            tick, _, op = due
            if not self._advance(position, tick, op.position, reporter, progress):
                return
            self.at_step(tick)
            self._call(op.operation)
            if not self._stopping and self._stop_requested():
                self._stopping = True
                self.stop = min(self.stop, tick + 1)  # the rest of this step still runs
            position, rank = op.position, op.rank + 1
            reporter.update(progress())

    def _advance(self, position, to_step, to_position, reporter, progress) -> bool:
        """Native code from (``self.step``, ``position``) to (``to_step``, ``to_position``);
        False if Ctrl-C stopped it at a step boundary on the way."""
        if self.step == to_step:
            self._partial(to_step, position, to_position)
            return True
        if position:
            self._partial(self.step, position, self.n_kernels)
            self.step += 1
        while self.step < to_step:
            if self._flag:
                return False
            if not self._stopping and self._stop_requested():
                self._stopping = True
                self.stop = self.step
                return False
            todo = min(self._chunk, to_step - self.step)
            memory_budget.refresh_if_stale()
            t0 = time.perf_counter()
            self._check(self.program.driver(self.table, self.step, self.step + todo),
                        self.step, self.step + todo)
            elapsed = time.perf_counter() - t0
            self.step += todo
            reporter.update(progress())
            self._chunk = next_chunk(self._chunk, todo, elapsed)
        if self._flag:
            return False
        if to_position:
            self._partial(to_step, 0, to_position)
        return True

    def _partial(self, step, first, last):
        if first < last:
            memory_budget.refresh_if_stale()
            self._check(self.program.partial(self.table, step, first, last), step, step + 1)

    def _check(self, status, first, stop):
        """Adopt what native code grew; on a failed growth (status 1) raise the MemoryError (or,
        past an array's row limit, ValueError) that names the array."""
        self.program.slots.sync()
        if status == K.PYTHON_ERROR:
            raise_pending(f"the run between steps {first} and {stop}")
        if status:
            error = growth_failure(self.program.slots.arrays)
            raise type(error)(f"{error}. The run stopped at a time step between steps {first} and "
                              f"{stop} that did not finish (the network's time stays at step "
                              f"{first}); every monitor holds whole records up to that step")
