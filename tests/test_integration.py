"""Integration methods: convergence orders, analytic exactness, renaming, noise, refusals.

Statements are evaluated by a small numpy evaluator over the sympy trees (no strings are executed).
"""
import math
import time

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings, strategies as st

from brianjit.model.integration import UnsupportedEquationsException, integrate
from brianjit.model.methods import ExplicitStateUpdater
from brianjit.model.symbols import exprel, int_, new_rand, randn, symbol

S = symbol
v, w, x, tau, tau2, I, sigma, xi, xi_1, xi_2, t, dt = map(
    S, "v w x tau tau2 I sigma xi xi_1 xi_2 t dt".split())
nr = S("not_refractory")


# ---- a numpy evaluator of sympy trees ----------------------------------------------------------

_FUNCS = {sympy.exp: np.exp, sympy.sin: np.sin, sympy.cos: np.cos, sympy.log: np.log,
          sympy.cosh: np.cosh, sympy.sinh: np.sinh, int_: np.trunc,
          exprel: lambda a: np.where(a == 0, 1.0, np.expm1(a) / np.where(a == 0, 1.0, a))}


def compile_expr(expr):
    """A function env -> value for a sympy tree (numbers, symbols, +, *, **, a few functions)."""
    if expr.is_Symbol:
        name = expr.name
        return lambda env: env[name]
    if expr.is_Number:
        value = float(expr)
        return lambda env: value
    if expr.func is randn:
        key = ("randn", int(expr.args[0]))
        return lambda env: env[key]
    args = [compile_expr(a) for a in expr.args]
    if expr.is_Add:
        return lambda env: sum(a(env) for a in args)
    if expr.is_Mul:
        return lambda env: math.prod(a(env) for a in args)
    if expr.is_Pow:
        base, exponent = args
        return lambda env: base(env) ** exponent(env)
    fn = _FUNCS[expr.func]
    (arg,) = args
    return lambda env: fn(arg(env))


def stepper(statements):
    compiled = [(name, compile_expr(expr)) for name, expr in statements]

    def step(env):
        for name, fn in compiled:
            env[name] = fn(env)
    return step


