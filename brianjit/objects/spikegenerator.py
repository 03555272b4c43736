"""SpikeGeneratorGroup: neurons that spike exactly at given times (optionally repeating).

The spikes live in C memory sorted by time step (bin) and neuron; a native kernel advances a
pointer through them each step and writes the spikes of the step into the spike space, like a
NeuronGroup's threshold, so monitors and synapses use it as any group. Before each run Python
recomputes the bins for the clock's dt and, for new spikes, skips those already in the past
(Brian2's semantics); ``set_spikes`` between runs changes the arrays, never the compiled code.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, second
from .base import BrianObject
from .events import new_event_space
from .group import Group, check_group_size
from .hierarchy import SpikeSource
from .model_warnings import warn_ignored_spikes, warn_long_period
from .stateful import Stateful
from .variables import Variable, Variables

__all__ = ["SpikeGeneratorGroup"]


#: what ``get_states()`` and attributes give besides the group's variables (Brian2's names):
#: (dimension, type, scalar); read-only (``period`` is a variable)
_SPIKE_ARRAY_NAMES = {"neuron_index": (DIMENSIONLESS, "integer", False),
                      "spike_number": (DIMENSIONLESS, "integer", False),
                      "spike_time": (second.dim, "float", False)}


def _timestep(times, dt):
    """Brian2's time step of ``times``: int((t + dt/1000) / dt)."""
    return np.asarray((np.asarray(times) + 1e-3 * dt) / dt, dtype=np.int64)


def _is_sorted(times, indices) -> bool:
    """Whether the spikes are in (time, index) order."""
    later = times[1:] > times[:-1]
    return bool(np.all(later | ((times[1:] == times[:-1]) & (indices[1:] >= indices[:-1]))))


def _binned(name, times, indices, period, dt):
    """(time bins, period in bins) of spikes in (time, index) order for ``dt``, or Brian2's
    errors: a period shorter than dt or not a multiple of it, a neuron spiking twice in a bin."""
    if period and period < dt:
        raise ValueError(f"The period of '{name}' is {period} s, which is smaller than its dt "
                         f"of {dt} s.")
    bins = _timestep(times, dt)
    twice = np.lexsort((bins, indices))  # by neuron, then bin: a repeat is a neighbour
    if np.any((np.diff(bins[twice]) == 0) & (np.diff(indices[twice]) == 0)):
        raise ValueError(f"Using a dt of {dt} s, some neurons of SpikeGeneratorGroup "
                         f"'{name}' spike more than once during a time step.")
    if len(bins) and bins.max() > np.iinfo(np.int32).max:
        raise ValueError(f"spike times of '{name}' beyond 2**31 time steps")
    period_bins = np.round(period / dt)
    if period_bins > np.iinfo(np.int32).max:
        period_bins = 0  # Brian2: treated as no period
    elif abs(period_bins * dt - period) > period * np.finfo(float).eps:
        raise NotImplementedError(f"The period of '{name}' is {period} s, which is not an "
                                  f"integer multiple of its dt of {dt} s.")
    return bins, int(period_bins)


def _set_array(array, values, dtype):
    array.resize(len(values))
    array.data[:] = np.asarray(values, dtype=dtype)


