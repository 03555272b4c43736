"""Facts sympy could prove about an expression, answered without asking it where one value can.

Integrating a Hodgkin-Huxley model asks sympy's assumption system questions whose answer is
"no proof": whether a coefficient is zero (``exact.linear_step``: ``x + dt*B`` where it is), and,
each time sympy multiplies by zero, whether a factor is infinite (zero times infinity is nan).
sympy answers them only after deducing a dozen other facts (even, integer, rational, positive,
...) of every sub-expression: 10-25 ms per gating variable, most of ``swc-neuron``'s and
``hh-axon``'s ``integrate``.

One value answers them cheaply: an expression with a clearly nonzero value at one point its
symbols may take is not zero everywhere, so no proof that it is zero exists (``is_zero`` cannot
be True); one with a finite value there is not infinite everywhere (``is_finite`` cannot be
False). :func:`value_at_point` evaluates in double precision at a fixed point (every symbol a
distinct, irrational-looking positive number), and only if every symbol may take any real
value (its assumptions are at most ``real=True``, as every model name's: ``symbols.py``) and
every node is a number, arithmetic or an elementary function it knows. Anything else (an
unknown function, ``I``, an infinity, a division by zero or overflow at that point, a value
within rounding error of zero) answers "cannot tell", and the caller asks sympy as before. So
every expression built comes out as it did.
"""
from __future__ import annotations

import cmath

from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["cannot_be_zero", "cannot_be_infinite", "value_at_point"]

_RELATIVE_TOLERANCE = 1e-6


class _Unknown(Exception):
    """The expression has a node this evaluator does not know, or one without a finite value."""


def cannot_be_zero(expr) -> bool:
    """True if ``expr`` is certainly not zero for all values of its symbols (so sympy's
    ``expr.is_zero`` is not True); False if this cannot tell cheaply."""
    answer = value_at_point(expr)
    if answer is None:
        return False
    value, largest = answer
    return abs(value) > _RELATIVE_TOLERANCE * largest


def cannot_be_infinite(expr) -> bool:
    """True if ``expr`` is certainly not infinite for all values of its symbols (so sympy's
    ``expr.is_finite`` is not False); False if this cannot tell cheaply."""
    return value_at_point(expr) is not None


def value_at_point(expr) -> tuple[complex, float] | None:
    """``(value, largest)``: ``expr``'s finite value at the fixed point and the largest
    magnitude of any sub-expression's value there (the scale of the rounding error); None where
    this cannot evaluate it."""
    symbols = sorted(expr.free_symbols, key=sympy.default_sort_key)
    if not all(_any_real_value_allowed(s) for s in symbols):
        return None
    point = {s: 0.6180339887 + 0.1414213562 * k for k, s in enumerate(symbols)}
    magnitudes = [0.0]
    try:
        value = _evaluate(expr, point, magnitudes)
    except (_Unknown, ArithmeticError, ValueError):
        return None
    return value, max(magnitudes)


def _any_real_value_allowed(symbol) -> bool:
    allowed = sympy.Symbol("x", real=True).assumptions0   # sympy caches the symbol
    return symbol.is_Symbol and symbol.assumptions0.items() <= allowed.items()


def _evaluate(expr, point, magnitudes):
    if expr.is_Symbol:
        value = point[expr]
    elif expr.is_Number or expr.is_NumberSymbol:
        if not expr.is_finite:
            raise _Unknown(expr)
        # real numbers (sympy's are: ``I`` is neither): ``float`` rounds them once, as
        # ``complex(expr)`` does through ``evalf`` at 53 bits, at a fraction of its cost
        value = float(expr)
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
    if not cmath.isfinite(value):
        raise _Unknown(expr)
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
