"""Equations: Brian2's model text with units and flags, substitutions, ordering, noise, unit checks."""
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from brianjit.model.dimensions import UnknownIdentifierError
from brianjit.model.equations import (DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION,
                                      EquationError, Equations, SingleEquation, split_stochastic)
from brianjit.model.symbols import symbol
from brianjit.units import (DIMENSIONLESS, DimensionMismatchError, get_dimensions, metre, ms,
                            mV, second, siemens, volt)

V, S = get_dimensions(volt), get_dimensions(second)

MODEL = """
dv/dt = (El - v + I_syn)/tau + sigma*xi/sqrt(tau) : volt (unless refractory)  # membrane
I_syn = g*(E -
           v)/gL : volt
g = w*
    2 : 1
dw/dt = -w/tau_w
   : 1
El : volt (constant)
b : boolean
n : integer
gbar : siemens/metre**2 (shared)
r : Hz
"""


def sym(*names):
    return [symbol(n) for n in names]


def test_kinds_names_units_and_types():
    eqs = Equations(MODEL)
    assert tuple(eqs.names) == ("v", "I_syn", "g", "w", "El", "b", "n", "gbar", "r")
    assert tuple(eqs.diff_eq_names) == ("v", "w")
    assert tuple(eqs.subexpr_names) == ("I_syn", "g")
    assert tuple(eqs.parameter_names) == ("El", "b", "n", "gbar", "r")
    assert eqs["v"].type == DIFFERENTIAL_EQUATION and eqs["g"].type == SUBEXPRESSION
    assert eqs["El"].type == PARAMETER and eqs["El"].expr is None
    assert eqs["v"].dim == V and eqs["w"].dim == DIMENSIONLESS
    assert eqs["gbar"].dim == get_dimensions(siemens) / get_dimensions(metre) ** 2
    assert eqs["r"].dim == DIMENSIONLESS / S
    assert [eqs[n].var_type for n in ("b", "n", "El")] == ["boolean", "integer", "float"]
    assert eqs["v"].flags == ("unless refractory",) and eqs["gbar"].flags == ("shared",)
    v, w = sym("v", "w")
    assert eqs["g"].sympy_expr == 2 * w  # continued over two lines
    assert "membrane" not in eqs["v"].line and eqs["v"].line.startswith("dv/dt")
    assert len(eqs) == 9 and "v" in eqs and list(eqs) == list(eqs.names)


def test_ordered_sorts_subexpressions_by_dependency():
    eqs = Equations("""
        a = b + c : 1
        dx/dt = a/ms : 1
        b = c*2 : 1
        c = x : 1
        p : 1
    """)
    # Brian2's update order: subexpressions after those they use, then equations, parameters
    assert [eq.varname for eq in eqs.ordered] == ["c", "b", "a", "x", "p"]


def test_substituted_rhs_inlines_subexpressions():
    eqs = Equations(MODEL)
    v, w, El, tau, sigma, xi, E, gL, tau_w = sym("v", "w", "El", "tau", "sigma", "xi", "E",
                                                 "gL", "tau_w")
    rhs = eqs.substituted_rhs()
    assert list(rhs) == ["v", "w"]
    expected = (El - v + 2 * w * (E - v) / gL) / tau + sigma * xi / sympy.sqrt(tau)
    assert sympy.simplify(rhs["v"] - expected) == 0
    assert rhs["w"] == -w / tau_w
    assert eqs.substituted_rhs(["w"]) == {"w": -w / tau_w}
    with pytest.raises(KeyError):
        eqs.substituted_rhs(["g"])


def test_constant_over_dt_subexpressions_are_not_inlined():
    eqs = Equations("s = rand() : 1 (constant over dt)\ndx/dt = s/ms : 1")
    assert eqs.substituted_rhs()["x"] == symbol("s") / symbol("ms")


def test_identifiers_are_external_names():
    # Brian2's: every name not defined here, functions, units and noise included
    eqs = Equations(MODEL)
    assert eqs.identifiers == {"tau", "sigma", "E", "gL", "tau_w", "xi", "sqrt"}
    assert Equations("dx/dt = stim(t)/ms : 1").identifiers == {"stim", "t", "ms"}


