"""Physical units for brianjit, compatible with Brian2's ``brian2.units``.

Quantities are numpy arrays of values in base SI units tagged with a :class:`Dimension`; every
numpy operation on them checks and propagates dimensions. This package exports the unit names
(``mV``, ``msecond``, ``siemens``, ``cm2`` ...), the classes, the dimension helpers and the
unit-aware functions Brian2's ``brian2.units`` exports. numpy's plain names for
``from brianjit import *`` live in :mod:`brianjit.units.numpy_names`.

Modules: ``dimensions`` (Dimension), ``quantity`` (Quantity and dimension helpers),
``ufunc_rules``/``array_functions`` (how numpy functions treat units), ``unit`` (Unit and the
display registries), ``display`` (best unit, text and LaTeX of quantities), ``allunits`` (the
unit names, ``all_units``), ``constants`` (physical constants, not star-imported),
``functions`` (check_units, arange, ...). The rules, names and printed forms are Brian2's.
"""
import numpy as _np

from .allunits import ALL_UNITS as _ALL_UNITS
from .allunits import *  # noqa: F401,F403  (every unit name)
from .dimensions import DIMENSIONLESS, Dimension, DimensionMismatchError, get_or_create_dimension
from .functions import arange, check_units, exprel, in_best_unit, in_unit, ones_like, zeros_like
from .quantity import (Quantity, fail_for_dimension_mismatch, get_dimensions,
                       have_same_dimensions, is_dimensionless, is_scalar_type)
from .unit import Unit, get_unit, get_unit_for_display, register_new_unit

# numpy functions that handle quantities through __array_ufunc__/__array_function__, exported
# here because Brian2's units package exports unit-safe versions under these names.
log, log10, exp, expm1, log1p = _np.log, _np.log10, _np.exp, _np.expm1, _np.log1p
sin, cos, tan, arcsin, arccos, arctan = _np.sin, _np.cos, _np.tan, _np.arcsin, _np.arccos, _np.arctan
sinh, cosh, tanh = _np.sinh, _np.cosh, _np.tanh
arcsinh, arccosh, arctanh = _np.arcsinh, _np.arccosh, _np.arctanh
sqrt, diagonal, ravel, trace, dot, where = _np.sqrt, _np.diagonal, _np.ravel, _np.trace, _np.dot, _np.where
ptp = _np.ptp
linspace = _np.linspace

__all__ = [
    "Dimension", "DIMENSIONLESS", "get_or_create_dimension", "DimensionMismatchError",
    "Quantity", "Unit", "get_dimensions", "have_same_dimensions", "fail_for_dimension_mismatch",
    "is_dimensionless", "is_scalar_type", "get_unit", "get_unit_for_display",
    "register_new_unit", "check_units", "in_unit", "in_best_unit",
    "arange", "linspace", "exprel", "where", "ones_like", "zeros_like", "dot", "ravel",
    "diagonal", "trace", "ptp", "sqrt", "log", "log10", "exp", "expm1", "log1p",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh",
    *_ALL_UNITS,
]
