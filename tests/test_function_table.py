"""The function table (model/functions.py) drives parsing, units, types and lowering: every
function the parser accepts can be lowered and run; result types follow Brian2's rules
(``clip``/``abs``/``sign``: 'highest', ``int``/``poisson``/``timestep``: integer, the rest float);
integer subexpressions hold integers (Brian2's test_clip); ``poisson()`` and ``timestep()`` compute
what Brian2 computes."""
import ctypes

import numpy as np
import pytest
import sympy
from llvmlite import ir

from brianjit import Network, NeuronGroup, StateMonitor, defaultclock, ms, second
from brianjit.codegen import expressions
from brianjit.codegen.expressions import ExprLowerer
from brianjit.codegen.rng import RandomContext, poisson as poisson_reference
from brianjit.codegen.types import infer_type
from brianjit.jit import compile_ir
from brianjit.model.dimensions import get_expr_dimensions
from brianjit.model.functions import DEFAULT_FUNCTIONS, TABLE, FunctionSpec
from brianjit.model.parse import parse_expression
from brianjit.objects import seed as seed_state
from brianjit.objects.seed import seed
from brianjit.units import DIMENSIONLESS

#: arguments that make each callable function meaningful (dimensionless unless a time)
_ARGUMENTS = {"timestep": "t, dt", "clip": "x, 0.0, 1.0", "rand": "", "randn": ""}


def _call(name):
    return f"{name}({_ARGUMENTS.get(name, 'x')})"


@pytest.mark.parametrize("name", sorted(DEFAULT_FUNCTIONS))
def test_every_callable_function_parses_checks_types_and_runs(name):
    text = _call(name)
    expr = parse_expression(text)
    dims = {"x": DIMENSIONLESS, "n": DIMENSIONLESS}
    get_expr_dimensions(text, dims)
    typ = infer_type(expr, {"x": "float", "t": "float", "dt": "float"})
    G = NeuronGroup(3, "x : 1\ny : 1\nk : integer")
    G.x = [0.25, 0.5, 0.75]
    target = "k" if typ == "integer" else "y"
    setattr(G, target, text)
    assert np.all(np.isfinite(getattr(G, target)[:]))


def test_every_row_names_a_lowering_it_has(monkeypatch):
    """The import-time check refuses a row whose lowering does not exist."""
    assert all(spec.lowering is not None or spec.head is None for spec in TABLE)
    bogus = FunctionSpec("bogus", 1, None, None, ("1",), "1", lowering="no_such_emitter")
    monkeypatch.setattr(expressions, "TABLE", TABLE + (bogus,))
    with pytest.raises(NotImplementedError, match="bogus"):
        expressions._check_table()


@pytest.mark.parametrize("text, types, expected", [
    ("clip(n, 0, 1)", {}, "integer"),
    ("clip(n, -0.5, 1.5)", {}, "float"),          # Brian2: 'highest'
    ("clip(x, 0, 1)", {}, "float"),
    ("abs(n)", {}, "integer"), ("abs(x)", {}, "float"), ("abs(b)", {}, "integer"),
    ("sign(n)", {}, "integer"), ("sign(x)", {}, "float"),
    ("int(x)", {}, "integer"), ("int(b)", {}, "integer"),
    ("poisson(x)", {}, "integer"), ("timestep(x, x)", {}, "integer"),
    ("floor(n)", {}, "float"), ("ceil(n)", {}, "float"),   # Brian2: numpy's floor is float
    ("exp(n)", {}, "float"), ("rand()", {}, "float"),
    ("n // 2", {}, "integer"), ("n % 2", {}, "integer"), ("n // 2.0", {}, "float"),
])
def test_result_types_follow_brian2(text, types, expected):
    assert infer_type(parse_expression(text), {"n": "integer", "x": "float", "b": "boolean"}) \
        == expected


def test_clip_in_integer_subexpression():
    """Brian2's test_functions.py::test_clip."""
    G = NeuronGroup(4, """clipexpr1 = clip(integer_var1, 0, 1) : integer
                          clipexpr2 = clip(integer_var2, -0.5, 1.5) : integer
                          clipexpr3 = clip(float_var1, 0, 1) : 1
                          clipexpr4 = clip(float_var2, -0.5, 1.5) : 1
                          integer_var1 : integer
                          integer_var2 : integer
                          float_var1 : 1
                          float_var2 : 1""")
    G.integer_var1 = G.integer_var2 = [0, 1, -1, 2]
    G.float_var1 = G.float_var2 = [0.0, 1.0, -1.0, 2.0]
    mon = StateMonitor(G, ["clipexpr1", "clipexpr2", "clipexpr3", "clipexpr4"], record=True)
    Network(G, mon).run(defaultclock.dt)
    assert list(mon.clipexpr1.flatten()) == [0, 1, 0, 1]
    assert list(mon.clipexpr2.flatten()) == [0, 1, 0, 1]
    assert list(mon.clipexpr4.flatten()) == [0, 1, -0.5, 1.5]
    assert list(G.clipexpr2[:]) == [0, 1, 0, 1]
    G.float_var1 = "clipexpr2 * 1.0"          # a name for the subexpression means its value
    assert list(G.float_var1[:]) == [0, 1, 0, 1]


