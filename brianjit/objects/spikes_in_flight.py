"""The spikes of a synaptic pathway that have not reached all their synapses yet, on the numpy side.

What native code keeps (``kernel.Propagate``, lowered in ``codegen/shapes_synapses.py``):

- ``spikes``: one row ``(emission step, source neuron, next group)`` per spike of a neuron that
  has synapses, in emission order: a FIFO that is appended at every step and read by one cursor
  per *delay class* (a distinct delay in steps). The class of delay ``d`` delivers the spike at
  ``e + d`` to that neuron's synapses of delay ``d``; a row is dead once the largest delay has
  passed. Classes reach a row in increasing delay, so the row's third column, the neuron's next
  group to deliver (counting down; derived, see :func:`next_groups`), makes each visit O(1).
  Memory follows the spikes emitted during the largest delay, not delay x population (a 1000 s
  delay for 100 neurons costs what 100 neurons emit in 1000 s), and a step costs one check per
  class and row due plus the synapses it reaches: no or homogeneous delays are "each spike, its
  synapses", as many classes cost what the former ring of spike lists cost.
- ``pending``: rows ``(delivery step, synapse)`` for events that were in flight when the synapses,
  their delays or ``dt`` changed. As in Brian2, a spike keeps the delivery time (and the synapses)
  it got when it was emitted; a change of ``dt`` rounds the remaining time to the new step
  (Brian2's ``SpikeQueue.prepare``). Converting costs per synapse, once, at such a change.

Both are in steps of ``dt``, the pathway's ``queue_dt`` (kept with them, since the clock's ``dt``
may change before they are converted). Everything else is derived from ``i``/``j``, the delays
and ``dt`` (:class:`PathwayIndex`, the cursors, the rows' next groups) and rebuilt before every
run; a snapshot's third column is ignored.

Delivery order inside a step is Brian2's: older spikes first (pending events, then the classes
from the largest delay down), then by source neuron, then by synapse.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["PathwayIndex", "build_index", "pending_events", "merge_pending", "rescale_steps",
           "next_groups", "class_cursors", "check_in_flight", "MAX_STEPS"]

#: delays and step numbers stay below this, so that ``emission + delay`` never overflows an int64
MAX_STEPS = 1 << 60


class PathwayIndex(NamedTuple):
    """The synapses of a pathway grouped by (source neuron, delay class).

    ``delays`` (int64, strictly decreasing): the delay in steps of each class. A *group* is one
    (neuron, class) pair with synapses: the groups of neuron ``n`` are
    ``neuron_groups[n]:neuron_groups[n+1]`` (int32, CSR), in increasing class; group ``g`` has
    class ``group_class[g]`` and its synapses at positions ``group_first[g]:group_first[g+1]`` of
    ``order`` (int32 synapse ids; empty when that is the identity, i.e. the synapses are stored
    by source neuron and class already)."""

    delays: np.ndarray
    neuron_groups: np.ndarray
    group_class: np.ndarray
    group_first: np.ndarray
    order: np.ndarray


def build_index(sources: np.ndarray, steps: np.ndarray, n_neurons: int) -> PathwayIndex:
    """The index of synapses from ``sources`` (relative neuron per synapse) with ``steps``
    (delay in steps per synapse, or one value for all)."""
    n_synapses = len(sources)
    steps = np.broadcast_to(np.asarray(steps, dtype=np.int64), (n_synapses,))
    delays = np.unique(steps)[::-1].copy()
    n_classes = len(delays)
    classes = (n_classes - 1 - np.searchsorted(delays[::-1], steps)).astype(np.int64)
    keys = sources.astype(np.int64) * max(n_classes, 1) + classes
    if n_synapses and np.any(keys[1:] < keys[:-1]):
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        order = order.astype(np.int32)
    else:
        order = np.zeros(0, dtype=np.int32)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n_synapses else \
        np.zeros(0, dtype=np.int64)
    group_keys = keys[starts]
    neurons = group_keys // max(n_classes, 1)
    return PathwayIndex(
        delays=delays,
        neuron_groups=np.searchsorted(neurons, np.arange(n_neurons + 1)).astype(np.int32),
        group_class=(group_keys % max(n_classes, 1)).astype(np.int32),
        group_first=np.r_[starts, n_synapses].astype(np.int32),
        order=order)


def _ranges(first: np.ndarray, last: np.ndarray):
    """(owner, position): every ``position`` in ``range(first[k], last[k])`` with its ``k``."""
    counts = (last - first).astype(np.int64)
    owner = np.repeat(np.arange(len(first)), counts)
    starts = np.cumsum(counts) - counts
    positions = np.arange(counts.sum()) - np.repeat(starts, counts) + np.repeat(first, counts)
    return owner, positions


def pending_events(index: PathwayIndex, spikes: np.ndarray, now: int) -> np.ndarray:
    """Rows ``(delivery step, synapse)`` for what the ``spikes`` rows (emission step, neuron)
    still have to deliver at steps ``>= now`` under ``index``, in delivery order."""
    emitted, neurons = spikes[:, 0], spikes[:, 1]
    entry, group = _ranges(index.neuron_groups[neurons], index.neuron_groups[neurons + 1])
    when = emitted[entry] + index.delays[index.group_class[group]]
    later = when >= now
    group, when = group[later], when[later]
    owner, position = _ranges(index.group_first[group], index.group_first[group + 1])
    synapses = index.order[position] if len(index.order) else position
    events = np.stack([when[owner], synapses.astype(np.int64)], axis=1)
    return events[np.argsort(events[:, 0], kind="stable")]


def merge_pending(older: np.ndarray, newer: np.ndarray) -> np.ndarray:
    """Both sets of events in delivery order; at the same step, ``older``'s first."""
    events = np.concatenate([older, newer]).reshape(-1, 2)
    return events[np.argsort(events[:, 0], kind="stable")]


