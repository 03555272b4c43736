"""The table of functions every model string may call (Brian2's default functions).

One row per function says everything the other stages need to know about it:

* how a call in a model string becomes sympy (``build``), used by :mod:`brianjit.model.parse`;
* the sympy class the built node has (``head``), so a stage holding only a sympy tree can find the
  row again (``sqrt`` builds a ``Pow`` and has no head of its own);
* the dimension rule: per argument ``'1'`` (must be dimensionless), ``'any'``, ``'first'`` (same
  dimensions as the first argument), ``'second'`` (a time), a fixed Dimension or an integer ``k``
  (same dimensions as argument ``k``: a user function's ``arg_units=[None, 'a']``), and the
  result ``'1'``, ``'first'``, ``'sqrt(first)'``, ``'first/second'``, a fixed Dimension (a
  TimedArray's unit) or a callable of the arguments' Dimensions (``return_unit=lambda a, b:
  a*b``); :mod:`brianjit.model.dimensions` interprets these;
* the result type: ``'float'``, ``'integer'``, ``'boolean'`` or ``'highest'`` (integer only when
  every argument is an integer, as Brian2's ``abs``, ``sign``, ``clip``), and optionally the
  argument types a user function declares (``'any'``, ``'float'``, ``'integer'``, ``'boolean'``;
  Brian2's ``declare_types``), checked by the lowering;
* whether arguments may be booleans (only ``int``, which turns them into 0 or 1);
* whether the function is stateful (random): every call of a stateful function gets a hidden extra
  last argument, a unique integer id, so sympy never merges two calls (see ``symbols.py``);
* how the lowering emits it (``lowering``): the name of a libm function or LLVM intrinsic of
  :mod:`brianjit.codegen.mathfuncs` (arguments converted to double), or the name of one of the
  lowering's own emitters (``'abs'``, ``'poisson'``...). :mod:`brianjit.codegen.expressions` checks
  at import that it can emit every row, so a function the parser accepts can always be lowered.

Rows whose ``name`` is None are sympy-only heads: ``Min``/``Max`` that sympy may produce, ``Mod`` and
``floordiv`` that ``%`` and ``//`` build, and the functions sympy itself may produce while
integrating (``atan2``, ``erf``...). They cannot be called by name from a model string but still
need a dimension rule, a type and a lowering.

* ``python``: the numpy implementation Brian2's ``DEFAULT_FUNCTIONS`` calls from Python
  (:mod:`brianjit.model.user_functions` wraps each named row in a ``Function``).

User functions (a TimedArray, a ``Function`` of a Python function) are described with the same
:class:`FunctionSpec` (built by their ``function_spec``) and passed to the dimension checker next
to this table; their lowering is their kernel description (``Kernel.functions``).
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy
from sympy.core.function import AppliedUndef
from sympy.codegen import cfunctions
from sympy.codegen.cfunctions import expm1, log1p, log10

from brianjit.model.symbols import clip, exprel, floordiv, int_, new_rand, new_randn, rand, randn
from brianjit.model.function_spec import (ARG_RULES, ARG_TYPES, RESULT_RULES, RESULT_TYPES,  # noqa: F401
                                          USER_DEFAULTS, FunctionSpec, timestep_of)

__all__ = [
    "FunctionSpec", "DEFAULT_FUNCTIONS", "SYMPY_HEADS", "poisson", "timestep", "new_poisson",
    "spec_for_node", "is_stateful_call", "user_function_names", "TABLE", "timestep_of",
    "USER_DEFAULTS",
]

poisson = sympy.Function("poisson")
"""Poisson random integer with mean ``lam``: ``poisson(lam, k)``, ``k`` a unique call id."""

timestep = sympy.Function("timestep")
"""Brian2's ``timestep(t, dt)``: the integer index of the time step containing ``t``."""

_poisson_ids = itertools.count()


def new_poisson(lam) -> sympy.Expr:
    """A fresh Poisson random number of mean ``lam``: ``poisson(lam, k)`` with a new ``k``."""
    return poisson(lam, sympy.Integer(next(_poisson_ids)))


def _exprel(x):
    from brianjit.units.functions import exprel as unit_exprel
    return unit_exprel(x)


#: numpy implementations of the named rows (``FunctionSpec.python``)
_PYTHON = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "expm1": np.expm1, "log1p": np.log1p,
    "exprel": _exprel, "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh,
    "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "sqrt": np.sqrt, "abs": np.abs, "sign": np.sign, "floor": np.floor,
    "ceil": np.ceil, "clip": np.clip, "int": np.int_, "rand": np.random.rand,
    "randn": np.random.randn, "poisson": np.random.poisson, "timestep": timestep_of,
}


def _row(name, build, head, arg_dims, result_dims, result_type="float", stateful=False,
         accepts_boolean=False, lowering=None):
    return FunctionSpec(name, len(arg_dims), build, head, tuple(arg_dims), result_dims,
                        result_type, stateful, accepts_boolean, lowering,
                        python=_PYTHON.get(name))


