"""The expression lowering against an independent numpy evaluation of the same sympy tree:
hypothesis-generated trees (batched, one module per example), exact integer semantics, types,
random streams, the external-function hook and the refusals."""
import ctypes
import math

import numpy as np
import pytest
import sympy
from hypothesis import Phase, given, settings, strategies as st
from llvmlite import ir

from brianjit.codegen.expressions import ExprLowerer
from brianjit.codegen.rng import RandomContext, normal, uniform
from brianjit.jit import compile_ir
from brianjit.model.symbols import (exprel, floordiv, int_, is_random_call, new_rand, new_randn,
                                    rand, symbol)

I64, I1, D = ir.IntType(64), ir.IntType(1), ir.DoubleType()
x, y, i, j, b = map(symbol, "xyijb")
TYPES = {"x": "float", "y": "float", "i": "integer", "j": "integer", "b": "boolean"}
ARGS = [("x", D), ("y", D), ("i", I64), ("j", I64), ("b", I1)]
C_ARGS = [ctypes.c_double, ctypes.c_double, ctypes.c_int64, ctypes.c_int64, ctypes.c_bool]


def compile_exprs(exprs, result="float", random=False):
    """One module, function e<k>(x, y, i, j, b, seed, index, step) per expression."""
    module = ir.Module()
    for k, expr in enumerate(exprs):
        fn = ir.Function(module, ir.FunctionType(_ir(result), [t for _, t in ARGS] + [I64] * 3),
                         f"e{k}")
        builder = ir.IRBuilder(fn.append_basic_block())
        values = {name: arg for (name, _), arg in zip(ARGS, fn.args)}
        context = RandomContext(*fn.args[5:], first_stream=10) if random else None
        lowerer = ExprLowerer(builder, values, TYPES, random=context)
        builder.ret(lowerer.lower_as(expr, result))
    compiled = compile_ir(str(module))
    restype = {"float": ctypes.c_double, "integer": ctypes.c_int64, "boolean": ctypes.c_bool}[result]
    return [compiled.cfunc(f"e{k}", restype, *C_ARGS, *[ctypes.c_int64] * 3)
            for k in range(len(exprs))]


def _ir(typ):
    return {"float": D, "integer": I64, "boolean": I1}[typ]


# --- an independent evaluator: Python ints/bools and numpy float64 ------------------------------
class Uncertain(Exception):
    """The argument of a discontinuous function is too close to a jump to compare."""


_FUNCS = {sympy.exp: np.exp, sympy.log: np.log, sympy.sin: np.sin, sympy.cos: np.cos,
          sympy.atan: np.arctan, sympy.tanh: np.tanh, sympy.sqrt: np.sqrt}


def _near_jump(v):
    v = float(v)
    if math.isfinite(v) and abs(v - round(v)) < 1e-7 * max(1.0, abs(v)):
        raise Uncertain


