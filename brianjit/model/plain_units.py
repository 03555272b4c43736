"""Unit declarations (``: siemens/metre**2``) and the default functions' names, read without
sympy.

Why: a script whose kernels are all in the disk cache should reach its first step without
importing sympy (issue 9, target 2: 0.5 s from the interpreter's start; sympy's import alone is
0.35-0.7 s). The equation parser reads the *structure* of a model -- names, kinds, units, flags,
the names a right-hand side uses -- and none of that needs sympy; only the right-hand sides'
trees do. Two things pulled sympy in anyway: every unit declaration went through
``parse_expression``, and the identifier check "is this the name of a default function" read the
sympy-built table of :mod:`brianjit.model.functions`.

:func:`plain_unit` evaluates the declarations people write -- names of units, integer literals,
``*``, ``/`` and ``**`` with a numeric exponent -- directly in the units namespace. It answers
the same (scale, dimensions) as the sympy path for everything it accepts, and None for anything
else (a float literal, an unknown name, a syntax error, any other construct): the caller then
takes the sympy path, so every error message stays what it was. :data:`DEFAULT_FUNCTION_NAMES`
is the set of names model strings may call; ``tests/test_plain_units.py`` checks it against the
table.
"""
from __future__ import annotations

import ast

import numpy as np

import brianjit.units as units
from brianjit.model.parse import locked_ast_parse
from brianjit.units import DIMENSIONLESS, Dimension, get_dimensions

__all__ = ["plain_unit", "DEFAULT_FUNCTION_NAMES"]

#: the names of :data:`brianjit.model.functions.DEFAULT_FUNCTIONS` (its rows with a name)
DEFAULT_FUNCTION_NAMES = frozenset({
    "exp", "log", "log10", "expm1", "log1p", "exprel", "sin", "cos", "tan", "sinh", "cosh",
    "tanh", "arcsin", "arccos", "arctan", "sqrt", "abs", "sign", "floor", "ceil", "clip", "int",
    "rand", "randn", "poisson", "timestep",
})


def plain_unit(text: str) -> tuple[float, Dimension] | None:
    """``(scale in SI, dimensions)`` of the unit expression ``text`` (``'volt'``, ``'1'``,
    ``'amp/metre**2'``, ``'metre**-1.5'``), or None when ``text`` is not a plain product,
    quotient or numeric power of unit names and integers (the sympy path then decides)."""
    try:
        tree = locked_ast_parse(text.strip(), "eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        return _value(tree.body)
    except (ArithmeticError, TypeError, ValueError, RecursionError):
        return None   # 10**400, 0**-1, ...: the sympy path says what is wrong


def _exponent(node: ast.AST) -> float | None:
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
            and np.isfinite(node.value):
        return sign * float(node.value)
    return None


def _value(node: ast.AST) -> tuple[float, Dimension] | None:
    if isinstance(node, ast.Name):
        value = getattr(units, node.id, None)
        if not isinstance(value, units.Quantity):
            return None
        return float(np.asarray(value, dtype=float)), get_dimensions(value)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return float(node.value), DIMENSIONLESS
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div, ast.Pow)):
        left = _value(node.left)
        if left is None:
            return None
        if isinstance(node.op, ast.Pow):
            power = _exponent(node.right)
            if power is None:
                return None
            return left[0] ** power, left[1] ** power
        right = _value(node.right)
        if right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left[0] * right[0], left[1] * right[1]
        if right[0] == 0:
            return None
        return left[0] / right[0], left[1] / right[1]
    return None
