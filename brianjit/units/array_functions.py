"""Unit rules for the numpy functions (``__array_function__``) whose own code would lose units.

Most numpy functions need nothing here: their Python implementation calls ufuncs and array
methods, which already carry dimensions (``np.mean``, ``np.clip``, ``np.var``, ``np.diff``,
``np.hstack``, ``np.roll`` ...); any function not in this table runs numpy's own code that way.
This table covers the ones implemented in C, built on ``copyto``, or calling ``np.asarray`` on
their arguments (``outer``, ``cross``, ``linspace`` ...): they get plain values and their result
gets the right dimension, or they raise :class:`DimensionMismatchError` when their arguments'
units do not fit together.
"""
from __future__ import annotations

import functools

import numpy as np

from .dimensions import DIMENSIONLESS, DimensionMismatchError
from . import ufunc_rules
from .quantity import Quantity, fail_for_dimension_mismatch, get_dimensions, split_units

__all__ = ["HANDLERS"]

HANDLERS = {}


def _handles(*funcs):
    """Register ``handler(func, *args, **kwargs)`` for each numpy function in ``funcs``."""
    def register(handler):
        for func in funcs:
            HANDLERS[func] = functools.partial(handler, func)
        return handler
    return register


def _plain(value):
    """The values of ``value`` in base SI units (lists of quantities included)."""
    parts = split_units(value)
    return value if parts is None else parts[0]


def _plain_dimensionless(value, what):
    """``value`` without units; it must not have any. Non-quantities pass through untouched."""
    if isinstance(value, (list, tuple)) and any(isinstance(v, Quantity) for v in value):
        value = Quantity(value)
    if not isinstance(value, Quantity):
        return value
    fail_for_dimension_mismatch(value, None, f"{what} must be dimensionless")
    return _plain(value)


def _common_dim(values, what):
    """The one unit of ``values``, where a plain all-zero array fits any unit (Brian2's rule)."""
    dims = [get_dimensions(v) for v in values]
    if all(dim is dims[0] for dim in dims[1:]):
        return dims[0] if dims else DIMENSIONLESS
    strict = [d for d, v in zip(dims, values) if not ufunc_rules.is_neutral_zero(d, _plain(v))]
    for dim in strict[1:]:
        if dim is not strict[0]:
            raise DimensionMismatchError(f"{what}: all arrays must have the same units",
                                         strict[0], dim)
    return strict[0] if strict else dims[0]


def _wrap(values, dim):
    """The result with units; without, a plain array (a Python number for a single value), as
    the ufuncs give it."""
    if dim is DIMENSIONLESS:
        single = isinstance(values, (np.ndarray, np.generic)) and values.ndim == 0
        return values.item() if single else values
    return Quantity(values, dim=dim)


def _write_out(out, result_dim, what):
    """The plain view of ``out`` to write into, after giving a Quantity ``out`` its units."""
    if isinstance(out, Quantity):
        out.dim = result_dim
        return out.view(np.ndarray)
    if result_dim is not DIMENSIONLESS:
        raise DimensionMismatchError(f"{what}: cannot write a result with units into a plain "
                                     f"array", result_dim)
    return out


# --- joining, selecting, copying ------------------------------------------------------------
@_handles(np.concatenate)
def _concatenate(func, arrays, axis=0, out=None, **kwargs):
    arrays = list(arrays)
    dim = _common_dim(arrays, "concatenate")
    plain = [_plain(a) for a in arrays]
    if out is not None:
        if get_dimensions(out) is not dim:
            raise DimensionMismatchError("concatenate: 'out' has different units than the "
                                         "arrays", get_dimensions(out), dim)
        func(plain, axis=axis, out=_plain(out), **kwargs)
        return out
    return _wrap(func(plain, axis=axis, **kwargs), dim)


@_handles(np.where)
def _where(func, condition, *values):
    if not values:
        return func(_plain(condition))
    if len(values) == 1:
        raise ValueError("where: either both or neither of x and y should be given")
    if len(values) != 2:
        raise TypeError(f"where takes one or three arguments ({len(values) + 1} given)")
    dim = _common_dim(values, "where")
    return _wrap(func(_plain(condition), *[_plain(v) for v in values]), dim)


@_handles(np.copyto)
def _copyto(func, dst, src, casting="same_kind", where=True):
    fail_for_dimension_mismatch(dst, src, "copyto: source and destination have different units")
    func(_plain(dst), _plain(src), casting=casting, where=_plain(where))


@_handles(np.interp)
def _interp(func, x, xp, fp, left=None, right=None, period=None):
    fail_for_dimension_mismatch(x, xp, "interp: x and xp must have the same units")
    for name, value in (("left", left), ("right", right)):
        if value is not None:
            fail_for_dimension_mismatch(value, fp, f"interp: {name} must have the units of fp")
    if period is not None:
        fail_for_dimension_mismatch(period, x, "interp: period must have the units of x")
    optional = [None if v is None else _plain(v) for v in (left, right, period)]
    return _wrap(func(_plain(x), _plain(xp), _plain(fp), *optional), get_dimensions(fp))


@_handles(np.linspace)
def _linspace(func, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0,
              **kwargs):
    dim = _common_dim((start, stop), "linspace")
    result = func(_plain(start), _plain(stop), num, endpoint, retstep, dtype, axis, **kwargs)
    if retstep:
        return _wrap(result[0], dim), _wrap(result[1], dim)
    return _wrap(result, dim)


# --- products: the result's dimension is the product of the operands' ---------------------
@_handles(np.dot, np.inner, np.vdot)
def _product(func, a, b, out=None):
    dim = get_dimensions(a) * get_dimensions(b)
    if out is not None:
        func(_plain(a), _plain(b), out=_write_out(out, dim, func.__name__))
        return out
    return _wrap(func(_plain(a), _plain(b)), dim)


