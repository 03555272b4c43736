"""Clocks: a time step ``dt`` and a step counter; ``t = step * dt`` as in Brian2.

A clock is plain Python state. The network copies ``dt`` into a buffer before each run, so kernels
read it from memory and changing ``defaultclock.dt`` between runs needs no recompilation.
"""
from __future__ import annotations

import numpy as np

from ..units import Quantity, fail_for_dimension_mismatch, second

__all__ = ["Clock", "defaultclock"]


class Clock:
    """A clock with time step ``dt`` (a time quantity)."""

    def __init__(self, dt=0.1e-3 * second, name=None):
        self.name = name or "clock"
        self._dt = None
        self.step = 0
        self.dt = dt

    @property
    def dt(self):
        return Quantity(self._dt, dim=second.dim)

    @dt.setter
    def dt(self, value):
        fail_for_dimension_mismatch(value, second, "dt has to be a time")
        value = float(np.asarray(value))
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"dt has to be a positive time, not {value} s")
        if self._dt is not None and self.step:
            # keep t where it is: the step counter is re-expressed in the new dt
            self.step = int(round(self.step * self._dt / value))
        self._dt = value

    @property
    def dt_(self):
        return self._dt

    @property
    def t(self):
        return Quantity(self.step * self._dt, dim=second.dim)

    @property
    def t_(self):
        return self.step * self._dt

    @property
    def timestep(self):
        return self.step

    def __repr__(self):
        return f"Clock(dt={self.dt!r}, name={self.name!r})"


defaultclock = Clock(name="defaultclock")
