"""Brian2's integration API: method objects, their abstract code, the registry,
apply_stateupdater, the method_choice message, and users' own ExplicitStateUpdaters (checked by
their order of convergence)."""
import logging

import numpy as np
import pytest

from brianjit.only import *  # noqa: F401,F403
from brianjit.utils.logger import BrianLogger, catch_logs

CHOICE = "brian2.stateupdaters.base.method_choice"


def test_method_objects_give_brian2s_abstract_code():
    eqs = Equations("dv/dt = -v / tau : volt")
    assert euler(eqs) == "_v = -dt*v/tau + v\nv = _v"
    assert exact is linear and exact(eqs) == "_v = v*exp(-dt/tau)\nv = _v"
    lines = rk4(eqs).split("\n")
    assert len(lines) == 6 and lines[-2].startswith("_v = ") and lines[-1] == "v = _v"
    # several variables: temporaries, _x = ..., then x = _x in model order
    two = Equations("dv/dt = (w - v)/tau : 1\ndw/dt = -w/tau : 1")
    assert euler(two).split("\n")[-2:] == ["v = _v", "w = _w"]
    noisy = Equations("dv/dt = -v/tau + xi*tau**-0.5 : 1")
    assert "randn()" in euler(noisy)
    assert exponential_euler(Equations("dv/dt = -v*w/tau : 1\ndw/dt = -w/tau : 1")).endswith("w = _w")


def test_method_options_are_checked_as_brian2():
    eqs = Equations("dv/dt = -v / tau : 1")
    assert exact(eqs, method_options={"simplify": False})
    with pytest.raises(KeyError, match="not an option"):
        euler(eqs, method_options={"simplify": False})


def test_registry_and_register():
    assert StateUpdateMethod.stateupdaters["rk4"] is rk4
    assert StateUpdateMethod.stateupdaters["linear"] is exact
    lazy = ExplicitStateUpdater("x_new = x", name="lazy")
    StateUpdateMethod.register("Lazy_Test", lazy)
    try:
        assert StateUpdateMethod.stateupdaters["lazy_test"] is lazy
        with pytest.raises(ValueError, match="already been registered"):
            StateUpdateMethod.register("lazy_test", lazy)
        with pytest.raises(ValueError, match="valid stateupdater"):
            StateUpdateMethod.register("other", "just a string")
        # a registered method is a method name for groups
        start_scope()
        G = NeuronGroup(1, "dv/dt = -v/ms : 1", method="lazy_test")
        G.v = 1
        run(defaultclock.dt * 3)
        assert G.v[0] == 1
    finally:
        del StateUpdateMethod.stateupdaters["lazy_test"]


def test_apply_stateupdater_names_objects_callables_and_lists():
    apply = StateUpdateMethod.apply_stateupdater
    eqs = Equations("dv/dt = -v / (10*ms) : 1")
    assert apply(eqs, {}, "EULER") == euler(eqs)
    assert apply(eqs, {}, rk2) == rk2(eqs)
    assert apply(eqs, {}, lambda e, v, o: "v = 0") == "v = 0"
    with pytest.raises(ValueError, match="No state updater with the name 'rk5'"):
        apply(eqs, {}, "rk5")
    with pytest.raises(TypeError):
        apply(eqs, {}, object())
    with pytest.raises(TypeError):
        apply(eqs, {}, [object(), "euler"])
    multiplicative = Equations("dv/dt = -v / (10*ms) + v*xi*second**-.5 : 1")
    for method in ("linear", "exact", "independent", "euler", "exponential_euler", "rk2", "rk4"):
        with pytest.raises(UnsupportedEquationsException):
            apply(multiplicative, {}, method)
    with pytest.raises(ValueError, match="No stateupdater that is suitable"):
        apply(multiplicative, {}, ["exact", "euler"])


@pytest.mark.parametrize("model, chosen", [
    ("dv/dt = -v / (10*ms) : 1", "linear"),
    ("dv/dt = -(v + w**2)/(10*ms) : 1\ndw/dt = -w/(10*ms) : 1", "exponential_euler"),
    ("dv/dt = -sqrt(v) / (10*ms) : 1", "euler"),
    ("dv/dt = -v / (10*ms) + 0.1*second**-.5*xi : 1", "euler"),
    ("dv/dt = -v / (10*ms) + v*0.1*second**-.5*xi : 1", "heun"),
])
def test_a_choice_from_a_list_logs_brian2s_message(model, chosen):
    methods = ["linear", "exact", "exponential_euler", "euler", "heun", "milstein"]
    with catch_logs(log_level=logging.INFO) as logs:
        StateUpdateMethod.apply_stateupdater(Equations(model), {}, methods, group_name="g")
    assert len(logs) == 1
    level, name, message = logs[0]
    assert (level, name) == ("INFO", CHOICE)
    assert message.startswith(f"No numerical integration method specified for group 'g', "
                              f"using method '{chosen}' (took ")


