"""Selecting compartments of one section: by index, by slice, by distance along the section.

``sec[3]`` (negative counts from the end), ``sec[2:5]``, ``sec[4.5*um]`` (the compartment that
contains that point), ``sec[10*um:20*um]`` (the compartments that overlap the stretch) give a
:class:`SubMorphology`, a view with the same per-compartment attributes; ``sec.indices[...]``
gives the selected compartments' indices in the flattened tree. Rules as in Brian2: slices take
integers or lengths, not a mix and no step; a point within 1e-12 of the section's length of a
border between compartments counts as that border. Unlike Brian2, a selection outside the
section or an empty one is an IndexError (Brian2 returns views that reach into other sections).
"""
from __future__ import annotations

import operator

import numpy as np

from ..units import DIMENSIONLESS, get_dimensions
from .attributes import CompartmentAttributes
from .lengths import METRE, metres

__all__ = ["compartment_range", "is_whole", "SubMorphology", "MorphologyIndexWrapper"]

_TOLERANCE = 1e-12


def _is_length(value) -> bool:
    try:
        return get_dimensions(value) is METRE
    except TypeError:
        return False


def _is_dimensionless(value) -> bool:
    try:
        return get_dimensions(value) is DIMENSIONLESS
    except TypeError:
        return False


def _as_index(value):
    """``value`` as a Python int if it is an integer (not a bool), else None."""
    if isinstance(value, (bool, np.bool_)) or not _is_dimensionless(value):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _length_value(value, item) -> float:
    array = np.asarray(value, dtype=float)
    if array.size != 1:
        raise TypeError(f"A distance along a section is a single length, not {item!r}")
    return float(array.reshape(()))


def _near_border(value, borders, total):
    """Index of the border within the tolerance of ``value``, or None."""
    diff = np.abs(value - borders)
    k = int(np.argmin(diff))
    return k if diff[k] < _TOLERANCE * total else None


def _check_within(value, total, item):
    if value < 0 or value > (1 + _TOLERANCE) * total:
        raise IndexError(f"Invalid index {item}: a distance along this section has to be "
                         f"between 0 m and {metres(total)}")


def _range_of_lengths(section, item):
    ends = np.cumsum(section._compartment_values("length"))
    total = float(ends[-1])
    start, stop = 0, section.n
    if item.start is not None:
        value = _length_value(item.start, item)
        _check_within(value, total, item)
        k = _near_border(value, ends, total)
        start = k + 1 if k is not None else int(np.searchsorted(ends, value))
    if item.stop is not None:
        value = _length_value(item.stop, item)
        _check_within(value, total, item)
        k = _near_border(value, ends, total)
        stop = k + 1 if k is not None else int(np.searchsorted(ends, value)) + 1
    return start, min(stop, section.n)


def _compartment_at(section, item):
    value = _length_value(item, item)
    borders = np.concatenate([[0.0], np.cumsum(section._compartment_values("length"))])
    total = float(borders[-1])
    _check_within(value, total, item)
    k = _near_border(value, borders, total)
    index = k if k is not None else int(np.searchsorted(borders, value)) - 1
    return min(max(index, 0), section.n - 1)  # the section's end is in its last compartment


def is_whole(item) -> bool:
    """Whether ``indices[item]`` means all compartments: no item, or ``[:]``."""
    return item is None or (isinstance(item, slice) and item.start is None
                            and item.stop is None and item.step is None)


def compartment_range(section, item):
    """(start, stop) of the compartments of ``section`` that ``section[item]`` selects."""
    n = section.n
    if isinstance(item, slice):
        bounds = [b for b in (item.start, item.stop) if b is not None]
        if all(_is_length(b) for b in bounds):
            if item.step is not None:
                raise TypeError("Cannot give a step when slicing a section with lengths")
            start, stop = _range_of_lengths(section, item)
        elif all(_as_index(b) is not None for b in bounds):
            start, stop, step = slice(*[None if b is None else _as_index(b)
                                        for b in (item.start, item.stop)],
                                      item.step).indices(n)
            if step != 1:
                raise TypeError("Can only select a contiguous range of compartments (no step)")
        else:
            raise TypeError(f"A slice of a section takes two lengths or two integers, not "
                            f"{item!r}")
        if stop <= start:
            raise IndexError(f"The selection {item!r} contains no compartment")
        return start, stop
    if _is_length(item):
        index = _compartment_at(section, item)
        return index, index + 1
    index = _as_index(item)
    if index is None:
        raise TypeError(f"A section is indexed by an integer, a length, a slice of either, or "
                        f"a subtree's name, not {item!r} ({type(item).__name__})")
    if not -n <= index < n:
        raise IndexError(f"Invalid index {index} for a section of {n} compartments")
    index %= n
    return index, index + 1


class SubMorphology(CompartmentAttributes):
    """Compartments ``start <= k < stop`` of one section (``morpho.axon[10*um:20*um]``)."""

    def __init__(self, section, start, stop):
        self._section = section
        self._start = start
        self._stop = stop

    @property
    def n(self):
        """The number of compartments in this view."""
        return self._stop - self._start

    def __len__(self):
        return self.n

    @property
    def n_sections(self):
        """Always 1: a view is part of one section."""
        return 1

    @property
    def indices(self):
        """``view.indices[:]``: the indices of these compartments in the flattened tree."""
        return MorphologyIndexWrapper(self)

    def _indices(self, item=None):
        if not is_whole(item):
            raise IndexError("A view on part of a section cannot be indexed further")
        first = self._section._start_index() + self._start
        if item is None and self.n == 1:
            return first
        return np.arange(first, first + self.n)

    def _compartment_values(self, name):
        return self._section._compartment_values(name)[self._start:self._stop]

    def _absolute_points(self):
        points = self._section._absolute_points()
        return None if points is None else points[self._start:self._stop + 1]

    def __repr__(self):
        return f"<compartments {self._start}:{self._stop} of {self._section!r}>"


class MorphologyIndexWrapper:
    """``morpho.indices[item]``: the flattened indices of ``morpho[item]`` (no strings)."""

    def __init__(self, target):
        self._target = target

    def __getitem__(self, item):
        if isinstance(item, str):
            raise NotImplementedError("Morphologies do not support string indexing")
        return self._target._indices(item)
