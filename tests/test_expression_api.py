"""Brian2's code strings (``Expression``, ``Statements``) and the Equations API built on them:
``eqs['v'].expr`` is an Expression as in Brian2 (``.code``, ``.identifiers``, equality by text,
``split_stochastic``), and the Equations properties Brian2 scripts read (``diff_eq_expressions``,
``eq_expressions``, names as sets, ``ordered``, ``dimensions``, ``unit``)."""
import pickle

import pytest
import sympy

from brianjit import Equations, Expression, Hz, Statements, ms, volt
from brianjit.model.equations import (DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION,
                                      EquationError, SingleEquation)
from brianjit.model.symbols import symbol
from brianjit.units import DIMENSIONLESS, get_dimensions


def same(text_a, text_b):
    """Whether two expression texts are equal as sympy reads them (terms may be reordered)."""
    def tree(text):
        return sympy.nsimplify(sympy.sympify(text).expand())
    return tree(text_a) == tree(text_b)


def test_expression_text_names_and_syntax_errors():
    expr = Expression("  v > 5 * mV ")
    assert expr.code == "v > 5 * mV" and str(expr) == "v > 5 * mV"
    assert expr.identifiers == {"v", "mV"}
    assert Expression("exp(-t/tau) > 0.5 and not b").identifiers == {"exp", "t", "tau", "b"}
    with pytest.raises(SyntaxError, match="v 5"):
        Expression("v 5 * mV")
    with pytest.raises(TypeError):
        Expression()
    with pytest.raises(TypeError):
        Expression("v", sympy_expression=symbol("v"))


def test_expression_equality_repr_and_pickle():
    expr = Expression("(v - I)/ tau")
    assert expr == Expression("(v - I)/ tau") and expr != Expression("(v - I)/tau")
    assert hash(expr) == hash(Expression("(v - I)/ tau"))
    assert eval(repr(expr)) == expr
    assert expr.sympy_expr == (symbol("v") - symbol("I")) / symbol("tau")
    copy = pickle.loads(pickle.dumps(expr))
    assert copy == expr and copy.sympy_expr == expr.sympy_expr
    statements = Statements("v += w")
    assert str(statements) == "v += w" and repr(statements) == "Statements('v += w')"
    assert statements.identifiers == {"v", "w"}


def test_expression_from_sympy_keeps_the_tree():
    tree = symbol("v") * sympy.Float(0.1234567890123456789)
    expr = Expression(sympy_expression=tree)
    assert expr.sympy_expr is tree           # not a round trip through the printed text
    assert same(expr.code, "0.123456789012346*v")


def test_split_stochastic_like_brian2():
    expr = Expression("(-v + I) / tau")
    assert expr.split_stochastic() == (expr, None)
    f, noise = Expression("sigma*xi/tau**.5").split_stochastic()
    assert same(f.code, "0") and list(noise) == ["xi"]
    assert same(noise["xi"].code, "sigma/tau**0.5")
    f, noise = Expression("(-v + I) / tau + sigma*xi_1/tau**.5 + xi_2*s2/sqrt(t2)") \
        .split_stochastic()
    assert set(noise) == {"xi_1", "xi_2"} and same(f.code, "(-v + I)/tau")
    assert same(noise["xi_2"].code, "s2/t2**0.5")
    with pytest.raises(ValueError):
        Expression("-v / tau + 1 / xi").split_stochastic()


MODEL = """
dv/dt = -(v + I)/ tau : volt
I = sin(2 * 22/7. * f * t)* volt : volt
f = freq * Hz: Hz
freq : 1
"""


