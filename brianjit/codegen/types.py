"""Value types of model expressions: which of float / integer / boolean a sympy expression has,
its LLVM type, and conversions between them.

The lowering needs the type of every sub-expression before emitting it (``i // j`` is an integer
division, ``x // y`` a float one; ``i / j`` is always float). Python's rules apply: a boolean in
arithmetic counts as an integer, any float makes the result float, ``/`` and negative integer
powers give floats, comparisons and logic give booleans. Functions follow their row of
:data:`brianjit.model.functions.TABLE` (``'highest'``: the join of the argument types, as Brian2's
``abs``, ``sign``, ``clip``; ``int``, ``poisson``, ``timestep``: integer). See docs/CONTRACTS.md for
the storage and the integer rules:

* integer values inside expressions are i64; an integer constant outside the i64 range (``2**64``,
  which sympy computes exactly) is a float (Python's ``float(2**64)``), except that comparing it
  with an integer gives the exact answer; in integer arithmetic (``i + 2**64``) it is an
  ``OverflowError``, as in Brian2;
* float -> integer (``int()``, storing a float in an integer variable) truncates towards zero;
  NaN, infinities and values outside the i64 range give the "integer indefinite" value INT64_MIN,
  as numpy's cast on x86 (Brian2's ``int()``);
* storing an i64 into an int32 variable saturates to the int32 range (so ``int(inf)`` is stored as
  -2**31, Brian2's value); a constant that does not fit is an ``OverflowError`` at build time.

Storage and value types are separate (``STORAGE``, :func:`load_stored`, :func:`to_stored`): a
value is loaded from its storage kind (``kernel.ArrayVar.dtype``) into its value type, computed
on, and converted back when stored. Floats are computed in ``COMPUTE_FLOAT`` (double) whatever
they are stored as: a float32 variable (``prefs.core.default_float_dtype = float32``) is
extended exactly when loaded and rounded to nearest when stored, so one expression rounds once,
at its store (Brian2's C++ rounds every ``float`` temporary as well; docs/differences.md).
A target that computes floats in single precision (a GPU) would change ``COMPUTE_FLOAT`` for
its lowering together with the math functions it calls; the storage side stays as it is.
"""
from __future__ import annotations

from collections.abc import Mapping

from llvmlite import ir
from ..lazy import lazy_module


sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["FLOAT", "INTEGER", "BOOLEAN", "TYPES", "ir_type", "infer_type", "convert", "join",
           "fits_i64", "INT32_RANGE", "store_int32", "check_stored_constant", "COMPUTE_FLOAT",
           "STORAGE", "load_stored", "to_stored"]

FLOAT, INTEGER, BOOLEAN = "float", "integer", "boolean"
TYPES = (FLOAT, INTEGER, BOOLEAN)
#: the type floats are computed in, whatever they are stored as
COMPUTE_FLOAT = ir.DoubleType()
_IR = {FLOAT: COMPUTE_FLOAT, INTEGER: ir.IntType(64), BOOLEAN: ir.IntType(1)}
#: storage kind (``kernel.STORAGE_KINDS``) -> the LLVM type of one element in memory
STORAGE = {"float": ir.DoubleType(), "float32": ir.FloatType(), "integer": ir.IntType(32),
           "boolean": ir.IntType(8), "int64": ir.IntType(64)}


def ir_type(typ: str) -> ir.Type:
    """LLVM type of a value of model type ``typ`` inside expressions (double, i64, i1)."""
    try:
        return _IR[typ]
    except KeyError:
        raise ValueError(f"unknown type {typ!r}; expected one of {TYPES}") from None


def join(*types: str) -> str:
    """Type of arithmetic on operands of these types: float if any is float, else integer."""
    return FLOAT if FLOAT in types else INTEGER


_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1
INT32_RANGE = (-(1 << 31), (1 << 31) - 1)


def fits_i64(expr: sympy.Basic) -> bool:
    """True unless ``expr`` is an integer constant outside the signed 64-bit range."""
    return not isinstance(expr, sympy.Integer) or _I64_MIN <= int(expr) <= _I64_MAX


def _arithmetic(expr: sympy.Basic, types: Mapping[str, str], functions=None,
                known=None) -> str:
    """The join of the operands' types; an integer constant beyond 64 bits among integer operands
    is an OverflowError (Brian2: 'Python int too large to convert to C long')."""
    big = [a for a in expr.args if not fits_i64(a)]
    others = [infer_type(a, types, functions, known) for a in expr.args if fits_i64(a)]
    if big and others and FLOAT not in others:
        raise OverflowError(f"the integer {big[0]} does not fit in 64 bits, in the integer "
                            f"arithmetic {expr} (write it as a float, e.g. 2.0**64)")
    return join(*others, *[FLOAT] * len(big))


def infer_type(expr: sympy.Basic, types: Mapping[str, str], functions=None,
               known: dict | None = None) -> str:
    """Type of ``expr`` given the types of its names (and, in ``functions``, a callable of the
    argument types giving the result type of each user function by name; unknown functions
    return floats). Raises KeyError naming an unknown name.

    ``known``: expression -> type, the answers of earlier calls with the same ``types`` and
    ``functions`` (``types`` may only have gained names since); read and filled here for every
    sub-expression, so a caller that asks the type of each node of a tree (the lowering)
    infers each node once instead of once per node above it."""
    if known is None:
        return _infer_type(expr, types, functions, None)
    typ = known.get(expr)
    if typ is None:
        typ = known[expr] = _infer_type(expr, types, functions, known)
    return typ


