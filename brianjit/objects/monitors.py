"""StateMonitor, SpikeMonitor and PopulationRateMonitor: recording from inside the native loop.

Each monitor owns DynamicArrays that its kernel appends to while the network runs (the native code
grows them itself); before a run Python reserves room for the steps it knows are coming, so growth
inside the loop is rare. The attributes users read (``M.v``, ``S.i``, ``R.rate``) are copies with
units, taken from zero-copy views.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.symbols import symbol
from ..units import DIMENSIONLESS, Hz, Quantity, fail_for_dimension_mismatch, second
from .base import BrianObject
from .variables import NUMPY_DTYPES, integer_indices, own_indices

__all__ = ["StateMonitor", "SpikeMonitor", "PopulationRateMonitor"]


def _source_range(source):
    if not all(hasattr(source, attr) for attr in ("start", "stop", "variables")):
        raise TypeError(f"monitors record groups (NeuronGroup or subgroup), not {source!r}")
    owner = getattr(source, "owner", source)
    return owner, source.start - owner.start, source.stop - owner.start


def _group_variables(ctx, owner, names, offset=0):
    """ArrayVars for ``names`` of ``owner``; element 0 is ``offset`` (a subgroup's start)."""
    return {name: ctx.slots.array_var(name, owner.variables[name].array,
                                      owner.variables[name].dtype, owner.variables[name].scalar,
                                      0 if owner.variables[name].scalar else offset)
            for name in names}


class _RecordsTimes:
    """``t`` and ``t_`` of a monitor whose record times are in ``self._t``."""

    @property
    def t(self):
        return Quantity(self._t.data.copy(), dim=second.dim)

    @property
    def t_(self):
        return self._t.data.copy()


class StateMonitor(_RecordsTimes, BrianObject):
    """Record ``variables`` of ``source`` at the indices ``record`` every time step."""

    def __init__(self, source, variables, record, dt=None, clock=None, when="start", order=0,
                 name="statemonitor*"):
        owner, start, stop = _source_range(source)
        BrianObject.__init__(self, name=name, default_name="statemonitor",
                             clock=clock if clock is not None or dt is not None else owner.clock,
                             dt=dt, when=when, order=order)
        if variables is True:
            variables = list(owner.variables)
        elif isinstance(variables, str):
            variables = [variables]
        subexpressions = owner.equations.subexpr_names if owner.equations is not None else ()
        for var in variables:
            if var not in owner.variables and var not in subexpressions:
                raise KeyError(f"{owner.name} has no variable '{var}' to record")
        size = stop - start
        record = own_indices(record, source)
        if record is True:
            indices = np.arange(size)
        elif record is False or record is None:
            indices = np.array([], dtype=np.int64)
        else:
            indices = integer_indices(record, size)
            if indices is None:
                raise TypeError(f"record must be True, an index, indices or a slice, not {record!r}")
        if indices.size and (indices.min() < 0 or indices.max() >= size):
            raise IndexError(f"record indices {record!r} out of range for {source.name} of size {size}")
        self.source, self.owner = source, owner
        self.record_variables = list(variables)
        self.record = indices.astype(np.int32)
        self._indices = DynamicArray(max(1, len(indices)), dtype=np.int32)
        self._indices.resize(len(indices))
        self._indices.data[:] = self.record + start
        self._t = DynamicArray(0, dtype=np.float64)
        #: name -> (dimension, model type) of what is recorded
        self._recorded = {}
        for v in self.record_variables:
            if v in owner.variables:
                self._recorded[v] = (owner.variables[v].dim, owner.variables[v].dtype)
            else:
                eq = owner.equations[v]
                self._recorded[v] = (eq.dim, "boolean" if eq.var_type == "boolean" else "float")
        self._values = {v: DynamicArray((0, len(indices)), dtype=NUMPY_DTYPES[dtype])
                        for v, (_, dtype) in self._recorded.items()}

    def kernels(self, ctx):
        variables = _group_variables(ctx, self.owner, list(self.owner.variables))
        for name, constant in ctx.constants(self.owner).items():
            variables[name] = ctx.slots.array_var(name, constant.array, constant.dtype, scalar=True)
        variables["dt"] = ctx.slots.array_var("dt", ctx.dt_array(self.clock), "float", scalar=True)
        sources = tuple(self.owner._substitute_subexpressions(symbol(v))
                        for v in self.record_variables)
        shape = K.RecordState(ctx.slots.slot(self._indices), len(self.record), sources,
                              tuple(ctx.slots.slot(self._values[v]) for v in self.record_variables),
                              tuple(self._recorded[v][1] for v in self.record_variables),
                              ctx.slots.slot(self._t))
        return [(self.when, K.Kernel(f"{self.name}_record", shape, variables,
                                     functions=ctx.functions(self.owner)))]

    def state_arrays(self):
        return {"t": self._t, **self._values}

    def prepare_run(self, n_steps):
        for array in [self._t, *self._values.values()]:
            array.reserve(len(array) + n_steps + 1)

    def _variable(self, name, unitless, positions=slice(None)):
        """The recording of ``name`` (of the recorded elements at ``positions``), copied."""
        values = self._values[name].data[:, positions].T.copy()
        dim, dtype = self._recorded[name]
        if unitless or dtype != "float" or dim is DIMENSIONLESS:
            return values
        return Quantity(values, dim=dim)

    def __getattr__(self, name):
        values = self.__dict__.get("_values", {})
        if name in values:
            return self._variable(name, False)
        if name.endswith("_") and name[:-1] in values:
            return self._variable(name[:-1], True)
        raise AttributeError(f"StateMonitor '{self.__dict__.get('name')}' has no attribute '{name}'")

    def __getitem__(self, item):
        """``M[5]``: the recording of neuron 5 (``M[5].v``)."""
        item = own_indices(item, self.source)
        positions = []
        for index in np.atleast_1d(np.asarray(item)):
            where = np.flatnonzero(self.record == index)
            if not where.size:
                raise IndexError(f"index {index} was not recorded by {self.name}")
            positions.append(where[0])
        return _RecordingView(self, positions[0] if np.ndim(item) == 0 else np.array(positions))


class _RecordingView:
    """``M[i]``: one (or several) recorded neurons' traces (only theirs are copied)."""

    def __init__(self, monitor, position):
        self._monitor, self._position = monitor, position

    def __getattr__(self, name):
        recorded = self._monitor.__dict__.get("_values", {})
        base = name[:-1] if name.endswith("_") and name[:-1] in recorded else name
        if base in recorded:
            return self._monitor._variable(base, base != name, self._position)
        return getattr(self._monitor, name)[self._position]


class SpikeMonitor(_RecordsTimes, BrianObject):
    """Record the index and time of every spike of ``source`` (and optionally ``variables``)."""

    def __init__(self, source, variables=None, record=True, when="thresholds", order=1,
                 name="spikemonitor*"):
        owner, start, stop = _source_range(source)
        BrianObject.__init__(self, name=name, default_name="spikemonitor", clock=owner.clock,
                             when=when, order=order)
        if not hasattr(owner, "spikespace"):
            raise TypeError(f"{source!r} does not produce spikes")
        if record not in (True, False):
            raise NotImplementedError("SpikeMonitor(record=...) takes True or False (counting "
                                      "only); recording a subset of neurons is not supported yet")
        self.record = bool(record)
        variables = [variables] if isinstance(variables, str) else list(variables or [])
        for var in variables:
            if var not in owner.variables:
                raise KeyError(f"{owner.name} has no state variable '{var}' to record")
        self.source, self.owner, self.start, self.stop = source, owner, start, stop
        self.record_variables = variables
        self._i = DynamicArray(0, dtype=np.int32)
        self._t = DynamicArray(0, dtype=np.float64)
        self._count = DynamicArray(stop - start, dtype=np.int32)
        self._values = {v: DynamicArray(0, dtype=NUMPY_DTYPES[owner.variables[v].dtype])
                        for v in variables}

    def kernels(self, ctx):
        variables = _group_variables(ctx, self.owner, self.record_variables, self.start)
        variables["dt"] = ctx.slots.array_var("dt", ctx.dt_array(self.clock), "float", scalar=True)
        shape = K.RecordSpikes(ctx.slots.slot(self.owner.spikespace), len(self.owner),
                               self.start, self.stop, ctx.slots.slot(self._i),
                               ctx.slots.slot(self._t), ctx.slots.slot(self._count),
                               tuple(self.record_variables),
                               tuple(ctx.slots.slot(self._values[v]) for v in self.record_variables),
                               self.record)
        return [(self.when, K.Kernel(f"{self.name}_record", shape, variables))]

    def state_arrays(self):
        return {"i": self._i, "t": self._t, "count": self._count, **self._values}

    @property
    def i(self):
        return self._i.data.copy()

    @property
    def it(self):
        return self.i, self.t

    @property
    def count(self):
        return self._count.data.copy()

    @property
    def num_spikes(self):
        """Spikes seen so far (also when only counting, ``record=False``)."""
        return int(self._count.data.sum())

    def spike_trains(self):
        """{neuron index: spike times} for every neuron of the source."""
        i, t = self.i, self.t_
        order = np.argsort(i, kind="stable")
        bounds = np.searchsorted(i[order], np.arange(self.stop - self.start + 1))
        return {n: Quantity(t[order[bounds[n]:bounds[n + 1]]], dim=second.dim)
                for n in range(self.stop - self.start)}

    def values(self, var):
        """{neuron index: recorded values of ``var`` at its spikes}."""
        i = self.i
        values = getattr(self, var)
        return {n: values[i == n] for n in range(self.stop - self.start)}

    def all_values(self):
        return {"t": self.spike_trains(), **{v: self.values(v) for v in self.record_variables}}

    def __getattr__(self, name):
        values = self.__dict__.get("_values", {})
        if name in values:
            return self.owner.variables[name].with_unit(values[name].data.copy())
        if name.endswith("_") and name[:-1] in values:
            return values[name[:-1]].data.copy()
        raise AttributeError(f"SpikeMonitor '{self.__dict__.get('name')}' has no attribute '{name}'")


class PopulationRateMonitor(_RecordsTimes, BrianObject):
    """The fraction of ``source`` spiking per time step, as a rate."""

    def __init__(self, source, when="thresholds", order=1, name="ratemonitor*"):
        owner, start, stop = _source_range(source)
        BrianObject.__init__(self, name=name, default_name="ratemonitor", clock=owner.clock,
                             when=when, order=order)
        self.source, self.owner, self.start, self.stop = source, owner, start, stop
        self._rate = DynamicArray(0, dtype=np.float64)
        self._t = DynamicArray(0, dtype=np.float64)

    def kernels(self, ctx):
        variables = {"dt": ctx.slots.array_var("dt", ctx.dt_array(self.clock), "float", scalar=True)}
        shape = K.RecordRate(ctx.slots.slot(self.owner.spikespace), len(self.owner), self.start,
                             self.stop, ctx.slots.slot(self._rate), ctx.slots.slot(self._t))
        return [(self.when, K.Kernel(f"{self.name}_record", shape, variables))]

    def state_arrays(self):
        return {"rate": self._rate, "t": self._t}

    def prepare_run(self, n_steps):
        for array in (self._rate, self._t):
            array.reserve(len(array) + n_steps + 1)

    @property
    def rate(self):
        return Quantity(self._rate.data.copy(), dim=Hz.dim)

    @property
    def rate_(self):
        return self._rate.data.copy()

    def smooth_rate(self, window="gaussian", width=None):
        """The rate convolved with a ``'gaussian'`` (``width`` = its standard deviation, the
        window spanning +-2 standard deviations) or ``'flat'`` window, or an array of weights."""
        if len(self._t) < 2:
            raise ValueError("nothing recorded yet")
        dt = float(self._t.data[1] - self._t.data[0])
        if isinstance(window, str):
            if width is None:
                raise TypeError("smooth_rate needs a 'width' for a named window")
            fail_for_dimension_mismatch(width, second, "width has to be a time")
            sigma = float(np.asarray(width))
            if window == "gaussian":
                half = int(round(2 * sigma / dt))
                x = np.arange(-half, half + 1) * dt
                weights = np.exp(-x ** 2 / (2 * sigma ** 2))
            elif window == "flat":
                half = int(round(sigma / (2 * dt)))
                weights = np.ones(2 * half + 1)
            else:
                raise NotImplementedError(f"unknown window '{window}': use 'gaussian' or 'flat'")
        else:
            if width is not None:
                raise TypeError("give 'width' only with a named window")
            weights = np.asarray(window, dtype=float)
            if weights.ndim != 1 or len(weights) % 2 != 1:
                raise TypeError("a custom window must be a 1D array of odd length")
        weights = weights / weights.sum()
        return Quantity(np.convolve(self.rate_, weights, mode="same"), dim=Hz.dim)
