"""Clocks: a time step ``dt`` and a step counter; ``t = step * dt`` as in Brian2.

A clock is plain Python state. The network copies ``dt`` into a buffer before each run, so kernels
read it from memory and changing ``defaultclock.dt`` between runs needs no recompilation.

A new ``dt`` takes effect at the next run, as in Brian2: until then the step still counts in the
old ``dt`` (``t`` does not move), and the run first checks that its start time is a step of the
new ``dt`` (Brian2's ``check_dt``: within ``EPSILON_DT`` of one), else it raises ``ValueError``
instead of moving ``t``.

Like Brian2's, a clock is a ``Nameable`` (``clock``, ``clock_1``, ...; the default clock is
``defaultclock``) with ``variables`` ``t``, ``dt`` and ``timestep``: one-element arrays that
hold the clock's values as of the moment ``clock.variables`` is read (the network moves clocks at
every Python operation of a run, so they are not rewritten on every step).
"""
from __future__ import annotations

import math

import numpy as np

from ..utils import warn
from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, second
from .base import Nameable
from .variables import Variable

__all__ = ["Clock", "defaultclock", "timestep", "EPSILON_DT"]

#: Times closer than this fraction of ``dt`` are the same time step (Brian2's Clock.epsilon_dt).
EPSILON_DT = 1e-4


def timestep(t: float, dt: float) -> int:
    """Brian2's time step of ``t``: the nearest step if within ``EPSILON_DT`` of it, else the
    next one (a time between steps is reached at the step after it)."""
    nearest = round(t / dt)
    if nearest * dt == t or abs(nearest * dt - t) / dt <= EPSILON_DT:
        return int(nearest)
    return int(math.ceil(t / dt))


#: Brian2 warns about runs longer than this many steps (times stop being exact multiples of dt)
_MANY_STEPS = 2 ** 40


class Clock(Nameable):
    """A clock with time step ``dt`` (a time quantity)."""

    def __reduce_ex__(self, protocol):
        """``defaultclock`` is pickled by reference: an unpickled group runs on the
        defaultclock of the process that loads it, as a new one would."""
        if self is defaultclock:
            return (_the_default_clock, ())
        return super().__reduce_ex__(protocol)

    #: Times closer than this fraction of ``dt`` are the same time step (Brian2's name).
    epsilon_dt = EPSILON_DT

    def __init__(self, dt=0.1e-3 * second, name="clock*"):
        Nameable.__init__(self, name)
        self._dt = None
        self._step_dt = None  # the dt ``step`` counts in: the old one after a change of dt
        self._step = 0
        self._variables = {
            "t": Variable("t", DynamicArray(1), second.dim, "float", scalar=True, read_only=True),
            "dt": Variable("dt", DynamicArray(1), second.dim, "float", scalar=True,
                           read_only=True, constant=True),
            "timestep": Variable("timestep", DynamicArray(1, dtype=np.int64), DIMENSIONLESS,
                                 "integer", scalar=True, read_only=True),
        }
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
        self._dt = value
        if self._step_dt is None:
            self._step_dt = value

    @property
    def dt_(self):
        return self._dt

    @property
    def step(self) -> int:
        return self._step

    @step.setter
    def step(self, step):
        """Set by the network (runs, restores): the step now counts in the current ``dt``."""
        self._step = int(step)
        self._step_dt = self._dt

    @property
    def variables(self) -> dict:
        """``{'t', 'dt', 'timestep'}``: Variables holding the clock's current values."""
        for name, value in (("t", self.t_), ("dt", self._dt), ("timestep", self._step)):
            self._variables[name].array.data[0] = value
        return self._variables

    def set_time(self, t: float):
        """Go to the time step of ``t`` (seconds) in the current ``dt``."""
        self.step = timestep(t, self._dt)

    def check_new_dt(self, t: float):
        """Before a run from ``t``: refuse a new ``dt`` that ``t`` is not a step of (Brian2)."""
        old, new = self._step_dt, self._dt
        if old == new:
            return
        if abs(round(t / new) * new - round(t / old) * old) / new > EPSILON_DT:
            raise ValueError(f"Cannot set dt from {Quantity(old, dim=second.dim)} to "
                             f"{Quantity(new, dim=second.dim)} for {self.name}, the time "
                             f"{Quantity(t, dim=second.dim)} is not a multiple of "
                             f"{Quantity(new, dim=second.dim)}.")

    def set_interval(self, start, end):
        """Before a run from ``start`` to ``end`` (times): check a new ``dt`` against ``start``
        (see :meth:`check_new_dt`), go to the step of ``start`` and warn, as Brian2 does, if
        ``end`` is more than 2**40 steps away from 0."""
        fail_for_dimension_mismatch(start, second, "start has to be a time")
        fail_for_dimension_mismatch(end, second, "end has to be a time")
        start_, end_ = float(np.asarray(start)), float(np.asarray(end))
        self.check_new_dt(start_)
        self.set_time(start_)
        steps = timestep(end_, self._dt)
        if steps > _MANY_STEPS:
            warn("brian2.core.clocks.many_timesteps",
                 f"The end time of the simulation has been set to "
                 f"{Quantity(end_, dim=second.dim)}, which based on the dt value of {self.dt} "
                 f"means that {steps} time steps will be simulated. This can lead to numerical "
                 f"problems, e.g. the times t will not correspond to exact multiples of dt.")

    @property
    def t(self):
        return Quantity(self.t_, dim=second.dim)

    @property
    def t_(self):
        return self._step * self._step_dt

    @property
    def timestep(self):
        return self._step

    def __repr__(self):
        return f"Clock(dt={self.dt!r}, name={self.name!r})"


defaultclock = Clock(name="defaultclock")


def _the_default_clock():
    return defaultclock