def simulate(rhs, method, initial, params, T, n_steps, samples=1):
    """State values at ``samples`` equally spaced times up to T (the last one at T)."""
    step = stepper(integrate(rhs, method))
    env = dict(initial, **params, dt=T / n_steps)
    trajectory = []
    for k in range(n_steps):
        env["t"] = k * T / n_steps
        step(env)
        if (k + 1) % (n_steps // samples) == 0:
            trajectory.append({name: env[name] for name in initial})
    return trajectory if samples > 1 else trajectory[-1]


def expm(matrix):
    values, vectors = np.linalg.eig(matrix)
    return (vectors @ np.diag(np.exp(values)) @ np.linalg.inv(vectors)).real


# ---- convergence orders ------------------------------------------------------------------------

DECAY = ({"x": -x / tau}, {"x": 1.3}, {"tau": 0.7},
         lambda T: {"x": 1.3 * math.exp(-T / 0.7)})
OSCILLATOR = ({"v": w / tau, "w": -v / tau - w / (2 * tau)}, {"v": 1.0, "w": 0.0}, {"tau": 0.5},
              lambda T: dict(zip("vw", expm(np.array([[0, 2.0], [-2.0, -1.0]]) * T) @ [1.0, 0.0])))
DRIVEN = ({"x": sympy.cos(t / tau) / tau - x / tau}, {"x": 2.0}, {"tau": 0.4},
          lambda T: {"x": (math.cos(T / 0.4) + math.sin(T / 0.4)) / 2 + 1.5 * math.exp(-T / 0.4)})


def observed_order(system, method, T=1.0, steps=(10, 20, 40, 80)):
    """Slope of log(max error over the trajectory) against log(dt)."""
    rhs, initial, params, exact_solution = system
    times = [T * (k + 1) / steps[0] for k in range(steps[0])]
    references = [exact_solution(time_) for time_ in times]
    errors = []
    for n in steps:
        trajectory = simulate(rhs, method, initial, params, T, n, samples=steps[0])
        errors.append(max(abs(state[k] - reference[k])
                          for state, reference in zip(trajectory, references) for k in reference))
    slope = np.polyfit(np.log(T / np.array(steps)), np.log(errors), 1)[0]
    return slope, errors


@pytest.mark.parametrize("system", [DECAY, OSCILLATOR, DRIVEN], ids=["decay", "oscillator", "driven"])
@pytest.mark.parametrize("method,order", [("euler", 1), ("rk2", 2), ("heun", 1), ("rk4", 4),
                                          ("milstein", 1)])
def test_explicit_methods_converge_at_their_order(system, method, order):
    slope, errors = observed_order(system, method)
    assert errors[-1] < errors[0]
    assert order - 0.25 < slope < order + 0.35, (slope, errors)


def test_exponential_euler_is_first_order_on_coupled_and_driven_systems():
    for system in (OSCILLATOR, DRIVEN):
        slope, _ = observed_order(system, "exponential_euler")
        assert 0.75 < slope < 1.35


@pytest.mark.parametrize("system,method", [(DECAY, "exact"), (DECAY, "exponential_euler"),
                                           (OSCILLATOR, "exact")], ids=["decay", "decay", "oscillator"])
def test_linear_systems_solved_to_rounding(system, method):
    rhs, initial, params, exact_solution = system
    for n in (1, 7):
        result = simulate(rhs, method, initial, params, 1.0, n)
        for k, value in exact_solution(1.0).items():
            assert result[k] == pytest.approx(value, rel=1e-12, abs=1e-13)


# ---- exact and exponential_euler against analytic solutions ------------------------------------

positive = st.floats(0.05, 20.0)
real = st.floats(-50.0, 50.0)


def test_exact_gives_the_textbook_form():
    (target, expr), = integrate({"v": (I - v) / tau}, "exact")
    assert target == "v"
    assert sympy.expand(expr - (I + (v - I) * sympy.exp(-dt / tau))) == 0


_LEAKY = integrate({"v": (I - v) / tau}, "exact")
_CASCADE = integrate({"v": (w + I - v) / tau, "w": -w / tau2}, "exact")


@given(tau_=positive, I_=real, v0=real, dt_=st.floats(1e-4, 5.0))
def test_exact_leaky_integrator_matches_analytic(tau_, I_, v0, dt_):
    env = {"v": v0, "I": I_, "tau": tau_, "dt": dt_, "t": 0.0}
    stepper(_LEAKY)(env)
    assert env["v"] == pytest.approx(I_ + (v0 - I_) * math.exp(-dt_ / tau_), rel=1e-12, abs=1e-12)


@given(tau_=positive, tau2_=positive, I_=real, v0=real, w0=real, dt_=st.floats(1e-3, 2.0))
def test_exact_coupled_system_matches_matrix_exponential(tau_, tau2_, I_, v0, w0, dt_):
    assume(abs(tau_ - tau2_) > 0.05 * max(tau_, tau2_))
    env = {"v": v0, "w": w0, "I": I_, "tau": tau_, "tau2": tau2_, "dt": dt_, "t": 0.0}
    stepper(_CASCADE)(env)
    augmented = np.array([[-1 / tau_, 1 / tau_, I_ / tau_], [0, -1 / tau2_, 0], [0, 0, 0]])
    expected = expm(augmented * dt_) @ [v0, w0, 1.0]
    scale = max(1.0, abs(v0), abs(w0), abs(I_))
    assert env["v"] == pytest.approx(expected[0], abs=1e-9 * scale)
    assert env["w"] == pytest.approx(expected[1], abs=1e-9 * scale)


def test_exact_oscillator_with_numeric_coefficients_is_real():
    statements = integrate({"v": 3 * w, "w": -3 * v + 1}, "exact")
    assert not any(expr.has(sympy.I) for _, expr in statements)
    env = {"v": 0.2, "w": -0.4, "dt": 0.3, "t": 0.0}
    stepper(statements)(env)
    expected = expm(np.array([[0, 3.0, 0], [-3.0, 0, 1.0], [0, 0, 0]]) * 0.3) @ [0.2, -0.4, 1.0]
    assert [env["v"], env["w"]] == pytest.approx(expected[:2], abs=1e-12)


def test_exact_integrates_state_independent_rates_in_time():
    statements = integrate({"x": sympy.cos(t / tau) / tau, "v": -v / tau}, "exact")
    env = {"x": 0.5, "v": 1.0, "tau": 0.3, "dt": 0.2, "t": 1.1}
    stepper(statements)(env)
    assert env["x"] == pytest.approx(0.5 + math.sin(1.3 / 0.3) - math.sin(1.1 / 0.3), rel=1e-12)
    assert env["v"] == pytest.approx(math.exp(-0.2 / 0.3), rel=1e-12)


_LINEAR = {m: integrate({"v": S("a") * v + S("b")}, m) for m in ("exact", "exponential_euler")}


@pytest.mark.parametrize("method", ["exact", "exponential_euler"])
@given(a=st.one_of(st.just(0.0), st.floats(-30.0, 5.0)), b=real, v0=real, dt_=st.floats(1e-3, 1.0))
def test_single_linear_equation_is_exact_even_when_the_coefficient_is_zero(method, a, b, v0, dt_):
    env = {"v": v0, "a": a, "b": b, "dt": dt_, "t": 0.0}
    stepper(_LINEAR[method])(env)
    growth = 1.0 if a == 0 else math.expm1(a * dt_) / (a * dt_)   # exprel, accurate near 0
    expected = v0 * math.exp(a * dt_) + b * dt_ * growth
    assert env["v"] == pytest.approx(expected, rel=1e-9, abs=1e-9 * (1 + abs(b) + abs(v0)))


@pytest.mark.parametrize("method", ["exact", "exponential_euler"])
def test_refractory_factor_keeps_the_system_linear(method):
    statements = integrate({"v": int_(nr) * (I - v) / tau}, method)
    assert statements.method == method
    for refractory, expected in ((1.0, 2.0 + (0.5 - 2.0) * math.exp(-0.1)), (0.0, 0.5)):
        env = {"v": 0.5, "I": 2.0, "tau": 1.0, "dt": 0.1, "t": 0.0, "not_refractory": refractory}
        stepper(statements)(env)
        assert env["v"] == pytest.approx(expected, rel=1e-14)


# ---- structure of the output -------------------------------------------------------------------

@pytest.mark.parametrize("method", ["euler", "rk2", "rk4", "heun", "milstein", "exponential_euler", "exact"])
def test_temporaries_first_then_state_writes(method):
    rhs = {"v": (w - v) / tau, "w": -w / tau2}
    statements = integrate(rhs, method, constant_names=["_k_v", "_v"])
    targets = [name for name, _ in statements]
    assert sorted(targets[-2:]) == ["v", "w"]
    temporaries = targets[:-2]
    assert all(name.startswith("_") for name in temporaries)
    assert len(set(temporaries)) == len(temporaries)
    assert not {"_k_v", "_v"} & set(temporaries)


names = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).filter(
    lambda s: s not in {"t", "dt", "sigma"} and not s.startswith("xi"))


