"""Quantity: a numpy array of values in base SI units, tagged with a physical Dimension.

Values are always stored in base SI units (``3*mV`` holds 0.003 with dimension volt), so
``np.asarray(q)`` gives plain SI values and no conversion is ever needed between units of the same
dimension. Dimensions travel through numpy via ``__array_ufunc__`` (rules in
:mod:`.ufunc_rules`) and ``__array_function__`` (handlers in :mod:`.array_functions`);
everything that would silently lose or mix units raises :class:`DimensionMismatchError` instead.

Also here: the dimension helpers every other module uses (:func:`get_dimensions`,
:func:`have_same_dimensions`, :func:`fail_for_dimension_mismatch`, :func:`is_dimensionless`,
:func:`is_scalar_type`).
"""
from __future__ import annotations

import numpy as np

from . import ufunc_rules
from .dimensions import DIMENSIONLESS, Dimension, DimensionMismatchError, get_or_create_dimension

__all__ = [
    "Quantity", "get_dimensions", "have_same_dimensions", "fail_for_dimension_mismatch",
    "is_dimensionless", "is_scalar_type",
]

# Python scalars and containers a quantity may be combined with; anything else (sympy objects,
# strings, None) makes our operators return NotImplemented so Python asks the other operand.
_SCALAR_TYPES = (bool, int, float, complex, np.generic)
_OPERAND_TYPES = (np.ndarray, list, tuple) + _SCALAR_TYPES
_NUMERIC_KINDS = "biufc"


def _split_sequence(sequence):
    """``(plain nested list, common Dimension)`` of a (nested) list/tuple of numbers and
    quantities. (numpy would call ``float()`` on 0-d quantities, so they are unwrapped here.)"""
    found = []

    def strip(item):
        if isinstance(item, (list, tuple)):
            return [strip(x) for x in item]
        dim = item.dim if isinstance(item, Quantity) else DIMENSIONLESS
        if not found:
            found.append(dim)
        elif dim is not found[0]:
            raise DimensionMismatchError(
                "All elements of a sequence must have the same units", found[0], dim)
        return item.view(np.ndarray) if isinstance(item, Quantity) else item

    plain = strip(sequence)
    return plain, (found[0] if found else DIMENSIONLESS)


def _sequence_dim(sequence):
    """The common dimension of a (nested) list/tuple of numbers and quantities."""
    return _split_sequence(sequence)[1]


def _split(value):
    """``(plain values, Dimension)`` for an operand, or None for an unsupported type."""
    if isinstance(value, Quantity):
        return value.view(np.ndarray), value.dim
    if isinstance(value, (np.ndarray,) + _SCALAR_TYPES):
        return value, DIMENSIONLESS
    if isinstance(value, (list, tuple)):
        plain, dim = _split_sequence(value)
        return np.asarray(plain), dim
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
        return ufunc(self, other, out=(self,))

    return forward, reverse, inplace


class Quantity(np.ndarray):
    """An array of values with a physical dimension, e.g. ``Quantity([1, 2], dim=volt.dim)``.

    ``arr`` may be a number, an array, a Quantity or a (nested) list of numbers or quantities with
    the same units; ``dim`` (a :class:`Dimension`) gives the dimension of plain values, which are
    taken to be in base SI units.
    """
    __array_priority__ = 1000

    def __new__(cls, arr, dim=None, dtype=None, copy=False):
        parts = _split(arr)
        if parts is None:
            raise TypeError(f"cannot make a Quantity from {type(arr).__name__} {arr!r}")
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
            raise TypeError(f"a Quantity needs numeric values, got dtype {values.dtype}")
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
        return self.dim is get_dimensions(other)

    # --- numpy protocols -----------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        operands = list(inputs)
        if method == "at":
            index = operands.pop(1)
        parts = [_split(x) for x in operands]
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
            elif dim is None or dim is DIMENSIONLESS:
                # as in Brian2: a dimensionless result is a plain number or array
                wrapped.append(value)
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

    # --- conversion to plain Python numbers ----------------------------------------------------
    def _require_dimensionless(self, what):
        if self.dim is not DIMENSIONLESS:
            raise DimensionMismatchError(
                f"Only dimensionless quantities can be converted to {what}, got {self}", self.dim)
        return self.view(np.ndarray)

    def __float__(self):
        return float(self._require_dimensionless("float").item())

    def __int__(self):
        return int(self._require_dimensionless("int").item())

    def __complex__(self):
        return complex(self._require_dimensionless("complex").item())

    def __index__(self):
        return self._require_dimensionless("an index").__index__()

    # --- indexing ------------------------------------------------------------------------------
    def __getitem__(self, key):
        return _wrap(self.view(np.ndarray)[key], self.dim)

    def __setitem__(self, key, value):
        parts = _split(value)
        if parts is None:
            raise TypeError(f"cannot store {type(value).__name__} {value!r} in a Quantity")
        values, dim = parts
        if dim is not self.dim:
            raise DimensionMismatchError(
                "Cannot assign a value with different units to part of a quantity",
                self.dim, dim)
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
        self.view(np.ndarray).fill(_split(value)[0])

    def put(self, indices, values, mode="raise"):
        fail_for_dimension_mismatch(self, values, "put: the values have different units")
        self.view(np.ndarray).put(indices, _split(values)[0], mode)

    def searchsorted(self, v, side="left", sorter=None):
        fail_for_dimension_mismatch(self, v, "searchsorted: the values have different units")
        return self.view(np.ndarray).searchsorted(_split(v)[0], side, sorter)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        if out is not None:
            fail_for_dimension_mismatch(self, out, "trace: 'out' has different units")
            self.view(np.ndarray).trace(offset, axis1, axis2, dtype, _split(out)[0])
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
            self.view(np.ndarray).round(decimals, out=_split(out)[0])
            return out
        return _wrap(self.view(np.ndarray).round(decimals), self.dim)

    def __round__(self, ndigits=None):
        return self.round(0 if ndigits is None else ndigits)

    def dot(self, other, out=None):
        return np.dot(self, other, out=out)

    # --- display -------------------------------------------------------------------------------
    def in_unit(self, unit, precision=None, python_code=False) -> str:
        """The values expressed in ``unit``, as text: ``(3*mV).in_unit(volt)`` is ``'0.003 V'``."""
        from .unit import Unit
        if not isinstance(unit, Unit):
            raise TypeError(f"in_unit needs a Unit (such as mvolt), got {unit!r}")
        fail_for_dimension_mismatch(self, unit, 'Non-matching unit for method "in_unit"')
        return _format(self.view(np.ndarray) / float(unit.view(np.ndarray)), unit,
                       precision, python_code)

    def in_best_unit(self, precision=None, python_code=False) -> str:
        """The values in the prefixed unit that suits their magnitude, as text (``'20. ms'``)."""
        from .unit import best_unit
        unit = best_unit(self)
        return _format(self.view(np.ndarray) / float(unit.view(np.ndarray)), unit,
                       precision, python_code)

    def __repr__(self):
        return self.in_best_unit(python_code=True)

    def __str__(self):
        return self.in_best_unit()

    def __format__(self, spec):
        if not spec:
            return str(self)
        if self.ndim != 0:
            raise TypeError("format specifications only work for 0-d quantities")
        from .unit import best_unit
        unit = best_unit(self)
        number = format(float(self.view(np.ndarray) / float(unit.view(np.ndarray))), spec)
        return number if self.dim is DIMENSIONLESS else f"{number} {unit.dispname}"

    # --- pickling ------------------------------------------------------------------------------
    def __reduce__(self):
        return (_rebuild_quantity, (self.view(np.ndarray).copy(), self.dim))