def test_groups_log_the_automatic_choice_only(brian_logs):
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", name="auto")
    H = NeuronGroup(1, "dv/dt = -v**2/(10*ms) : 1", method=["exact", "rk4"], name="listed")
    K = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="rk4", name="named")
    S = Synapses(G, G, "dw/dt = -w/(10*ms) : 1 (clock-driven)", name="syn")
    S.connect(j="i")
    run(defaultclock.dt)
    choices = [m for _, name, m in brian_logs if name == CHOICE and m.startswith("No numerical")]
    assert len(choices) == 3
    assert any("group 'auto', using method 'exact'" in m for m in choices)
    assert any("group 'listed', using method 'rk4'" in m for m in choices)
    assert any("group 'syn', using method 'exact'" in m for m in choices)


def test_independent_warns_as_deprecated(brian_logs):
    BrianLogger._log_messages.clear()   # Brian2 gives the warning once per process
    start_scope()
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", method="independent")
    G.v = 1
    run(1 * ms)
    assert G.v[0] == pytest.approx(np.exp(-0.1), rel=1e-12)
    assert any(name == "brian2.stateupdaters.exact.deprecated_independent"
               for _, name, _ in brian_logs)


def test_explicit_stateupdater_errors_as_brian2():
    with pytest.raises(SyntaxError):
        ExplicitStateUpdater("x = x + dt * f(x, t)")   # no x_new
    with pytest.raises(SyntaxError):
        ExplicitStateUpdater("2 * x\nx_new = x + dt * f(x, t)")
    # parsed, but not linear in f and g: refused when applied
    product = ExplicitStateUpdater("x_new = x + dt * f(x, t) * g(x, t) * dW")
    with pytest.raises(ValueError, match="not linear in f"):
        product(Equations(""))
    assert "0.5*dt" in ExplicitStateUpdater("x_new = f(x, t + 0.5*dt)")(Equations("dv/dt = t : 1"))


def test_groups_refuse_methods_that_only_give_code():
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v/ms : 1", method=lambda eqs, variables, options: "v = 0")
    with pytest.raises(NotImplementedError, match="only returns abstract code"):
        run(0 * ms)
    del G


# users' own methods, checked by their order of convergence on dv/dt = v*cos(t/ms)/ms, whose
# solution is v(0)*exp(sin(t/ms)) (non-autonomous, so the time arguments count too)
TRAPEZOID = "k = dt*f(x, t)\nx_new = x + (k + dt*f(x + k, t + dt))/2"
KUTTA3 = """
k1 = dt*f(x, t)
k2 = dt*f(x + k1/2, t + 0.5*dt)
k3 = dt*f(x - k1 + 2*k2, t + dt)
x_new = x + (k1 + 4*k2 + k3)/6
"""


@pytest.mark.parametrize("description, order", [("x_new = x + dt*f(x, t)", 1),
                                                (TRAPEZOID, 2), (KUTTA3, 3)])
def test_user_methods_converge_with_their_order(description, order):
    method = ExplicitStateUpdater(description, name=f"order {order}")
    errors = []
    for dt in (0.1 * ms, 0.05 * ms, 0.025 * ms):
        start_scope()
        G = NeuronGroup(1, "dv/dt = v*cos(t/ms)/ms : 1", method=method, dt=dt)
        G.v = 1
        run(2 * ms)
        errors.append(abs(G.v[0] - np.exp(np.sin(2.0))))
    observed = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    np.testing.assert_allclose(observed, order, atol=0.15)


def test_user_methods_work_with_refractoriness():
    method = ExplicitStateUpdater(TRAPEZOID, name="trapezoid")
    start_scope()
    G = NeuronGroup(2, "dv/dt = (2 - v)/(10*ms) : 1 (unless refractory)", method=method,
                    threshold="v > 1", reset="v = 0", refractory=1 * ms)
    plain = NeuronGroup(2, "dv/dt = (2 - v)/(10*ms) : 1 (unless refractory)", method="rk2",
                        threshold="v > 1", reset="v = 0", refractory=1 * ms)
    run(20 * ms)
    assert G.v[0] != 0 and abs(G.v[0] - plain.v[0]) < 1e-3


def test_no_suitable_method_in_a_list_is_a_value_error_as_brian2():
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v/ms + v*xi/sqrt(ms) : 1", method=["exact", "rk4"])  # noqa: F841
    with pytest.raises(ValueError, match="no method applies") as caught:
        run(0 * ms)
    assert isinstance(caught.value, UnsupportedEquationsException)


def test_group_method_options_are_checked_against_the_method():
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v/ms : 1", method="exact", method_options={"simplify": False})
    H = NeuronGroup(1, "dv/dt = -v/ms : 1", method="euler", method_options={"simplify": False})
    with pytest.raises(KeyError, match="'simplify', but this is not an option"):
        Network(H).run(0 * ms)
    Network(G).run(0 * ms)


def test_exact_refuses_a_solution_it_cannot_make_real():
    """x' = b*y, y' = c*x: sympy cannot tell the sign of b*c and leaves re() in the solution,
    which cannot be compiled; exact refuses it (as Brian2), so the automatic choice goes on."""
    from brianjit.model.integration import integrate
    from brianjit.model.symbols import symbol
    x, y, b, c = map(symbol, "x y b c".split())
    with pytest.raises(UnsupportedEquationsException, match="not real-valued"):
        integrate({"x": b * y, "y": c * x}, "exact")
