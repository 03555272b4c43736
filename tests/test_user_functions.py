"""User-defined functions (Brian2's ``Function``, ``@implementation``, ``@check_units`` functions,
``declare_types``, ``DEFAULT_FUNCTIONS``, ``BinomialFunction``) called from native loops through
one vectorised callback per kernel call."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from brianjit import (DEFAULT_FUNCTIONS, BinomialFunction, BrianObjectException,
                      DimensionMismatchError, Function, Network, NeuronGroup, SpikeMonitor,
                      StateMonitor, Synapses, check_units, declare_types, defaultclock,
                      implementation, ms, mV, second, seed, timestep, volt)

from interrupting import run_and_interrupt
from subprocess_script import run_script


def counting(function):
    """``function`` that records the number of values of each call in ``.calls``."""
    calls = []

    def wrapper(*args):
        calls.append(int(np.size(args[0])) if args else 1)
        return function(*args)
    wrapper.calls = calls
    return wrapper


@pytest.fixture
def sine():
    inner = counting(np.sin)

    @check_units(x=1, result=1)
    def usersin(x):
        return inner(x)
    usersin.calls = inner.calls
    return usersin


def test_subexpression_and_state_update_call_python_once_per_step(sine):
    G = NeuronGroup(5, """s = usersin(x) : 1
                          dv/dt = usersin(x)/ms : 1
                          x : 1""", namespace={"usersin": sine})
    G.x = np.arange(5) * 0.5
    mon = StateMonitor(G, "s", record=True)
    net = Network(G, mon)
    net.run(3 * defaultclock.dt)
    assert_allclose(mon.s_, np.sin(np.arange(5) * 0.5)[:, None].repeat(3, axis=1))
    assert_allclose(G.v[:], 3 * defaultclock.dt_ / 1e-3 * np.sin(np.arange(5) * 0.5))
    # per step: the state update and the monitor, each on all 5 neurons at once
    assert sine.calls == [5] * 6


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20),
       st.lists(st.integers(-1000, 1000), min_size=1, max_size=20))
def test_results_match_numpy(xs, ks):
    n = min(len(xs), len(ks))

    @check_units(x=1, k=1, result=1)
    @declare_types(k="integer")
    def mix(x, k):
        assert k.dtype == np.int64
        return np.cos(x) * k + k // 3

    G = NeuronGroup(n, "x : 1\nk : integer\ny : 1", namespace={"mix": mix})
    G.x, G.k = xs[:n], ks[:n]
    G.y = "mix(x, k)"
    x, k = np.array(xs[:n]), np.array(ks[:n])
    assert_allclose(G.y[:], np.cos(x) * k + k // 3, rtol=1e-12, atol=1e-9)


def test_nested_calls_and_integer_results():
    @check_units(i=1, result=1)
    @declare_types(i="integer", result="integer")
    def twice(i):
        assert i.dtype == np.int64
        return 2 * i
    twice.stateless = True  # Brian2's mark: several calls in one expression are fine

    G = NeuronGroup(6, "k : integer\nm : integer", namespace={"twice": twice})
    G.k = "twice(twice(i))"
    assert_array_equal(G.k[:], 4 * np.arange(6))
    G.run_regularly("m = twice(i)\nk = twice(m) + twice(twice(m))")
    Network(G).run(defaultclock.dt)
    assert_array_equal(G.k[:], 4 * np.arange(6) + 8 * np.arange(6))


def test_random_numbers_are_the_same_in_every_pass():
    @check_units(x=1, result=1)
    def ident(x):
        return x

    seed(3)
    G = NeuronGroup(50, "r : 1\nv : 1\nw : 1", namespace={"ident": ident})
    G.run_regularly("r = rand()\nv = ident(r)\nw = ident(rand()) + r + rand()")
    net = Network(G)
    net.run(defaultclock.dt)
    assert_array_equal(G.v[:], G.r[:])
    assert len(set(G.r[:])) == 50 and np.all(G.w[:] > G.r[:])
    # the same numbers as without the function (where rand() streams are numbered the same)
    seed(3)
    H = NeuronGroup(50, "r : 1\nv : 1\nw : 1")
    H.run_regularly("r = rand()\nv = r\nw = rand() + r + rand()")
    Network(H).run(defaultclock.dt)
    assert_array_equal(G.r[:], H.r[:])
    assert_array_equal(G.w[:], H.w[:])


def test_threshold_reset_and_synapses():
    @check_units(x=1, result=1)
    def square(x):
        return x ** 2

    ns = {"square": square}
    G = NeuronGroup(4, "v : 1", threshold="square(v) > 0.5", reset="v = square(v) - 1",
                    namespace=ns)
    G.v = [0, 0.5, 0.8, -0.9]
    S = Synapses(G, G, "dw/dt = -square(w)/second : 1 (clock-driven)", namespace=ns,
                 method="euler")
    S.connect(j="i")
    S.w = [1, 2, 3, 4]
    spikes = SpikeMonitor(G)
    Network(G, S, spikes).run(defaultclock.dt)
    assert_array_equal(spikes.i[:], [2, 3])
    assert_allclose(G.v[:], [0, 0.5, 0.64 - 1, 0.81 - 1])
    assert_allclose(S.w[:], [1, 2, 3, 4] - defaultclock.dt_ * np.array([1, 4, 9, 16]))


def test_synaptic_pathways_call_python_once_per_step():
    inner = counting(lambda w: np.clip(w, 0, 1))

    @check_units(w=1, result=1)
    def bounded(w):
        return inner(w)

    G = NeuronGroup(3, "v : 1", threshold="True")
    S = Synapses(G, G, "w : 1", on_pre="w = bounded(w + 0.4)\nv_post += bounded(w)",
                 namespace={"bounded": bounded})
    S.connect(j="i")
    S.delay = [0, 0.1, 0.2] * ms
    Network(G, S).run(4 * defaultclock.dt)
    # each synapse reached at every step after its delay: 4, 3 and 2 times
    assert_allclose(S.w[:], [1, 1, 0.8])
    assert_allclose(G.v[:], [0.4 + 0.8 + 1 + 1, 0.4 + 0.8 + 1, 0.4 + 0.8])
    # one call per level (w + 0.4, then w) and step, on the synapses reached in that step
    assert inner.calls == [1, 1, 2, 2, 3, 3, 3, 3]


def test_poisson_group_rates_call_python():
    from brianjit import Hz, PoissonGroup

    @check_units(t=second, result=Hz)
    def rate(t):
        return np.where(t < 0.5 * ms, 0, 1e9) * Hz

    P = PoissonGroup(20, rates="rate(t)", namespace={"rate": rate})
    spikes = SpikeMonitor(P)
    Network(P, spikes).run(1 * ms)
    assert np.all(spikes.t >= 0.5 * ms) and spikes.num_spikes == 20 * 5


def test_refused_where_no_prepass_exists():
    @check_units(x=1, result=1)
    def ident(x):
        return x

    G = NeuronGroup(2, "v : 1")
    S = Synapses(G, G, "w : 1", namespace={"ident": ident})
    with pytest.raises(NotImplementedError, match="ident"):
        S.connect("ident(i) > 0")


def test_units_of_arguments_and_results():
    def foo(x, y):
        return x + y + 3 * volt

    with pytest.raises(ValueError):
        Function(foo, return_unit=volt)
    with pytest.raises(TypeError):
        Function(foo, arg_units=[volt, "x"])
    foo = Function(foo, arg_units=[volt, volt], return_unit=volt)
    assert foo(1 * volt, 2 * volt) == 6 * volt
    G = NeuronGroup(1, "dv/dt = foo(x, y)/ms : volt\nx : 1\ny : 1")
    with pytest.raises(BrianObjectException) as exc:
        Network(G).run(0 * ms, namespace={"foo": foo})
    assert isinstance(exc.value, DimensionMismatchError)
    G = NeuronGroup(1, "f = foo(x, y) : volt\nx : volt\ny : volt")
    G.x, G.y = 1 * volt, 2 * volt
    mon = StateMonitor(G, "f", record=True)
    Network(G, mon).run(defaultclock.dt, namespace={"foo": foo})
    assert mon[0].f == [6] * volt

    @check_units(x=volt, result=volt)
    def lies(x):
        return x / volt  # dimensionless: wrong
    G = NeuronGroup(1, "v : volt", namespace={"lies": lies})
    with pytest.raises(DimensionMismatchError, match="lies"):
        G.v = "lies(3*mV)"


def test_return_unit_depending_on_arguments():
    @check_units(a=None, b=None, c="b", result=lambda a, b, c: a * b)
    def bar(a, b, c):
        return a * (b + c)

    G = NeuronGroup(2, "x : volt\ny : volt\nz : volt**2", namespace={"bar": bar})
    G.x, G.y = [1, 2] * mV, [3, 4] * mV
    G.z = "bar(x, y, y)"
    assert_allclose(G.z_[:], [2 * 3e-6, 2 * 8e-6])
    with pytest.raises(DimensionMismatchError):
        G.x = "bar(x, y, y)"
    with pytest.raises(DimensionMismatchError):
        G.z = "bar(x, y, 1)"


def test_declared_argument_types_are_checked():
    @implementation("numpy", discard_units=True)
    @declare_types(a="float", result="float")
    @check_units(a=1, result=1)
    def f(a):
        return a

    G = NeuronGroup(1, "a : integer\nv : 1", namespace={"f": f})
    with pytest.raises(TypeError, match="types"):
        G.v = "f(a)"


def test_discard_units_and_numpy_implementation():
    @implementation("numpy", discard_units=True)
    @check_units(v=volt, result=volt)
    def plus3(v):
        return v + 3 * volt
    assert plus3(5 * volt) == 8 * volt
    assert plus3.implementations["numpy"].get_code(None)(5) == 8
    G = NeuronGroup(2, "v : volt", namespace={"plus3": plus3})
    G.v = "plus3(i*volt)"
    assert_allclose(G.v_[:], [3, 4])


def test_compiled_implementations_alone_are_refused():
    f = Function(None, arg_units=[1], return_unit=1)
    f.implementations.add_implementation("cpp", "double f(double x) { return x; }")
    G = NeuronGroup(1, "v : 1", namespace={"f": f})
    with pytest.raises(NotImplementedError, match="compiler"):
        G.v = "f(1.0)"

    @implementation("cpp", "double g(double x) { return 2*x; }")
    @check_units(x=1, result=1)
    def g(x):
        return 2 * x  # the Python function is used, as Brian2's numpy target does
    G.namespace["g"] = g
    G.v = "g(2.0)"
    assert G.v[0] == 4


def test_python_function_without_units_is_refused():
    def plain(x):
        return x
    G = NeuronGroup(1, "v : 1", namespace={"plain": plain})
    with pytest.raises(KeyError, match="check_units"):
        G.v = "plain(1.0)"


def test_exceptions_come_out_of_run():
    @check_units(x=1, result=1)
    def failing(x):
        raise ZeroDivisionError("the user's error")

    G = NeuronGroup(3, "dv/dt = failing(v)/ms : 1", namespace={"failing": failing})
    net = Network(G)
    with pytest.raises(ZeroDivisionError, match="the user's error"):
        net.run(1 * ms)

    @check_units(x=1, result=1)
    def too_few(x):
        return np.ones(2)
    H = NeuronGroup(3, "v : 1", namespace={"too_few": too_few})
    with pytest.raises(ValueError, match="one value per element"):
        H.v = "too_few(v)"


def test_a_raising_function_never_crashes_the_interpreter():
    out = run_script("""
        import numpy as np
        from brianjit import *

        @check_units(x=1, result=1)
        def failing(x):
            raise KeyboardInterrupt  # not even this one escapes the callback
        G = NeuronGroup(100, "dv/dt = failing(v)/ms : 1")
        net = Network(G)
        for attempt in range(3):
            try:
                net.run(1*ms)
            except KeyboardInterrupt:
                print("interrupted", attempt)
        @check_units(x=1, result=1)
        def fine(x):
            return x + 1
        H = NeuronGroup(3, "v : 1")
        H.v = "fine(i)"
        print(H.v[:].tolist())
    """)
    assert "interrupted 2" in out and "[1.0, 2.0, 3.0]" in out


_SLOW_SCRIPT = """
import time
import numpy as np
from brianjit import *