def _format(values, unit, precision, python_code) -> str:
    if python_code:
        text = np.array_repr(values, precision=precision) if values.ndim else \
            np.array2string(values, precision=precision)
        return text if unit.dim is DIMENSIONLESS else f"{text} * {unit.name}"
    text = np.array2string(values, precision=precision)
    return text if unit.dim is DIMENSIONLESS else f"{text} {unit.dispname}"


# --- dimension helpers ------------------------------------------------------------------------
def get_dimensions(obj) -> Dimension:
    """The Dimension of ``obj``: its ``.dim`` if it has one, DIMENSIONLESS for plain numbers,
    bools, arrays and sequences of numbers. Raises TypeError for anything else (e.g. a string)."""
    dim = getattr(obj, "dim", None)
    if isinstance(dim, Dimension):
        return dim
    if isinstance(obj, (list, tuple)):
        return _sequence_dim(obj)
    if isinstance(obj, _SCALAR_TYPES) or (isinstance(obj, np.ndarray)
                                         and obj.dtype.kind in _NUMERIC_KINDS + "O"):
        return DIMENSIONLESS
    try:  # other number types (e.g. fractions, sympy numbers) count as dimensionless
        complex(obj)
    except (TypeError, ValueError):
        raise TypeError(f"object of type {type(obj).__name__} has no physical dimensions: "
                        f"{obj!r}") from None
    return DIMENSIONLESS


def is_dimensionless(obj) -> bool:
    """True if ``obj`` (a quantity, number, array or Dimension) has no physical dimensions."""
    return get_dimensions(obj) is DIMENSIONLESS


def have_same_dimensions(obj1, obj2) -> bool:
    """True if both objects have the same dimensions (plain numbers are dimensionless)."""
    return get_dimensions(obj1) is get_dimensions(obj2)


def fail_for_dimension_mismatch(obj1, obj2=None, error_message=None, **names):
    """Raise DimensionMismatchError unless ``obj1`` and ``obj2`` have the same dimensions.

    With ``obj2=None``, ``obj1`` must be dimensionless. ``error_message`` may contain
    ``{name}`` fields filled from the keyword arguments (quantities are shown with units).
    Returns the two dimensions ``(dim1, dim2)``.
    """
    dim1 = get_dimensions(obj1)
    dim2 = DIMENSIONLESS if obj2 is None else get_dimensions(obj2)
    if dim1 is not dim2:
        if error_message is None:
            error_message = "Dimension mismatch"
        else:
            error_message = error_message.format(**{key: str(value) for key, value in names.items()})
        if obj2 is None:
            raise DimensionMismatchError(error_message, dim1)
        raise DimensionMismatchError(error_message, dim1, dim2)
    return dim1, dim2


def is_scalar_type(obj) -> bool:
    """True for a single dimensionless number: a Python/numpy scalar or a 0-d dimensionless array."""
    if isinstance(obj, np.ndarray):
        return obj.ndim == 0 and get_dimensions(obj) is DIMENSIONLESS
    return isinstance(obj, _SCALAR_TYPES)
