"""What an index means for a group: Brian2's indexing rules, in one place.

* Neurons (``G.v[item]``): a slice, an integer, integers, a boolean mask, or an ``ElementSet``
  (a group or subgroup of the same owner: ``G.v[SG]``); a tuple is an IndexError, anything else
  (floats, objects, ``None``) a TypeError, as in Brian2.
* Synapses (``S.w[item]``): a synapse index as above, or a tuple ``(i, j[, k])`` of presynaptic
  and postsynaptic neurons (indices, slices, subgroups) and the number ``k`` among the synapses
  of a pair (with ``multisynaptic_index``); everything else is an IndexError.
* Subgroups (``G[item]``): a slice with step 1, an integer, or contiguous ascending integers.

An ``ElementSet`` is anything that stands for some elements of one owner's arrays and may be
used as an index: every group (``element_indices()`` gives its range) and ``SynapticSubgroup``
(``S[...]``: a fixed set of synapses, e.g. for ``StateMonitor(S, 'w', record=S[:, 1])``).
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["ElementSet", "SynapticSubgroup", "IndexWrapper", "neuron_indices", "synapse_indices",
           "subgroup_range", "relative_indices", "warn_if_ambiguous"]


class ElementSet:
    """Protocol: ``element_indices()`` returns ``(owner, indices)``, the elements' positions in
    the arrays of ``owner`` (the object that owns them: a NeuronGroup, a Synapses ...)."""

    def element_indices(self):
        raise NotImplementedError


class SynapticSubgroup(ElementSet):
    """``S[item]``: the synapses of ``S`` that ``item`` selects, in their order; usable wherever
    synapses are indexed. Invalid once synapses are added (as in Brian2)."""

    def __init__(self, synapses, indices):
        self.synapses = synapses
        self._synapse_ids = np.asarray(indices, dtype=np.int32)
        self._created_with = len(synapses)

    def element_indices(self):
        if len(self.synapses) != self._created_with:
            raise RuntimeError(f"Synapses have been added to {self.synapses.name} since this "
                               f"synaptic subgroup was created")
        return self.synapses, self._synapse_ids.copy()

    def __len__(self):
        return len(self._synapse_ids)

    def __array__(self, dtype=None, copy=None):
        return self._synapse_ids.astype(dtype) if dtype is not None else self._synapse_ids.copy()

    def __repr__(self):
        return f"<SynapticSubgroup, storing {len(self._synapse_ids)} indices of {self.synapses.name}>"


def relative_indices(group, elements: ElementSet):
    """The elements of ``elements`` as indices relative to ``group`` (IndexError if they are not
    all part of it)."""
    owner, absolute = elements.element_indices()
    if owner is not group.owner:
        raise IndexError(f"cannot index {group.name} with {elements!r}: it is not a part of "
                         f"{group.owner.name}")
    relative = absolute - group.start
    if relative.size and (relative.min() < 0 or relative.max() >= len(group)):
        raise IndexError(f"cannot index {group.name} with {elements!r}: it has elements outside "
                         f"of {group.name}")
    return relative


def neuron_indices(group, item):
    """``item`` as an index into the elements of ``group`` (a slice stays a slice)."""
    if isinstance(item, ElementSet):
        return relative_indices(group, item)
    if isinstance(item, tuple):
        raise IndexError(f"Can only interpret 1-d indices, got {len(item)} dimensions.")
    if isinstance(item, slice):
        return item
    n = len(group)
    index = np.asarray(item)
    if index.size == 0 and index.dtype.kind == "f":   # [] (numpy reads it as no index)
        index = index.astype(np.int64)
    if index.dtype == bool:
        if index.shape != (n,):
            raise IndexError(f"boolean index of shape {index.shape} for {group.name} of size {n}")
        return index
    if index.dtype.kind not in "iu":
        raise TypeError(f"Indexing is only supported for integer and boolean arrays, not for "
                        f"{item!r} (type {index.dtype})")
    if index.ndim > 1:
        raise IndexError(f"Can only interpret 1-d indices, got {index.ndim} dimensions.")
    if index.size and (index.max() >= n or index.min() < -n):
        raise IndexError(f"index {item!r} out of range for {group.name} of size {n}")
    return index


def _neurons_of(group, part):
    """Indices of ``group``'s neurons selected by one part of a synapse tuple; nothing for an
    index out of range (Brian2 returns no synapses then)."""
    if isinstance(part, ElementSet):
        return relative_indices(group, part)
    try:
        index = neuron_indices(group, part)
    except IndexError:
        return np.array([], dtype=np.int64)
    except TypeError as err:
        raise IndexError(str(err)) from None
    return np.arange(len(group))[index]


def synapse_indices(synapses, item):
    """``item`` as an index into the synapses of ``synapses`` (see the module docstring)."""
    if isinstance(item, ElementSet):
        return relative_indices(synapses, item)
    if isinstance(item, slice):
        return item
    if isinstance(item, tuple):
        return _synapses_by_pair(synapses, item)
    if isinstance(item, range):
        item = np.asarray(item)
    if isinstance(item, (numbers.Integral, np.integer, np.ndarray, list)) \
            and not isinstance(item, bool):
        try:
            return neuron_indices(synapses, item)
        except TypeError as err:
            raise IndexError(str(err)) from None
    raise IndexError(f"Unsupported index for the synapses of {synapses.name}: {item!r} "
                     f"(type {type(item).__name__})")


def _synapses_by_pair(synapses, item):
    if len(item) not in (2, 3):
        raise IndexError(f"Need 1, 2 or 3 indices for synapses, got {len(item)}.")
    pre = _neurons_of(synapses.source, item[0])
    post = _neurons_of(synapses.target, item[1])
    mask = np.isin(synapses.raw_values("i"), pre) & np.isin(synapses.raw_values("j"), post)
    if len(item) == 3 and not (isinstance(item[2], slice) and item[2] == slice(None)):
        name = synapses.multisynaptic_index
        if name is None:
            raise IndexError("To index by the third dimension you need to switch on the "
                             "calculation of the 'multisynaptic_index' when you create the "
                             "Synapses object.")
        k = item[2]
        if isinstance(k, slice):
            start, stop, step = k.start or 0, k.stop, k.step or 1
            numbers_ = synapses.raw_values(name)
            mask &= (numbers_ >= start) & ((numbers_ - start) % step == 0)
            if stop is not None:
                mask &= numbers_ < stop
        elif isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, bool):
            mask &= synapses.raw_values(name) == k
        else:
            raise NotImplementedError("Indexing synapses with arrays of synapse numbers (the "
                                      "third index) is not supported, as in Brian2")
    return np.flatnonzero(mask)


def subgroup_range(group, item):
    """``(start, stop)`` relative to ``group`` of the subgroup ``G[item]``."""
    n = len(group)
    if isinstance(item, slice):
        start, stop, step = item.indices(n)
        if step != 1:
            raise IndexError("Subgroups have to be contiguous (a slice with step 1)")
    elif isinstance(item, (numbers.Integral, np.integer)) and not isinstance(item, bool):
        start = int(item) + (n if item < 0 else 0)
        if not 0 <= start < n:
            raise IndexError(f"index {item} out of range for {group.name} of size {n}")
        stop = start + 1
    elif isinstance(item, (list, tuple, np.ndarray)):
        values = np.asarray(item)
        if not (values.ndim == 1 and len(values) and np.all(np.diff(values) == 1)):
            raise IndexError(f"Subgroups can only be constructed using contiguous indices, "
                             f"not {item!r}")
        if values.dtype.kind not in "iu":
            raise TypeError(f"Subgroups can only be constructed using integer values, "
                            f"not {item!r}")
        start, stop = int(values[0]), int(values[-1]) + 1
        if start < 0 or stop > n:
            raise IndexError(f"indices {item!r} out of range for {group.name} of size {n}")
    else:
        raise TypeError(f"Subgroups of {group.name} are made with a slice (G[10:20]), a single "
                        f"index or contiguous indices, not {item!r}")
    if stop <= start:
        raise IndexError(f"Illegal start/end values for a subgroup of {group.name}: "
                         f"{start} >= {stop}")
    return start, stop


class IndexWrapper:
    """``G.indices[item]``: the indices of the elements ``item`` selects (a string condition
    too), as Brian2's ``G.indices``."""

    def __init__(self, group):
        self._group = group

    def __getitem__(self, item):
        group = self._group
        if isinstance(item, str):
            return group.indices_where(item)
        if item is None:
            raise TypeError("None is not an index (numpy would read it as a new axis)")
        return np.arange(len(group), dtype=np.int32)[group.check_index(item)]


def warn_if_ambiguous(group, name, item, value):
    """Brian2's warning for a string expression set with a group as index
    (``G.v[SG] = 'i'``): ``i`` and ``N`` (and a Synapses' ``N_pre``/``N_post``) are those of
    ``group``, not of the group used as index."""
    parts = item if isinstance(item, tuple) else (item,)
    if not isinstance(value, str) or not any(isinstance(p, ElementSet) for p in parts):
        return
    from ..model.parse import parse_expression
    from ..utils import warn
    ambiguous = {"i", "N"}
    if len(parts) > 1:
        ambiguous |= {name for name, part in zip(("N_pre", "N_post"), parts)
                      if isinstance(part, ElementSet)}
    used = {s.name for s in parse_expression(value).free_symbols}
    for used_name in sorted(used & ambiguous):
        warn("brian2.core.variables.ambiguous_string_expression",
             f"The string expression used for setting '{name}' refers to '{used_name}' which "
             f"might be ambiguous. It will be interpreted as referring to '{used_name}' in "
             f"'{group.name}', not as a variable of a group used for indexing.")
