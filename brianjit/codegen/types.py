"""Value types of model expressions: which of float / integer / boolean a sympy expression has,
its LLVM type, and conversions between them.

The lowering needs the type of every sub-expression before emitting it (``i // j`` is an integer
division, ``x // y`` a float one; ``i / j`` is always float). Python's rules apply: a boolean in
arithmetic counts as an integer, any float makes the result float, ``/`` and negative integer
powers give floats, comparisons and logic give booleans. See docs/CONTRACTS.md for the storage.
"""
from __future__ import annotations

from collections.abc import Mapping

import sympy
from llvmlite import ir
from sympy.logic.boolalg import Boolean, BooleanAtom

from ..model.symbols import floordiv, int_

__all__ = ["FLOAT", "INTEGER", "BOOLEAN", "TYPES", "ir_type", "infer_type", "convert", "join"]

FLOAT, INTEGER, BOOLEAN = "float", "integer", "boolean"
TYPES = (FLOAT, INTEGER, BOOLEAN)
_IR = {FLOAT: ir.DoubleType(), INTEGER: ir.IntType(64), BOOLEAN: ir.IntType(1)}


def ir_type(typ: str) -> ir.Type:
    """LLVM type of a value of model type ``typ`` inside expressions (double, i64, i1)."""
    try:
        return _IR[typ]
    except KeyError:
        raise ValueError(f"unknown type {typ!r}; expected one of {TYPES}") from None


def join(*types: str) -> str:
    """Type of arithmetic on operands of these types: float if any is float, else integer."""
    return FLOAT if FLOAT in types else INTEGER


# Functions whose result has the type of their arguments joined (booleans become integers).
_ARITHMETIC_FUNCTIONS = (sympy.Abs, sympy.sign, sympy.Min, sympy.Max, sympy.Mod, floordiv)


def infer_type(expr: sympy.Basic, types: Mapping[str, str]) -> str:
    """Type of ``expr`` given the types of its names. Raises KeyError naming an unknown name."""
    if isinstance(expr, sympy.Symbol):
        if expr.name not in types:
            raise KeyError(f"no type known for name {expr.name!r} in {expr}")
        return types[expr.name]
    if isinstance(expr, (BooleanAtom, sympy.core.relational.Relational)):
        return BOOLEAN
    if isinstance(expr, Boolean) and not isinstance(expr, sympy.Expr):
        return BOOLEAN  # And, Or, Not, Xor
    if isinstance(expr, sympy.Integer):
        return INTEGER
    if isinstance(expr, sympy.Number) or isinstance(expr, sympy.NumberSymbol):
        return FLOAT
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        return join(*(infer_type(a, types) for a in expr.args))
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if isinstance(exponent, sympy.Integer) and exponent >= 0:
            return join(infer_type(base, types))
        return FLOAT
    if isinstance(expr, _ARITHMETIC_FUNCTIONS):
        return join(*(infer_type(a, types) for a in expr.args))
    if isinstance(expr, int_):
        return INTEGER
    if isinstance(expr, sympy.Piecewise):
        branch_types = {infer_type(value, types) for value, _ in expr.args}
        return BOOLEAN if branch_types == {BOOLEAN} else join(*branch_types)
    if isinstance(expr, sympy.Function):
        return FLOAT  # math functions, rand(), randn(), user functions: double in, double out
    raise NotImplementedError(f"cannot infer the type of {type(expr).__name__} node: {expr}")


def convert(builder: ir.IRBuilder, value: ir.Value, source: str, target: str) -> ir.Value:
    """Convert ``value`` of model type ``source`` to ``target``: booleans become 0/1, integers
    become doubles exactly (below 2**53), doubles become integers by truncation (saturating,
    NaN -> 0), and numbers become booleans by ``!= 0`` as in Python's ``bool()``."""
    if source == target:
        return value
    if target == FLOAT:
        if source == BOOLEAN:
            return builder.uitofp(value, _IR[FLOAT])
        return builder.sitofp(value, _IR[FLOAT])
    if target == INTEGER:
        if source == BOOLEAN:
            return builder.zext(value, _IR[INTEGER])
        saturating = builder.module.declare_intrinsic(
            "llvm.fptosi.sat", [_IR[INTEGER], _IR[FLOAT]],
            ir.FunctionType(_IR[INTEGER], [_IR[FLOAT]]))
        return builder.call(saturating, [value])
    if target == BOOLEAN:
        if source == INTEGER:
            return builder.icmp_signed("!=", value, ir.Constant(_IR[INTEGER], 0))
        return builder.fcmp_unordered("!=", value, ir.Constant(_IR[FLOAT], 0.0))
    raise ValueError(f"unknown conversion {source!r} -> {target!r}")