def rescale_steps(when: np.ndarray, now_old: int, dt_old: float, now_new: int,
                  dt_new: float) -> np.ndarray:
    """Delivery steps after ``dt`` changed: the remaining steps converted and rounded half up
    with the floating-point operations of Brian2's (C++) spike queue,
    ``int(remaining * (dt_old / dt_new) + 0.5)``. (That queue can also lose events whose new
    steps coincide; none is lost here, as in Brian2's Python ``SpikeQueue``.)"""
    remaining = (when - now_old).astype(np.float64)
    return now_new + np.floor(remaining * (dt_old / dt_new) + 0.5).astype(np.int64)


def next_groups(index: PathwayIndex, spikes: np.ndarray, now: int) -> np.ndarray:
    """For each ``(emission step, neuron)`` row, the neuron's group the row delivers next at
    steps ``>= now``: the last of its groups (in decreasing delay) not yet due before ``now``,
    one before its first group when none is left."""
    neurons = spikes[:, 1]
    first = index.neuron_groups[neurons].astype(np.int64)
    entry, group = _ranges(first, index.neuron_groups[neurons + 1])
    waiting = spikes[entry, 0] + index.delays[index.group_class[group]] >= now
    return first + np.bincount(entry[waiting], minlength=len(spikes)) - 1


def class_cursors(delays: np.ndarray, emitted: np.ndarray, now: int) -> np.ndarray:
    """For each class, the first row whose spike it has not delivered before step ``now``."""
    return np.searchsorted(emitted, now - delays, side="left").astype(np.int64)


def check_in_flight(spikes: np.ndarray, pending: np.ndarray, n_neurons: int, n_synapses: int,
                    where: str):
    """Refuse (ValueError) rows native code could not use safely: neurons or synapses out of
    range, steps out of order or beyond :data:`MAX_STEPS`."""
    def fail(what):
        raise ValueError(f"{where}: {what}")
    for name, rows, width, bound in (("spikes in flight", spikes, 3, n_neurons),
                                     ("pending synaptic events", pending, 2, n_synapses)):
        if rows.ndim != 2 or rows.shape[1] != width:
            fail(f"the {name} must be rows of {width} integers, not of shape {rows.shape}")
        if not len(rows):
            continue
        steps, items = rows[:, 0], rows[:, 1]
        if steps.min() < -MAX_STEPS or steps.max() >= MAX_STEPS or np.any(steps[1:] < steps[:-1]):
            fail(f"the steps of the {name} must be ordered and below 2**60")
        if items.min() < 0 or items.max() >= bound:
            fail(f"the {name} refer to index {items.max() if items.max() >= bound else items.min()}"
                 f", outside 0..{bound - 1}")