def _canonical(statements):
    """Statements with random draws numbered by appearance (their ids only keep calls apart)."""
    seen = {}
    for _, expr in statements:
        for node in sympy.preorder_traversal(expr):
            if node.func is randn and node not in seen:
                seen[node] = randn(len(seen))
    return [(name, expr.xreplace(seen)) for name, expr in statements]


@pytest.mark.parametrize("method", ["euler", "rk4", "heun", "milstein", "exponential_euler"])
@settings(max_examples=12)
@given(new=st.lists(names, min_size=4, max_size=4, unique=True))
def test_renaming_variables_renames_the_statements(method, new):
    a, b, c, d = map(S, new)
    noise = xi if method in ("euler", "heun", "milstein") else sympy.S.Zero
    noisy = v if method in ("heun", "milstein") else sympy.S.One
    original = integrate({"v": (w - v) / tau + sigma * noisy * noise, "w": -w / tau2 + v * w / tau},
                         method)
    renaming = {v: a, w: b, tau: c, tau2: d}
    renamed = integrate({new[0]: (b - a) / c + sigma * noisy.xreplace(renaming) * noise,
                         new[1]: -b / d + a * b / c}, method)
    assert len(original) == len(renamed)
    original, renamed = _canonical(original), _canonical(renamed)
    targets = {S(o): S(r) for (o, _), (r, _) in zip(original, renamed)}
    mapping = {**targets, **renaming}
    for (o_name, o_expr), (r_name, r_expr) in zip(original, renamed):
        assert targets[S(o_name)].name == r_name
        assert o_expr.xreplace(mapping) == r_expr


# ---- noise ---------------------------------------------------------------------------------------

def _run_with_draws(statements, env, draws):
    """Evaluate with the k-th randn() draw (in order of appearance) replaced by draws[k]."""
    calls = [node for _, expr in statements for node in sympy.preorder_traversal(expr)
             if node.func is randn]
    assert len(calls) == len(draws)
    env.update({("randn", int(c.args[0])): z for c, z in zip(calls, draws)})
    stepper(statements)(env)
    return env


