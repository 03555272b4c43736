"""Unit-aware functions users call by name: ``check_units``, ``arange``, ``exprel``, ``in_unit``.

numpy's own functions already respect units when given quantities (see :mod:`.array_functions`
and :mod:`.ufunc_rules`); this module holds what numpy cannot do for us: ``arange`` (numpy does
not dispatch it on its arguments), ``exprel`` (not in numpy), the ``check_units`` decorator and
the function forms of the display methods.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from .dimensions import DIMENSIONLESS, Dimension, DimensionMismatchError
from .quantity import (Quantity, fail_for_dimension_mismatch, get_dimensions, is_dimensionless,
                       is_scalar_type)

__all__ = ["check_units", "arange", "exprel", "ones_like", "zeros_like", "in_unit", "in_best_unit"]


def arange(*args, start=0, stop=None, step=1, dtype=None):
    """``numpy.arange`` for quantities, with Brian2's arguments: ``arange(stop)``,
    ``arange(start, stop[, step])`` or keywords; all values share one unit (a plain 0 fits any).

    A range with units needs a ``step`` with its units (``arange(0*ms, 10*ms, 0.1*ms)``), because
    the default step of 1 has none. Giving an argument twice is a TypeError.
    """
    if len(args) > 3:
        raise TypeError(f"arange takes between 1 and 3 positional arguments ({len(args)} given)")
    names = {1: ("stop",), 2: ("start", "stop"), 3: ("start", "stop", "step")}.get(len(args), ())
    given = {"start": start != 0 if is_scalar_type(start) else True, "stop": stop is not None,
             "step": step != 1 if is_scalar_type(step) else True}
    for name in names:
        if given[name]:
            raise TypeError(f"arange: duplicate definition of {name!r}")
    values = dict(zip(names, args))
    start, stop, step = values.get("start", start), values.get("stop", stop), \
        values.get("step", step)
    if stop is None:
        raise TypeError("arange: missing the 'stop' argument")
    fail_for_dimension_mismatch(start, stop, "arange: start {start} and stop {stop} have "
                                "different units", start=start, stop=stop)
    fail_for_dimension_mismatch(stop, step, "arange: stop {stop} and step {step} have "
                                "different units", stop=stop, step=step)
    values = np.arange(np.asarray(start), np.asarray(stop), np.asarray(step), dtype=dtype)
    dim = get_dimensions(stop)
    return values if dim is DIMENSIONLESS else Quantity(values, dim=dim)


def zeros_like(a, dtype=None, *args, **kwargs):
    """Zeros with the shape (and dtype) of ``a``, without units (as in Brian2)."""
    return np.zeros_like(np.asarray(a), dtype, *args, **kwargs)


def ones_like(a, dtype=None, *args, **kwargs):
    """Ones with the shape (and dtype) of ``a``, without units (as in Brian2)."""
    return np.ones_like(np.asarray(a), dtype, *args, **kwargs)


def exprel(x):
    """``(exp(x) - 1)/x``, equal to 1 at ``x = 0`` and accurate near it; ``x`` dimensionless."""
    fail_for_dimension_mismatch(x, None, "exprel expects a dimensionless argument")
    values = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(values == 0, 1.0, np.expm1(values) / np.where(values == 0, 1.0, values))
    if isinstance(x, Quantity):
        return Quantity(result)
    return result if result.ndim else float(result)


def in_unit(x, unit, precision=None) -> str:
    """``x`` written in ``unit`` as text, e.g. ``in_unit(3*mV, volt) == '0.003 V'``; a plain
    number is divided by the unit (``in_unit(10.0, Unit(10.0)) == '1.0'``)."""
    if is_dimensionless(x):
        fail_for_dimension_mismatch(x, unit, 'Non-matching unit for function "in_unit"')
        return str(np.asarray(x / unit))
    return x.in_unit(unit, precision=precision)


def in_best_unit(x, precision=None) -> str:
    """``x`` written in the unit that suits its magnitude, e.g. ``'20. ms'``; a plain number
    rounded to ``precision`` digits (numpy's print precision by default)."""
    if is_dimensionless(x):
        if precision is None:
            precision = np.get_printoptions()["precision"]
        return str(np.round(x, precision))
    return x.in_best_unit(precision=precision)


# --- check_units ----------------------------------------------------------------------------
def _describe_spec(spec) -> str:
    if spec is bool or spec is np.bool_:
        return "a boolean"
    from .unit import get_unit_for_display
    return get_unit_for_display(get_dimensions(spec) if not isinstance(spec, int) else
                                DIMENSIONLESS)


def _check_value(function_name, arg_name, value, spec, bound):
    """Raise unless ``value`` fits ``spec`` (a unit, 1, bool, None or another argument's name).
    As in Brian2, ``None`` and strings (names of other variables) pass as arguments."""
    if spec is None or value is None or (isinstance(value, str) and arg_name != "result"):
        return
    if spec is bool or spec is np.bool_:
        if not (isinstance(value, (bool, np.bool_)) or
                (isinstance(value, np.ndarray) and value.dtype == bool)):
            raise TypeError(f'Function "{function_name}" expected a boolean value for argument '
                            f'"{arg_name}" but got {value!r}')
        return
    if isinstance(spec, str):
        if spec not in bound:
            return
        expected = get_dimensions(bound[spec])
        what = f'the same units as argument "{spec}"'
    else:
        expected = DIMENSIONLESS if (isinstance(spec, int) and spec == 1) else \
            get_dimensions(spec)
        what = f"a quantity with unit {_describe_spec(spec)}"
    try:
        dim = get_dimensions(value)
    except TypeError:
        raise TypeError(f'Function "{function_name}" expected {what} for argument '
                        f'"{arg_name}" but got {value!r}') from None
    if dim is not expected:
        if arg_name == "result":
            raise DimensionMismatchError(
                f'Function "{function_name}" should return {what} as its result but returned '
                f'{value}', dim)
        raise DimensionMismatchError(
            f'Function "{function_name}" expected {what} for argument "{arg_name}" '
            f'but got {value}', dim)


def _validate_spec(function_name, name, spec):
    if spec is None or spec is bool or spec is np.bool_ or isinstance(spec, str):
        return
    if isinstance(spec, int) and not isinstance(spec, bool) and spec == 1:
        return
    if isinstance(spec, (Quantity, Dimension)):
        return
    if name == "result" and callable(spec):
        return
    raise TypeError(f'check_units on "{function_name}": the unit for "{name}" must be a unit, '
                    f'1, bool, None or the name of another argument, not {spec!r}')


def check_units(**units):
    """Decorator checking the units of a function's arguments (and ``result``).

    ``@check_units(v=volt, n=1, flag=bool, w="v", result=volt)``: each keyword names an argument
    and gives a unit (or Quantity/Dimension), ``1`` for dimensionless, ``bool`` for booleans,
    ``None`` for no check, or another argument's name for "same units as that one". ``result``
    may also be a function of the dimensions of the positional arguments. ``None`` and string
    arguments are never checked; a list is checked as ``Quantity(list)`` (mixing quantities and
    numbers is a TypeError). A mismatch raises :class:`DimensionMismatchError`. The wrapper
    carries Brian2's annotations: ``_orig_func``, ``_arg_names``, ``_arg_units`` (one entry per
    argument name, None where unchecked), ``_return_unit`` and ``_returns_bool``.
    """
    units = dict(units)
    result_spec = units.pop("result", None)

    def decorator(function):
        name = function.__name__
        signature = inspect.signature(function)
        takes_any_keyword = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
        for arg_name, spec in units.items():
            _validate_spec(name, arg_name, spec)
            if arg_name not in signature.parameters and not takes_any_keyword:
                raise TypeError(f'check_units on "{name}": it has no argument "{arg_name}"')
        _validate_spec(name, "result", result_spec)

        @functools.wraps(function)
        def checked(*args, **kwargs):
            # the given arguments' units are checked before a missing argument is reported
            # (Brian2's order: f(x=10) of f(diameter, x) is a DimensionMismatchError)
            bound = signature.bind_partial(*args, **kwargs).arguments
            for arg_name, spec in units.items():
                if arg_name in bound:
                    _check_value(name, arg_name, bound[arg_name], spec, bound)
            result = function(*args, **kwargs)
            if result_spec is not None:
                expected = result_spec
                if callable(expected) and not isinstance(expected, (Quantity, Dimension, type)):
                    expected = expected(*[get_dimensions(a) for a in args])
                _check_value(name, "result", result, expected, bound)
            return result

        arg_names = [p.name for p in signature.parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        checked._orig_func = function
        checked._arg_names = checked._orig_arg_names = arg_names
        checked._arg_units = [units.get(arg, None) for arg in arg_names]
        checked._return_unit = result_spec
        checked._returns_bool = result_spec is bool
        return checked

    return decorator