def evaluate(expr, env):
    ev = lambda e: evaluate(e, env)  # noqa: E731
    if isinstance(expr, sympy.Symbol):
        return env[expr.name]
    if isinstance(expr, sympy.logic.boolalg.BooleanAtom):
        return bool(expr)
    if isinstance(expr, sympy.Integer):
        return int(expr)
    if isinstance(expr, (sympy.Number, sympy.NumberSymbol)):
        return np.float64(float(expr))
    if isinstance(expr, sympy.Add):
        total = ev(expr.args[0])
        for a in expr.args[1:]:
            total = total + ev(a)
        return total
    if isinstance(expr, sympy.Mul):
        total = 1
        for a in expr.args:
            total = total * ev(a)
        return total
    if isinstance(expr, sympy.Pow):
        base, exponent = ev(expr.base), ev(expr.exp)
        if isinstance(exponent, int) and exponent < 0:
            return np.float64(1.0) / np.float64(base) ** -exponent
        if isinstance(base, (bool, np.bool_)):
            base = int(base)
        return base ** exponent if isinstance(base, int) else np.float64(base) ** exponent
    if isinstance(expr, sympy.Mod):
        a, c = ev(expr.args[0]), ev(expr.args[1])
        if isinstance(a, int) and isinstance(c, int):
            return 0 if c == 0 else a % c
        _near_jump(np.float64(a) / np.float64(c))
        return np.remainder(np.float64(a), np.float64(c))
    if isinstance(expr, floordiv):
        a, c = ev(expr.args[0]), ev(expr.args[1])
        if isinstance(a, int) and isinstance(c, int):
            return 0 if c == 0 else a // c
        _near_jump(np.float64(a) / np.float64(c))
        return np.floor_divide(np.float64(a), np.float64(c))
    if isinstance(expr, (sympy.floor, sympy.ceiling, int_)):
        v = ev(expr.args[0])
        _near_jump(v)
        if isinstance(expr, int_):
            return int(v) if math.isfinite(v) else 0
        return (np.floor if isinstance(expr, sympy.floor) else np.ceil)(np.float64(v))
    if isinstance(expr, sympy.sign):
        v = ev(expr.args[0])
        if not isinstance(v, int):
            _near_jump(v * 1e6)
        return np.sign(v) if not isinstance(v, int) else (v > 0) - (v < 0)
    if isinstance(expr, sympy.Abs):
        v = ev(expr.args[0])
        return abs(int(v)) if isinstance(v, (int, bool)) else np.abs(v)
    if isinstance(expr, (sympy.Min, sympy.Max)):
        values = [ev(a) for a in expr.args]
        if all(isinstance(v, int) for v in values):
            return (min if isinstance(expr, sympy.Min) else max)(values)
        combine = np.minimum if isinstance(expr, sympy.Min) else np.maximum
        result = np.float64(values[0])
        for v in values[1:]:
            result = combine(result, np.float64(v))
        return result
    if isinstance(expr, exprel):
        v = np.float64(ev(expr.args[0]))
        return np.float64(1.0) if v == 0 else np.expm1(v) / v
    if isinstance(expr, sympy.core.relational.Relational):
        a, c = ev(expr.lhs), ev(expr.rhs)
        if not (isinstance(a, int) and isinstance(c, int)):
            _near_jump((np.float64(a) - np.float64(c)) * 1e6)
        return {"<": a < c, "<=": a <= c, ">": a > c, ">=": a >= c, "==": a == c, "!=": a != c}[
            expr.rel_op]
    if isinstance(expr, sympy.Piecewise):
        for value, condition in expr.args:
            if bool(ev(condition)):
                return ev(value)
    if expr.func in _FUNCS:
        return _FUNCS[expr.func](np.float64(ev(expr.args[0])))
    raise AssertionError(f"evaluator lacks {expr.func}")


def close(actual, expected, rtol):
    expected = float(expected)
    if math.isnan(expected):
        return math.isnan(actual)
    if math.isinf(expected):
        return actual == expected
    return abs(actual - expected) <= rtol * max(1.0, abs(expected))


# --- hypothesis trees --------------------------------------------------------------------------
leaves = st.one_of(st.sampled_from([x, y, i, j]),
                   st.integers(-4, 4).map(sympy.Integer),
                   st.sampled_from([sympy.Float(0.5), sympy.Float(-1.25), sympy.Rational(1, 3),
                                    sympy.pi]))


def _built(make):
    """sympy may refuse a combination of constants (Mod(0, 0)): keep the first operand then."""
    def build(operands):
        try:
            return make(*operands)
        except (ZeroDivisionError, ValueError, TypeError):
            return operands[0]
    return build


def _grow(children):
    two = st.tuples(children, children)
    return st.one_of(
        two.map(lambda t: t[0] + t[1]), two.map(lambda t: t[0] - t[1]),
        two.map(lambda t: t[0] * t[1]), two.map(_built(lambda a, c: a / c)),
        st.tuples(children, st.integers(-2, 3)).map(lambda t: t[0] ** t[1]),
        two.map(_built(sympy.Min)), two.map(_built(sympy.Max)),
        two.map(_built(sympy.Mod)), two.map(_built(floordiv)),
        st.tuples(st.sampled_from([sympy.exp, sympy.sin, sympy.cos, sympy.atan, sympy.tanh,
                                   sympy.Abs, sympy.sign, sympy.floor, sympy.ceiling, int_,
                                   exprel]), children).map(lambda t: t[0](t[1])),
        children.map(lambda c: sympy.log(sympy.Abs(c) + 1)),
        children.map(lambda c: sympy.sqrt(sympy.Abs(c))),
        children.map(lambda c: (sympy.Abs(c) + 1) ** sympy.Rational(-3, 2)),
        st.tuples(children, children, children).map(
            lambda t: sympy.Piecewise((t[0], t[1] < t[2]), (t[1], True))),
    )


