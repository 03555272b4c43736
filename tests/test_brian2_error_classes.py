"""Errors of the classes Brian2 raises: names a variable cannot have and bad substitutions are
SyntaxErrors (and still EquationErrors), a unit with a number in it and event-/clock-driven
dependencies are EquationErrors, and ``EquationError`` is importable from Brian2's module path."""
import numpy as np
import pytest

from brianjit import Equations, NeuronGroup, SpikeGeneratorGroup, Synapses, mV, ms
from brianjit.equations.equations import EquationError


@pytest.mark.parametrize("text", ["t : 1", "_x : 1", "sin : 1", "mV : 1", "xi_1 : 1"])
def test_forbidden_names_are_syntax_errors(text):
    with pytest.raises(SyntaxError) as info:
        Equations(text)
    assert isinstance(info.value, EquationError)
    assert repr(text.split()[0]) in str(info.value)


@pytest.mark.parametrize("name, value", [("v", "illegal name"), ("v", "_reserved"),
                                         ("v", "t"), ("tau", np.arange(5))])
def test_bad_substitutions_are_syntax_errors(name, value):
    with pytest.raises(SyntaxError):
        Equations("dv/dt = -v/tau : 1", **{name: value})


def test_number_in_unit():
    with pytest.raises(EquationError, match="only units"):
        Equations("dv/dt = -v / tau : 1.0*volt")


def test_event_driven_reading_clock_driven_through_subexpression():
    stim = SpikeGeneratorGroup(1, [0], [0] * ms)
    with pytest.raises(EquationError) as info:
        Synapses(stim, stim, """da/dt = -a / (5*ms) : 1 (clock-driven)
                                b = a : 1
                                dc/dt = b / (5*ms) : 1 (event-driven)""", on_pre="a += 1")
    assert all(f"'{n}'" in str(info.value) for n in "abc")


def test_clock_driven_reading_event_driven_checked_before_the_threshold():
    P = NeuronGroup(10, "dv/dt = -v/(10*ms) : 1")   # no threshold: the equations come first
    with pytest.raises(EquationError) as info:
        Synapses(P, P, """ds/dt = -s/(3*ms) : 1 (event-driven)
                          x = s : 1
                          df/dt = f*x/(5*ms) : 1 (clock-driven)""", on_pre="s += 1")
    assert all(f"'{n}'" in str(info.value) for n in "sxf")


def test_independent_event_and_clock_driven_variables_are_fine():
    G = NeuronGroup(2, "v : 1", threshold="False")
    Synapses(G, G, """ds/dt = -s/(3*ms) : 1 (event-driven)
                      df/dt = -f/(5*ms) : 1 (clock-driven)""", on_pre="s += 1")


@pytest.mark.parametrize("model", ["a : 1", "b : 1", "x_pre : 1", "x_post = 1 : 1"])
def test_synaptic_names_that_clash(model):
    G1, G2 = NeuronGroup(1, "a : 1"), NeuronGroup(1, "b : 1")
    with pytest.raises(ValueError):
        Synapses(G1, G2, model)


@pytest.mark.parametrize("model", ["x_pre : 1", "x_post = 1 : 1"])
def test_neuron_names_ending_in_pre_or_post(model):
    with pytest.raises(ValueError, match="_pre' or '_post'"):
        NeuronGroup(1, model)


def test_summed_variable_checks_at_construction():
    from brianjit import DimensionMismatchError
    G = NeuronGroup(3, "p : volt", threshold="False")
    with pytest.raises(DimensionMismatchError):
        Synapses(G, G, "p_post = 3*second : second (summed)")
    with pytest.raises(ValueError, match="already targets"):
        Synapses(G, G, "p_post = 3*volt : volt (summed)\np_pre = 3*volt : volt (summed)")
    with pytest.raises(EquationError) as info:
        Synapses(G, G, """ds/dt = -s/(3*ms) : volt (event-driven)
                          x = s : volt
                          p_post = x : volt (summed)""", on_pre="s += 1*mV")
    assert all(f"'{n}'" in str(info.value) for n in ("p_post", "s", "x"))


def test_equation_dependencies_as_brian2():
    eqs = Equations("""dv/dt = I_m / C_m : volt
                       I_m = I_ext + I_pas : amp
                       I_ext = 1*nA + sin(2*pi*100*Hz*t)*nA : amp
                       I_pas = g_L*(E_L - v) : amp""")
    deps = eqs.dependencies
    assert set(deps) == {"v", "I_m", "I_ext", "I_pas"}
    assert {d.equation.varname: d.via for d in deps["v"]} == {
        "I_m": (), "I_pas": ("I_m",), "I_ext": ("I_m",), "v": ("I_m", "I_pas")}
    assert {d.equation.varname: d.via for d in deps["I_m"]} == {
        "I_ext": (), "I_pas": (), "v": ("I_pas",)}
    assert deps["I_ext"] == [] and [d.equation.varname for d in deps["I_pas"]] == ["v"]
