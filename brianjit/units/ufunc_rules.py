"""How every numpy ufunc propagates physical dimensions (the table behind ``Quantity.__array_ufunc__``).

Each ufunc belongs to one *kind* (a rule written as data below); :func:`output_dims` applies the
rule for a ufunc call, ``reduce``/``accumulate``/``reduceat``, ``outer`` or ``at`` and returns
the dimension of every output, or ``None`` for an output that is a plain array by nature
(comparisons, predicates such as ``isnan``, functions of dimensionless numbers such as ``exp``).
A ufunc that is not in the table only works on dimensionless input.

The rules are Brian2's (its ``test_units.py`` is the spec): operands that must match may be a
dimensionless all-zero operand instead (:func:`is_neutral_zero`: ``3*mV + 0``, ``q > 0``); a
comparison also accepts a scalar ``±inf``; ``hypot``/``arctan2`` take dimensionless arguments
only, and the integer-only ufuncs (``bitwise_and`` ...) refuse quantities with units with a
TypeError.
"""
from __future__ import annotations

import numpy as np

from . import dimensions
from .dimensions import DIMENSIONLESS, Dimension, DimensionMismatchError

__all__ = ["output_dims", "ufunc_kind", "is_neutral_zero"]

# kind -> ufunc names. Every kind is explained in _call_dims below.
_KINDS = {
    "same": ("add", "subtract", "maximum", "minimum", "fmax", "fmin", "remainder", "fmod",
             "nextafter", "clip"),
    "compare": ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"),
    "keep": ("negative", "positive", "absolute", "fabs", "conjugate", "rint", "floor", "ceil",
             "trunc", "spacing"),
    "first": ("copysign", "ldexp"),
    "dimensionless": ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos",
                      "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
                      "arccosh", "arctanh", "deg2rad", "rad2deg", "degrees", "radians",
                      "logaddexp", "logaddexp2", "arctan2", "hypot"),
    "integer": ("bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift",
                "right_shift", "gcd", "lcm", "bitwise_count"),
    "plain": ("isnan", "isinf", "isfinite", "signbit", "sign", "logical_and", "logical_or",
              "logical_xor", "logical_not", "isnat", "heaviside"),
    "multiply": ("multiply", "matmul", "vecdot", "matvec", "vecmat"),
    "divide": ("divide", "true_divide", "floor_divide"),
    "power": ("power", "float_power"),
    "sqrt": ("sqrt",),
    "cbrt": ("cbrt",),
    "square": ("square",),
    "reciprocal": ("reciprocal",),
    "divmod": ("divmod",),
    "modf": ("modf",),
    "frexp": ("frexp",),
}
_KIND_OF = {name: kind for kind, names in _KINDS.items() for name in names}

_SYMBOLS = {"add": "+", "subtract": "-", "equal": "==", "not_equal": "!=", "less": "<",
            "less_equal": "<=", "greater": ">", "greater_equal": ">=", "remainder": "%"}


def ufunc_kind(ufunc) -> str | None:
    """The dimension rule a ufunc follows (a key of the table above), or None if unknown."""
    return _KIND_OF.get(ufunc.__name__)