trees = st.recursive(leaves, _grow, max_leaves=8)
inputs = st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.integers(-6, 6), st.integers(-6, 6))
RTOL = 1e-9   # transcendental functions are within 4 ulp; trees compound rounding and FMA fusion


# each example compiles one module of 12 functions: few examples, and no shrinking (too slow)
@settings(max_examples=10, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(exprs=st.lists(trees, min_size=12, max_size=12), points=st.lists(inputs, min_size=6, max_size=6))
def test_random_trees_match_numpy(exprs, points):
    functions = compile_exprs(exprs)
    with np.errstate(all="ignore"):
        for expr, fn in zip(exprs, functions):
            for xv, yv, iv, jv in points:
                try:
                    expected = evaluate(expr, {"x": np.float64(xv), "y": np.float64(yv), "i": iv, "j": jv})
                except Uncertain:
                    continue
                actual = fn(xv, yv, iv, jv, False, 0, 0, 0)
                assert close(actual, expected, RTOL), (expr, (xv, yv, iv, jv), actual, expected)


INT_EXPRS = [floordiv(i, j), sympy.Mod(i, j), i * j - 3, i ** 3, sympy.Abs(i), sympy.sign(i),
             sympy.Min(i, j), sympy.Max(i, j, 2), int_(x), int_(i / j), b + i]


@pytest.fixture(scope="module")
def integer_functions():
    return compile_exprs(INT_EXPRS, result="integer")


def _truncated(iv, jv):
    """int_(i / j): truncation; i / 0 is +-inf and 0 / 0 nan, both the "integer indefinite"
    INT64_MIN (numpy's cast on x86, Brian2's int())."""
    return int(iv / jv) if jv else -2**63


@given(iv=st.integers(-10**6, 10**6), jv=st.integers(-50, 50), xv=st.floats(-1e6, 1e6), bv=st.booleans())
def test_integer_semantics_are_pythons(integer_functions, iv, jv, xv, bv):
    expected = [0 if jv == 0 else iv // jv, 0 if jv == 0 else iv % jv, iv * jv - 3, iv ** 3, abs(iv),
                (iv > 0) - (iv < 0), min(iv, jv), max(iv, jv, 2), int(xv),
                _truncated(iv, jv), bv + iv]
    got = [fn(xv, 0.0, iv, jv, bv, 0, 0, 0) for fn in integer_functions]
    assert got == expected


@given(a=st.floats(-1e3, 1e3), c=st.floats(-1e3, 1e3).filter(lambda v: v != 0))
def test_float_floordiv_and_mod_match_python(a, c):
    fd, md, td = FLOAT_MIX
    assert fd(a, c, 0, 0, False, 0, 0, 0) == a // c
    assert md(a, c, 0, 0, False, 0, 0, 0) == a % c
    assert math.copysign(1, md(a, c, 0, 0, False, 0, 0, 0)) == math.copysign(1, a % c)
    assert td(a, c, 0, 0, False, 0, 0, 0) == a / c


FLOAT_MIX = compile_exprs([floordiv(x, y), sympy.Mod(x, y), x / y])


def test_types_and_mixes():
    fns = compile_exprs([i / j, i * x, i + sympy.Rational(1, 2), i ** -1, 7 / i, x ** 2.5, exprel(x),
                         sympy.Piecewise((i, x > 0), (x, True)), (b & (x > 0)) | sympy.Not(b)])
    call = lambda k, *a: fns[k](*a, 0, 0, 0)  # noqa: E731
    assert call(0, 0.0, 0.0, 7, 2, False) == 3.5          # true division of integers
    assert call(1, 0.25, 0.0, 3, 0, False) == 0.75
    assert call(2, 0.0, 0.0, 3, 0, False) == 3.5
    assert call(3, 0.0, 0.0, 4, 0, False) == 0.25
    assert call(4, 0.0, 0.0, 0, 0, False) == math.inf
    assert call(5, 2.0, 0.0, 0, 0, False) == pytest.approx(2.0 ** 2.5, rel=1e-15)
    assert call(6, 0.0, 0.0, 0, 0, False) == 1.0
    for v in (1e-300, 1e-12, -1e-9, 1e-5, 3.0, -700.0):
        assert call(6, v, 0.0, 0, 0, False) == pytest.approx(math.expm1(v) / v, rel=4e-16)
    assert call(6, 800.0, 0.0, 0, 0, False) == math.inf
    assert call(7, 1.0, 0.0, 5, 0, False) == 5.0 and call(7, -1.0, 0.0, 5, 0, False) == -1.0
    assert call(8, 1.0, 0, 0, 0, True) == 1.0 and call(8, -1.0, 0, 0, 0, True) == 0.0
    assert call(8, -1.0, 0, 0, 0, False) == 1.0


def test_integer_powers_are_multiplications_and_half_powers_sqrt():
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(D, [D]), "f")
    builder = ir.IRBuilder(fn.append_basic_block())
    lowerer = ExprLowerer(builder, {"x": fn.args[0]}, {"x": "float"})
    builder.ret(lowerer.lower(x ** 7 + x ** -3 + x ** sympy.Rational(5, 2) + x ** y.subs(y, 0.3)))
    text = str(module)
    assert "powi" not in text and "llvm.sqrt.f64" in text and "@\"pow\"" in text


