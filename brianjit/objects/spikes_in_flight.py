"""The spikes of a synaptic pathway that have not reached all their synapses yet, on the numpy side.

What native code keeps (``kernel.Propagate``, lowered in ``codegen/shapes_synapses.py``):

- the *spike lists* of the steps in flight: ``spikes`` (the neurons, int32) and ``steps`` (one row
  ``(emission step, number of spikes)`` per step that had any), in emission order, only for
  neurons that have synapses. A FIFO: each step appends its list; one cursor per *delay class*
  (a distinct delay in steps) walks the lists, and the class of delay ``d`` delivers the list of
  step ``e`` at ``e + d`` to its neurons' synapses of delay ``d``; a list is dead once the
  largest delay has passed. Memory follows the spikes emitted during the largest delay, not
  delay x population (a 1000 s delay for 100 neurons costs what 100 neurons emit in 1000 s, the
  former ring of depth x (N+1) int32 cost 4 GB); a step costs a check per class plus what it
  delivers, and the inner loop is the former ring's: no or homogeneous delays are "each spike,
  its synapses".
- ``pending``: rows ``(delivery step, synapse)`` for events that were in flight when the synapses,
  their delays or ``dt`` changed. As in Brian2, a spike keeps the delivery time (and the synapses)
  it got when it was emitted; a change of ``dt`` rounds the remaining time to the new step
  (Brian2's ``SpikeQueue.prepare``). Converting costs per synapse, once, at such a change.

All are in steps of ``dt``, the pathway's ``queue_dt`` (kept with them, since the clock's ``dt``
may change before they are converted). Everything else is derived from ``i``/``j``, the delays
and ``dt`` (:class:`PathwayIndex`, the dense table, the cursors), rebuilt before every run and
never stored in a snapshot.

A spike finds its synapses of a class through a dense (neuron, class) table of offsets when that
costs at most a few int32 per synapse or neuron (:func:`dense_offsets`), else by binary search
in the neuron's groups: measured on 4,000 neurons x 80 synapses with 51 delay classes, the dense
table propagates as fast as the former ring, while a per-visit search or a per-row pointer into
the groups took twice as long.

Delivery order inside a step is Brian2's: older spikes first (pending events, then the classes
from the largest delay down), then by source neuron, then by synapse.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["PathwayIndex", "build_index", "dense_offsets", "pending_events", "merge_pending",
           "rescale_steps", "class_cursors", "check_in_flight", "MAX_STEPS"]

#: delays and step numbers stay below this, so that ``emission + delay`` never overflows an int64
MAX_STEPS = 1 << 60


class PathwayIndex(NamedTuple):
    """The synapses of a pathway grouped by (source neuron, delay class).

    ``delays`` (int64, strictly increasing): the delay in steps of each class. A *group* is one
    (neuron, class) pair with synapses: the groups of neuron ``n`` are
    ``neuron_groups[n]:neuron_groups[n+1]`` (int32, CSR), in increasing class; group ``g`` has
    class ``group_class[g]`` and its synapses at positions ``group_first[g]:group_first[g+1]`` of
    ``order`` (int32 synapse ids; empty when that is the identity, i.e. the synapses are stored
    by source neuron and class already). Increasing delays matter: a spike then walks its
    neuron's synapses forward in memory as time goes on, measured 25-30 % faster with 51 classes
    than walking them backward."""

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
    delays = np.unique(steps)
    n_classes = len(delays)
    classes = np.searchsorted(delays, steps).astype(np.int64)
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


def dense_offsets(index: PathwayIndex, n_neurons: int) -> np.ndarray:
    """``offsets[neuron * K + class]``: where that pair's synapses start in ``order`` (int32,
    ``neurons * classes + 1`` entries), or an empty array when that table would cost more than
    four int32 per synapse and two per neuron (many delay classes): groups are searched then."""
    n_classes, n_synapses = len(index.delays), int(index.group_first[-1])
    size = n_neurons * n_classes + 1
    if size > max(4 * n_synapses, 2 * n_neurons) + 1:
        return np.zeros(0, dtype=np.int32)
    neurons = np.repeat(np.arange(n_neurons), np.diff(index.neuron_groups))
    counts = np.zeros(size, dtype=np.int64)
    counts[neurons * n_classes + index.group_class + 1] = np.diff(index.group_first)
    return np.cumsum(counts).astype(np.int32)


def pending_events(index: PathwayIndex, emitted: np.ndarray, neurons: np.ndarray,
                   now: int) -> np.ndarray:
    """Rows ``(delivery step, synapse)`` for what the spikes of ``neurons`` emitted at
    ``emitted`` (steps) still have to deliver at steps ``>= now`` under ``index``, in delivery
    order."""
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


def class_cursors(delays: np.ndarray, steps: np.ndarray, now: int):
    """For each class, ``(row, first spike)``: the first spike list of ``steps`` it has not
    delivered before step ``now``, and where that list starts in the spikes."""
    rows = np.searchsorted(steps[:, 0], now - delays, side="left").astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(steps[:, 1])]).astype(np.int64)
    return rows, starts[rows]


def check_in_flight(spikes: np.ndarray, steps: np.ndarray, pending: np.ndarray, n_neurons: int,
                    n_synapses: int, where: str):
    """Refuse (ValueError) what native code could not use safely: neurons or synapses out of
    range, lists that do not add up, steps out of order or beyond :data:`MAX_STEPS`."""
    def fail(what):
        raise ValueError(f"{where}: {what}")
    if spikes.ndim != 1 or steps.ndim != 2 or steps.shape[1] != 2 or pending.ndim != 2 \
            or pending.shape[1] != 2:
        fail(f"the spike lists and events have the shapes {spikes.shape}, {steps.shape} and "
             f"{pending.shape}, not (n,), (m, 2) and (k, 2)")
    if len(steps) and (steps[:, 1].min() < 1 or steps[:, 1].sum() != len(spikes)):
        fail(f"the spike lists count {steps[:, 1].sum()} spikes (each at least one), but "
             f"{len(spikes)} are stored")
    for name, order, items, bound in (("spike lists", steps[:, 0], spikes, n_neurons),
                                      ("pending synaptic events", pending[:, 0], pending[:, 1],
                                       n_synapses)):
        if len(order) and (order.min() < -MAX_STEPS or order.max() >= MAX_STEPS
                           or np.any(order[1:] < order[:-1])):
            fail(f"the steps of the {name} must be ordered and below 2**60")
        if len(items) and (items.min() < 0 or items.max() >= bound):
            bad = items.max() if items.max() >= bound else items.min()
            fail(f"the {name} refer to index {bad}, outside 0..{bound - 1}")
