"""State variables of a group and the views users index them through (``G.v[...]``).

A ``Variable`` is the model's description of one piece of state (name, unit, type, storage in a
DynamicArray). A ``VariableView`` is what ``G.v`` returns: it reads and writes with units, by
index, slice, boolean mask or a string condition, and accepts string expressions on the right-hand
side (evaluated by native code, through the group).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, get_dimensions, get_unit

__all__ = ["Variable", "VariableView", "NUMPY_DTYPES"]

NUMPY_DTYPES = {"float": np.float64, "integer": np.int32, "boolean": np.bool_}


@dataclass
class Variable:
    """One state variable: ``array`` holds its values (one element if ``scalar``).
    ``write_condition`` names a boolean variable of the same group: code writes this variable
    only where that one holds (Brian2's conditional write; see ``kernel.ArrayVar``)."""

    name: str
    array: DynamicArray
    dim: object = DIMENSIONLESS
    dtype: str = "float"
    scalar: bool = False
    read_only: bool = False
    constant: bool = False
    write_condition: str | None = None

    def with_unit(self, values):
        if self.dtype != "float":
            return values
        return Quantity(values, dim=self.dim, copy=False) if self.dim is not DIMENSIONLESS else values


class VariableView:
    """``G.v`` (``G.v_``: ``unitless``): the variable ``name`` of ``group`` (a group or subgroup).

    The view is live: every read goes to the group's current values and every write goes through
    the group's checks (units, read-only, delays). What a read returns is a copy (Brian2's runtime
    hands out the state array itself for ``[:]``; see docs/differences.md)."""

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
        values = np.asarray(self.get_raw())
        return values.astype(dtype) if dtype is not None else values

    def __len__(self):
        return 1 if self.variable.scalar else len(self.group)

    dim = property(lambda self: self.variable.dim, doc="The variable's Dimension.")
    unit = property(lambda self: get_unit(self.variable.dim), doc="Its SI unit (Brian2's).")

    # -- writing ---------------------------------------------------------------------------------
    def __setitem__(self, item, value):
        self.group.set_values(self.name, item, value, unitless=self.unitless)

    # -- behaving like the array it shows --------------------------------------------------------
    def _full(self):
        return self[:]

    def __repr__(self):
        suffix = "_" if self.unitless else ""
        return f"<{self.group.name}.{self.name}{suffix}: {self._full()!r}>"

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
    if variable.dtype == "integer" and raw.dtype.kind in "fiuO":
        _check_integer_values(variable.name, raw)
    if variable.dtype == "boolean" and raw.dtype.kind not in "bi":
        raise TypeError(f"Variable '{variable.name}' is a boolean variable; got {value!r}")
    return raw.astype(NUMPY_DTYPES[variable.dtype])


def _check_integer_values(name, raw):
    """Refuse values an int32 variable cannot hold exactly: non-integers (TypeError) and numbers
    outside its range (OverflowError, as numpy and Brian2; never a silent wrap-around).
    Python integers beyond 64 bits (an object array) are compared exactly."""
    as_float = raw.astype(np.float64)
    if raw.dtype.kind in "fO" and (not np.all(np.isfinite(as_float))
                                   or np.any(as_float != np.round(as_float))):
        raise TypeError(f"Variable '{name}' is an integer variable; cannot set it to non-integer "
                        f"values")
    if not raw.size:
        return
    if raw.dtype.kind == "O":
        exact = [int(v) for v in raw.ravel()]
        low, high = min(exact), max(exact)
    else:
        low, high = raw.min(), raw.max()
    info = np.iinfo(NUMPY_DTYPES["integer"])
    if low < info.min or high > info.max:
        bad = int(high) if high > info.max else int(low)
        raise OverflowError(f"Variable '{name}' is a 32-bit integer variable; {bad} is out of its "
                            f"range [{info.min}, {info.max}]")


def integer_indices(item, size):
    """``item`` (a slice, an index or indices) as an array of indices into ``size`` elements, or
    None when it is none of those (the caller says what it expected)."""
    if isinstance(item, slice):
        return np.arange(size)[item]
    indices = np.atleast_1d(np.asarray(item))
    return indices if indices.dtype.kind in "iu" else None


def is_scalar_number(value):
    return isinstance(value, (numbers.Number, np.number, np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0)