def test_equations_expose_expressions_and_name_sets():
    eqs = Equations(MODEL)
    assert isinstance(eqs["v"].expr, Expression) and eqs["v"].expr.code == "-(v + I)/ tau"
    assert eqs["freq"].expr is None
    assert [(n, e.code) for n, e in eqs.diff_eq_expressions] == [("v", "-(v + I)/ tau")]
    assert [n for n, _ in eqs.eq_expressions] == ["v", "I", "f"]
    assert eqs.diff_eq_names == {"v"} and eqs.subexpr_names == {"I", "f"}
    assert eqs.eq_names == {"v", "I", "f"} and eqs.parameter_names == {"freq"}
    assert eqs.names == {"v", "I", "f", "freq"}
    assert list(eqs.names) == ["v", "I", "f", "freq"]   # iterated in order of definition
    assert hash(eqs.names) == hash(frozenset(eqs.names)) and eqs.names - {"v"} == {"I", "f", "freq"}
    assert [eq.varname for eq in eqs.ordered] == ["f", "I", "v", "freq"]
    assert [eq.unit for eq in eqs.ordered] == [Hz, volt, volt, 1]
    assert eqs.dimensions == {"v": volt.dim, "I": volt.dim, "f": Hz.dim, "freq": DIMENSIONLESS}
    assert eqs.identifiers == {"tau", "volt", "Hz", "sin", "t"}


def test_stochastic_type_counts_time_as_brian2():
    assert Equations("dv/dt = -v/tau + xi*t/second**1.5 : 1").stochastic_type == \
        "multiplicative"
    assert Equations("dv/dt = -v/tau + xi/second**0.5 : 1").stochastic_type == "additive"


def test_substituted_expressions():
    eqs = Equations("dv/dt = (a - v)/tau : 1\na = 2*b : 1\nb = c + 1 : 1")
    [(name, expr)] = eqs.get_substituted_expressions()
    assert name == "v" and isinstance(expr, Expression)
    assert same(expr.code, "(2*(c + 1) - v)/tau")
    assert eqs.substituted_expressions == eqs.get_substituted_expressions()
    everything = dict(eqs.get_substituted_expressions(include_subexpressions=True))
    assert list(everything) == ["b", "a", "v"] and same(everything["a"].code, "2*c + 2")


def test_single_equations_with_expressions():
    v = SingleEquation(DIFFERENTIAL_EQUATION, "v", volt.dim, expr=Expression("-v / tau"))
    again = SingleEquation(SUBEXPRESSION, "v", volt, expr=Expression("2 * t/second * volt"))
    assert again.dim is get_dimensions(volt) and again.unit == volt
    assert str(v) == "dv/dt = -v / tau : volt"
    assert Equations(str(Equations([v]))) == Equations([v])   # str() is model text
    with pytest.raises(EquationError, match="defined twice"):
        Equations([v, again])
    with pytest.raises(TypeError, match="Expression"):
        SingleEquation(SUBEXPRESSION, "x", DIMENSIONLESS, expr="2*y")
    with pytest.raises(TypeError):
        SingleEquation(PARAMETER, "n", volt.dim, "integer")
    with pytest.raises(TypeError):
        SingleEquation(DIFFERENTIAL_EQUATION, "n", DIMENSIONLESS, "boolean",
                       Expression("1"))


def test_substitute_returns_an_independent_copy():
    eqs = Equations("dx/dt = x : 1")
    eqs2 = eqs.substitute(x="y")
    assert eqs["x"].expr == Expression("x") and eqs2["y"].expr == Expression("y")


def test_check_units_against_a_group_like_brian2():
    # Brian2's Equations.check_units(group, run_namespace): names resolved as a run would
    from brianjit import NeuronGroup, mV, second
    from brianjit.units import DimensionMismatchError
    eqs = Equations("dv/dt = -v/tau : volt")
    group = NeuronGroup(1, "v : volt", namespace={"tau": 5 * mV})
    with pytest.raises(DimensionMismatchError):
        eqs.check_units(group, {})
    group.namespace["tau"] = 5 * second
    eqs.check_units(group, {})
    eqs.check_units(NeuronGroup(1, "v : volt"), {"tau": 5 * second})
    with pytest.raises(DimensionMismatchError):
        Equations("dv/dt = -(v + I)/(5*ms) : volt\nI : second").check_units(
            NeuronGroup(1, "v : volt\nI : second"), {})
    with pytest.raises(KeyError, match="tau"):
        eqs.check_units(NeuronGroup(1, "v : volt"), {})


