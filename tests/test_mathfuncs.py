"""Math functions called from IR: accuracy against numpy, special values, and that a loop over
them is vectorised (libmvec variants in the optimised IR / assembly)."""
import ctypes

import numpy as np
import pytest
from llvmlite import ir

from brianjit import jit
from brianjit.codegen.mathfuncs import INTRINSICS, LIBM, call_math
from brianjit.jit import compile_ir
from irmath_harness import add_map_loop

D = ir.DoubleType()
# name -> (numpy reference, input domain), tolerance in ulp (glibc documents <= 4 ulp for libmvec)
UNARY = {"exp": (np.exp, (-745, 710)), "log": (np.log, (1e-300, 1e300)), "sin": (np.sin, (-1e4, 1e4)),
         "cos": (np.cos, (-1e4, 1e4)), "tan": (np.tan, (-1.5, 1.5)), "expm1": (np.expm1, (-40, 40)),
         "log1p": (np.log1p, (-0.99, 1e6)), "atan": (np.arctan, (-1e3, 1e3)),
         "tanh": (np.tanh, (-20, 20)), "sqrt": (np.sqrt, (0, 1e300)), "floor": (np.floor, (-1e6, 1e6))}
ULPS = 4


@pytest.fixture(scope="module")
def loops():
    """map_NAME(ptr in, ptr out, i64 n): out[i] = NAME(in[i]) for every unary function, and
    pow2(ptr x, ptr y, ptr out, i64 n)."""
    module = ir.Module()
    for name in list(UNARY) + ["atan2"]:
        add_map_loop(module, "map_" + name, 2 if name == "atan2" else 1, 1,
                     lambda b, args, name=name: call_math(b, name, args))
    return compile_ir(str(module))


def _map(loops, name, *inputs):
    inputs = [np.ascontiguousarray(x, dtype=float) for x in inputs]
    out = np.empty_like(inputs[0])
    fn = loops.cfunc("map_" + name, None, *[ctypes.c_void_p] * (len(inputs) + 1), ctypes.c_int64)
    fn(*[x.ctypes.data for x in inputs], out.ctypes.data, len(out))
    return out


def _ulp_error(actual, expected):
    return np.abs(actual - expected) / np.spacing(np.abs(expected))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_accuracy_against_numpy(loops, name):
    reference, (low, high) = UNARY[name]
    x = np.random.default_rng(1).uniform(low, high, 4099)   # odd length: vector body + scalar tail
    if name in ("log", "sqrt"):
        x = np.exp(np.random.default_rng(1).uniform(np.log(1e-300), np.log(1e300), 4099))
    out = _map(loops, name, x)
    expected = reference(x)
    finite = np.isfinite(expected) & (expected != 0)
    assert np.all(_ulp_error(out[finite], expected[finite]) <= ULPS)
    assert np.array_equal(out[~finite], expected[~finite])


def test_atan2_accuracy(loops):
    rng = np.random.default_rng(2)
    y, x = rng.normal(size=(2, 1001))
    assert np.all(_ulp_error(_map(loops, "atan2", y, x), np.arctan2(y, x)) <= ULPS)


@pytest.mark.parametrize("length", [1, 3, 64])   # scalar path and vector path
def test_special_values(loops, length):
    def each(name, value):
        return _map(loops, name, np.full(length, value))
    assert np.all(each("exp", -1000.0) == 0.0)
    assert np.all(each("exp", 1000.0) == np.inf)
    assert np.all(each("exp", -np.inf) == 0.0)
    assert np.all(np.isnan(each("exp", np.nan)))
    assert np.all(each("log", 0.0) == -np.inf)
    assert np.all(np.isnan(each("log", -1.0)))
    assert np.all(each("log", np.inf) == np.inf)
    assert np.all(np.isnan(each("sin", np.inf)))
    assert np.all(each("expm1", -1000.0) == -1.0)
    assert np.all(np.isnan(each("sqrt", -1.0)))


def test_loops_vectorise(loops):
    """Intrinsics become vector instructions, libm calls their libmvec variants when present."""
    assert "llvm.sqrt.v" in loops.optimized_ir
    for name in ("exp", "log", "sin", "cos"):
        variants = jit.vector_math_variants(name, 1)
        if variants:
            assert any(f"@{vector_name}(" in loops.optimized_ir for vector_name, _ in variants)


def test_unknown_function_and_wrong_arity_are_refused():
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(D, [D]), "f")
    b = ir.IRBuilder(fn.append_basic_block())
    with pytest.raises(NotImplementedError, match="gamma"):
        call_math(b, "gamma", [fn.args[0]])
    with pytest.raises(ValueError, match="atan2 takes 2"):
        call_math(b, "atan2", [fn.args[0]])
    assert not set(INTRINSICS) & set(LIBM)


def test_power_with_an_integer_variable_exponent():
    # with 'afn' on pow, LLVM turned pow(x, sitofp(k)) into llvm.powi, a call of compiler-rt's
    # __powidf2 that the JIT cannot resolve: 10**k crashed the process
    from brianjit import NeuronGroup
    G = NeuronGroup(50, "v : 1\nk : integer\nx : 1")
    G.k = "i % 5"
    G.x = 1.5
    k = np.arange(50) % 5
    for text, expected in [("10**k", 10.0 ** k), ("x**k", 1.5 ** k),
                           ("x**(1.0*k)", 1.5 ** k), ("2.0**(k + 1)", 2.0 ** (k + 1))]:
        G.v = text
        np.testing.assert_allclose(G.v[:], expected, rtol=1e-15)
