"""Quantity: a numpy array of values in base SI units, tagged with a physical Dimension.

Values are always stored in base SI units (``3*mV`` holds 0.003 with dimension volt), so
``np.asarray(q)`` and ``float(q)`` give plain SI values and no conversion is ever needed between
units of the same dimension. Dimensions travel through numpy via ``__array_ufunc__`` (rules in
:mod:`.ufunc_rules`) and ``__array_function__`` (handlers in :mod:`.array_functions`);
everything that would mix units raises :class:`DimensionMismatchError` instead.

The rules are Brian2's, permissive where Brian2 is: a dimensionless operand that is all zeros
fits any unit (``3*mV + 0``, ``q[i] = 0``, ``q > 0``), comparisons with a scalar ``±inf`` work
for any unit, and a list is a quantity when all its elements are quantities of one unit (nested
lists are flattened; any other element, a tuple included, is one plain element; mixing
quantities and plain elements is a TypeError).

Also here: the dimension helpers every other module uses (:func:`get_dimensions`,
:func:`have_same_dimensions`, :func:`fail_for_dimension_mismatch`, :func:`is_dimensionless`,
:func:`is_scalar_type`).
"""
from __future__ import annotations

import numbers

import numpy as np

from . import dimensions, ufunc_rules
from .dimensions import DIMENSIONLESS, Dimension, DimensionMismatchError, get_or_create_dimension

__all__ = [
    "Quantity", "get_dimensions", "have_same_dimensions", "fail_for_dimension_mismatch",
    "is_dimensionless", "is_scalar_type", "split_units",
]

# Python scalars and containers a quantity may be combined with; anything else (sympy objects,
# strings, None) makes our operators return NotImplemented so Python asks the other operand.
_SCALAR_TYPES = (bool, int, float, complex, np.generic)
_OPERAND_TYPES = (np.ndarray, list, tuple, range) + _SCALAR_TYPES
_NUMERIC_KINDS = "biufc"


def _elements(sequence):
    """The elements of a list/tuple as Brian2 sees them: nested lists flattened, anything else
    (numbers, arrays, quantities, tuples) one element each."""
    for item in sequence:
        if isinstance(item, list):
            yield from _elements(item)
        else:
            yield item


def _sequence_parts(sequence):
    """``(plain values, Dimension)`` of a list/tuple given as values (Brian2's rule, see the
    module docstring)."""
    dims = {item.dim for item in _elements(sequence) if isinstance(item, Quantity)}
    if not dims:
        return np.asarray(sequence), DIMENSIONLESS
    if len(dims) > 1:
        first, second = sorted(dims, key=repr)[:2]
        raise DimensionMismatchError("Mixing quantities with different dimensions is not allowed",
                                     first, second)
    if not all(isinstance(item, Quantity) for item in _elements(sequence)):
        raise TypeError(f"Mixing quantities and non-quantities is not allowed: {sequence!r}")

    def strip(item):  # plain views, so that numpy needs nothing from the Quantity class
        if isinstance(item, list):
            return [strip(x) for x in item]
        return item.view(np.ndarray)
    return np.asarray([strip(x) for x in sequence]), dims.pop()


def split_units(value):
    """``(plain values, Dimension)`` for an operand (a quantity, number, array, or a list/tuple
    of them), or None for a type quantities do not combine with (strings, sympy objects ...)."""
    if isinstance(value, Quantity):
        return value.view(np.ndarray), value.dim
    if isinstance(value, (np.ndarray,) + _SCALAR_TYPES):
        return value, DIMENSIONLESS
    if isinstance(value, (list, tuple)):
        return _sequence_parts(value)
    if isinstance(value, range):   # Brian2 takes ranges wherever it takes sequences
        return np.asarray(value), DIMENSIONLESS
    return None


def _wrap(values, dim) -> "Quantity":
    """A Quantity viewing ``values`` (array or scalar) with dimension ``dim``."""
    result = np.asarray(values).view(Quantity)
    result.dim = dim
    return result


def _rebuild_quantity(values, dim):
    return Quantity(values, dim=dim)