def _infer_type(expr, types, functions, known) -> str:
    from ..model.functions import SYMPY_HEADS
    if isinstance(expr, sympy.Symbol):
        if expr.name not in types:
            raise KeyError(f"no type known for name {expr.name!r} in {expr}")
        return types[expr.name]
    if isinstance(expr, (sympy.logic.boolalg.BooleanAtom, sympy.core.relational.Relational)):
        return BOOLEAN
    if isinstance(expr, sympy.logic.boolalg.Boolean) and not isinstance(expr, sympy.Expr):
        return BOOLEAN  # And, Or, Not, Xor
    if isinstance(expr, sympy.Integer):
        return INTEGER if fits_i64(expr) else FLOAT
    if isinstance(expr, sympy.Number) or isinstance(expr, sympy.NumberSymbol):
        return FLOAT
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        return _arithmetic(expr, types, functions, known)
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if isinstance(exponent, sympy.Integer) and exponent >= 0:
            return join(infer_type(base, types, functions, known))
        return FLOAT
    if isinstance(expr, sympy.Piecewise):
        branch_types = {infer_type(value, types, functions, known) for value, _ in expr.args}
        return BOOLEAN if branch_types == {BOOLEAN} else join(*branch_types)
    spec = SYMPY_HEADS.get(getattr(expr, "func", None))
    if spec is not None:
        if spec.result_type == "highest":
            return _arithmetic(expr, types, functions, known)
        return spec.result_type
    if isinstance(expr, sympy.Function):
        typed = (functions or {}).get(getattr(expr.func, "__name__", None))
        if typed is not None:
            return typed([infer_type(a, types, functions, known) for a in expr.args])
        return FLOAT  # other user functions (TimedArray): double in, double out
    raise NotImplementedError(f"cannot infer the type of {type(expr).__name__} node: {expr}")


def convert(builder: ir.IRBuilder, value: ir.Value, source: str, target: str) -> ir.Value:
    """Convert ``value`` of model type ``source`` to ``target``: booleans become 0/1, integers
    become doubles (exactly below 2**53), doubles become integers by truncation (NaN, infinities
    and values beyond the i64 range: INT64_MIN, see the module docstring), and numbers become
    booleans by ``!= 0`` as in Python's ``bool()``."""
    if source == target:
        return value
    if target == FLOAT:
        if source == BOOLEAN:
            return builder.uitofp(value, _IR[FLOAT])
        return builder.sitofp(value, _IR[FLOAT])
    if target == INTEGER:
        if source == BOOLEAN:
            return builder.zext(value, _IR[INTEGER])
        # fptosi is poison outside the range; select never propagates the unselected poison
        in_range = builder.and_(
            builder.fcmp_ordered(">=", value, ir.Constant(_IR[FLOAT], -2.0 ** 63)),
            builder.fcmp_ordered("<", value, ir.Constant(_IR[FLOAT], 2.0 ** 63)))
        return builder.select(in_range, builder.fptosi(value, _IR[INTEGER]),
                              ir.Constant(_IR[INTEGER], _I64_MIN))
    if target == BOOLEAN:
        if source == INTEGER:
            return builder.icmp_signed("!=", value, ir.Constant(_IR[INTEGER], 0))
        return builder.fcmp_unordered("!=", value, ir.Constant(_IR[FLOAT], 0.0))
    raise ValueError(f"unknown conversion {source!r} -> {target!r}")


def store_int32(builder: ir.IRBuilder, value: ir.Value) -> ir.Value:
    """An i64 value as the i32 an integer variable stores: saturated to the int32 range."""
    i64 = _IR[INTEGER]
    smax = builder.module.declare_intrinsic("llvm.smax", [i64], ir.FunctionType(i64, [i64, i64]))
    smin = builder.module.declare_intrinsic("llvm.smin", [i64], ir.FunctionType(i64, [i64, i64]))
    low, high = INT32_RANGE
    clamped = builder.call(smin, [builder.call(smax, [value, ir.Constant(i64, low)]),
                                  ir.Constant(i64, high)])
    return builder.trunc(clamped, ir.IntType(32))


def check_stored_constant(expr: sympy.Basic, target: str, typ: str) -> None:
    """Refuse, when the code is built, a constant that an integer variable cannot hold (Brian2:
    ``OverflowError: Python integer ... out of bounds for int32``)."""
    if typ != INTEGER or not isinstance(expr, sympy.Number) or not expr.is_finite:
        return
    value = sympy.floor(expr) if expr.is_nonnegative else sympy.ceiling(expr)
    low, high = INT32_RANGE
    if not low <= int(value) <= high:
        raise OverflowError(f"the value {expr} does not fit in the 32-bit integer variable "
                            f"'{target}' (range {low} to {high}), in '{target} = {expr}'")


def load_stored(builder: ir.IRBuilder, raw: ir.Value, kind: str) -> ir.Value:
    """An element loaded from storage ``kind`` as the value inside expressions: int32
    sign-extended to i64, a byte compared with 0, a float32 extended (exactly) to double."""
    if kind == "integer":
        return builder.sext(raw, _IR[INTEGER])
    if kind == "boolean":
        return builder.icmp_unsigned("!=", raw, ir.Constant(STORAGE["boolean"], 0))
    if raw.type != STORAGE[kind]:
        raise TypeError(f"a {raw.type} value loaded as {kind}")
    if kind == "float32":
        return builder.fpext(raw, COMPUTE_FLOAT)
    return raw


def to_stored(builder: ir.IRBuilder, value: ir.Value, kind: str) -> ir.Value:
    """A value inside expressions as the element storage ``kind`` holds: saturated to int32
    (:func:`store_int32`), a boolean as a byte, a double rounded to nearest float32."""
    if kind == "integer":
        return store_int32(builder, value)
    if kind == "boolean":
        return builder.zext(value, STORAGE["boolean"])
    if kind == "float32":
        return builder.fptrunc(value, STORAGE["float32"])
    return value
