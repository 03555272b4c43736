"""Lowering of one sympy expression to llvmlite.ir instructions: a table from sympy node class to
an emitter for the structure (numbers, names, arithmetic, comparisons, logic, Piecewise), and the
function table of :mod:`brianjit.model.functions` for calls: each row names its lowering, a
libm function or intrinsic (:mod:`.mathfuncs`) or one of the emitters of :data:`_EMITTERS`. The
module checks at import that every row can be lowered. Loops, loads and stores belong to the
kernel lowering.

Every sub-expression is typed first (:mod:`.types`), so integer arithmetic stays i64 and mixes
promote to double as in Python. A node that is in no table raises ``NotImplementedError`` naming
it: the lowering refuses rather than miscompiles. Functions not built in (e.g. TimedArray) come in
through ``functions``: a mapping of function name -> ``callable(lowerer, args) -> ir.Value`` where
``args`` are the call's sympy arguments, consulted before the built-in table.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import sympy
from llvmlite import ir

from ..model.functions import SYMPY_HEADS, TABLE
from ..model.symbols import rand
from . import rng
from .mathfuncs import FAST_MATH, INTRINSICS, LIBM, call_math
from .types import BOOLEAN, FLOAT, INTEGER, convert, fits_i64, infer_type, ir_type, join

__all__ = ["ExprLowerer", "ExternalFunction"]

ExternalFunction = Callable[["ExprLowerer", tuple], ir.Value]

_RELATIONS = {sympy.StrictLessThan: "<", sympy.LessThan: "<=", sympy.StrictGreaterThan: ">",
              sympy.GreaterThan: ">=", sympy.Equality: "==", sympy.Unequality: "!="}


class ExprLowerer:
    """Emits sympy expressions at ``builder``'s position.

    ``values``: name -> already loaded ir.Value (double, i64 or i1); ``types``: name -> 'float',
    'integer' or 'boolean'; ``random``: a :class:`~.rng.RandomContext` if expressions may call
    ``rand()``/``randn()``; ``functions``: extra functions by name (see module docstring), and
    ``function_types``: for those not returning floats, ``callable(argument types) -> type``;
    ``shared``: the names whose values are the same for every element of the loop (loaded
    before it: ``t``, ``dt``, shared variables, constants).
    After lowering, :attr:`streams_used` says how many random streams were consumed."""

    def __init__(self, builder: ir.IRBuilder, values: Mapping[str, ir.Value],
                 types: Mapping[str, str], random: rng.RandomContext | None = None,
                 functions: Mapping[str, ExternalFunction] | None = None,
                 function_types: Mapping[str, Callable] | None = None,
                 shared: frozenset = frozenset()):
        self.builder = builder
        self.shared = shared
        self.values = values
        self.types = types
        self.random = random
        self.functions = dict(functions or {})
        self.function_types = dict(function_types or {})
        self.streams_used = 0
        # expr -> type: lowering asks each node's type at every level above it; ``types`` only
        # gains names (a temporary's type is fixed at its first assignment), so an answer holds
        self._known_types: dict = {}

    # --- public ----------------------------------------------------------------------------------
    def type_of(self, expr: sympy.Basic) -> str:
        """Model type ('float', 'integer', 'boolean') of ``expr``."""
        return infer_type(expr, self.types, self.function_types, self._known_types)

    def lower(self, expr: sympy.Basic) -> ir.Value:
        """Emit ``expr``; the result has the LLVM type of :meth:`type_of`."""
        expr = sympy.sympify(expr)
        for node_class in type(expr).__mro__:
            emitter = _NODES.get(node_class)
            if emitter is not None:
                return emitter(self, expr)
        if isinstance(expr, (sympy.Function, sympy.Min, sympy.Max)):
            return self._function(expr)
        raise NotImplementedError(f"cannot lower sympy node {type(expr).__name__}: {expr}")

    def lower_as(self, expr: sympy.Basic, typ: str) -> ir.Value:
        """Emit ``expr`` converted to the model type ``typ``."""
        expr = sympy.sympify(expr)
        return convert(self.builder, self.lower(expr), self.type_of(expr), typ)

    # --- helpers ---------------------------------------------------------------------------------
    def _const(self, typ, value):
        return ir.Constant(ir_type(typ), value)

    def _arith(self, op: str, typ: str, a: ir.Value, b: ir.Value, flags=FAST_MATH) -> ir.Value:
        b_ = self.builder
        if typ == FLOAT:
            return getattr(b_, "f" + op)(a, b, flags=flags)
        return getattr(b_, op)(a, b)

    def _operands(self, args, typ=None):
        """Lower ``args`` converted to a common type (their join unless ``typ`` is given)."""
        typ = typ or join(*(self.type_of(a) for a in args))
        return typ, [self.lower_as(a, typ) for a in args]

    def _power(self, base: ir.Value, typ: str, n: int) -> ir.Value:
        """base**n for an integer n >= 0 by repeated squaring (never llvm.powi)."""
        result, square = None, base
        while n:
            if n & 1:
                result = square if result is None else self._arith("mul", typ, result, square)
            n >>= 1
            if n:
                square = self._arith("mul", typ, square, square)
        return result if result is not None else self._const(typ, 1 if typ == INTEGER else 1.0)

    def _is_shared(self, expr) -> bool:
        """Whether ``expr`` has one value for all elements (Brian2's scalar code): it reads only
        :attr:`shared` names and calls no function a model defines (random numbers, TimedArrays,
        a user's functions)."""
        return ({s.name for s in expr.free_symbols} <= self.shared
                and not expr.atoms(sympy.core.function.AppliedUndef))

    def _select(self, condition, a, b):
        return self.builder.select(condition, a, b)

    # --- emitters (one per node class, registered in _NODES) -------------------------------------
    def _symbol(self, expr):
        if expr.name not in self.values:
            raise KeyError(f"no value for name {expr.name!r}")
        return self.values[expr.name]

    def _number(self, expr):
        if isinstance(expr, sympy.Integer) and fits_i64(expr):
            return self._const(INTEGER, int(expr))
        return self._const(FLOAT, float(expr))  # correctly rounded, also for 2**64

    def _boolean_atom(self, expr):
        return self._const(BOOLEAN, int(bool(expr)))

    def _add(self, expr):
        typ, operands = self._operands(expr.args)
        result = operands[0]
        for operand in operands[1:]:
            result = self._arith("add", typ, result, operand)
        return result

    def _mul(self, expr):
        typ = self.type_of(expr)
        numerator, denominator = [], []
        for factor in expr.args:
            if factor == -1:
                continue
            if (isinstance(factor, sympy.Pow) and isinstance(factor.exp, sympy.Integer)
                    and factor.exp < 0):
                denominator.append(factor.base ** -factor.exp)
            elif isinstance(factor, sympy.Rational) and not isinstance(factor, sympy.Integer) \
                    and factor.p == 1:
                denominator.append(sympy.Integer(factor.q))
            else:
                numerator.append(factor)
        result = None
        for factor in numerator:
            value = self.lower_as(factor, typ)
            result = value if result is None else self._arith("mul", typ, result, value)
        if denominator:
            below = self.lower_as(sympy.Mul(*denominator, evaluate=False)
                                  if len(denominator) > 1 else denominator[0], FLOAT)
            above = result if result is not None else self._const(FLOAT, 1.0)
            # a model's x/c may become x*(1/c) (arcp: within an ulp): divisions by loop-invariant
            # parameters otherwise cost a vdivpd per neuron and step (CUBA: 3 per neuron). As in
            # Brian2, whose loop-invariant optimisation computes a shared expression once,
            # exactly, and multiplies an element's value by a shared divisor's reciprocal; so
            # int(t/dt) is Brian2's, and LLVM hoists the exact division out of the loop
            arcp = () if self._is_shared(expr) else ("arcp",)
            result = self._arith("div", FLOAT, above, below, flags=FAST_MATH + arcp)
        if result is None:
            result = self._const(typ, 1 if typ == INTEGER else 1.0)
        if sympy.S.NegativeOne in expr.args:
            # arcp here too: LLVM folds -(x/c) into (-x)/c keeping only the flags both carry
            result = (self.builder.fneg(result, flags=FAST_MATH + ("arcp",)) if typ == FLOAT
                      else self.builder.neg(result))
        return result

    def _pow(self, expr):
        base, exponent = expr.args
        if isinstance(exponent, sympy.Integer):
            n = int(exponent)
            if n >= 0:
                typ = join(self.type_of(base))
                return self._power(self.lower_as(base, typ), typ, n)
            value = self._power(self.lower_as(base, FLOAT), FLOAT, -n)
            return self._arith("div", FLOAT, self._const(FLOAT, 1.0), value)
        x = self.lower_as(base, FLOAT)
        if isinstance(exponent, sympy.Rational) and exponent.q == 2:
            # x**(p/2) = x**((|p|-1)/2) * sqrt(x), inverted for negative p
            magnitude = self._arith("mul", FLOAT, self._power(x, FLOAT, (abs(exponent.p) - 1) // 2),
                                    call_math(self.builder, "sqrt", [x]))
            if exponent.p > 0:
                return magnitude
            return self._arith("div", FLOAT, self._const(FLOAT, 1.0), magnitude)
        return call_math(self.builder, "pow", [x, self.lower_as(exponent, FLOAT)])

    def _relational(self, expr):
        op = _RELATIONS[type(expr)]
        exact = self._beyond_i64(expr)
        if exact is not None:
            return self._const(BOOLEAN, int(exact))
        typ, (a, b) = self._operands(expr.args)
        if typ == FLOAT:
            if op == "!=":  # Python: nan != nan
                return self.builder.fcmp_unordered(op, a, b)
            return self.builder.fcmp_ordered(op, a, b)
        return self.builder.icmp_signed(op, a, b)

    def _beyond_i64(self, expr):
        """The exact truth of an integer compared with an integer constant beyond the i64 range
        (``i == 2**64`` is False, ``i < 2**64`` True), or None for other comparisons."""
        left, right = expr.args
        for constant, other, flipped in ((right, left, False), (left, right, True)):
            if not fits_i64(constant) and self.type_of(other) in (INTEGER, BOOLEAN):
                above = int(constant) > 0  # the constant is above (or below) every i64
                op = _RELATIONS[type(expr)]
                if op in ("==", "!="):
                    return op == "!="
                less = op in ("<", "<=")
                return less == above if not flipped else less != above
        return None

    def _logic(self, expr):
        operands = [self.lower_as(a, BOOLEAN) for a in expr.args]
        if isinstance(expr, sympy.Not):
            return self.builder.not_(operands[0])
        combine = {sympy.And: self.builder.and_, sympy.Or: self.builder.or_,
                   sympy.Xor: self.builder.xor}[type(expr)]
        result = operands[0]
        for operand in operands[1:]:
            result = combine(result, operand)
        return result

    def _piecewise(self, expr):
        if expr.args[-1].cond != sympy.true:
            raise NotImplementedError(f"Piecewise without an otherwise branch: {expr}")
        typ = self.type_of(expr)
        branches = [(self.lower_as(value, typ), self.lower_as(condition, BOOLEAN))
                    for value, condition in expr.args]
        result = branches[-1][0]
        for value, condition in reversed(branches[:-1]):
            result = self._select(condition, value, result)
        return result

    def _extremum(self, typ, is_min, operands):
        """min or max of ``operands`` (already of model type ``typ``)."""
        if typ == FLOAT:  # NaN propagates, like numpy.minimum/maximum
            name = "minimum" if is_min else "maximum"
            combine = lambda a, b: call_math(self.builder, name, [a, b])  # noqa: E731
        else:
            i64 = ir_type(INTEGER)
            function = self.builder.module.declare_intrinsic(
                "llvm.smin" if is_min else "llvm.smax", [i64], ir.FunctionType(i64, [i64, i64]))
            combine = lambda a, b: self.builder.call(function, [a, b])  # noqa: E731
        result = operands[0]
        for operand in operands[1:]:
            result = combine(result, operand)
        return result

    def _min_max(self, expr):
        typ, operands = self._operands(expr.args)
        return self._extremum(typ, isinstance(expr, sympy.Min), operands)

    def _clip(self, expr):
        """numpy's clip: min(max(x, low), high), in the type of all three joined."""
        typ, (x, low, high) = self._operands(expr.args)
        return self._extremum(typ, True, [self._extremum(typ, False, [x, low]), high])

    def _safe_divisor(self, b):
        """Integer divisor with 0 and -1 replaced by 1 (sdiv/srem trap on x/0 and MIN/-1)."""
        f = self.builder
        awkward = f.or_(f.icmp_signed("==", b, self._const(INTEGER, 0)),
                        f.icmp_signed("==", b, self._const(INTEGER, -1)))
        return self._select(awkward, self._const(INTEGER, 1), b)

    def _int_divmod(self, a, b):
        """Python's (a // b, a % b) on i64; x // 0 and x % 0 give 0 (as numpy)."""
        bd = self._safe_divisor(b)
        q = self.builder.sdiv(a, bd)
        r = self.builder.srem(a, bd)
        zero = self._const(INTEGER, 0)
        adjust = self.builder.and_(self.builder.icmp_signed("!=", r, zero),
                                   self.builder.icmp_signed("<", self.builder.xor(r, b), zero))
        q = self._select(adjust, self.builder.sub(q, self._const(INTEGER, 1)), q)
        r = self._select(adjust, self.builder.add(r, b), r)
        minus_one = self.builder.icmp_signed("==", b, self._const(INTEGER, -1))
        q = self._select(minus_one, self.builder.neg(a), q)
        is_zero = self.builder.icmp_signed("==", b, zero)
        return self._select(is_zero, zero, q), self._select(is_zero, zero, r)

    def _float_divmod(self, a, b):
        """numpy's float (a // b, a % b): remainder with the sign of b, floor of the exact
        quotient (b == 0 gives a / b and nan)."""
        f = self.builder
        zero = self._const(FLOAT, 0.0)
        mod = f.frem(a, b)
        div = self._arith("div", FLOAT, self._arith("sub", FLOAT, a, mod), b)
        wrong_sign = f.and_(f.fcmp_ordered("!=", mod, zero),
                            f.xor(f.fcmp_ordered("<", b, zero), f.fcmp_ordered("<", mod, zero)))
        mod = self._select(wrong_sign, self._arith("add", FLOAT, mod, b), mod)
        div = self._select(wrong_sign, self._arith("sub", FLOAT, div, self._const(FLOAT, 1.0)), div)
        mod = self._select(f.fcmp_ordered("==", mod, zero), call_math(f, "copysign", [zero, b]), mod)
        floor_div = call_math(f, "floor", [div])
        rounding = f.fcmp_ordered(">", self._arith("sub", FLOAT, div, floor_div),
                                  self._const(FLOAT, 0.5))
        floor_div = self._select(rounding, self._arith("add", FLOAT, floor_div,
                                                       self._const(FLOAT, 1.0)), floor_div)
        quotient = self._arith("div", FLOAT, a, b)
        floor_div = self._select(f.fcmp_ordered("==", div, zero),
                                 call_math(f, "copysign", [zero, quotient]), floor_div)
        by_zero = f.fcmp_ordered("==", b, zero)
        return self._select(by_zero, quotient, floor_div), mod

    def _divmod(self, expr, which):
        typ, (a, b) = self._operands(expr.args)
        parts = self._int_divmod(a, b) if typ == INTEGER else self._float_divmod(a, b)
        return parts[which]

    def _abs(self, expr):
        typ, (x,) = self._operands(expr.args)
        if typ == FLOAT:
            return call_math(self.builder, "fabs", [x])
        i64 = ir_type(INTEGER)
        function = self.builder.module.declare_intrinsic(
            "llvm.abs", [i64], ir.FunctionType(i64, [i64, ir_type(BOOLEAN)]))
        return self.builder.call(function, [x, self._const(BOOLEAN, 0)])

    def _sign(self, expr):
        typ, (x,) = self._operands(expr.args)
        f = self.builder
        if typ == INTEGER:
            zero = self._const(INTEGER, 0)
            return f.sub(f.zext(f.icmp_signed(">", x, zero), ir_type(INTEGER)),
                         f.zext(f.icmp_signed("<", x, zero), ir_type(INTEGER)))
        zero = self._const(FLOAT, 0.0)
        negative = self._select(f.fcmp_ordered("<", x, zero), self._const(FLOAT, -1.0), x)
        return self._select(f.fcmp_ordered(">", x, zero), self._const(FLOAT, 1.0), negative)

    def _int(self, expr):
        return self.lower_as(expr.args[0], INTEGER)

    def _exprel(self, expr):
        x = self.lower_as(expr.args[0], FLOAT)
        ratio = self._arith("div", FLOAT, call_math(self.builder, "expm1", [x]), x)
        at_zero = self.builder.fcmp_ordered("==", x, self._const(FLOAT, 0.0))
        return self._select(at_zero, self._const(FLOAT, 1.0), ratio)

    def _streams(self, expr, count):
        """The first of ``count`` fresh random streams for the random call ``expr``."""
        if self.random is None:
            raise NotImplementedError(f"{expr} needs random numbers but no RandomContext was given")
        stream = self.random.first_stream + self.streams_used
        self.streams_used += count
        return stream

    def _random(self, expr):
        stream = self._streams(expr, 1)
        emit = rng.emit_uniform if expr.func == rand else rng.emit_normal
        return emit(self.builder, self.random.seed, stream, self.random.index, self.random.step)

    def _poisson(self, expr):
        lam = self.lower_as(expr.args[0], FLOAT)
        stream = self._streams(expr, rng.POISSON_STREAMS)
        return rng.emit_poisson(self.builder, self.random.seed, stream, self.random.index,
                                self.random.step, lam)

    def _timestep(self, expr):
        """Brian2's ``timestep(t, dt)``: ``(t + 1e-3*dt)/dt`` truncated to an integer, so that
        multiples of dt never fall into the step before."""
        t, dt = (self.lower_as(a, FLOAT) for a in expr.args)
        f = self.builder
        shifted = f.fadd(t, f.fmul(self._const(FLOAT, 1e-3), dt))
        return convert(f, f.fdiv(shifted, dt), FLOAT, INTEGER)

    def _function(self, expr):
        name = getattr(expr.func, "__name__", str(expr.func))
        external = self.functions.get(name)
        spec = SYMPY_HEADS.get(expr.func)
        if external is not None:  # a user function, or a built-in one the user replaced
            return external(self, expr.args[:spec.nargs] if spec and spec.stateful
                            else expr.args)
        if spec is None or spec.lowering is None:
            raise NotImplementedError(f"cannot lower function {name} in {expr}")
        emitter = _EMITTERS.get(spec.lowering)
        if emitter is not None:
            return emitter(self, expr)
        return call_math(self.builder, spec.lowering, [self.lower_as(a, FLOAT) for a in expr.args])


_NODES: dict[type, Callable] = {
    sympy.Symbol: ExprLowerer._symbol,
    sympy.Number: ExprLowerer._number,
    sympy.NumberSymbol: ExprLowerer._number,
    sympy.logic.boolalg.BooleanAtom: ExprLowerer._boolean_atom,
    sympy.Add: ExprLowerer._add,
    sympy.Mul: ExprLowerer._mul,
    sympy.Pow: ExprLowerer._pow,
    sympy.core.relational.Relational: ExprLowerer._relational,
    sympy.And: ExprLowerer._logic, sympy.Or: ExprLowerer._logic,
    sympy.Not: ExprLowerer._logic, sympy.Xor: ExprLowerer._logic,
    sympy.Piecewise: ExprLowerer._piecewise,
}

#: the lowering's own emitters, by the ``lowering`` name of a function table row
_EMITTERS: dict[str, Callable] = {
    "min": ExprLowerer._min_max, "max": ExprLowerer._min_max, "clip": ExprLowerer._clip,
    "mod": lambda self, expr: self._divmod(expr, 1),
    "floordiv": lambda self, expr: self._divmod(expr, 0),
    "abs": ExprLowerer._abs, "sign": ExprLowerer._sign, "int": ExprLowerer._int,
    "exprel": ExprLowerer._exprel, "rand": ExprLowerer._random, "randn": ExprLowerer._random,
    "poisson": ExprLowerer._poisson, "timestep": ExprLowerer._timestep,
}


def _check_table():
    """Every row of the function table that names a lowering can be emitted."""
    missing = [spec.name or spec.head for spec in TABLE if spec.lowering is not None
               and spec.lowering not in _EMITTERS and spec.lowering not in INTRINSICS
               and spec.lowering not in LIBM]
    if missing:
        raise NotImplementedError(f"functions without a lowering: {missing}")


_check_table()
