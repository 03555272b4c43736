"""The table of functions every model string may call (Brian2's default functions).

One row per function says everything the other stages need to know about it:

* how a call in a model string becomes sympy (``build``), used by :mod:`brianjit.model.parse`;
* the sympy class the built node has (``head``), so a stage holding only a sympy tree can find the
  row again (``sqrt`` builds a ``Pow`` and has no head of its own);
* the dimension rule: per argument ``'1'`` (must be dimensionless), ``'any'``, ``'first'`` (same
  dimensions as the first argument) or ``'second'`` (a time), and the result ``'1'``, ``'first'``
  ``'sqrt(first)'``, ``'first/second'`` or a fixed Dimension (a TimedArray's unit); :mod:`brianjit.model.dimensions` interprets these words;
* the result type: ``'float'``, ``'integer'``, ``'boolean'`` or ``'highest'`` (integer only when
  every argument is an integer, as Brian2's ``abs``, ``sign``, ``clip``);
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

User functions (e.g. a TimedArray) are described with the same :class:`FunctionSpec` and passed to
the dimension checker next to this table.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import sympy
from sympy.core.function import AppliedUndef
from sympy.codegen import cfunctions
from sympy.codegen.cfunctions import expm1, log1p, log10

from brianjit.model.symbols import clip, exprel, floordiv, int_, new_rand, new_randn, rand, randn

__all__ = [
    "FunctionSpec", "DEFAULT_FUNCTIONS", "SYMPY_HEADS", "poisson", "timestep", "new_poisson",
    "spec_for_node", "is_stateful_call", "user_function_names", "TABLE",
]

ARG_RULES = ("1", "any", "first", "second")
RESULT_RULES = ("1", "first", "sqrt(first)", "first/second")
RESULT_TYPES = ("float", "integer", "boolean", "highest")


@dataclass(frozen=True)
class FunctionSpec:
    """How one function is built, dimension-checked and typed (see the module docstring)."""

    name: str | None
    nargs: int
    build: Callable[..., sympy.Basic] | None
    head: type | None
    arg_dims: tuple[str, ...]
    result_dims: str
    result_type: str = "float"
    stateful: bool = False
    accepts_boolean: bool = False
    lowering: str | None = None

    def __post_init__(self):
        if len(self.arg_dims) != self.nargs:
            raise ValueError(f"function {self.name!r}: {self.nargs} arguments but "
                             f"{len(self.arg_dims)} argument dimension rules")
        bad = [r for r in self.arg_dims if r not in ARG_RULES]
        fixed = not isinstance(self.result_dims, str)  # a Dimension: e.g. a TimedArray's unit
        if bad or not (fixed or self.result_dims in RESULT_RULES) \
                or self.result_type not in RESULT_TYPES:
            raise ValueError(f"function {self.name!r}: unknown rule in {self}")


poisson = sympy.Function("poisson")
"""Poisson random integer with mean ``lam``: ``poisson(lam, k)``, ``k`` a unique call id."""

timestep = sympy.Function("timestep")
"""Brian2's ``timestep(t, dt)``: the integer index of the time step containing ``t``."""

_poisson_ids = itertools.count()


def new_poisson(lam) -> sympy.Expr:
    """A fresh Poisson random number of mean ``lam``: ``poisson(lam, k)`` with a new ``k``."""
    return poisson(lam, sympy.Integer(next(_poisson_ids)))


def _row(name, build, head, arg_dims, result_dims, result_type="float", stateful=False,
         accepts_boolean=False, lowering=None):
    return FunctionSpec(name, len(arg_dims), build, head, tuple(arg_dims), result_dims,
                        result_type, stateful, accepts_boolean, lowering)


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