@_handles(np.outer, np.kron, np.convolve, np.correlate, np.tensordot, np.cross)
def _product_of_two(func, a, b, *args, **kwargs):
    dim = get_dimensions(a) * get_dimensions(b)
    out = kwargs.pop("out", None)
    if out is not None:
        func(_plain(a), _plain(b), *args, out=_write_out(out, dim, func.__name__), **kwargs)
        return out
    return _wrap(func(_plain(a), _plain(b), *args, **kwargs), dim)


@_handles(np.histogram)
def _histogram(func, a, bins=10, range=None, density=None, weights=None):
    dim = get_dimensions(a)
    if not isinstance(bins, (int, np.integer, str)):
        fail_for_dimension_mismatch(bins, a, "histogram: bins must have the units of the data")
        bins = _plain(bins)
    if range is not None:
        fail_for_dimension_mismatch(Quantity(list(range)), a,
                                    "histogram: range must have the units of the data")
        range = tuple(_plain(r) for r in range)
    counts_dim = DIMENSIONLESS if weights is None else get_dimensions(weights)
    if density:
        counts_dim = DIMENSIONLESS / dim
    counts, edges = func(_plain(a), bins, range, density,
                         None if weights is None else _plain(weights))
    return (counts if counts_dim is DIMENSIONLESS else _wrap(counts, counts_dim),
            _wrap(edges, dim))


@_handles(np.einsum)
def _einsum(func, subscripts, *operands, out=None, **kwargs):
    dim = DIMENSIONLESS
    for operand in operands:
        dim = dim * get_dimensions(operand)
    plain = [_plain(o) for o in operands]
    if out is not None:
        func(subscripts, *plain, out=_write_out(out, dim, "einsum"), **kwargs)
        return out
    return _wrap(func(subscripts, *plain, **kwargs), dim)


# --- comparisons of whole arrays ------------------------------------------------------------
@_handles(np.isclose)
def _isclose(func, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Closeness for equal units; a plain ``atol`` is taken in base SI units."""
    fail_for_dimension_mismatch(a, b, "isclose: the arrays have different units")
    if isinstance(atol, Quantity):
        fail_for_dimension_mismatch(atol, a, "isclose: atol has different units than the arrays")
    rtol = _plain_dimensionless(rtol, "isclose: rtol")
    return func(_plain(a), _plain(b), rtol=rtol, atol=_plain(atol), equal_nan=equal_nan)


@_handles(np.allclose)
def _allclose(func, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.all(_isclose(np.isclose, a, b, rtol, atol, equal_nan)))


@_handles(np.array_equal, np.array_equiv)
def _array_equal(func, a1, a2, **kwargs):
    if get_dimensions(a1) is not get_dimensions(a2):
        return False
    return func(_plain(a1), _plain(a2), **kwargs)


# --- *_like constructors --------------------------------------------------------------------
@_handles(np.zeros_like, np.ones_like)
def _like_same_units(func, prototype, *args, **kwargs):
    """Zeros (ones) in the prototype's units, as numpy's own code expects of ``zeros_like``.

    (The ``zeros_like``/``ones_like`` exported by this package drop the units, like Brian2's.)
    """
    return _wrap(func(_plain(prototype), *args, **kwargs), get_dimensions(prototype))


@_handles(np.full_like)
def _full_like(func, prototype, fill_value, *args, **kwargs):
    return _wrap(func(_plain(prototype), _plain(fill_value), *args, **kwargs),
                 get_dimensions(fill_value))


# --- statistics implemented via copyto / partition: compute on values, then attach units ---
def _other_arguments(args, kwargs, what):
    args = [_plain_dimensionless(a, f"{what}: extra arguments") for a in args]
    kwargs = {k: (v if k == "out" else _plain_dimensionless(v, f"{what}: argument {k!r}"))
              for k, v in kwargs.items()}
    return args, kwargs


def _on_values(result_dim):
    def handler(func, a, *args, **kwargs):
        args, kwargs = _other_arguments(args, kwargs, func.__name__)
        dim = result_dim(get_dimensions(a))
        out = kwargs.pop("out", None)
        if out is not None:
            func(_plain(a), *args, out=_write_out(out, dim, func.__name__), **kwargs)
            return out
        return _wrap(func(_plain(a), *args, **kwargs), dim)
    return handler


_handles(np.median, np.percentile, np.quantile, np.nanmedian, np.nanpercentile, np.nanquantile,
         np.nansum, np.nanmean, np.nanmin, np.nanmax, np.nanstd, np.nancumsum)(
    _on_values(lambda dim: dim))
_handles(np.nanvar)(_on_values(lambda dim: dim ** 2))


# numpy >= 2.1 also has cumulative_prod
@_handles(*[f for f in (np.cumprod, np.nancumprod, getattr(np, "cumulative_prod", None)) if f])
def _cumulative_product(func, a, *args, **kwargs):
    """Only for dimensionless values: each element would have other units (``mV``, ``mV^2``...).
    (numpy's own cumprod would catch our TypeError and label the plain result with ``a``'s
    units.)"""
    if get_dimensions(a) is not DIMENSIONLESS:
        raise TypeError(f"{func.__name__} is not possible for quantities with units: every "
                        f"element of the result would have different units")
    return func(_plain(a), *args, **kwargs)


@_handles(np.nanargmin, np.nanargmax)
def _nan_index(func, a, *args, **kwargs):
    args, kwargs = _other_arguments(args, kwargs, func.__name__)
    return func(_plain(a), *args, **kwargs)