def test_stochastic_information():
    eqs = Equations(MODEL)
    assert eqs.stochastic_variables == {"xi"} and eqs.is_stochastic
    assert eqs.stochastic_type == "additive"
    mult = Equations("dx/dt = -x/ms + x*xi_1/ms**0.5 : 1\ndy/dt = xi_1/ms**0.5 : 1")
    assert mult.stochastic_variables == {"xi_1"} and mult.stochastic_type == "multiplicative"
    det = Equations("dx/dt = -x/ms : 1")
    assert det.stochastic_variables == set() and det.stochastic_type is None
    # noise reached through a subexpression counts
    through = Equations("n = x*xi : 1\ndx/dt = n/ms**0.5 : 1")
    assert through.stochastic_type == "multiplicative"


def test_split_stochastic():
    f, g, x, xi1, xi2 = sym("f", "g", "x", "xi_1", "xi_2")
    det, noise = split_stochastic(f + g * xi1 + x * xi2)
    assert det == f and noise == {"xi_1": g, "xi_2": x}
    with pytest.raises(ValueError, match="linearly"):
        split_stochastic(xi1 * xi2)


def test_substitutions_rename_and_insert_constants():
    renamed = Equations("dx/dt = -x/tau : 1", tau="tau_e", x="v")
    assert tuple(renamed.names) == ("v",)
    assert renamed["v"].sympy_expr == -symbol("v") / symbol("tau_e")
    valued = Equations("dv/dt = mu/tau : volt", mu=-65 * mV, tau=10 * ms)
    mu_tau = valued["v"].sympy_expr.subs({symbol("volt"): 1, symbol("second"): 1, symbol("metre"): 1,
                                    symbol("kilogram"): 1, symbol("amp"): 1})
    assert float(mu_tau) == pytest.approx(-6.5)
    valued.check_units({})  # the constants keep their dimensions
    assert Equations("dx/dt = -x/tau : 1", tau=2)["x"].sympy_expr == -symbol("x") / 2
    swapped = Equations("dx/dt = y/ms : 1\ndy/dt = x/ms : 1", x="y", y="x")
    assert swapped["y"].sympy_expr == symbol("x") / symbol("ms")


def test_substitute_method_like_brian2():
    # Brian2's Equations.substitute: a template reused with other names and values
    gate = Equations("dx/dt = (x_inf - x)/tau_x : 1 (unless refractory)")
    m = gate.substitute(x="m", x_inf="m_inf", tau_x=2 * ms)
    assert tuple(m.names) == ("m",) and m["m"].flags == ("unless refractory",)
    assert m["m"].sympy_expr.free_symbols >= {symbol("m"), symbol("m_inf")}
    assert tuple(gate.names) == ("x",)                      # the template is unchanged
    twice = m.substitute(m_inf="h_inf")
    assert symbol("h_inf") in twice["m"].sympy_expr.free_symbols
    with pytest.raises(EquationError, match="do not use"):
        gate.substitute(foo="bar")


@pytest.mark.parametrize("kwargs, words", [
    ({"foo": 3}, "do not use"),
    ({"x": 3}, "Cannot replace the variable"),
    ({"tau": "a b"}, "must be a name"),
    ({"tau": [1, 2]}, "Cannot substitute"),
])
def test_bad_substitutions(kwargs, words):
    with pytest.raises(EquationError, match=words):
        Equations("dx/dt = -x/tau : 1", **kwargs)


def test_addition_and_str_round_trip():
    a = Equations("dv/dt = -(v + I)/tau : volt")
    both = a + Equations("I = sin(2*pi*freq*t)*mV : volt\nfreq : Hz")
    assert tuple(both.names) == ("v", "I", "freq")
    assert tuple(("tau : second" + a).names) == ("tau", "v")
    text = str(both)
    assert text.splitlines()[0] == "dv/dt = -(v + I)/tau : volt"
    again = Equations(text)
    assert again == both
    with pytest.raises(EquationError, match="defined twice"):
        a + Equations("v : volt")


def test_equations_from_single_equations():
    eq = SingleEquation(PARAMETER, "not_refractory", DIMENSIONLESS, "boolean", line="internal")
    eqs = Equations(Equations("dv/dt = -v/ms : 1").ordered + [eq])
    assert tuple(eqs.parameter_names) == ("not_refractory",)
    with pytest.raises(TypeError):
        Equations(["dv/dt = 1 : 1"])


def test_check_units_accepts_consistent_models():
    dims = {"tau": S, "sigma": V, "E": V, "gL": DIMENSIONLESS, "tau_w": S}
    Equations(MODEL).check_units(dims)
    Equations(MODEL).check_units(lambda name: dims[name])


