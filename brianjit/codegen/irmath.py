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

__all__ = ["IR_MATH", "VECTOR_LANES", "ir_function", "ir_function_name"]

#: name -> (number of double arguments, emitter(arith, *args) -> value)
IR_MATH: dict[str, tuple[int, Callable]] = {
    "exp": (1, E.exp), "exp2": (1, E.exp2), "expm1": (1, E.expm1), "log": (1, E.log),
    "log2": (1, E.log2), "log10": (1, E.log10), "log1p": (1, E.log1p), "pow": (2, E.pow),
    "sin": (1, T.sin), "cos": (1, T.cos), "tan": (1, T.tan), "asin": (1, T.asin),
    "acos": (1, T.acos), "atan": (1, T.atan), "atan2": (2, T.atan2), "sinh": (1, T.sinh),
    "cosh": (1, T.cosh), "tanh": (1, T.tanh), "asinh": (1, S.asinh), "acosh": (1, S.acosh),
    "atanh": (1, S.atanh), "hypot": (2, S.hypot), "cbrt": (1, S.cbrt), "lgamma": (1, S.lgamma),
}

#: vector widths offered to the loop vectoriser (SSE2/NEON: 2, AVX: 4, AVX-512: 8)
VECTOR_LANES = (2, 4, 8)


def ir_function_name(name: str, lanes: int) -> str:
    return f"brianjit.math.{name}.{lanes}"


def ir_function(module: ir.Module, name: str, lanes: int = 1,
                fallback: ir.Function | None = None) -> ir.Function:
    """The module's internal IR implementation of ``name`` on ``lanes`` doubles (defined on
    first use). For sin, cos and tan, lanes beyond :data:`.irmath_trig.TRIG_EXACT_LIMIT` (where
    the IR reduction would lose digits) are computed by the scalar ``fallback`` (libm), or are
    NaN without one: never a silently inaccurate number."""
    function_name = ir_function_name(name, lanes)
    existing = module.globals.get(function_name)
    if existing is not None:
        return existing
    nargs, emit = IR_MATH[name]
    typ = value_type(lanes)
    function = ir.Function(module, ir.FunctionType(typ, [typ] * nargs), function_name)
    function.linkage = "internal"
    function.attributes.add("nounwind")
    builder = ir.IRBuilder(function.append_basic_block("entry"))
    arith = Arith(builder, lanes)
    result = emit(arith, *function.args)
    if name in _LIMITED:
        result = _beyond_limit(arith, function.args[0], result, fallback)
    builder.ret(result)
    return function


_LIMITED = ("sin", "cos", "tan")


def _opaque(module: ir.Module, function: ir.Function) -> ir.Function:
    """A never-inlined wrapper of ``function`` without its vector variants: a call the
    vectorisers cannot turn back into a call of the vector variant being defined (which would
    recurse without end)."""
    name = f"brianjit.math.scalar.{function.name}"
    wrapper = module.globals.get(name)
    if wrapper is None:
        wrapper = ir.Function(module, function.function_type, name)
        wrapper.linkage = "internal"
        wrapper.attributes.add("noinline")
        builder = ir.IRBuilder(wrapper.append_basic_block("entry"))
        builder.ret(builder.call(function, list(wrapper.args)))
    return wrapper


def _beyond_limit(a: Arith, x, result, fallback):
    """``result`` with the lanes where |x| >= TRIG_EXACT_LIMIT (finite) replaced by
    ``fallback(x)`` (one scalar call per such lane, in a block taken only when there is one),
    or by NaN without a fallback."""
    ax = a.fabs(x)
    beyond = a.both(a.cmp(">=", ax, T.TRIG_EXACT_LIMIT), a.cmp("<", ax, float("inf")))
    if fallback is None:
        return a.sel(beyond, float("nan"), result)
    b = a.b
    any_beyond = beyond if a.lanes == 1 else b.icmp_unsigned(
        "!=", b.bitcast(beyond, ir.IntType(a.lanes)), ir.Constant(ir.IntType(a.lanes), 0))
    entry = b.block
    with b.if_then(any_beyond, likely=False):
        fallback = _opaque(b.module, fallback)
        patched = result
        for lane in range(a.lanes) if a.lanes > 1 else [None]:
            if lane is None:
                patched = b.call(fallback, [x])
                continue
            index = ir.Constant(ir.IntType(32), lane)
            exact = b.call(fallback, [b.extract_element(x, index)])
            chosen = b.select(b.extract_element(beyond, index), exact,
                              b.extract_element(patched, index))
            patched = b.insert_element(patched, chosen, index)
        slow = b.block
    merged = b.phi(a.type)
    merged.add_incoming(result, entry)
    merged.add_incoming(patched, slow)
    return merged
