"""``G.v``: a live view of one variable of a group, that indexes and computes like the array it
shows (Brian2's ``VariableView``).

Reading (``G.v[idx]``, ``G.v['i > 5']``, ``G.v[:, None]``) returns a copy with units (``G.v_``:
without); writing (``G.v[idx] = ...``) goes through the group's checks (units, read-only
variables, delays); numpy sees the values with their units (``np.asanyarray(G.v)`` is a
Quantity, ``np.asarray(G.v)`` plain numbers); arithmetic and comparisons compute on the
current values, in-place operators (``G.v += 1*mV``) write back, as in Brian2.

The group protocol a view relies on: ``variable_info(name)`` (the Variable), ``raw_values(name)``
(numpy values of every element), ``check_index(item)`` (an index into them),
``indices_where(condition)`` and ``set_values(name, item, value, unitless)``.
"""
from __future__ import annotations

import operator

import numpy as np

from ..units import DIMENSIONLESS, get_unit

__all__ = ["VariableView"]


def _is_full_slice(item):
    return isinstance(item, slice) and item == slice(None)


class VariableView:
    """``G.v`` (``G.v_``: ``unitless``): the variable ``name`` of ``group`` (a group or subgroup).

    What a read returns is a copy (Brian2's runtime hands out the state array itself for
    ``[:]``; see docs/differences.md)."""

    __array_priority__ = 10   # numpy defers to the view's operators (Quantity * G.v)

    def __init__(self, group, name, unitless=False):
        self.group = group
        self.name = name
        self.variable = group.variable_info(name)
        self.unitless = unitless

    # -- reading ---------------------------------------------------------------------------------
    def get_raw(self, item=slice(None)):
        """Plain numpy values (a copy) for ``item``."""
        if self.variable.scalar:
            if not _is_full_slice(item):
                raise IndexError(f"Illegal index for variable '{self.name}', it is a shared "
                                 f"variable: it can only be indexed with [:]")
            values = self.group.raw_values(self.name)
            return values.copy()[0] if np.ndim(values) else values
        if isinstance(item, tuple) and len(item) == 2 and _is_full_slice(item[0]) \
                and item[1] is None:
            # matplotlib asks for x[:, None] to see whether x behaves like an array (Brian2)
            return self.group.raw_values(self.name).copy()[:, None]
        if isinstance(item, str):
            item = self.group.indices_where(item)
        return self.group.raw_values(self.name)[self.group.check_index(item)].copy()

    def __getitem__(self, item):
        raw = self.get_raw(item)
        return raw if self.unitless else self.variable.with_unit(raw)

    def get_item(self, item, level=0, namespace=None):
        """Brian2's name for ``view[item]``."""
        return self[item]

    def __array__(self, dtype=None, copy=None):
        # a fresh copy with the variable's unit: np.asanyarray(G.v) keeps it, np.asarray not
        values = np.asanyarray(self[:])
        return values.astype(dtype) if dtype is not None else values

    def __len__(self):
        return 1 if self.variable.scalar else len(self.group)

    dim = property(lambda self: None if self.unitless else self.variable.dim,
                   doc="The variable's Dimension (None for a view without units, as Brian2).")
    unit = property(lambda self: get_unit(self.variable.dim), doc="Its SI unit (Brian2's).")

    # -- writing ---------------------------------------------------------------------------------
    def __setitem__(self, item, value):
        self.group.set_values(self.name, item, value, unitless=self.unitless)

    def set_item(self, item, value, level=0, namespace=None):
        """Brian2's name for ``view[item] = value``."""
        self[item] = value

    # -- behaving like the array it shows --------------------------------------------------------
    def _full(self):
        return self[:]

    def __repr__(self):
        suffix = "_" if self.unitless else ""
        return f"<{self.group.name}.{self.name}{suffix}: {self._full()!r}>"

    __str__ = __repr__   # Brian2 prints a variable view as its repr

    def __iter__(self):
        return iter(self._full())

    def __hash__(self):
        return hash((self.group.name, self.name))

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._full(), attr)

    def __rpow__(self, other):
        if self.variable.dim is not DIMENSIONLESS and not self.unitless:
            raise TypeError(f"Cannot use '{self.name}' as an exponent, it has dimensions "
                            f"{get_unit(self.variable.dim)}")
        return np.asanyarray(other) ** self._full()

    def __pow__(self, power, modulo=None):
        result = self._full() ** np.asanyarray(power)
        return result if modulo is None else result % modulo

    def _inplace(self, op, symbol, other):
        if isinstance(other, str):
            raise TypeError(f"In-place modification with strings is not supported: use "
                            f"group.{self.name} = '{self.name} {symbol} expression' instead of "
                            f"group.{self.name} {symbol}= 'expression'")
        if self.group._is_subexpression(self.name):
            raise TypeError(f"Cannot assign to the subexpression '{self.name}'")
        self[:] = op(self._full(), np.asanyarray(other))
        return self


def _binary(op, reflected=False):
    def method(self, other):
        other = np.asanyarray(other)
        return op(other, self._full()) if reflected else op(self._full(), other)
    return method


for _name, _op in [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv),
                   ("mod", operator.mod), ("matmul", operator.matmul)]:
    setattr(VariableView, f"__{_name}__", _binary(_op))
    setattr(VariableView, f"__r{_name}__", _binary(_op, reflected=True))
for _name, _op in [("lt", operator.lt), ("le", operator.le), ("gt", operator.gt),
                   ("ge", operator.ge), ("eq", operator.eq), ("ne", operator.ne)]:
    setattr(VariableView, f"__{_name}__", _binary(_op))
for _name, _op in [("neg", operator.neg), ("pos", operator.pos), ("abs", operator.abs)]:
    setattr(VariableView, f"__{_name}__", (lambda op: lambda self: op(self._full()))(_op))
for _name, _op, _symbol in [("iadd", operator.add, "+"), ("isub", operator.sub, "-"),
                            ("imul", operator.mul, "*"), ("itruediv", operator.truediv, "/"),
                            ("idiv", operator.truediv, "/"), ("ifloordiv", operator.floordiv, "//"),
                            ("imod", operator.mod, "%"), ("ipow", operator.pow, "**")]:
    setattr(VariableView, f"__{_name}__",
            (lambda op, symbol: lambda self, other: self._inplace(op, symbol, other))(_op, _symbol))
