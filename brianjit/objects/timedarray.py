"""TimedArray: a function of time (and of a neuron index) given by a table of values.

Inside model strings ``ta(t)`` / ``ta(t, i)`` is resolved from the namespace like a constant and
becomes a :class:`~brianjit.kernel.TimedArrayFunction` that reads the table from C memory (a 2D
DynamicArray, one column for a 1D array); setting ``ta.values`` rewrites that memory, so new values
never recompile. Called from Python it follows Brian2's Python implementation (rounding with the
default clock's dt).
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.function_spec import FunctionSpec
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, get_dimensions, second
from .base import Nameable
from .model_warnings import warn_misaligned_time_grids

__all__ = ["TimedArray", "upsampling_factor"]


def upsampling_factor(group_dt: float, dt: float) -> int:
    """Brian2's K: the table's dt is divided into K parts (a power of two, at least 8 per group
    step) so that rounding ``t`` never lands on the wrong value."""
    return max(int(2 ** np.ceil(np.log2(8 / group_dt * dt))), 1)


class TimedArray(Nameable):
    """``TimedArray(values, dt)``: ``values[k]`` (or ``values[k, i]``) holds from ``k*dt`` on;
    before 0 and after the end the first and last rows hold."""

    def __init__(self, values, dt, name=None):
        fail_for_dimension_mismatch(dt, second, "The dt of a TimedArray has to be a time")
        dt_ = float(np.asarray(dt))
        if not np.isfinite(dt_) or dt_ <= 0:
            raise ValueError(f"The dt of a TimedArray has to be positive, not {dt!r}")
        Nameable.__init__(self, "_timedarray*" if name is None else name)
        self.dt_ = dt_
        self.dim = get_dimensions(values)
        raw = np.asarray(values, dtype=np.float64)
        if raw.ndim not in (1, 2):
            raise NotImplementedError(f"Only 1d and 2d arrays are supported for TimedArray, "
                                      f"not an array of shape {raw.shape}")
        if raw.shape[0] == 0 or raw.size == 0:
            raise ValueError("a TimedArray needs at least one value")
        self._ndim = raw.ndim
        self._table = DynamicArray((0, 1 if raw.ndim == 1 else raw.shape[1]))
        self._store(raw)
        spec_args = ("second",) if self._ndim == 1 else ("second", "1")
        #: how model strings check a call (see model/dimensions.py: a FunctionSpec in the dims)
        self.function_spec = FunctionSpec(self.name, self._ndim, None, None, spec_args, self.dim)

    @property
    def dt(self):
        return Quantity(self.dt_, dim=second.dim)

    @property
    def values(self):
        """The table, with units (a copy)."""
        raw = self._table.data.copy()
        raw = raw[:, 0] if self._ndim == 1 else raw
        return Quantity(raw, dim=self.dim) if self.dim is not DIMENSIONLESS else raw

    @values.setter
    def values(self, values):
        """New values (same unit and number of dimensions); running networks see them at their
        next run, without recompiling."""
        fail_for_dimension_mismatch(values, Quantity(1.0, dim=self.dim),
                                    f"The new values of {self.name} must have its unit")
        raw = np.asarray(values, dtype=np.float64)
        if raw.ndim != self._ndim or raw.size == 0:
            raise ValueError(f"{self.name} holds a non-empty {self._ndim}D array; got shape "
                             f"{raw.shape}")
        self._store(raw)

    def _store(self, raw):
        table = raw.reshape(len(raw), -1)
        self._table.resize((0, table.shape[1]))
        self._table.resize(table.shape)
        self._table.data[:] = table

    # -- model strings ----------------------------------------------------------------------------
    def is_locally_constant(self, dt: float) -> bool:
        """Whether the value is constant during every step of length ``dt`` (seconds): the table's
        dt is an integer multiple of it (Brian2's test, so ``exact`` accepts the same models)."""
        if dt > self.dt_:
            return False
        ratio = self.dt_ / float(dt)
        if float(np.floor(ratio)) == ratio:
            return True
        warn_misaligned_time_grids(dt, self.dt_)
        return False

    def kernel_function(self, slots) -> K.TimedArrayFunction:
        """What a kernel calling this array needs (its table bound to a slot)."""
        return K.TimedArrayFunction(slots.slot(self._table), self.dt_, self._ndim)

    def structure_key(self):
        """What a compiled network depends on: this table's memory and dt (not its values)."""
        return ("TimedArray", id(self._table), self._ndim, self.dt_)

    # -- Python calls -----------------------------------------------------------------------------
    def __call__(self, t, i=None):
        from .clock import defaultclock
        fail_for_dimension_mismatch(t, second, f"The argument of {self.name} has to be a time")
        if (i is None) != (self._ndim == 1):
            raise TypeError(f"{self.name} is a {self._ndim}D TimedArray: call it as "
                            + ("ta(t)" if self._ndim == 1 else "ta(t, i)"))
        upsample = upsampling_factor(defaultclock.dt_, self.dt_)
        epsilon = self.dt_ / upsample
        table = self._table.data
        steps = np.clip(np.int_(np.round(np.asarray(t, dtype=np.float64) / epsilon) / upsample),
                        0, len(table) - 1)
        if i is None:
            raw = table[steps, 0]
        else:
            fail_for_dimension_mismatch(i, 1, f"The index of {self.name} has to be dimensionless")
            raw = table[steps, np.asarray(i)]
        return Quantity(raw, dim=self.dim) if self.dim is not DIMENSIONLESS else raw

    def __repr__(self):
        return f"TimedArray(<{self._table.shape} values>, dt={self.dt!r}, name={self.name!r})"