@check_units(x=1, result=1)
def slow(x):
    time.sleep(0.001)
    return x
G = NeuronGroup(10, "dv/dt = (slow(v) - v)/ms : 1")
net = Network(G)
print("READY", flush=True)
try:
    net.run(100*second)
except KeyboardInterrupt:  # at a step boundary, between two callbacks
    assert 0*second < net.t < 100*second
    print("STOPPED", flush=True)
"""


def test_ctrl_c_during_python_calls_stops_the_run():
    assert "STOPPED" in run_and_interrupt(_SLOW_SCRIPT, after=1.0)


def test_default_functions_and_timestep():
    assert set(DEFAULT_FUNCTIONS) == {
        "cos", "sin", "tan", "cosh", "sinh", "tanh", "exp", "log", "log10", "expm1", "exprel",
        "log1p", "sqrt", "ceil", "floor", "arccos", "arcsin", "arctan", "abs", "sign", "rand",
        "randn", "poisson", "clip", "int", "timestep"}
    assert DEFAULT_FUNCTIONS["exp"](0.0) == 1.0
    assert DEFAULT_FUNCTIONS["clip"](5, 0, 3) == 3
    assert isinstance(DEFAULT_FUNCTIONS["sin"], Function)
    assert not DEFAULT_FUNCTIONS["rand"].stateless and DEFAULT_FUNCTIONS["rand"].auto_vectorise
    assert timestep(0.0005, 0.0001) == 5 and isinstance(timestep(0.0005, 0.0001), int)
    t = np.arange(10000) * 1e-4
    assert_array_equal(timestep(t, 1e-4), np.arange(10000))


def test_default_functions_can_be_added_to_and_replaced():
    @check_units(x=1, result=1)
    def triple(x):
        return 3 * x

    def half(indices):  # Brian2's vectorised form: the indices of the calls
        return np.full(len(indices), 0.5)

    original = DEFAULT_FUNCTIONS["randn"]
    DEFAULT_FUNCTIONS["triple"] = Function(triple)
    DEFAULT_FUNCTIONS["randn"] = Function(half, arg_units=[], return_unit=1,
                                          auto_vectorise=True, stateless=False)
    try:
        G = NeuronGroup(3, "dv/dt = xi/sqrt(ms) : 1\nx : 1", method="euler")
        G.x = "triple(i) + randn()"  # found without a namespace; randn replaced
        assert_allclose(G.x[:], [0.5, 3.5, 6.5])
        Network(G).run(2 * defaultclock.dt)  # the noise too
        assert_allclose(G.v[:], 2 * 0.5 * np.sqrt(defaultclock.dt_ / 1e-3))
    finally:
        DEFAULT_FUNCTIONS["randn"] = original
        del DEFAULT_FUNCTIONS["triple"]
    assert "triple" not in DEFAULT_FUNCTIONS and DEFAULT_FUNCTIONS["randn"] is original
    with pytest.raises(KeyError):
        del DEFAULT_FUNCTIONS["exp"]


def test_binomial_function_is_seeded_and_has_the_right_moments():
    def draw(approximate):
        seed(11)
        f = BinomialFunction(100, 0.1, approximate=approximate)
        G = NeuronGroup(2000, "x : 1", namespace={"f": f})
        G.x = "f()"
        return G.x[:]

    exact, approx = draw(False), draw(True)
    assert_array_equal(exact, draw(False))
    assert np.all(exact == np.round(exact)) and not np.all(approx == np.round(approx))
    for values in (exact, approx):
        assert abs(values.mean() - 10) < 0.3 and abs(values.var() - 9) < 1.2
    assert 0 <= BinomialFunction(5, 0.5)() <= 5
    with pytest.raises(ValueError):
        BinomialFunction(10, 1.5)


def test_two_calls_of_a_function_with_state_are_refused_as_in_brian2():
    f = BinomialFunction(10, 0.5)
    G = NeuronGroup(2, "v : 1", namespace={"f": f})
    with pytest.raises(NotImplementedError, match="more than one call of f"):
        G.v = "f() - f()"
    H = NeuronGroup(2, "dv/dt = (f() - f())/ms : 1", namespace={"f": f})
    with pytest.raises(BrianObjectException, match="f"):  # never silently 0
        Network(H).run(defaultclock.dt)
    G.v = "rand() - rand()"  # independent built-in random numbers
    assert np.all(G.v[:] != 0)


def test_names_exported_as_brian2_does():
    import brianjit
    import brianjit.only as only
    for name in ("Function", "implementation", "declare_types", "DEFAULT_FUNCTIONS",
                 "BinomialFunction", "timestep", "check_units"):
        assert name in only.__all__ and hasattr(brianjit, name)
