"""State variables of a group: what each one is (``Variable``) and the mapping users see
(``G.variables``).

A ``Variable`` is the model's description of one piece of state (name, unit, type, storage in a
DynamicArray). A linked variable (``linked_var``) is a Variable whose array belongs to another
group: ``offset`` says where the linking group's element 0 reads it (a subgroup's start) and
``index`` names an integer variable of the linking group that says, per element, which element
it reads -- the same mechanism native code uses for ``v_post`` (``kernel.ArrayVar.index``).

``Variables`` is the dict of a group's stored variables (what kernels bind, what snapshots hold)
that also answers Brian2's questions about the names a group defines implicitly: ``'t' in
G.variables``, ``S.variables['v_post']``. Iterating it, ``len``, ``items()`` and ``get()`` see
the stored variables only; ``in`` and ``[]`` also see the implicit ones, described without an
array (``array is None``; a StateMonitor's recorded variables are described with their 2D record
array). Code that needs an array asks ``get(name)``.
"""
from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, get_dimensions
from .weak import WeakRef

__all__ = ["Variable", "Variables", "NUMPY_DTYPES", "array_vars", "coerce_value",
           "integer_indices", "is_scalar_number", "IndexSource",
           "own_indices"]

NUMPY_DTYPES = {"float": np.float64, "integer": np.int32, "boolean": np.bool_}


@dataclass
class Variable:
    """One state variable: ``array`` holds its values (one element if ``scalar``); ``None`` for
    names that have no storage of their own (subexpressions, ``t``, ``N`` ...).
    ``write_condition`` names a boolean variable of the same group: code writes this variable
    only where that one holds (Brian2's conditional write; see ``kernel.ArrayVar``)."""

    name: str
    array: DynamicArray | None
    dim: object = DIMENSIONLESS
    dtype: str = "float"
    scalar: bool = False
    read_only: bool = False
    constant: bool = False
    write_condition: str | None = None
    #: linked variables: ``array`` belongs to another group (never resized or stored by this one)
    linked: bool = False
    #: element of ``array`` read by the group's element 0 (linking to a subgroup), or, for a
    #: ``scalar`` link, the one element every element reads
    offset: int = 0
    #: name of an integer variable of the same group giving, per element, the element of
    #: ``array`` (counted from ``offset``) to read; None: element k reads element k
    index: str | None = None

    @property
    def size(self):
        """Brian2's ``Variable.size``: the number of stored values (a 2D record array, e.g. a
        StateMonitor's: its ``(rows, columns)``); 1 for names without storage of their own."""
        if self.array is None:
            return 1
        shape = self.array.shape
        return shape[0] if len(shape) == 1 else tuple(shape)

    def with_unit(self, values):
        if self.dtype != "float":
            return values
        return Quantity(values, dim=self.dim, copy=False) if self.dim is not DIMENSIONLESS else values


class Variables(dict):
    """A group's stored variables by name, plus the names it defines implicitly.

    ``implicit`` is a callable returning ``{name: Variable}`` of the implicit names (computed on
    demand, so it follows the group: a Synapses' ``v_post`` exists while its target has ``v``).
    A bound method of the group is held weakly: the group and its variables form no reference
    cycle, so a group nobody uses dies (and gives Brian2's "never included in a network" warning)
    when its last reference goes, not at some later garbage collection."""

    def __init__(self, implicit, stored=()):
        super().__init__(stored)
        if inspect.ismethod(implicit):
            self._owner, self._method = WeakRef(implicit.__self__), implicit.__func__.__name__
        else:
            self._owner, self._method = None, implicit

    def _implicit(self):
        if self._owner is None:
            return self._method()
        owner = self._owner()
        return {} if owner is None else getattr(owner, self._method)()

    def __contains__(self, name):
        return dict.__contains__(self, name) or name in self._implicit()

    def __getitem__(self, name):
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        implicit = self._implicit()
        if name in implicit:
            return implicit[name]
        raise KeyError(name)

    def all_names(self):
        """Every name: stored variables first, then the implicit ones (Brian2's ``keys()``)."""
        return list(self) + [n for n in self._implicit() if not dict.__contains__(self, n)]


def array_vars(slots, variables, names, start=0):
    """Kernel ArrayVars for ``names`` of a group's stored ``variables`` (a dict), element 0 being
    element ``start`` of the arrays' owner (``SlotTable.state_var``). The variables native code
    reads with them come along: a linked variable's index variable (``kernel.ArrayVar.index``)
    and a conditionally written variable's condition (``kernel.ArrayVar.write_condition``)."""
    result = {}
    for name in names:
        var = variables[name]
        result[name] = slots.state_var(name, var, start)
        for companion in (var.index if not var.scalar else None, var.write_condition):
            if companion is not None and companion not in result:
                result[companion] = slots.state_var(companion, variables[companion], start)
    return result


def coerce_value(variable: Variable, value, unitless=False):
    """Check ``value``'s unit against the variable and return plain numbers of its dtype."""
    if not unitless and variable.dtype == "float":
        fail_for_dimension_mismatch(
            value, Quantity(1, dim=variable.dim) if variable.dim is not DIMENSIONLESS else 1,
            f"Incorrect unit for setting variable '{variable.name}'")
    elif not unitless and get_dimensions(value) is not DIMENSIONLESS:
        fail_for_dimension_mismatch(value, 1, f"Variable '{variable.name}' has no unit")
    raw = np.asarray(value)
    stored = variable.array.dtype if variable.array is not None else \
        np.dtype(NUMPY_DTYPES[variable.dtype])
    if variable.dtype == "integer" and raw.dtype.kind in "fiuO":
        _check_integer_values(variable.name, raw, stored)
    if variable.dtype == "boolean" and raw.dtype.kind not in "bi":
        raise TypeError(f"Variable '{variable.name}' is a boolean variable; got {value!r}")
    return raw.astype(stored)


def _check_integer_values(name, raw, stored):
    """Refuse values an integer variable stored as ``stored`` (int32 or int64) cannot hold
    exactly: non-integers (TypeError) and numbers outside its range (OverflowError, as numpy
    and Brian2; never a silent wrap-around). Python integers beyond 64 bits (an object array)
    are compared exactly."""
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
    info = np.iinfo(stored)
    if low < info.min or high > info.max:
        bad = int(high) if high > info.max else int(low)
        raise OverflowError(f"Variable '{name}' is a {info.bits}-bit integer variable; {bad} is "
                            f"out of its range [{info.min}, {info.max}]")


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
