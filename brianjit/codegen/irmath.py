"""Math functions defined in the module being built, as scalar functions and vector variants.

:func:`ir_function` defines (once per module) an internal function ``brianjit.math.NAME.LANES``
whose body is the straight-line code of :mod:`.irmath_explog`, :mod:`.irmath_trig` or
:mod:`.irmath_special` on ``double``
(``LANES == 1``) or ``<LANES x double>``. The lowering (:mod:`.mathfuncs`) calls the scalar one
in the pure-IR mode and names the vector ones in a call's ``vector-function-abi-variant``
attribute, so the loop vectoriser calls four lanes at once as it would call libmvec.

Functions of the lowering's table not listed in :data:`IR_MATH` (erf and erfc, which only sympy
produces) have no IR version yet: in the pure-IR mode they are refused with a
NotImplementedError; with libm they stay scalar calls.
"""
from __future__ import annotations

from typing import Callable

from llvmlite import ir

from . import irmath_explog as E
from . import irmath_special as S
from . import irmath_trig as T
from .irmath_core import Arith, value_type

__all__ = ["IR_MATH", "ir_function", "ir_function_name"]

#: name -> (number of double arguments, emitter(arith, *args) -> value)
IR_MATH: dict[str, tuple[int, Callable]] = {
    "exp": (1, E.exp), "exp2": (1, E.exp2), "expm1": (1, E.expm1), "log": (1, E.log),
    "log2": (1, E.log2), "log10": (1, E.log10), "log1p": (1, E.log1p), "pow": (2, E.pow),
    "sin": (1, T.sin), "cos": (1, T.cos), "tan": (1, T.tan), "asin": (1, T.asin),
    "acos": (1, T.acos), "atan": (1, T.atan), "atan2": (2, T.atan2), "sinh": (1, T.sinh),
    "cosh": (1, T.cosh), "tanh": (1, T.tanh), "asinh": (1, S.asinh), "acosh": (1, S.acosh),
    "atanh": (1, S.atanh), "hypot": (2, S.hypot), "cbrt": (1, S.cbrt), "lgamma": (1, S.lgamma),
}


#: functions with a branch (to Payne–Hanek): never inlined, so a loop calling them is vectorised
#: through their vector variants (a branch inlined into the loop would stop the vectoriser)
OUT_OF_LINE = frozenset({"sin", "cos", "tan"})


def ir_function_name(name: str, lanes: int) -> str:
    return f"brianjit.math.{name}.{lanes}"


def ir_function(module: ir.Module, name: str, lanes: int = 1) -> ir.Function:
    """The module's internal IR implementation of ``name`` on ``lanes`` doubles (defined on
    first use)."""
    function_name = ir_function_name(name, lanes)
    existing = module.globals.get(function_name)
    if existing is not None:
        return existing
    nargs, emit = IR_MATH[name]
    typ = value_type(lanes)
    function = ir.Function(module, ir.FunctionType(typ, [typ] * nargs), function_name)
    function.linkage = "internal"
    function.attributes.add("nounwind")
    if name in OUT_OF_LINE:
        function.attributes.add("noinline")
    builder = ir.IRBuilder(function.append_basic_block("entry"))
    builder.ret(emit(Arith(builder, lanes), *function.args))
    return function
