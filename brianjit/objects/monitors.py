"""StateMonitor and PopulationRateMonitor: recording from inside the native loop (SpikeMonitor:
``eventmonitor.py``), and what monitors share.

Each monitor owns DynamicArrays that its kernel appends to while the network runs (the native code
grows them itself); before a run Python reserves room for the steps it knows are coming, so growth
inside the loop is rare.

A monitor is also a group of its records (Brian2's monitors are groups): ``mon.t``,
``spikemon.i``, ``ratemon.rate`` are live VariableViews over the record arrays, so they index,
compute, take string conditions (``spikemon.t['i == 1']``, evaluated natively over the records)
and export with ``get_states()`` like a group's variables. Its length ``N`` is the number of
records. A StateMonitor's recorded variables (``mon.v``, one row per recorded element) are 2D
copies with units, and ``mon[k]`` selects the rows of recorded elements.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Hz, Quantity, fail_for_dimension_mismatch, second
from ..utils import info
from .base import BrianObject
from .events import event_space
from .group import Group, implicit_variables
from .indexing import ElementSet, relative_indices
from .model_warnings import warn_shared_recorded
from .stateful import Stateful
from .variables import (Variable, Variables, array_vars, integer_indices,
                        own_indices)

__all__ = ["StateMonitor", "PopulationRateMonitor", "Recorder", "record_indices", "source_range"]


#: variables that Brian2 adds to a group's equations: refractoriness, event-driven synapses
_ADDED_TO_EQUATIONS = ("not_refractory", "lastspike", "lastupdate")


def source_range(source):
    """(owner of the source's arrays, first element, end) of a recorded group or subgroup."""
    if not all(hasattr(source, attr) for attr in ("start", "stop", "variables")):
        raise TypeError(f"monitors record groups (NeuronGroup or subgroup), not {source!r}")
    owner = getattr(source, "owner", source)
    return owner, source.start - owner.start, source.stop - owner.start


def _reserve_for_run(monitor, arrays, n_steps):
    """Room for a record per step of the coming run, so that the native loop never grows these
    arrays; a run whose records cannot fit in memory is refused before it starts."""
    try:
        for array in arrays:
            array.reserve(len(array) + n_steps + 1)
    except MemoryError as error:
        raise MemoryError(f"{monitor.name} cannot record the {n_steps} time steps of this run: "
                          f"{error}") from None


def record_variable(name, array, dim, dtype):
    """The read-only Variable through which users see one record array."""
    return Variable(name, array, dim, dtype, read_only=True)


class Recorder(Group):
    """A monitor as a group of its records: ``variables`` are its record arrays (read only),
    ``N`` is the number of records (the length of ``_t``)."""

    fixed_size = False
    start = 0

    def _init_records(self, records):
        object.__setattr__(self, "equations", None)
        object.__setattr__(self, "namespace", None)
        self.variables = Variables(self._implicit_variables, records)

    @property
    def stop(self):
        return len(self._t)

    def _implicit_variables(self):
        return implicit_variables(["N"])


class StateMonitor(Recorder, BrianObject, Stateful):
    """Record ``variables`` of ``source`` at the indices ``record`` every time step."""

    add_to_magic_network = True
    invalidates_magic_network = False   # Brian2: a monitor may join a magic network later

    def __init__(self, source, variables, record, dt=None, clock=None, when="start", order=0,
                 name="statemonitor*", codeobj_class=None):
        owner, start, stop = source_range(source)
        BrianObject.__init__(self, name=name, default_name="statemonitor",
                             clock=clock if clock is not None or dt is not None else owner.clock,
                             dt=dt, when=when, order=order)
        self.add_dependency(owner)
        if variables is True:   # the model's names, with those Brian2 adds to its equations
            variables = (list(owner.equations.names) + [
                n for n in _ADDED_TO_EQUATIONS if owner.variables.get(n) is not None]
                if owner.equations is not None
                else [n for n in owner.variables if not n.startswith("_")])
        elif isinstance(variables, str):
            variables = [variables]
        for var in variables:
            try:
                owner.variable_info(var)
            except KeyError:
                raise KeyError(f"{owner.name} has no variable '{var}' to record") from None
        indices = record_indices(source, own_indices(record, source), stop - start)
        self.source, self.source_owner = source, owner
        self.record_variables = list(variables)
        self.record = indices.astype(np.int32)
        self._indices = DynamicArray(len(indices), dtype=np.int32, label=f"{self.name}.record")
        self._indices.data[:] = self.record + start
        self._t = DynamicArray(0, dtype=np.float64, label=f"{self.name}.t")
        #: name -> (dimension, model type) of what is recorded
        self._recorded = {}
        for v in self.record_variables:
            var = owner.variable_info(v)
            warn_shared_recorded(var, len(self.record))
            stored = owner.variables.get(v) is not None
            self._recorded[v] = (var.dim, var.dtype if stored or var.dtype == "boolean"
                                 else "float")
        # Brian2: a record holds what its source holds (a float32 variable as float32)
        self._values = {v: DynamicArray((0, len(indices)), label=f"{self.name}.{v}",
                                        dtype=owner.value_dtype(v) if dtype != "float"
                                        or owner.variable_info(v).dtype == "float"
                                        else owner.float_dtype)
                        for v, (_, dtype) in self._recorded.items()}
        self._init_records({"t": record_variable("t", self._t, second.dim, "float")})
        self._lock_attributes()

    def _implicit_variables(self):
        """``N`` and, as in Brian2's ``mon.variables``, each recorded variable: its record array
        (one row per time step, the transpose of ``mon.v``), read-only. Not among the stored
        variables: no kernel over the records binds a 2D array as one value per record."""
        return {**Recorder._implicit_variables(self),
                **{v: record_variable(v, self._values[v], *self._recorded[v])
                   for v in self.record_variables}}

    def kernels(self, ctx):
        from ..model.names import symbol
        owner = self.source_owner
        sources = tuple(owner._substitute_subexpressions(symbol(v)) for v in self.record_variables)
        variables = array_vars(ctx.slots, owner.variables, list(owner.variables))
        for name in {s.name for expr in sources for s in expr.free_symbols} - set(variables):
            linked = owner._linked_variable(name, ctx.slots)   # a Synapses' v_post
            if linked is not None:
                variables.update(linked[0])
        variables.update(ctx.environment(owner, self.clock))
        shape = K.RecordState(ctx.slots.slot(self._indices), len(self.record), sources,
                              tuple(ctx.slots.slot(self._values[v]) for v in self.record_variables),
                              tuple(K.storage_kind(self._recorded[v][1], self._values[v].dtype)
                                    for v in self.record_variables),
                              ctx.slots.slot(self._t))
        return [(self._own_entry(), K.Kernel(f"{self.name}_record", shape, variables,
                                     functions=ctx.functions(owner)))]

    def front_key(self, keying):
        """Its source (by position), what it records and how (the recorded values are
        read by the kernel from the source's variables and subexpressions)."""
        if type(self) is not StateMonitor:
            return None
        return (keying.ref(self.source), keying.ref(self.source_owner),
                tuple(self.record_variables), len(self.record),
                tuple((v, tuple(float(x) for x in dim._dims), dtype)
                      for v, (dim, dtype) in self._recorded.items()))

    def bindable_arrays(self):
        return {"indices": self._indices, "t": self._t,
                **{f"values:{v}": a for v, a in self._values.items()}}

    def state_arrays(self):
        return {"t": self._t, **self._values}

    def check_state(self, check):
        check.same_length(self.record_variables, "t")

    def prepare_run(self, n_steps):
        _reserve_for_run(self, [self._t, *self._values.values()], n_steps)

    def record_single_timestep(self):
        """Record the current values once more, now (Brian2's: the values at the end of a run,
        which a monitor at ``when='start'`` does not see otherwise). Needs a run before."""
        if self.code is None:
            raise TypeError(f"{self.name}.record_single_timestep() can only be used after the "
                            f"monitor has been run (a run of 0*ms suffices)")
        positions = self._indices.data
        rows = {v: self.source_owner.raw_values(v)[positions] for v in self.record_variables}
        self._t.append(self.clock.t_)
        for v, row in rows.items():
            self._values[v].append(row)

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
        return Recorder.__getattr__(self, name)

    def state(self, name, use_units=True, level=0):
        """Brian2's: a recorded variable as stored (one row per time step), else a view."""
        if name in self._values:
            return self._variable(name, not use_units).T
        return Recorder.state(self, name, use_units, level)

    def _state_names(self, subexpressions, read_only_variables):
        return [*self.record_variables, "t", "N"] if read_only_variables else []

    def __getitem__(self, item):
        """``M[5]``, ``M[[5, 7]]``, ``M[SG]``: the recordings of those elements (``M[5].v``)."""
        item = own_indices(item, self.source)
        if isinstance(item, ElementSet):
            item = relative_indices(self.source, item)
        elif isinstance(item, (str, bytes)) or np.asarray(item).dtype.kind not in "iu":
            raise TypeError(f"Index of {self.name} has to be an integer or a sequence of "
                            f"integers, not {item!r}")
        positions = []
        for index in np.atleast_1d(np.asarray(item)):
            where = np.flatnonzero(self.record == index)
            if not where.size:
                raise IndexError(f"Index number {index} has not been recorded by {self.name}")
            positions.append(where[0])
        return _RecordingView(self, positions[0] if np.ndim(item) == 0 else np.array(positions))

    def __repr__(self):
        return f"<StateMonitor, recording {self.record_variables!r} from '{self.source.name}'>"


def record_indices(source, record, size):
    """The elements of ``source`` that ``record`` selects (relative to it)."""
    if record is True:
        indices = np.arange(size)
    elif record is False or record is None:
        indices = np.array([], dtype=np.int64)
    elif isinstance(record, ElementSet):
        indices = relative_indices(source, record)
    else:
        indices = integer_indices(record, size)
        if indices is None:
            raise TypeError(f"record must be True, an index, indices or a slice, not {record!r}")
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        raise IndexError(f"record indices {record!r} out of range for {source.name} of size {size}")
    return indices


class _RecordingView:
    """``M[i]``: one (or several) recorded elements' traces (only theirs are copied)."""

    def __init__(self, monitor, position):
        self._monitor, self._position = monitor, position

    def __getattr__(self, name):
        if name.startswith("_"):   # not a recorded name; also copy/pickle before __init__ ran
            raise AttributeError(name)
        recorded = self._monitor.__dict__.get("_values", {})
        base = name[:-1] if name.endswith("_") and name[:-1] in recorded else name
        if base in recorded:
            return self._monitor._variable(base, base != name, self._position)
        if name in ("t", "t_"):
            return getattr(self._monitor, name)[:]
        return getattr(self._monitor, name)[self._position]


class PopulationRateMonitor(Recorder, BrianObject, Stateful):
    """The fraction of ``source`` spiking per time step, as a rate. It records at the end of
    the step, as Brian2's does: every spike of the step is there by then, also those of a group
    whose spikes come after the thresholds (a SpikeGeneratorGroup with ``when='after_thresholds'``);
    ``when``/``order`` (not Brian2 arguments) move it."""

    add_to_magic_network = True
    invalidates_magic_network = False   # Brian2: a monitor may join a magic network later

    def __init__(self, source, name="ratemonitor*", codeobj_class=None, dtype=np.float64,
                 when="end", order=0):
        owner, start, stop = source_range(source)
        BrianObject.__init__(self, name=name, default_name="ratemonitor", clock=owner.clock,
                             when=when, order=order)
        self.add_dependency(owner)
        self.source, self.source_owner, self.first, self.end = source, owner, start, stop
        self._space = event_space(source, "spike")
        self._rate = DynamicArray(0, dtype=np.float64, label=f"{self.name}.rate")
        self._t = DynamicArray(0, dtype=np.float64, label=f"{self.name}.t")
        self._init_records({"rate": record_variable("rate", self._rate, Hz.dim, "float"),
                            "t": record_variable("t", self._t, second.dim, "float")})
        self._lock_attributes()

    def kernels(self, ctx):
        variables = {"dt": ctx.slots.array_var("dt", ctx.dt_array(self.clock), "float", scalar=True)}
        shape = K.RecordRate(ctx.slots.slot(self._space), len(self.source_owner), self.first,
                             self.end, ctx.slots.slot(self._rate), ctx.slots.slot(self._t))
        return [(self._own_entry(), K.Kernel(f"{self.name}_record", shape, variables))]

    def front_key(self, keying):
        """Its source (by position) and the source's range."""
        if type(self) is not PopulationRateMonitor:
            return None
        return (keying.ref(self.source), keying.ref(self.source_owner), self.first, self.end,
                len(self.source_owner))

    def bindable_arrays(self):
        return self.state_arrays()

    def state_arrays(self):
        return {"rate": self._rate, "t": self._t}

    def check_state(self, check):
        check.same_length(["rate"], "t")

    def prepare_run(self, n_steps):
        _reserve_for_run(self, [self._rate, self._t], n_steps)

    def smooth_rate(self, window="gaussian", width=None):
        """The rate convolved with a window (Brian2's, to the last bit): ``'gaussian'`` (``width``
        is its standard deviation; the window spans ``round(2*width/dt)`` steps on each side),
        ``'flat'`` (``width`` rounded down to an odd number of steps, with an info message when
        that changes it), or an array of weights of odd length; normalised to a sum of 1."""
        if width is None and isinstance(window, str):
            raise TypeError("Need a width when using a predefined window.")
        if width is not None and not isinstance(window, str):
            raise TypeError("Can only specify a width for a predefined window")
        dt = self.clock.dt_
        if isinstance(window, str):
            fail_for_dimension_mismatch(width, second, "The width of the window has to be a time")
            width_ = float(np.asarray(width))
            if window == "gaussian":
                width_dt = int(np.round(2 * width_ / dt))
                window = np.exp(-np.arange(-width_dt, width_dt + 1) ** 2 * 1.0
                                / (2 * (width_ / dt) ** 2))
            elif window == "flat":
                width_dt = int(width_ / 2 / dt) * 2 + 1
                used_width = width_dt * dt
                if abs(used_width - width_) > 1e-6 * dt:
                    info("brian2.monitors.ratemonitor.adjusted_width",
                         f"width adjusted from {width} to {Quantity(used_width, dim=second.dim)}",
                         once=True)
                window = np.ones(width_dt)
            else:
                raise NotImplementedError(f'Unknown pre-defined window "{window}": use '
                                          f'"gaussian" or "flat"')
        else:
            try:
                window = np.asarray(window, dtype=float)
            except (TypeError, ValueError):
                raise TypeError(f"Cannot use a window of type {type(window).__name__}") from None
            if window.ndim != 1:
                raise TypeError("The provided window has to be one-dimensional.")
            if len(window) % 2 != 1:
                raise TypeError("The window has to have an odd number of values.")
        return Quantity(np.convolve(self._rate.data, window * 1.0 / sum(window), mode="same"),
                        dim=Hz.dim)

    def __repr__(self):
        return f"<PopulationRateMonitor, recording {self.source.name}>"