class SpikeGeneratorGroup(Group, BrianObject, Stateful, SpikeSource):
    """``SpikeGeneratorGroup(N, indices, times, period=0*second)``: neuron ``indices[k]`` spikes
    at the step containing ``times[k]`` (repeated every ``period`` if it is not zero).

    Its state (what ``store()`` saves) is the spikes (``neuron_index``, ``spike_time`` in
    (time, index) order, ``period``), the position of the next spike (``_lastindex``; -1: not
    placed yet) and the spike space; the kernel's time bins derive from the spikes and ``dt``."""

    add_to_magic_network = True

    def __init__(self, N, indices, times, dt=None, clock=None, period=0 * second,
                 when="thresholds", order=0, sorted=False, name="spikegeneratorgroup*",
                 codeobj_class=None):
        BrianObject.__init__(self, name=name, default_name="spikegeneratorgroup", clock=clock,
                             dt=dt, when=when, order=order)
        if isinstance(N, (bool, np.bool_)) or not isinstance(N, (numbers.Number, np.number)) \
                or N != int(N) or N < 1:
            raise TypeError(f"N has to be an integer >= 1, not {N!r}")
        check_group_size(int(N), f"SpikeGeneratorGroup '{self.name}'")
        self.start, self.stop = 0, int(N)
        self.namespace, self.equations = None, None
        self.variables = Variables(self._implicit_variables)
        self.spikespace = new_event_space(int(N), f"{self.name}.spikespace")
        self.event_spaces = {"spike": self.spikespace}
        self._spike_neurons = DynamicArray(0, dtype=np.int32)
        self._spike_times = DynamicArray(0, dtype=np.float64)
        self._period_seconds = DynamicArray(1, dtype=np.float64)
        # a variable, as in Brian2: get_states() has it, and a Synapses from here has period_pre
        self.variables["period"] = Variable("period", self._period_seconds, second.dim,
                                            scalar=True, read_only=True)
        self._neuron_index = DynamicArray(0, dtype=np.int32)
        self._timebins = DynamicArray(0, dtype=np.int32)
        self._lastindex = DynamicArray(1, dtype=np.int64)
        self._period_bins = DynamicArray(1, dtype=np.int64)
        self._previous_dt = None
        self.set_spikes(indices, times, period, sorted)
        self._lock_attributes()

    def set_spikes(self, indices, times, period=0 * second, sorted=False):
        """New spikes (and period) for the next run; see the class docstring. With
        ``sorted=True`` they must be in (time, index) order already."""
        fail_for_dimension_mismatch(times, second, "The spike times have to be times")
        fail_for_dimension_mismatch(period, second, "The period has to be a time")
        fail_for_dimension_mismatch(indices, 1, "The indices have to be dimensionless")
        # through Quantity: a list of quantities ([0*ms, 0.9*ms]) is not a list of floats
        times_ = np.atleast_1d(np.asarray(Quantity(times), dtype=np.float64))
        indices_ = np.atleast_1d(np.asarray(indices))
        period_ = float(np.asarray(period))
        if times_.ndim != 1 or indices_.ndim != 1 or len(times_) != len(indices_):
            raise ValueError(f"Length of the indices and times array must match, but "
                             f"{len(indices_)} != {len(times_)}")
        if len(indices_) and indices_.dtype.kind not in "iu" and not np.all(
                indices_ == np.round(indices_)):
            raise TypeError(f"The indices have to be integers, not {indices!r}")
        if not np.isfinite(period_) or period_ < 0:
            raise ValueError(f"The period cannot be negative (or infinite), got {period!r}")
        if len(times_) and not np.all(np.isfinite(times_)):
            raise ValueError("Spike times have to be finite")
        if len(times_) and times_.min() < 0:
            raise ValueError("Spike times cannot be negative")
        if len(indices_) and (indices_.min() < 0 or indices_.max() >= len(self)):
            raise ValueError(f"Indices have to lie in the interval [0, {len(self)}[")
        dt = self.clock.dt_
        if len(times_) and period_ != 0 and _timestep(times_.max(), dt) >= np.round(period_ / dt):
            raise ValueError("The period has to be greater than the maximum of the spike times")
        indices_ = indices_.astype(np.int64)
        if not sorted:
            order = np.lexsort((indices_, times_))
            indices_, times_ = indices_[order], times_[order]
        elif not _is_sorted(times_, indices_):
            raise ValueError(f"SpikeGeneratorGroup '{self.name}' was given sorted=True, but the "
                             f"spikes are not sorted by time (then by index)")
        _set_array(self._spike_neurons, indices_, np.int32)
        _set_array(self._spike_times, times_, np.float64)
        self._period_seconds.data[0] = period_
        self._lastindex.data[0] = -1  # the kernel skips the spikes before its first step
        self._spikes_changed = True

    # -- what a network needs ----------------------------------------------------------------------
    def structure_key(self):
        return (self.name, len(self))

    def kernels(self, ctx):
        slot = ctx.slots.slot
        shape = K.SpikeGenerator(len(self), slot(self.spikespace), slot(self._timebins),
                                 slot(self._neuron_index), slot(self._lastindex),
                                 slot(self._period_bins))
        return [(self._own_entry(), K.Kernel(f"{self.name}_spikes", shape, {}))]

    def prepare_run(self, n_steps):
        """Brian2's before_run: bins for the current dt, the pointer past spikes already gone."""
        if self._spikes_changed:
            self._lastindex.data[0] = -1  # also after set_spikes() during a run
            warn_ignored_spikes(self.name, self._spike_times.data, self.clock)
        if self._spikes_changed or self.clock.dt_ != self._previous_dt:
            self._rebin()

    def _rebin(self):
        """The kernel's arrays from the spikes and the clock's dt (checked: see _binned)."""
        dt = self.clock.dt_
        bins, period_bins = _binned(self.name, self._spike_times.data,
                                    self._spike_neurons.data, self._period, dt)
        _set_array(self._timebins, bins, np.int32)
        _set_array(self._neuron_index, self._spike_neurons.data, np.int32)
        self._period_bins.data[0] = period_bins
        if self._period and not period_bins:
            warn_long_period(self.name, dt)
        self._previous_dt = dt
        self._spikes_changed = False

    # -- snapshots --------------------------------------------------------------------------------
    def state_arrays(self):
        return {"neuron_index": self._spike_neurons, "spike_time": self._spike_times,
                "period": self._period_seconds, "_lastindex": self._lastindex,
                "_spikespace": self.spikespace}

    def check_state(self, check):
        neurons, times = check["neuron_index"], check["spike_time"]
        check.same_length(["spike_time"], "neuron_index")
        check.indices("neuron_index", len(self))
        check.finite("spike_time", minimum=0)
        if not _is_sorted(times, neurons):
            check.fail("spike_time", "is not in (time, index) order")
        check.length("period", 1)
        check.finite("period", minimum=0)
        check.length("_lastindex", 1)
        if not -1 <= check["_lastindex"][0] <= len(neurons):
            check.fail("_lastindex", f"is {check['_lastindex'][0]}, not a position among "
                                     f"{len(neurons)} spikes", IndexError)
        check.spike_space("_spikespace", len(self))
        _binned(self.name, times, neurons, float(check["period"][0]), check.dt)

    def state_restored(self):
        self._rebin()

    # -- reading --------------------------------------------------------------------------------
    @property
    def _period(self):
        return float(self._period_seconds.data[0])

    @property
    def period(self):
        return Quantity(self._period, dim=second.dim)

    @property
    def spikes(self):
        """Indices of the neurons that spiked in the most recent step."""
        space = self.spikespace.data
        return space[:space[-1]].copy()

    def _spike_arrays(self, use_units=True):
        """Brian2's read-only variables of the spikes, in (time, index) order: copies."""
        times = self._spike_times.data.copy()
        return {"neuron_index": self._spike_neurons.data.copy(),
                "spike_number": np.arange(len(times), dtype=np.int32),
                "spike_time": Quantity(times, dim=second.dim) if use_units else times}

    def _state_names(self, subexpressions, read_only_variables):
        names = Group._state_names(self, subexpressions, read_only_variables)
        return names + sorted(self._spike_arrays()) if read_only_variables else names

    def variable_info(self, name):
        if name in _SPIKE_ARRAY_NAMES:
            dim, dtype, scalar = _SPIKE_ARRAY_NAMES[name]
            return Variable(name, None, dim, dtype, scalar=scalar, read_only=True)
        return Group.variable_info(self, name)

    def state(self, name, use_units=True, level=0):
        if name in _SPIKE_ARRAY_NAMES:
            return self._spike_arrays(use_units)[name]
        return Group.state(self, name, use_units, level)

    def __getattr__(self, name):
        if name in _SPIKE_ARRAY_NAMES:
            return self._spike_arrays()[name]
        return Group.__getattr__(self, name)

    def __repr__(self):
        return (f"SpikeGeneratorGroup({len(self)}, indices=<length {len(self._spike_neurons)} "
                f"array>, times=<length {len(self._spike_times)} array>)")