@given(z=st.floats(-4, 4), v0=real, dt_=st.floats(1e-4, 0.1))
def test_euler_additive_noise_by_hand(z, v0, dt_):
    statements = integrate({"v": (I - v) / tau + sigma * xi / sympy.sqrt(tau)}, "euler")
    env = _run_with_draws(statements, {"v": v0, "I": 1.5, "tau": 0.2, "sigma": 0.7, "dt": dt_, "t": 0.0}, [z])
    expected = v0 + dt_ * (1.5 - v0) / 0.2 + 0.7 / math.sqrt(0.2) * math.sqrt(dt_) * z
    assert env["v"] == pytest.approx(expected, rel=1e-12, abs=1e-12)


@given(z=st.floats(-4, 4), v0=st.floats(-5, 5), dt_=st.floats(1e-4, 0.1))
def test_heun_and_milstein_multiplicative_noise_by_hand(z, v0, dt_):
    a, s = -1.3, 0.8   # dv = a*v dt + s*v dW (Stratonovich)
    rhs = {"v": S("a") * v + S("s") * v * xi}
    dW = math.sqrt(dt_) * z
    params = {"a": a, "s": s, "dt": dt_, "t": 0.0}
    support = v0 + dW * s * v0    # Brian2's heun: the support point moves with the noise only
    heun = v0 + dt_ * a * v0 + dW / 2 * (s * v0 + s * support)
    env = _run_with_draws(integrate(rhs, "heun"), dict(params, v=v0), [z])
    assert env["v"] == pytest.approx(heun, rel=1e-12, abs=1e-12)
    support = v0 + dt_ * a * v0 + math.sqrt(dt_) * s * v0
    milstein = v0 + dt_ * a * v0 + dW * s * v0 + dW**2 / (2 * math.sqrt(dt_)) * (s * support - s * v0)
    env = _run_with_draws(integrate(rhs, "milstein"), dict(params, v=v0), [z])
    assert env["v"] == pytest.approx(milstein, rel=1e-12, abs=1e-12)


def test_one_draw_per_noise_symbol_shared_by_every_stage_and_equation():
    statements = integrate({"v": -v / tau + sigma * v * xi_1, "w": -w / tau + sigma * xi_1 + xi_2}, "heun")
    draws = {name: expr for name, expr in statements if expr.has(randn)}
    assert len(draws) == 2
    for expr in draws.values():
        assert expr / sympy.sqrt(dt) in {node for node in sympy.preorder_traversal(expr) if node.func is randn}
    dW_1 = next(S(name) for name in draws if name.endswith("xi_1"))
    readers = [name for name, expr in statements if dW_1 in expr.free_symbols]
    assert "v" in readers or "_v" in readers
    assert any(name.endswith("_w") or name in ("w", "_w") for name in readers)


def test_model_random_calls_are_drawn_once_per_step():
    r = new_rand()
    statements = integrate({"v": (r - v) / tau}, "rk4")
    holders = [name for name, expr in statements if expr.has(r)]
    assert len(holders) == 1 and statements[0] == (holders[0], r)
    uses = sum(1 for _, expr in statements if S(holders[0]) in expr.free_symbols)
    assert uses >= 4   # every rk4 stage reads the same draw


# ---- method choice and refusals ------------------------------------------------------------------

@pytest.mark.parametrize("rhs,chosen", [
    ({"v": (I - v) / tau}, "exact"),
    ({"v": (w - v) / tau, "w": -w / tau}, "exact"),
    ({"v": (I - v**2) / tau}, "euler"),
    ({"v": (sympy.sin(t / tau) - v) / tau}, "euler"),
    ({"v": (I - v) / tau + sigma * xi / sympy.sqrt(tau)}, "euler"),
    ({"v": (I - v) / tau + sigma * v * xi / sympy.sqrt(tau)}, "heun"),
])
def test_automatic_choice_follows_brian2_order(rhs, chosen):
    assert integrate(rhs).method == chosen