def test_random_streams_by_order_of_appearance():
    """The k-th random call met in sympy's own order of the tree gets stream first_stream + k."""
    exprs = [new_rand(), new_randn() + 2 * new_rand()]
    fns = compile_exprs(exprs, random=True)
    seed, index, step = 42, 5, 9
    assert fns[0](0, 0, 0, 0, False, seed, index, step) == uniform(seed, 10, index, step)
    met = [e for e in sympy.preorder_traversal(exprs[1]) if is_random_call(e)]
    streams = {call: 10 + k for k, call in enumerate(met)}
    draws = {call: (uniform if call.func == rand else normal)(seed, stream, index, step)
             for call, stream in streams.items()}
    expected = float(exprs[1].subs({call: float(v) for call, v in draws.items()}))
    assert fns[1](0, 0, 0, 0, False, seed, index, step) == pytest.approx(expected, rel=1e-14)
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(D, [I64]), "f")
    lowerer = ExprLowerer(ir.IRBuilder(fn.append_basic_block()), {}, {},
                          random=RandomContext(fn.args[0], fn.args[0], fn.args[0], 3))
    lowerer.lower(new_rand() * new_randn() + new_rand())
    assert lowerer.streams_used == 3


def test_external_function_hook():
    f = sympy.Function("timed")
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(D, [D]), "f")
    builder = ir.IRBuilder(fn.append_basic_block())
    hook = lambda lowerer, args: lowerer.builder.fmul(lowerer.lower_as(args[0], "float"),  # noqa: E731
                                                      ir.Constant(D, 10.0))
    lowerer = ExprLowerer(builder, {"x": fn.args[0]}, {"x": "float"}, functions={"timed": hook})
    builder.ret(lowerer.lower(f(x) + 1))
    compiled = compile_ir(str(module))
    assert compiled.cfunc("f", ctypes.c_double, ctypes.c_double)(2.0) == 21.0


@pytest.mark.parametrize("expr,match", [
    (sympy.Function("mystery")(x), "mystery"),
    (sympy.gamma(x), "gamma"),
    (x + sympy.I, "ImaginaryUnit"),
    (sympy.Piecewise((x, x > 0)), "otherwise"),
    (new_rand(), "RandomContext"),
])
def test_unsupported_nodes_are_refused(expr, match):
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(D, [D]), "f")
    lowerer = ExprLowerer(ir.IRBuilder(fn.append_basic_block()), {"x": fn.args[0]}, {"x": "float"})
    with pytest.raises(NotImplementedError, match=match):
        lowerer.lower(expr)


def test_unknown_name_is_refused():
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(D, [D]), "f")
    lowerer = ExprLowerer(ir.IRBuilder(fn.append_basic_block()), {"x": fn.args[0]}, {"x": "float"})
    with pytest.raises(KeyError, match="'z'"):
        lowerer.lower(x + symbol("z"))
