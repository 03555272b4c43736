"""Whether sympy could prove an expression zero, answered without asking it where one number can.

``exact.linear_step`` branches on ``A.is_zero`` (``x + dt*B`` where the coefficient ``A`` of the
variable is zero). For a Hodgkin-Huxley gating variable ``A`` is a sum of rate functions, and
sympy's assumption system answers ``None`` only after deducing a dozen other facts (even,
integer, rational, positive, ...) of every sub-expression: ~10-25 ms per variable, ~0.05 s of
``swc-neuron``'s and ``hh-axon``'s build, most of ``integrate``.

The question has a cheap sufficient answer: if ``A`` has a clearly non-zero value at one point
its symbols may take, ``A`` is not zero everywhere, so no proof that it is zero exists and
``A.is_zero`` cannot be True. :func:`cannot_be_zero` evaluates ``A`` in double precision at a
fixed point (every symbol a distinct, irrational-looking positive number); it answers True only
if every symbol may take any real value (its assumptions are at most ``real=True``, as every
model name's: ``symbols.py``), every node is arithmetic or an elementary function it knows, and
the value exceeds the rounding error bound (1e-6 times the largest intermediate magnitude) by
far. Anything else (an unknown function, a division by zero or overflow at that point, a value
near zero) answers False, and the caller asks sympy as before. So ``linear_step`` takes the
branch it took before, for every expression.
"""
from __future__ import annotations

import cmath

from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["cannot_be_zero"]

_RELATIVE_TOLERANCE = 1e-6


class _Unknown(Exception):
    """The expression has a node this evaluator does not know, or no finite value at the point."""


def cannot_be_zero(expr) -> bool:
    """True if ``expr`` is certainly not zero for all values of its symbols (so sympy's
    ``expr.is_zero`` is not True); False if this cannot tell cheaply."""
    symbols = sorted(expr.free_symbols, key=sympy.default_sort_key)
    if not all(_any_real_value_allowed(s) for s in symbols):
        return False
    point = {s: 0.6180339887 + 0.1414213562 * k for k, s in enumerate(symbols)}
    magnitudes = [0.0]
    try:
        value = _evaluate(expr, point, magnitudes)
    except (_Unknown, ArithmeticError, ValueError):
        return False
    if not cmath.isfinite(value):
        return False
    return abs(value) > _RELATIVE_TOLERANCE * max(magnitudes)


def _any_real_value_allowed(symbol) -> bool:
    allowed = sympy.Symbol("x", real=True).assumptions0   # sympy caches the symbol
    return symbol.is_Symbol and symbol.assumptions0.items() <= allowed.items()


def _evaluate(expr, point, magnitudes):
    if expr.is_Symbol:
        value = point[expr]
    elif expr.is_Number or expr.is_NumberSymbol:
        if not expr.is_finite:
            raise _Unknown(expr)
        value = complex(expr)
    else:
        args = [_evaluate(arg, point, magnitudes) for arg in expr.args]
        if expr.is_Add:
            value = sum(args)
        elif expr.is_Mul:
            value = 1
            for arg in args:
                value *= arg
        elif expr.is_Pow:
            value = complex(args[0]) ** args[1]
        else:
            function = _elementary_functions().get(expr.func)
            if function is None or len(args) != 1:
                raise _Unknown(expr)
            value = function(complex(args[0]))
    magnitudes.append(abs(value))
    return value


_ELEMENTARY: dict = {}


def _elementary_functions() -> dict:
    """sympy's function classes this evaluator knows, with their complex counterparts."""
    if not _ELEMENTARY:
        _ELEMENTARY.update({
            sympy.exp: cmath.exp, sympy.log: cmath.log, sympy.sin: cmath.sin,
            sympy.cos: cmath.cos, sympy.tan: cmath.tan, sympy.sinh: cmath.sinh,
            sympy.cosh: cmath.cosh, sympy.tanh: cmath.tanh, sympy.Abs: abs})
    return _ELEMENTARY
