"""The protocol of objects whose state ``store()`` saves and ``restore()`` writes back.

A snapshot file is untrusted input: native code indexes with what it holds (a synapse's ``j``, a
spike in a pathway's ring, a spike generator's pointer), so an edited file must never reach the
arrays unchecked. Each stateful object therefore answers three questions itself, and
``storage.py`` knows no class:

- ``state_arrays()``: ``{name: DynamicArray}``, what a snapshot copies and a restore writes back
  into the same arrays (the headers native code holds stay valid).
- ``check_state(check)``: the invariants of those arrays (lengths that agree, index ranges,
  spike spaces, sort orders), applied to the candidate values through a :class:`StateCheck`
  *before anything is written*. ``storage.py`` has checked keys, dtypes and dimensions already.
- ``state_restored()``: rebuild what derives from the arrays (a pathway's synapse index and ring
  depth, a spike generator's time bins) right after they were written and the clocks set, so the
  network is consistent even when ``restore()`` runs inside a ``network_operation``, in the
  middle of a run, where no ``prepare_run`` follows.

Problems are reported as the error a user can act on, naming the object and the array:
``TypeError`` (dtype), ``ValueError`` (shape, length, value), ``IndexError`` (an index out of
range).
"""
from __future__ import annotations

import numpy as np

__all__ = ["Stateful", "StateCheck"]


class Stateful:
    """Base of every object with state in a snapshot (see the module docstring)."""

    def state_arrays(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not say what its state is")

    def check_state(self, check: "StateCheck") -> None:
        raise NotImplementedError(f"{type(self).__name__} does not state the invariants of its "
                                  f"stored arrays")

    def state_restored(self) -> None:
        """Nothing derives from the arrays unless a subclass says so."""


class StateCheck:
    """The candidate arrays of one object (``check[name]``: a numpy array of the live array's
    dtype and number of dimensions) and the clock ``dt`` it will run with, plus the usual
    invariants; each failure names ``owner/name``."""

    def __init__(self, owner: str, arrays: dict, dt: float):
        self.owner, self.arrays, self.dt = owner, arrays, dt

    def __getitem__(self, name) -> np.ndarray:
        return self.arrays[name]

    def fail(self, name, problem, error=ValueError):
        raise error(f"restore(): the stored array '{self.owner}/{name}' {problem}")

    def length(self, name, n: int) -> None:
        """``name`` has ``n`` elements."""
        if len(self.arrays[name]) != n:
            self.fail(name, f"has {len(self.arrays[name])} elements where {self.owner} needs {n}")

    def same_length(self, names, reference) -> None:
        """Every array of ``names`` has as many rows as ``reference``."""
        n = len(self.arrays[reference])
        for name in names:
            if len(self.arrays[name]) != n:
                self.fail(name, f"has {len(self.arrays[name])} rows, but '{self.owner}/"
                                f"{reference}' has {n}")

    def indices(self, name, stop: int, values=None) -> None:
        """Every value of ``name`` (or of ``values``, a part of it) lies in ``[0, stop)``."""
        values = self.arrays[name] if values is None else values
        if values.size and (values.min() < 0 or values.max() >= stop):
            bad = values[(values < 0) | (values >= stop)][0]
            self.fail(name, f"holds the index {bad}, outside [0, {stop})", IndexError)

    def finite(self, name, minimum=None) -> None:
        """Every value is finite (and at least ``minimum``)."""
        values = self.arrays[name]
        if not np.all(np.isfinite(values)):
            self.fail(name, "holds values that are not finite")
        if minimum is not None and values.size and values.min() < minimum:
            self.fail(name, f"holds {values.min()}, less than {minimum}")

    def spike_lists(self, name, rows, size: int) -> None:
        """Each row of ``rows`` (2D, ``size + 1`` columns) is a spike list of a group of
        ``size``: its count last, within ``[0, size]``, then that many distinct neuron indices
        in ``[0, size)``, so that no spike can be written or read outside an array."""
        counts = rows[:, -1]
        if counts.size and (counts.min() < 0 or counts.max() > size):
            self.fail(name, f"says {counts[(counts < 0) | (counts > size)][0]} spikes in a group "
                            f"of {size}")
        # unused places get distinct negative fillers, so equal neighbours are repeated spikes
        fillers = (-1 - np.arange(size)).astype(rows.dtype)
        block = max(1, (1 << 22) // max(size, 1))  # rows per block: bounded temporary memory
        for first in range(0, len(rows), block):
            part = rows[first:first + block]
            used = np.arange(size) < part[:, -1:]
            self.indices(name, size, part[:, :-1][used])
            spikes = np.sort(np.where(used, part[:, :-1], fillers), axis=1)
            if np.any(spikes[:, 1:] == spikes[:, :-1]):
                self.fail(name, "holds a neuron twice in one spike list")

    def spike_space(self, name, size: int) -> None:
        """A group's spike space: ``size + 1`` entries, the spike list with its count last."""
        self.length(name, size + 1)
        self.spike_lists(name, self.arrays[name].reshape(1, -1), size)