@pytest.mark.parametrize("text, dims, words", [
    ("dv/dt = -v : volt", {}, "'dv/dt = -v : volt'"),
    ("x = v : 1\nv : volt", {}, "'x = v : 1'"),
    ("dv/dt = (v > 0)*1/ms : 1", {}, None),
    ("b = v > 0 : boolean\nv : volt", {}, "'b = v > 0 : boolean'"),
    ("dv/dt = xi : volt", {}, "'dv/dt = xi : volt'"),
])
def test_check_units_errors_quote_the_line(text, dims, words):
    try:
        eqs = Equations(text)
    except EquationError:
        assert words is None  # refused earlier, by the parser
        return
    with pytest.raises(DimensionMismatchError) as info:
        eqs.check_units(dims)
    assert words in str(info.value)


def test_check_units_unknown_name_quotes_the_line():
    with pytest.raises(UnknownIdentifierError, match="'dv/dt = -v/tau : volt'"):
        Equations("dv/dt = -v/tau : volt").check_units({})


def test_check_flags_for_a_particular_group():
    eqs = Equations("dv/dt = -v/ms : 1 (unless refractory)\nx : 1 (constant)")
    eqs.check_flags({DIFFERENTIAL_EQUATION: ["unless refractory"], PARAMETER: ["constant"]})
    with pytest.raises(EquationError, match="'unless refractory' is not allowed"):
        eqs.check_flags({DIFFERENTIAL_EQUATION: ["event-driven"], PARAMETER: ["constant"]})


@pytest.mark.parametrize("text, words", [
    ("x = y : 1\ny = x : 1", "Cyclic"),
    ("x : 1\nx : volt", "defined twice"),
    ("t : second", "reserved"),
    ("xi_1 : 1", "reserved"),
    ("_x : 1", "starts with '_'"),
    ("for : 1", "keyword"),
    ("exp : 1", "default function"),
    ("mV : 1", "name of a unit"),
    ("x + 1 : 1", "not a valid identifier"),
    ("dv/dt = -v : mV", "scale factor"),
    ("x : foo", "Unknown unit 'foo'"),
    ("x : volt + 1", "Invalid unit"),
    ("x : 1 (constant", "Cannot read the unit"),
    ("x : ", "Missing unit"),
    ("x : 1 ()", "Empty flag"),
    ("x : 1 (constant, constant)", "Repeated flag"),
    ("dv/dt = xi**2/ms : 1", "linearly"),
    ("dx/dt = xi/ms**0.5 : 1\ndy/dt = xi/ms**0.5 : 1", "plain noise 'xi'"),
    ("x", "Missing ':'"),
    ("dv/dt : 1", "needs '= expression'"),
    ("dn/dt = 1/ms : integer", "floating point"),
    ("x = 3*y.z : 1", "attribute access"),
    ("x = __import__('os') : 1", "__import__"),
    ("x = a : 1 : 2", "Invalid unit"),
])
def test_malformed_equations_quote_the_line(text, words):
    with pytest.raises(EquationError) as info:
        Equations(text)
    message = str(info.value)
    assert words in message
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    assert any(line.split(":")[0].strip() in message for line in lines)


@given(st.sampled_from(["x", "y_1", "gE", "alpha"]), st.sampled_from(["u", "q", "V_m"]))
def test_renaming_commutes_with_parsing(old, new):
    text = f"d{old}/dt = -{old}/tau + c : 1\nk = {old}*2 : 1"
    renamed = Equations(text, **{old: new})
    direct = Equations(text.replace(old, new))
    assert renamed == direct
    assert renamed.substituted_rhs() == {new: -symbol(new) / symbol("tau") + symbol("c")}


def test_empty_and_comment_only_text():
    assert len(Equations("")) == 0
    assert len(Equations("  # nothing here\n\n")) == 0


@pytest.mark.parametrize("text, words", [
    ("x : 1 (unless refractory)", "not allowed for a parameter"),
    ("dv/dt = -v/ms : 1 (constant)", "not allowed for a differential equation"),
    ("x = 1 : 1 (event-driven)", "not allowed for a subexpression"),
    ("dv/dt = 1/ms : 1 (event-driven, clock-driven)", "exclude each other"),
])
def test_flags_a_group_refuses_quote_the_line(text, words):
    # as in Brian2, Equations take any flag; the group using them checks (Synapses: the most)
    from brianjit import NeuronGroup, Synapses
    group = NeuronGroup(1, "")
    with pytest.raises(EquationError, match=words) as info:
        Synapses(group, group, text)
    assert text.split(":")[0].strip() in str(info.value)