def _show(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _show_quantity(value, dim):
    from .quantity import Quantity
    return _show(Quantity.with_dimensions(value, dim))


def is_neutral_zero(dim, values) -> bool:
    """Brian2's rule that zero has any unit: a dimensionless operand whose values are all zero
    (``0``, ``0.0``, ``np.zeros(3)``) fits wherever matching units are needed."""
    if dim is not DIMENSIONLESS or isinstance(values, Dimension):
        return False
    values = np.asarray(values)
    return values.dtype.kind in "biufc" and bool(np.all(values == 0))


def _is_scalar_infinity(dim, value) -> bool:
    """A dimensionless scalar ``±inf``, which compares with any quantity (``v < np.inf``)."""
    if dim is not DIMENSIONLESS or np.ndim(value) != 0:
        return False
    value = np.asarray(value)
    return value.dtype.kind in "fc" and bool(np.isinf(value))


def _require_same(ufunc, dims, values, comparison=False):
    """The common dimension of the operands, where a neutral zero (and, for comparisons, a
    scalar infinity) fits any unit; DimensionMismatchError otherwise."""
    if all(dim is dims[0] for dim in dims[1:]) or not dimensions.unit_checking:
        return dims[0]  # the common case: no need to look at the values
    fits_any = [is_neutral_zero(d, v) or (comparison and _is_scalar_infinity(d, v))
                for d, v in zip(dims, values)]
    strict = [d for d, free in zip(dims, fits_any) if not free]
    common = strict[0] if strict else dims[0]
    for other in strict[1:]:
        if other is not common:
            symbol = _SYMBOLS.get(ufunc.__name__)
            if symbol is not None and len(dims) == 2:
                verb = "perform comparison" if comparison else "calculate"
                text = (f"Cannot {verb} {_show_quantity(values[0], dims[0])} {symbol} "
                        f"{_show_quantity(values[1], dims[1])}, units do not match")
            else:
                text = f"Function {ufunc.__name__!r} expects arguments with the same units"
            raise DimensionMismatchError(text, common, other)
    return common


def _require_dimensionless(ufunc, dims, values):
    for dim, value in zip(dims, values):
        if dim is not DIMENSIONLESS:
            raise DimensionMismatchError(
                f"Function {ufunc.__name__!r} expects a dimensionless argument but got "
                f"{_show_quantity(value, dim)}", dim)
    return DIMENSIONLESS


def _scalar_exponent(ufunc, exponent):
    exponent = np.asarray(exponent)
    if exponent.size == 0:
        raise TypeError(f"{ufunc.__name__!r}: empty exponent for a quantity with units")
    first = exponent.flat[0]
    if exponent.size > 1 and not np.all(exponent == first):
        raise TypeError(f"{ufunc.__name__!r}: a quantity with units can only be raised to one "
                        f"exponent, not to an array of different exponents")
    if np.iscomplexobj(exponent):
        raise TypeError(f"{ufunc.__name__!r}: complex exponents are not allowed for quantities "
                        f"with units")
    return float(first)


def _call_dims(ufunc, dims, values):
    """Output dims of ``ufunc(*values)`` for inputs with the given dimensions."""
    kind = ufunc_kind(ufunc)
    if kind == "same":
        return (_require_same(ufunc, dims, values),)
    if kind == "compare":
        _require_same(ufunc, dims, values, comparison=True)
        return (None,)
    if kind == "keep":
        return (dims[0],)
    if kind == "first":
        if ufunc.__name__ == "ldexp":
            _require_dimensionless(ufunc, dims[1:], values[1:])
        return (dims[0],)
    if kind == "plain":
        return (None,) * ufunc.nout
    if kind == "multiply":
        return (dims[0] * dims[1],)
    if kind == "divide":
        return (dims[0] / dims[1],)
    if kind == "power":
        _require_dimensionless(ufunc, dims[1:], values[1:])
        if dims[0] is DIMENSIONLESS:
            return (DIMENSIONLESS,)
        return (dims[0] ** _scalar_exponent(ufunc, values[1]),)
    if kind == "integer":
        if any(dim is not DIMENSIONLESS for dim in dims):
            raise TypeError(f"{ufunc.__name__} cannot be used on quantities with units "
                            f"(it takes integers)")
        return (DIMENSIONLESS,) * ufunc.nout
    if kind == "sqrt":
        return (dims[0] ** 0.5,)
    if kind == "cbrt":
        return (dims[0] ** (1 / 3),)
    if kind == "square":
        return (dims[0] ** 2,)
    if kind == "reciprocal":
        return (dims[0] ** -1,)
    if kind == "divmod":
        return (DIMENSIONLESS, _require_same(ufunc, dims, values))
    if kind == "modf":
        return (dims[0], dims[0])
    if kind == "frexp":
        return (dims[0], None)
    # "dimensionless" kind, and any ufunc we do not know: only dimensionless input is safe, and
    # the result is a plain number or array (as numpy gives it).
    _require_dimensionless(ufunc, dims, values)
    return (None,) * ufunc.nout


def _reduced_count(shape, axis) -> int:
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def _reduce_dims(ufunc, method, dim, value, kwargs):
    """Output dims of ``ufunc.reduce/accumulate/reduceat`` over one input with dims ``dim``."""
    kind = ufunc_kind(ufunc)
    if kind in ("same", "keep"):
        initial = kwargs.get("initial")
        if initial is not None:
            from .quantity import get_dimensions
            _require_same(ufunc, (dim, get_dimensions(initial)), (value, initial))
        return (dim,)
    if kind == "integer":
        return _call_dims(ufunc, (dim,), (value,))
    if kind in ("compare", "plain"):
        return (None,)
    if dim is DIMENSIONLESS:
        return (DIMENSIONLESS,)
    if kind == "multiply" and method == "reduce":
        return (dim ** _reduced_count(np.shape(value), kwargs.get("axis", 0)),)
    if kind == "multiply":  # cumprod: every element would have a different unit
        raise TypeError(f"{ufunc.__name__}.{method} (e.g. cumprod) is not possible for "
                        f"quantities with units")
    raise DimensionMismatchError(
        f"{ufunc.__name__}.{method} is only defined for dimensionless quantities", dim)


def output_dims(ufunc, method, dims, values, kwargs):
    """The dimension of each output of ``getattr(ufunc, method)(*values, **kwargs)``.

    ``dims`` are the dimensions of the inputs (the index argument of ``ufunc.at`` excluded).
    Returns a tuple with one entry per output: a Dimension, or None for a plain array.
    """
    if method in ("__call__", "outer"):
        return _call_dims(ufunc, dims, values)
    if method in ("reduce", "accumulate", "reduceat"):
        return _reduce_dims(ufunc, method, dims[0], values[0], kwargs)
    if method == "at":
        result = _call_dims(ufunc, dims, values)[0]
        target = dims[0]
        if result is not None and result is not target:
            raise DimensionMismatchError(
                f"{ufunc.__name__}.at would change the units of the array it modifies",
                target, result)
        return ()
    raise TypeError(f"ufunc method {method!r} is not supported for quantities")