def _binary_operators(ufunc):
    def forward(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return ufunc(self, other)

    def reverse(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return ufunc(other, self)

    def inplace(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        if self.ndim == 0:  # a single number behaves like a Python float: x += y rebinds x
            return ufunc(self, other)
        return ufunc(self, other, out=(self,))

    return forward, reverse, inplace


class Quantity(np.ndarray):
    """An array of values with a physical dimension, e.g. ``Quantity([1, 2], dim=volt.dim)``.

    ``arr`` may be a number, an array, a Quantity or a (nested) list of quantities with the same
    units (or of plain numbers); ``dim`` (a :class:`Dimension`) gives the dimension of plain
    values, which are taken to be in base SI units.
    """
    __array_priority__ = 1000

    def __new__(cls, arr, dim=None, dtype=None, copy=False):
        parts = split_units(arr)
        if parts is None and hasattr(type(arr), "__array__"):
            # an array-like that knows its units (a group's VariableView gives a Quantity)
            parts = split_units(arr.__array__())
        if parts is None:
            raise TypeError(f"Quantities can only be created from numerical data, not "
                            f"{type(arr).__name__} {arr!r}")
        values, found = parts
        if dim is None:
            dim = found
        else:
            dim = get_or_create_dimension(dim)
            if found is not DIMENSIONLESS and found is not dim:
                raise DimensionMismatchError(
                    "Quantity was given values with units and a different dim", found, dim)
        values = np.array(values, dtype=dtype, copy=True) if copy else np.asarray(values, dtype)
        if values.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"Quantities can only be created from numerical data, got dtype "
                            f"{values.dtype}")
        result = values.view(cls)
        result.dim = dim
        return result

    def __array_finalize__(self, obj):
        self.dim = getattr(obj, "dim", DIMENSIONLESS)

    @staticmethod
    def with_dimensions(value, *args, **keywords) -> "Quantity":
        """A Quantity of ``value`` (in base SI units) with the given dimension.

        The dimension is a :class:`Dimension` or anything :func:`get_or_create_dimension` accepts:
        ``Quantity.with_dimensions(2, volt.dim)``, ``Quantity.with_dimensions(2, length=1)``.
        """
        return Quantity(value, dim=get_or_create_dimension(*args, **keywords))

    # --- dimension information -----------------------------------------------------------------
    @property
    def dimensions(self) -> Dimension:
        return self.dim

    @property
    def is_dimensionless(self) -> bool:
        return self.dim is DIMENSIONLESS

    def has_same_dimensions(self, other) -> bool:
        return have_same_dimensions(self, other)

    # --- numpy protocols -----------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        operands = list(inputs)
        if method == "at":
            index = operands.pop(1)
        parts = [split_units(x) for x in operands]
        if any(p is None for p in parts):
            return NotImplemented
        values = [p[0] for p in parts]
        dims = ufunc_rules.output_dims(ufunc, method, [p[1] for p in parts], values, kwargs)
        outs = kwargs.get("out")
        if outs is not None:
            for target, dim in zip(outs, dims):
                if dim is not None and dim is not DIMENSIONLESS and target is not None \
                        and not isinstance(target, Quantity):
                    raise DimensionMismatchError(
                        f"Cannot write the result of {ufunc.__name__} (which has units) into a "
                        f"plain array", dim)
            kwargs["out"] = tuple(t.view(np.ndarray) if isinstance(t, Quantity) else t
                                  for t in outs)
        if method == "at":
            values.insert(1, index)
        result = getattr(ufunc, method)(*values, **kwargs)
        if method == "at":
            return None
        results = result if ufunc.nout > 1 else (result,)
        wrapped = []
        for i, (value, dim) in enumerate(zip(results, dims)):
            target = outs[i] if outs is not None else None
            if target is not None:
                if isinstance(target, Quantity):
                    target.dim = DIMENSIONLESS if dim is None else dim
                wrapped.append(target)
            elif dim is None:  # a plain result by nature: comparisons, predicates, exp(x) ...
                wrapped.append(value)
            elif dim is DIMENSIONLESS:
                # units that cancel: a plain array, or a Python number for a single value
                wrapped.append(value.item() if np.ndim(value) == 0 else value)
            else:
                wrapped.append(_wrap(value, dim))
        return tuple(wrapped) if ufunc.nout > 1 else wrapped[0]

    def __array_function__(self, func, types, args, kwargs):
        from .array_functions import HANDLERS
        handler = HANDLERS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        return super().__array_function__(func, types, args, kwargs)

    # --- arithmetic ----------------------------------------------------------------------------
    __add__, __radd__, __iadd__ = _binary_operators(np.add)
    __sub__, __rsub__, __isub__ = _binary_operators(np.subtract)
    __mul__, __rmul__, __imul__ = _binary_operators(np.multiply)
    __truediv__, __rtruediv__, __itruediv__ = _binary_operators(np.true_divide)
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binary_operators(np.floor_divide)
    __mod__, __rmod__, __imod__ = _binary_operators(np.remainder)
    __pow__, __rpow__, __ipow__ = _binary_operators(np.power)
    __matmul__, __rmatmul__, __imatmul__ = _binary_operators(np.matmul)
    __eq__ = _binary_operators(np.equal)[0]
    __ne__ = _binary_operators(np.not_equal)[0]
    __lt__ = _binary_operators(np.less)[0]
    __le__ = _binary_operators(np.less_equal)[0]
    __gt__ = _binary_operators(np.greater)[0]
    __ge__ = _binary_operators(np.greater_equal)[0]
    __divmod__, __rdivmod__ = _binary_operators(np.divmod)[:2]
    __hash__ = None

    def __neg__(self):
        return np.negative(self)

    def __pos__(self):
        return np.positive(self)

    def __abs__(self):
        return np.absolute(self)

    # --- conversion to plain Python numbers: the value in base SI units, as in Brian2 ----------
    def __float__(self):
        return float(self.view(np.ndarray))

    def __int__(self):
        return int(self.view(np.ndarray))

    def __complex__(self):
        return complex(self.view(np.ndarray))

    def __index__(self):
        if self.dim is not DIMENSIONLESS:  # a TypeError, as Python's index protocol expects
            raise TypeError(f"only dimensionless integers can be used as an index, got {self}")
        return self.view(np.ndarray).__index__()

    # --- indexing ------------------------------------------------------------------------------
    def __getitem__(self, key):
        return _wrap(self.view(np.ndarray)[key], self.dim)

    def __setitem__(self, key, value):
        parts = split_units(value)
        if parts is None:
            raise TypeError(f"cannot store {type(value).__name__} {value!r} in a Quantity")
        values, dim = parts
        if dim is not self.dim and not ufunc_rules.is_neutral_zero(dim, values):
            raise DimensionMismatchError("Inconsistent units in assignment", self.dim, dim)
        self.view(np.ndarray)[key] = values

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d quantity")
        return (self[i] for i in range(self.shape[0]))

    def tolist(self):
        """Nested lists of 0-d quantities (a 0-d quantity returns itself as a copy)."""
        if self.ndim == 0:
            return _wrap(self.view(np.ndarray).copy(), self.dim)
        return [item.tolist() for item in self]

    # --- methods implemented in C that would otherwise ignore units ----------------------------
    def fill(self, value):
        fail_for_dimension_mismatch(self, value, "fill: the value has different units")
        self.view(np.ndarray).fill(split_units(value)[0])

    def put(self, indices, values, mode="raise"):
        fail_for_dimension_mismatch(self, values, "put: the values have different units")
        self.view(np.ndarray).put(indices, split_units(values)[0], mode)

    def searchsorted(self, v, side="left", sorter=None):
        fail_for_dimension_mismatch(self, v, "searchsorted: the values have different units")
        return self.view(np.ndarray).searchsorted(split_units(v)[0], side, sorter)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        if out is not None:
            fail_for_dimension_mismatch(self, out, "trace: 'out' has different units")
            self.view(np.ndarray).trace(offset, axis1, axis2, dtype, split_units(out)[0])
            return out
        return _wrap(self.view(np.ndarray).trace(offset, axis1, axis2, dtype), self.dim)

    # index-valued methods: the result is a plain integer array, not a quantity
    def argsort(self, *args, **kwargs):
        return self.view(np.ndarray).argsort(*args, **kwargs)

    def argmax(self, *args, **kwargs):
        return self.view(np.ndarray).argmax(*args, **kwargs)

    def argmin(self, *args, **kwargs):
        return self.view(np.ndarray).argmin(*args, **kwargs)

    def argpartition(self, *args, **kwargs):
        return self.view(np.ndarray).argpartition(*args, **kwargs)

    def nonzero(self):
        return self.view(np.ndarray).nonzero()

    def round(self, decimals=0, out=None):
        if out is not None:
            fail_for_dimension_mismatch(self, out, "round: 'out' has different units")
            self.view(np.ndarray).round(decimals, out=split_units(out)[0])
            return out
        return _wrap(self.view(np.ndarray).round(decimals), self.dim)

    def __round__(self, ndigits=None):
        return self.round(0 if ndigits is None else ndigits)

    def dot(self, other, out=None):
        return np.dot(self, other, out=out)

    # --- display (rules in .display) -----------------------------------------------------------
    def get_best_unit(self):
        """The unit this quantity is printed in: the registered unit that brings its values
        closest to 10 (``(20*mV).get_best_unit() is mvolt``); ``Unit(1)`` when dimensionless."""
        from .display import best_unit
        return best_unit(self)

    def in_unit(self, unit, precision=None, python_code=False) -> str:
        """The values expressed in ``unit``, as text: ``(3*mV).in_unit(volt)`` is ``'0.003 V'``;
        with ``python_code=True`` an expression (``'3. * mvolt'``)."""
        from .display import format_in_unit
        return format_in_unit(self, unit, precision, python_code)

    def in_best_unit(self, precision=None, python_code=False) -> str:
        """The values in the unit that suits their magnitude, as text (``'20. ms'``)."""
        return self.in_unit(self.get_best_unit(), precision, python_code)

    def __repr__(self):
        return self.in_best_unit(python_code=True)

    def __str__(self):
        return self.in_best_unit()

    def __format__(self, spec):
        """``f"{q}"`` is ``str(q)``; with a format spec, the value in base SI units is formatted
        as numpy formats it (``f"{0.5*ms:g}" == "0.0005"``), as in Brian2."""
        return str(self) if not spec else self.view(np.ndarray).__format__(spec)

    def _latex(self, *args):
        """LaTeX for sympy's ``latex()`` (and Jupyter): values in the best unit."""
        from .display import quantity_latex
        return quantity_latex(self)

    def _repr_latex_(self):
        return f"${self._latex()}$"

    # --- pickling ------------------------------------------------------------------------------
    def __reduce__(self):
        return (_rebuild_quantity, (self.view(np.ndarray).copy(), self.dim))


# --- dimension helpers ------------------------------------------------------------------------
def get_dimensions(obj) -> Dimension:
    """The Dimension of ``obj``: its ``.dim`` if it has one, DIMENSIONLESS for plain numbers,
    bools and arrays; for a list or other sequence, that of ``Quantity(obj)``. Raises TypeError
    for anything without dimensions (a string, None, a list mixing quantities and numbers)."""
    dim = getattr(obj, "dim", None)
    if isinstance(dim, Dimension):
        return dim
    if isinstance(obj, _SCALAR_TYPES + (numbers.Number,)) or (
            isinstance(obj, np.ndarray) and obj.dtype.kind in _NUMERIC_KINDS + "O"):
        return DIMENSIONLESS
    if isinstance(obj, (list, tuple)):
        return Quantity(obj).dim
    if not isinstance(obj, (str, bytes)):
        if np.asarray(obj).dtype.kind in _NUMERIC_KINDS:
            return DIMENSIONLESS  # other array-likes (a range, a group's variable view ...)
        try:  # other number types (e.g. sympy numbers) count as dimensionless
            complex(obj)
            return DIMENSIONLESS
        except (TypeError, ValueError):
            pass
    raise TypeError(f"object of type {type(obj).__name__} has no physical dimensions: {obj!r}")


def is_dimensionless(obj) -> bool:
    """True if ``obj`` (a quantity, number, array or Dimension) has no physical dimensions."""
    return get_dimensions(obj) is DIMENSIONLESS


def have_same_dimensions(obj1, obj2) -> bool:
    """True if both objects have the same dimensions (plain numbers are dimensionless), or
    if unit checking is switched off (``fundamentalunits.unit_checking = False``)."""
    return get_dimensions(obj1) is get_dimensions(obj2) or not dimensions.unit_checking


def fail_for_dimension_mismatch(obj1, obj2=None, error_message=None, **names):
    """Raise DimensionMismatchError unless ``obj1`` and ``obj2`` have the same dimensions.

    With ``obj2=None``, ``obj1`` must be dimensionless. As in Brian2, a dimensionless operand
    that is all zeros fits any unit. ``error_message`` may contain ``{name}`` fields filled from
    the keyword arguments (quantities are shown with units). Returns the two dimensions
    ``(dim1, dim2)``.
    """
    dim1 = get_dimensions(obj1)
    dim2 = DIMENSIONLESS if obj2 is None else get_dimensions(obj2)
    if dim1 is dim2 or not dimensions.unit_checking or ufunc_rules.is_neutral_zero(dim1, obj1) or (
            obj2 is not None and ufunc_rules.is_neutral_zero(dim2, obj2)):
        return dim1, dim2
    if error_message is None:
        error_message = "Dimension mismatch"
    else:
        error_message = error_message.format(**{key: str(value) for key, value in names.items()})
    from .unit import Unit
    # compared with a unit (or nothing), the message names only the offending unit
    if obj2 is None or isinstance(obj2, (Dimension, Unit)):
        raise DimensionMismatchError(error_message, dim1)
    raise DimensionMismatchError(error_message, dim1, dim2)


def is_scalar_type(obj) -> bool:
    """True for a single dimensionless number: a Python/numpy scalar or a 0-d dimensionless array."""
    if isinstance(obj, np.ndarray):
        return obj.ndim == 0 and get_dimensions(obj) is DIMENSIONLESS
    return isinstance(obj, _SCALAR_TYPES)
