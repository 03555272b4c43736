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
array (``array is None``). Code that needs an array asks ``get(name)``.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..units import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, get_dimensions

__all__ = ["Variable", "Variables", "NUMPY_DTYPES", "array_vars", "coerce_value",
           "integer_indices", "is_scalar_number"]

NUMPY_DTYPES = {"float": np.float64, "integer": np.int32, "boolean": np.bool_}


@dataclass
class Variable:
    """One state variable: ``array`` holds its values (one element if ``scalar``); ``None`` for
    names that have no storage of their own (subexpressions, ``t``, ``N`` ...)."""

    name: str
    array: DynamicArray | None
    dim: object = DIMENSIONLESS
    dtype: str = "float"
    scalar: bool = False
    read_only: bool = False
    constant: bool = False
    #: linked variables: ``array`` belongs to another group (never resized or stored by this one)
    linked: bool = False
    #: element of ``array`` read by the group's element 0 (linking to a subgroup), or, for a
    #: ``scalar`` link, the one element every element reads
    offset: int = 0
    #: name of an integer variable of the same group giving, per element, the element of
    #: ``array`` (counted from ``offset``) to read; None: element k reads element k
    index: str | None = None

    def with_unit(self, values):
        if self.dtype != "float":
            return values
        return Quantity(values, dim=self.dim, copy=False) if self.dim is not DIMENSIONLESS else values


class Variables(dict):
    """A group's stored variables by name, plus the names it defines implicitly.

    ``implicit`` is a callable returning ``{name: Variable}`` of the implicit names (computed on
    demand, so it follows the group: a Synapses' ``v_post`` exists while its target has ``v``)."""

    def __init__(self, implicit, stored=()):
        super().__init__(stored)
        self._implicit = implicit

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
    element ``start`` of the arrays' owner; a linked variable with an index brings its index
    variable along, which native code reads to find the element (``kernel.ArrayVar.index``)."""
    result = {}
    for name in names:
        var = variables[name]
        slot = slots.slot(var.array)
        if var.scalar:
            result[name] = K.ArrayVar(name, slot, var.dtype, True, var.offset)
        elif var.index is None:
            result[name] = K.ArrayVar(name, slot, var.dtype, False, var.offset + start)
        else:
            result[name] = K.ArrayVar(name, slot, var.dtype, False, var.offset, var.index)
            index = variables[var.index]
            result[var.index] = K.ArrayVar(var.index, slots.slot(index.array), index.dtype,
                                           False, index.offset + start)
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


def is_scalar_number(value):
    return isinstance(value, (numbers.Number, np.number, np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0)