def test_identifier_checks_one_by_one():
    from brianjit.model.equations import (check_identifier_basic, check_identifier_constants,
                                          check_identifier_functions,
                                          check_identifier_refractory,
                                          check_identifier_reserved, check_identifier_units)
    for name in ["v", "Vm", "ge", "g_i", "a2", "gaba_123"]:
        check_identifier_basic(name)
        check_identifier_reserved(name)
    for check, names in [(check_identifier_basic, ["_v", "1v", "ü", "ge!", "v.x", "for", "if"]),
                         (check_identifier_reserved, ["t", "dt", "xi", "xi_2", "i", "N"]),
                         (check_identifier_refractory, ["not_refractory", "refractory_until"]),
                         (check_identifier_functions, ["exp", "sin", "sqrt"]),
                         (check_identifier_constants, ["e", "pi", "inf"]),
                         (check_identifier_units, ["volt", "second", "mV", "nA"])]:
        for name in names:
            with pytest.raises(SyntaxError, match="Invalid variable name"):
                check(name)


@pytest.mark.parametrize("text, result", [
    ("second", (get_dimensions(ms), "float")), ("1", (DIMENSIONLESS, "float")),
    ("second ** -1", (Hz.dim, "float")), ("boolean", (DIMENSIONLESS, "boolean")),
    ("integer", (DIMENSIONLESS, "integer"))])
def test_dimensions_and_type_from_string(text, result):
    from brianjit.model.equations import dimensions_and_type_from_string
    assert dimensions_and_type_from_string(text) == result


@pytest.mark.parametrize("text", ["metr / second", "metre **", "5", "2 / second",
                                  "farad / cm**2"])
def test_dimensions_and_type_from_string_errors(text):
    from brianjit.model.equations import dimensions_and_type_from_string
    with pytest.raises(ValueError):
        dimensions_and_type_from_string(text)


def test_registered_identifier_checks_apply_to_every_definition():
    def no_gaba(name):
        if name == "gaba":
            raise SyntaxError("I do not like this name")
    Equations.check_identifier("gaba")
    before = set(Equations.identifier_checks)
    Equations.register_identifier_check(no_gaba)
    try:
        with pytest.raises(SyntaxError, match="do not like"):
            Equations.check_identifier("gaba")
        with pytest.raises(SyntaxError, match="do not like"):
            Equations("dgaba/dt = -gaba/ms : 1")
    finally:
        Equations.identifier_checks = before
    Equations("dgaba/dt = -gaba/ms : 1")
    with pytest.raises(ValueError):
        Equations.register_identifier_check("no function")


def test_flags_are_checked_by_the_group_not_the_parser():
    # Brian2: any flag parses; each group (check_flags) says which it accepts
    from brianjit import NeuronGroup
    eqs = Equations("dv/dt = -v / (5 * ms) : volt (flag)")
    eqs.check_flags({DIFFERENTIAL_EQUATION: ["flag"]})
    for allowed in ({DIFFERENTIAL_EQUATION: []}, {}, {SUBEXPRESSION: ["flag"]}):
        with pytest.raises(ValueError, match="'flag'"):
            eqs.check_flags(allowed)
    both = Equations("dv/dt = -v / (5 * ms) : volt (flag1, flag2)")
    with pytest.raises(ValueError):
        both.check_flags({DIFFERENTIAL_EQUATION: ["flag1", "flag2"]},
                         incompatible_flags=[("flag1", "flag2")])
    with pytest.raises(EquationError, match="'flag'.*dv/dt"):
        NeuronGroup(1, eqs)


@pytest.mark.parametrize("kind", ["boolean", "integer"])
def test_typed_differential_equations_are_type_errors(kind):
    with pytest.raises(TypeError, match="floating point") as info:
        Equations(f"dv/dt = -v / (10*ms) : {kind}")
    assert isinstance(info.value, EquationError) and "dv/dt" in str(info.value)


def test_extract_constant_subexpressions():
    from brianjit.model.equations import extract_constant_subexpressions
    eqs = Equations("dv/dt = -v / (10*ms) : 1\ns1 = 2*v : 1\ns2 = -v : 1 (constant over dt, shared)")
    variable, constant = extract_constant_subexpressions(eqs)
    assert list(variable) == ["s1", "s2", "v"] and list(constant) == ["s2"]
    assert variable["s1"].type == SUBEXPRESSION
    assert variable["s2"].type == PARAMETER and variable["s2"].flags == ("shared",)
    assert constant["s2"] == eqs["s2"]


def test_an_expression_is_not_a_statement():
    assert Expression("v") != Statements("v") and Expression("v") == Expression(" v ")