# (model name, sympy head, lowering): dimensionless argument, dimensionless float result
_DIMENSIONLESS_MATH = [
    ("exp", sympy.exp, "exp"), ("log", sympy.log, "log"), ("log10", log10, "log10"),
    ("expm1", expm1, "expm1"), ("log1p", log1p, "log1p"), ("exprel", exprel, "exprel"),
    ("sin", sympy.sin, "sin"), ("cos", sympy.cos, "cos"), ("tan", sympy.tan, "tan"),
    ("sinh", sympy.sinh, "sinh"), ("cosh", sympy.cosh, "cosh"), ("tanh", sympy.tanh, "tanh"),
    ("arcsin", sympy.asin, "asin"), ("arccos", sympy.acos, "acos"),
    ("arctan", sympy.atan, "atan"),
]

# sympy heads that integration or simplification may produce (never written by users)
_SYMPY_ONLY_MATH = [
    (sympy.asinh, "asinh", 1), (sympy.acosh, "acosh", 1), (sympy.atanh, "atanh", 1),
    (sympy.erf, "erf", 1), (sympy.erfc, "erfc", 1), (cfunctions.log2, "log2", 1),
    (cfunctions.exp2, "exp2", 1), (cfunctions.Cbrt, "cbrt", 1), (cfunctions.Sqrt, "sqrt", 1),
    (sympy.atan2, "atan2", 2), (cfunctions.hypot, "hypot", 2),
]

_TABLE = [
    *[_row(name, f, f, ["1"], "1", lowering=low) for name, f, low in _DIMENSIONLESS_MATH],
    _row("sqrt", sympy.sqrt, None, ["any"], "sqrt(first)"),       # a Pow: lowered as one
    _row("abs", sympy.Abs, sympy.Abs, ["any"], "first", "highest", lowering="abs"),
    _row("sign", sympy.sign, sympy.sign, ["any"], "1", "highest", lowering="sign"),
    _row("floor", sympy.floor, sympy.floor, ["any"], "first", lowering="floor"),
    _row("ceil", sympy.ceiling, sympy.ceiling, ["any"], "first", lowering="ceil"),
    _row("clip", clip, clip, ["any", "first", "first"], "first", "highest", lowering="clip"),
    _row("int", int_, int_, ["1"], "1", "integer", accepts_boolean=True, lowering="int"),
    _row("rand", new_rand, rand, [], "1", stateful=True, lowering="rand"),
    _row("randn", new_randn, randn, [], "1", stateful=True, lowering="randn"),
    _row("poisson", new_poisson, poisson, ["1"], "1", "integer", stateful=True,
         lowering="poisson"),
    _row("timestep", timestep, timestep, ["second", "second"], "1", "integer",
         lowering="timestep"),
    # sympy-only heads: built by other rows or by sympy, never called by name.
    _row(None, None, sympy.Min, ["any", "first"], "first", "highest", lowering="min"),
    _row(None, None, sympy.Max, ["any", "first"], "first", "highest", lowering="max"),
    _row(None, None, floordiv, ["any", "any"], "first/second", "highest", lowering="floordiv"),
    _row(None, None, sympy.Mod, ["any", "first"], "first", "highest", lowering="mod"),
    *[_row(None, None, f, ["1"] * n, "1", lowering=low) for f, low, n in _SYMPY_ONLY_MATH],
]

TABLE: tuple[FunctionSpec, ...] = tuple(_TABLE)
"""Every row: the functions callable by name and the sympy-only heads."""

DEFAULT_FUNCTIONS: dict[str, FunctionSpec] = {s.name: s for s in _TABLE if s.name is not None}
"""Functions callable by name in model strings."""

SYMPY_HEADS: dict[type, FunctionSpec] = {s.head: s for s in _TABLE if s.head is not None}
"""Rows by the sympy class of the node they build."""

def spec_for_node(node: sympy.Basic, user_functions=None) -> FunctionSpec | None:
    """The row describing a sympy function node: default heads first, then user functions by name."""
    spec = SYMPY_HEADS.get(node.func)
    if spec is None and user_functions:
        spec = user_functions.get(getattr(node.func, "__name__", None))
    return spec


def user_function_names(expr: sympy.Basic) -> set[str]:
    """Names of the calls in ``expr`` that are not default functions (a TimedArray's ``ta(t)``):
    they are resolved from the namespace like constants."""
    return {call.func.__name__ for call in expr.atoms(AppliedUndef)
            if call.func.__name__ not in DEFAULT_FUNCTIONS and call.func not in SYMPY_HEADS}


def is_stateful_call(node: sympy.Basic) -> bool:
    """True for a call of a random function (``rand``, ``randn``, ``poisson``)."""
    spec = SYMPY_HEADS.get(getattr(node, "func", None))
    return spec is not None and spec.stateful
