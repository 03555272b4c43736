"""State variables of a group and the views users index them through (``G.v[...]``).

A ``Variable`` is the model's description of one piece of state (name, unit, type, storage in a
DynamicArray). A ``VariableView`` is what ``G.v`` returns: it reads and writes with units, by
index, slice, boolean mask or a string condition, and accepts string expressions on the right-hand
side (evaluated by native code, through the group).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, get_dimensions

__all__ = ["Variable", "VariableView", "NUMPY_DTYPES", "IndexSource", "own_indices"]

NUMPY_DTYPES = {"float": np.float64, "integer": np.int32, "boolean": np.bool_}


@dataclass
class Variable:
    """One state variable: ``array`` holds its values (one element if ``scalar``)."""

    name: str
    array: DynamicArray
    dim: object = DIMENSIONLESS
    dtype: str = "float"
    scalar: bool = False
    read_only: bool = False
    constant: bool = False

    def with_unit(self, values):
        if self.dtype != "float":
            return values
        return Quantity(values, dim=self.dim, copy=False) if self.dim is not DIMENSIONLESS else values


class VariableView:
    """``G.v``: the variable ``name`` of ``group`` (a group or subgroup), with units."""

    def __init__(self, group, name, unitless=False):
        self.group = group
        self.name = name
        self.variable = group.variable(name)
        self.unitless = unitless

    # -- reading ---------------------------------------------------------------------------------
    def get_raw(self, item=slice(None)):
        """Plain numpy values (a copy) for ``item``."""
        if isinstance(item, str):
            item = self.group.indices_where(item)
        values = self.group.raw_values(self.name)
        if self.variable.scalar:
            if not (isinstance(item, slice) and item == slice(None)) and item not in (0, Ellipsis):
                raise IndexError(f"'{self.name}' is a shared variable: it can only be indexed with [:]")
            return values.copy()[0] if np.ndim(values) else values
        return values[self.group.check_index(item)].copy()

    def __getitem__(self, item):
        raw = self.get_raw(item)
        return raw if self.unitless else self.variable.with_unit(raw)

    def __array__(self, dtype=None, copy=None):
        # the values with their unit, as Brian2's: np.asanyarray(G.v) is a Quantity (so numpy's
        # testing functions compare units), np.asarray(G.v) plain numbers
        values = self[:]
        return values.astype(dtype) if dtype is not None else values

    def __len__(self):
        return 1 if self.variable.scalar else len(self.group)

    # -- writing ---------------------------------------------------------------------------------
    def __setitem__(self, item, value):
        self.group.set_values(self.name, item, value, unitless=self.unitless)

    # -- behaving like the array it shows --------------------------------------------------------
    def _full(self):
        return self[:]

    def __repr__(self):
        return f"<{self.group.name}.{self.name}: {self._full()!r}>"

    __str__ = __repr__   # Brian2 prints a variable view as its repr

    def __iter__(self):
        return iter(self._full())

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._full(), attr)


def _binary(op):
    def method(self, other):
        return getattr(self._full(), op)(other._full() if isinstance(other, VariableView) else other)
    method.__name__ = op
    return method


for _op in ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
            "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__pow__", "__lt__",
            "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__neg__", "__pos__", "__abs__"]:
    if _op in ("__neg__", "__pos__", "__abs__"):
        setattr(VariableView, _op, (lambda op: lambda self: getattr(self._full(), op)())(_op))
    else:
        setattr(VariableView, _op, _binary(_op))
VariableView.__hash__ = None


def coerce_value(variable: Variable, value, unitless=False):
    """Check ``value``'s unit against the variable and return plain numbers of its dtype."""
    if not unitless and variable.dtype == "float":
        fail_for_dimension_mismatch(
            value, Quantity(1, dim=variable.dim) if variable.dim is not DIMENSIONLESS else 1,
            f"Incorrect unit for setting variable '{variable.name}'")
    elif not unitless and get_dimensions(value) is not DIMENSIONLESS:
        fail_for_dimension_mismatch(value, 1, f"Variable '{variable.name}' has no unit")
    raw = np.asarray(value)
    if variable.dtype == "integer" and raw.dtype.kind == "f":
        if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
            raise TypeError(f"Variable '{variable.name}' is an integer variable; cannot set it to "
                            f"non-integer values")
    if variable.dtype == "boolean" and raw.dtype.kind not in "bi":
        raise TypeError(f"Variable '{variable.name}' is a boolean variable; got {value!r}")
    return raw.astype(NUMPY_DTYPES[variable.dtype])


def integer_indices(item, size):
    """``item`` (a slice, an index or indices) as an array of indices into ``size`` elements, or
    None when it is none of those (the caller says what it expected)."""
    if isinstance(item, slice):
        return np.arange(size)[item]
    indices = np.atleast_1d(np.asarray(item))
    return indices if indices.dtype.kind in "iu" else None


@runtime_checkable
class IndexSource(Protocol):
    """Brian2's protocol for objects that stand for elements of a neuron: ``_indices()`` gives
    their indices in the whole neuron (a morphology's compartments, ``morpho.dend[10*um]``), so
    they index SpatialNeuron variables, choose monitored compartments and synapse targets."""

    def _indices(self): ...


def own_indices(item, group):
    """An :class:`IndexSource` as indices of ``group`` (a neuron or a part of it, counted from
    its start); any other ``item`` unchanged."""
    if not isinstance(item, IndexSource):
        return item
    return np.asarray(item._indices()) - (group.start - getattr(group, "owner", group).start)


def is_scalar_number(value):
    return isinstance(value, (numbers.Number, np.number, np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0)
