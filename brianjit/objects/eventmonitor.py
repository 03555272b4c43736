"""EventMonitor and SpikeMonitor: the index and time of every event of a group (and values of
its variables at that moment), recorded by native code.

Brian2's SpikeMonitor is an EventMonitor of the event ``'spike'``, with its own names for the
same things (``spike_trains`` for ``event_trains``, ``num_spikes`` for ``num_events``); both are
groups of their records (``mon.i``, ``mon.t``, ``mon.v`` are VariableViews, ``mon.t['i == 1']``
works, ``get_states()`` exports them; see monitors.py). The events come from the group's event
space of that name (``events.event_space``). ``count`` counts every event of the source;
``record`` says which are recorded: all (True), none (False: only the variables), or those of the
given elements (brianjit's extension, see docs/differences.md).
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, second
from .base import BrianObject
from .events import event_space
from .group import implicit_variables
from .hierarchy import SpikeSource
from .monitors import Recorder, record_indices, record_variable, source_range
from .stateful import Stateful
from .variables import Variable, array_vars, own_indices

__all__ = ["EventMonitor", "SpikeMonitor"]


def _default_schedule(owner, event):
    """Brian2's place of a monitor: right after the object that fills the event space (the
    event's thresholder, or a group that makes its spikes itself)."""
    thresholder = getattr(owner, "thresholder", {}).get(event, owner)
    return thresholder.when, thresholder.order + 1


class EventMonitor(Recorder, BrianObject, Stateful):
    """Record the index and time of every ``event`` of ``source`` (``record=False``: only count
    them; indices: only those elements' events), and the values of ``variables`` then."""

    add_to_magic_network = True
    invalidates_magic_network = False   # Brian2: a monitor may join a magic network later

    def __init__(self, source, event, variables=None, record=True, when=None, order=None,
                 name="eventmonitor*", codeobj_class=None):
        if not isinstance(source, SpikeSource):
            raise TypeError(f"{type(self).__name__} can only monitor groups producing spikes "
                            f"(such as NeuronGroup), not {source!r}")
        owner, start, stop = source_range(source)
        space = event_space(source, event)
        if when is None:
            if order is not None:
                raise ValueError("Cannot specify order if when is not specified.")
            when, order = _default_schedule(owner, event)
        elif order is None:
            order = 0
        BrianObject.__init__(self, name=name, default_name=self._default_name,
                             clock=owner.clock, when=when, order=order)
        self.add_dependency(owner)
        variables = [variables] if isinstance(variables, str) else list(variables or [])
        for var in variables:
            if owner.variables.get(var) is None:
                raise ValueError(f"'{var}' is not a state variable of the recorded group "
                                 f"{owner.name}")
        self.source, self.source_owner, self.event = source, owner, event
        if record is None or isinstance(record, np.bool_):
            record = bool(record)   # None records nothing, as Brian2's falsy values
        self.record = record
        self._space, self._range = space, (start, stop)
        self.record_variables = variables
        self._selected = self._selection(source, record, stop - start)
        self._i = DynamicArray(0, dtype=np.int32, label=f"{self.name}.i")
        self._t = DynamicArray(0, dtype=np.float64, label=f"{self.name}.t")
        # 64-bit: a neuron can spike on more than 2**31 steps of a long run
        self._count = DynamicArray(stop - start, dtype=np.int64, label=f"{self.name}.count")
        self._values = {v: DynamicArray(0, dtype=owner.variables[v].array.dtype,
                                        label=f"{self.name}.{v}")
                        for v in variables}
        records = {v: record_variable(v, self._values[v], owner.variables[v].dim,
                                      owner.variables[v].dtype) for v in variables}
        if self._records_indices:
            records["i"] = record_variable("i", self._i, DIMENSIONLESS, "integer")
            records["t"] = record_variable("t", self._t, second.dim, "float")
        self._init_records(records)
        self._lock_attributes()

    def _selection(self, source, record, size):
        """None (every element's events are recorded) or a byte per element of the source, 1
        where its events are recorded (``record`` given as indices)."""
        if record is True or record is False:
            return None
        selected = DynamicArray(size, dtype=np.uint8, label=f"{self.name}.selected")
        selected.data[record_indices(source, own_indices(record, source), size)] = 1
        return selected

    @property
    def _records_indices(self):
        return self.record is not False

    def _record_arrays(self):
        """The arrays that get a row per recorded event."""
        return ([self._i, self._t] if self._records_indices else []) + [
            self._values[v] for v in self.record_variables]

    @property
    def stop(self):
        """The number of records (a monitor is a group of its records)."""
        arrays = self._record_arrays()
        return len(arrays[0]) if arrays else 0

    _default_name = "eventmonitor"

    def kernels(self, ctx):
        owner, (start, stop) = self.source_owner, self._range
        variables = array_vars(ctx.slots, owner.variables, self.record_variables, start)
        variables.update(ctx.environment(self, self.clock))
        slot = ctx.slots.slot
        shape = K.RecordSpikes(slot(self._space), len(owner), start, stop,
                               slot(self._i) if self._records_indices else None,
                               slot(self._t) if self._records_indices else None,
                               slot(self._count), tuple(self.record_variables),
                               tuple(slot(self._values[v]) for v in self.record_variables),
                               slot(self._selected) if self._selected is not None else None)
        return [(self._own_entry(), K.Kernel(f"{self.name}_record", shape, variables))]

    def front_key(self, keying):
        """Its source (by position), event, what it records, and the source's range."""
        if type(self) not in (EventMonitor, SpikeMonitor):
            return None
        record = self.record if self.record is True or self.record is False else "selected"
        return (keying.ref(self.source), keying.ref(self.source_owner), self.event, record,
                tuple(self.record_variables), self._range, len(self.source_owner))

    def bindable_arrays(self):
        arrays = {"i": self._i, "t": self._t, "count": self._count,
                  **{f"values:{v}": a for v, a in self._values.items()}}
        if self._selected is not None:
            arrays["selected"] = self._selected
        return arrays

    def state_arrays(self):
        return {**({"i": self._i, "t": self._t} if self._records_indices else {}),
                "count": self._count, **self._values}

    def check_state(self, check):
        size = self._range[1] - self._range[0]
        names = (["i", "t"] if self._records_indices else []) + self.record_variables
        if names:
            check.same_length(names[1:], names[0])
        if self._records_indices:
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
        if not self._records_indices:
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