# --- timestep ------------------------------------------------------------------------------------
def test_timestep_is_brian2s():
    """Brian2: ``np.array((t + 1e-3*dt)/dt, dtype=np.int64)`` (truncation towards zero)."""
    rng = np.random.default_rng(3)
    times = np.concatenate([rng.uniform(-1, 1, 200), np.arange(-20, 20) * 1e-4,
                            [-1e4, 0.0, 3e-4, -3.5e-4]])
    G = NeuronGroup(len(times), "ref_t : second\nts : integer")
    G.ref_t = times * second
    G.ts = "timestep(ref_t, 0.1*ms)"
    expected = np.array((times + 1e-3 * 1e-4) / 1e-4, dtype=np.int64)
    assert np.array_equal(G.ts[:], expected)


def test_timestep_during_run():
    """Brian2's test_timestep_function_during_run, without float() of a quantity."""
    G = NeuronGroup(2, "ref_t : second\nts = timestep(ref_t, dt) + timestep(t, dt) : integer")
    G.ref_t = [-1e4, 5 * float(defaultclock.dt_)] * second
    mon = StateMonitor(G, "ts", record=True)
    Network(G, mon).run(5 * defaultclock.dt)
    assert np.all(mon.ts[0] <= -1e4)
    assert list(mon.ts[1]) == [5, 6, 7, 8, 9]


# --- poisson -------------------------------------------------------------------------------------
def _poisson_kernel():
    """poisson(lam) as a function (lam, seed, index, step) -> int64."""
    module = ir.Module()
    d, i64 = ir.DoubleType(), ir.IntType(64)
    fn = ir.Function(module, ir.FunctionType(i64, [d, i64, i64, i64]), "draw")
    builder = ir.IRBuilder(fn.append_basic_block())
    lowerer = ExprLowerer(builder, {"lam": fn.args[0]}, {"lam": "float"},
                          random=RandomContext(*fn.args[1:], first_stream=7))
    builder.ret(lowerer.lower_as(parse_expression("poisson(lam)"), "integer"))
    return compile_ir(str(module)).cfunc("draw", ctypes.c_int64, ctypes.c_double,
                                         *[ctypes.c_int64] * 3)


@pytest.mark.parametrize("lam", [0.3, 3.0, 9.99, 10.0, 40.0, 1e4, 1e9])
def test_poisson_matches_reference_and_distribution(lam):
    draw = _poisson_kernel()
    n = 4000
    got = np.array([draw(lam, 12345, k, 17) for k in range(n)])
    assert np.array_equal(got[:300], poisson_reference(12345, 7, np.arange(300), 17, lam))
    # mean and variance lam: 5 standard errors
    assert abs(got.mean() - lam) < 5 * np.sqrt(lam / n)
    assert abs(got.var() / lam - 1) < 5 * np.sqrt(2 / n) + 1e-9


def test_poisson_degenerate_means():
    draw = _poisson_kernel()
    assert [draw(lam, 1, 0, 0) for lam in (0.0, -1.0, float("nan"), -np.inf)] == [0, 0, 0, 0]
    assert draw(float("inf"), 1, 0, 0) == -2**63      # the integer conversion's indefinite value


def test_poisson_in_a_group_is_brian2s_test_and_chunking_independent():
    def run(chunks):
        seed(11)
        G = NeuronGroup(5, "l : 1\nx : integer\ny : integer\nz : integer")
        G.l = [0, 1, 5, 15, 25]
        G.run_regularly("x = poisson(l)\ny = poisson(5)\nz = poisson(0)")
        mon = StateMonitor(G, ["x", "y", "z"], record=True)
        net = Network(G, mon)
        for _ in range(chunks):
            net.run(100 * defaultclock.dt / chunks)
        return mon
    mon = run(1)
    assert np.all(mon.x[0] == 0) and np.all(mon.z == 0)
    assert np.all(np.var(mon.x[1:], axis=1) > 0) and np.all(np.var(mon.y, axis=1) > 0)
    assert np.array_equal(mon.x, run(4).x)
