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
import signal
import threading
import time
from dataclasses import dataclass

__all__ = ["ScheduledOperation", "Stepper"]

_CHUNK_SECONDS = 0.1


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
        self._chunk = 16

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
            t0 = time.perf_counter()
            self._check(self.program.driver(self.table, self.step, self.step + todo))
            elapsed = time.perf_counter() - t0
            self.step += todo
            reporter.update(progress())
            if elapsed > 0:
                # from the steps just run (a short stretch between operations must not
                # inflate the chunk without bound)
                self._chunk = max(1, min(int(todo * _CHUNK_SECONDS / elapsed), 4 * todo + 16))
        if self._flag:
            return False
        if to_position:
            self._partial(to_step, 0, to_position)
        return True

    def _partial(self, step, first, last):
        if first < last:
            self._check(self.program.partial(self.table, step, first, last))

    def _check(self, status):
        self.program.slots.sync()
        if status:
            raise MemoryError("native memory ran out during the run (a monitor could not grow); "
                              "the state is that of the failed time step")
