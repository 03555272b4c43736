"""EventMonitor and SpikeMonitor: the index and time of every event of a group (and values of
its variables at that moment), recorded by native code.

Brian2's SpikeMonitor is an EventMonitor of the event ``'spike'``, with its own names for the
same things (``spike_trains`` for ``event_trains``, ``num_spikes`` for ``num_events``); both are
groups of their records (``mon.i``, ``mon.t``, ``mon.v`` are VariableViews, ``mon.t['i == 1']``
works, ``get_states()`` exports them; see monitors.py). Where the events come from is
``event_space(group, event)``: a group's spike space for ``'spike'``.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, second
from .base import BrianObject
from .group import implicit_variables
from .hierarchy import SpikeSource
from .monitors import Recorder, record_variable, source_range
from .stateful import Stateful
from .variables import NUMPY_DTYPES, Variable, array_vars

__all__ = ["EventMonitor", "SpikeMonitor", "event_space"]


def event_space(group, event):
    """The array in which ``group`` lists its elements that had ``event`` in the current step."""
    owner = getattr(group, "owner", group)
    if not isinstance(owner, SpikeSource):
        raise TypeError(f"Monitors of events can only record groups producing spikes (such as "
                        f"NeuronGroup), not {group!r}")
    if event != "spike":
        raise NotImplementedError(f"custom events ('{event}') are not supported yet")
    if getattr(owner, "threshold", "") is None:
        raise ValueError(f"Recorded group '{group.name}' does not define an event '{event}'. "
                         f"Did you forget to set a 'threshold'?")
    return owner.spikespace


class EventMonitor(Recorder, BrianObject, Stateful):
    """Record the index and time of every ``event`` of ``source`` (``record=False``: only count
    them), and the values of ``variables`` at that moment."""

    add_to_magic_network = True
    invalidates_magic_network = False   # Brian2: a monitor may join a magic network later

    def __init__(self, source, event, variables=None, record=True, when=None, order=None,
                 name="eventmonitor*", codeobj_class=None):
        owner, start, stop = source_range(source)
        space = event_space(source, event)
        if when is None:
            if order is not None:
                raise ValueError("Cannot specify order if when is not specified.")
            when, order = "thresholds", getattr(owner, "order", 0) + 1
        elif order is None:
            order = 0
        BrianObject.__init__(self, name=name, default_name=self._default_name,
                             clock=owner.clock, when=when, order=order)
        self.add_dependency(owner)
        if record not in (True, False):
            raise NotImplementedError(f"{type(self).__name__}(record=...) takes True or False "
                                      f"(counting only); recording a subset of neurons is not "
                                      f"supported yet")
        variables = [variables] if isinstance(variables, str) else list(variables or [])
        for var in variables:
            if owner.variables.get(var) is None:
                raise ValueError(f"'{var}' is not a state variable of the recorded group "
                                 f"{owner.name}")
        self.source, self.source_owner, self.event, self.record = source, owner, event, record
        self._space, self._range = space, (start, stop)
        self.record_variables = variables
        self._i = DynamicArray(0, dtype=np.int32, label=f"{self.name}.i")
        self._t = DynamicArray(0, dtype=np.float64, label=f"{self.name}.t")
        # 64-bit: a neuron can spike on more than 2**31 steps of a long run
        self._count = DynamicArray(stop - start, dtype=np.int64, label=f"{self.name}.count")
        self._values = {v: DynamicArray(0, dtype=NUMPY_DTYPES[owner.variables[v].dtype],
                                        label=f"{self.name}.{v}")
                        for v in variables}
        records = {v: record_variable(v, self._values[v], owner.variables[v].dim,
                                      owner.variables[v].dtype) for v in variables}
        if record:
            records["i"] = record_variable("i", self._i, DIMENSIONLESS, "integer")
            records["t"] = record_variable("t", self._t, second.dim, "float")
        self._init_records(records)
        self._lock_attributes()

    _default_name = "eventmonitor"

    def kernels(self, ctx):
        owner, (start, stop) = self.source_owner, self._range
        variables = array_vars(ctx.slots, owner.variables, self.record_variables, start)
        variables["dt"] = ctx.slots.array_var("dt", ctx.dt_array(self.clock), "float", scalar=True)
        shape = K.RecordSpikes(ctx.slots.slot(self._space), len(owner), start, stop,
                               ctx.slots.slot(self._i), ctx.slots.slot(self._t),
                               ctx.slots.slot(self._count), tuple(self.record_variables),
                               tuple(ctx.slots.slot(self._values[v])
                                     for v in self.record_variables),
                               self.record)
        return [(self.when, K.Kernel(f"{self.name}_record", shape, variables))]

    def state_arrays(self):
        return {"i": self._i, "t": self._t, "count": self._count, **self._values}

    def check_state(self, check):
        size = self._range[1] - self._range[0]
        check.same_length(["t", *self.record_variables], "i")
        check.indices("i", size)
        check.length("count", size)

    # -- what users read -------------------------------------------------------------------------
    def _implicit_variables(self):
        return {**implicit_variables(["N"]),
                "count": Variable("count", None, dtype="integer", read_only=True)}

    def state(self, name, use_units=True, level=0):
        if name == "count":
            return self.count
        return Recorder.state(self, name, use_units, level)

    @property
    def count(self):
        """Events per element of the source."""
        return self._count.data.copy()

    @property
    def num_events(self):
        """Events seen so far (also when only counting, ``record=False``)."""
        return int(self._count.data.sum())

    def _check_recorded(self):
        if not self.record:
            raise AttributeError("Indices and times have not been recorded. Set the record "
                                 "argument to True to record them.")

    @property
    def it(self):
        """``(i, t)``."""
        self._check_recorded()
        return self.i, self.t

    @property
    def it_(self):
        """``(i, t_)`` (times without units)."""
        self._check_recorded()
        return self.i, self.t_

    def values(self, var):
        """{element index: values of ``var`` at its events, in time order} for every element of
        the source."""
        self._check_recorded()
        indices = self._i.data
        order = np.argsort(indices, kind="stable")   # keeps the time order
        bounds = np.searchsorted(indices[order], np.arange(self._range[1] - self._range[0] + 1))
        values, dim = self._record_values(var)
        return {n: Quantity(values[order[bounds[n]:bounds[n + 1]]], dim=dim)
                for n in range(len(bounds) - 1)}

    def _record_values(self, var):
        if var == "t":
            return self._t.data, second.dim
        if var not in self._values:
            raise KeyError(f"{self.name} did not record '{var}'")
        return self._values[var].data, self.source_owner.variables[var].dim

    def event_trains(self):
        """{element index: event times} for every element of the source."""
        return self.values("t")

    def all_values(self):
        """{'t' and every recorded variable: {element index: values at its events}}."""
        return {v: self.values(v) for v in ["t", *self.record_variables]}

    def __repr__(self):
        return (f"<{type(self).__name__}, recording event '{self.event}' from "
                f"'{self.source.name}'>")


class SpikeMonitor(EventMonitor):
    """Record the index and time of every spike of ``source`` (and optionally ``variables``)."""

    _default_name = "spikemonitor"

    def __init__(self, source, variables=None, record=True, when=None, order=None,
                 name="spikemonitor*", codeobj_class=None):
        EventMonitor.__init__(self, source, "spike", variables, record, when, order, name)

    @property
    def num_spikes(self):
        """Spikes seen so far (also when only counting, ``record=False``)."""
        return self.num_events

    def spike_trains(self):
        """{neuron index: spike times} for every neuron of the source."""
        return self.event_trains()