@pytest.mark.parametrize("method,rhs,words", [
    ("exact", {"v": (I - v**2) / tau}, ["'exact'", "not linear"]),
    ("exact", {"v": -v / tau + xi}, ["'exact'", "stochastic"]),
    ("exact", {"v": -v * t / tau}, ["'exact'", "time"]),
    ("euler", {"v": -v / tau + v * xi}, ["'euler'", "additive"]),
    ("rk4", {"v": -v / tau + xi}, ["'rk4'", "stochastic"]),
    ("exponential_euler", {"v": (I - v**2) / tau}, ["'exponential_euler'", "conditionally linear"]),
    ("exponential_euler", {"v": -v / tau + xi}, ["'exponential_euler'", "stochastic"]),
    ("milstein", {"v": -v / tau + v * xi_1 + v * xi_2}, ["'milstein'", "diagonal"]),
    ("milstein", {"v": -v / tau + v * xi, "w": -w / tau + w * xi}, ["'milstein'", "diagonal"]),
    (("exact", "rk2"), {"v": -v / tau + v * xi}, ["'exact'", "'rk2'"]),
])
def test_unsupported_equations_are_refused_with_the_reason(method, rhs, words):
    with pytest.raises(UnsupportedEquationsException) as info:
        integrate(rhs, method)
    for word in words:
        assert word in str(info.value)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="No state updater with the name 'rk5'"):
        integrate({"v": -v / tau}, "rk5")
    with pytest.raises(TypeError, match="dv/dt must be a sympy expression"):
        integrate({"v": "-v/tau"})
    with pytest.raises(TypeError, match="mapping"):
        integrate([("v", -v / tau)])
    with pytest.raises(ValueError, match="'t' is reserved"):
        integrate({"t": -v / tau})
    with pytest.raises(ValueError, match="linearly"):
        integrate({"v": -v / tau + xi**2})
    with pytest.raises(ValueError, match="other assumptions"):
        integrate({"v": -sympy.Symbol("v") / tau})


def test_method_notation_is_data_and_refuses_bad_descriptions():
    midpoint = ExplicitStateUpdater("k = dt*f(x, t)\nx_new = x + dt*f(x + k/2, t + dt/2)", name="midpoint")
    assert integrate({"v": (I - v**2) / tau}, midpoint) == integrate({"v": (I - v**2) / tau}, "rk2")
    for bad, message in [("x_new = x + open(1)", "unsupported notation"),
                         ("k = dt*f(x, t)", "last line must assign x_new"),
                         ("x_new = x + dt*f(x, t) + y", "unknown name 'y'"),
                         ("x_new = x + dt*f(x, x)", "time argument"),
                         ("x = 1\nx_new = x", "cannot assign to 'x'"),
                         ("x_new = x +", "line 1")]:
        with pytest.raises(SyntaxError, match=message):   # Brian2's error for a description
            ExplicitStateUpdater(bad)


def test_hodgkin_huxley_exponential_euler_is_cheap():
    mV, ms = S("mV"), S("ms")
    m, h, n = S("m"), S("h"), S("n")
    VT, gl, El, EK, ENa, gNa, gK, C = map(S, "VT gl El EK ENa gNa gK C".split())
    u = VT - v
    alpha_m = 0.32 * (13 * mV + u) / (sympy.exp((13 * mV + u) / (4 * mV)) - 1) / (mV * ms)
    beta_m = 0.28 * (-40 * mV - u) / (sympy.exp((-40 * mV - u) / (5 * mV)) - 1) / (mV * ms)
    alpha_h = 0.128 * sympy.exp((17 * mV + u) / (18 * mV)) / ms
    beta_h = 4 / (1 + sympy.exp((40 * mV + u) / (5 * mV))) / ms
    alpha_n = 0.032 * (15 * mV + u) / (sympy.exp((15 * mV + u) / (5 * mV)) - 1) / (mV * ms)
    beta_n = 0.5 * sympy.exp((10 * mV + u) / (40 * mV)) / ms
    rhs = {"v": int_(nr) * (gl * (El - v) - gNa * m**3 * h * (v - ENa) - gK * n**4 * (v - EK) + I) / C,
           "m": alpha_m * (1 - m) - beta_m * m, "h": alpha_h * (1 - h) - beta_h * h,
           "n": alpha_n * (1 - n) - beta_n * n}
    start = time.perf_counter()
    statements = integrate(rhs, "exponential_euler")
    elapsed = time.perf_counter() - start
    assert statements.method == "exponential_euler"
    # a guard against symbolic blow-up, not a speed target: ~0.02-0.08 s measured, 0.59 s on
    # a machine at load 10
    assert elapsed < 5
    with pytest.raises(UnsupportedEquationsException, match="not linear"):
        integrate(rhs, "exact")
    assert integrate(rhs).method == "euler"
