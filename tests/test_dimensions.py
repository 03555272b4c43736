"""Dimensions of expressions and statements: Brian2's unit rules, and error messages that quote."""
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from brianjit.model.dimensions import UnknownIdentifierError, get_expr_dimensions
from brianjit.model.functions import DEFAULT_FUNCTIONS, SYMPY_HEADS, FunctionSpec
from brianjit.model.statements import check_statements_units, parse_statements
from brianjit.units import (DIMENSIONLESS, DimensionMismatchError, amp, get_dimensions, metre,
                            second, siemens, volt)

V, S, A = get_dimensions(volt), get_dimensions(second), get_dimensions(amp)
DIMS = {"v": V, "w": V, "tau": S, "g": get_dimensions(siemens), "I": A, "x": DIMENSIONLESS,
        "b": DIMENSIONLESS, "area": get_dimensions(metre) ** 2}


def dims(text, **extra):
    return get_expr_dimensions(text, {**DIMS, **extra})


@pytest.mark.parametrize("text, expected", [
    ("-v/tau", V / S),
    ("g*(v - w)", A),
    ("v > 0*mV", DIMENSIONLESS),
    ("v*0 + w", V),
    ("sqrt(area)", get_dimensions(metre)),
    ("v**2/v", V),
    ("clip(v, -1*mV, 1*mV)", V),
    ("abs(v) + floor(v) + ceil(v)", V),
    ("sign(v)", DIMENSIONLESS),
    ("exp(-v/(10*mV))", DIMENSIONLESS),
    ("exprel(x) + expm1(x) + log1p(x) + log10(x)", DIMENSIONLESS),
    ("rand()*v + randn()*w", V),
    ("v // (1*mV)", DIMENSIONLESS),
    ("v % (2*mV)", V),
    ("b and v > w or not (x < 1)", DIMENSIONLESS),
    ("int(b) + int(v > w)", DIMENSIONLESS),
    ("timestep(t, dt)", DIMENSIONLESS),
    ("xi*tau**0.5", DIMENSIONLESS),
    ("t/dt + i + N", DIMENSIONLESS),
    ("2**x", DIMENSIONLESS),
    ("pi*e", DIMENSIONLESS),
    ("poisson(x)", DIMENSIONLESS),
])
def test_dimensions_of_valid_expressions(text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize("text, words", [
    ("v > 0", "comparison"),
    ("v + 1", "addition"),
    ("v - tau", "addition"),
    ("v % 2", "%"),
    ("exp(v)", "argument 1 of exp"),
    ("sin(tau)", "argument 1 of sin"),
    ("int(v)", "argument 1 of int"),
    ("clip(v, 0, 1)", "equal dimensions"),
    ("v**x", "must be a number"),
    ("2**v", "exponent"),
    ("timestep(v, dt)", "argument 1 of timestep"),
    ("v < w < tau", "comparison"),
])
def test_dimension_errors_quote_the_expression(text, words):
    with pytest.raises(DimensionMismatchError) as info:
        dims(text)
    assert repr(text) in str(info.value)
    assert words in str(info.value)


def test_unknown_names_and_functions():
    with pytest.raises(UnknownIdentifierError, match="'nope'") as info:
        dims("v + nope")
    assert isinstance(info.value, KeyError)
    with pytest.raises(UnknownIdentifierError, match="function 'f'"):
        dims("f(v)")


def test_user_functions_follow_their_spec():
    stim = FunctionSpec("stim", 2, None, None, ("second", "1"), "1")
    assert get_expr_dimensions("stim(t, i)*v", DIMS, functions={"stim": stim}) == V
    with pytest.raises(DimensionMismatchError, match="argument 1 of stim"):
        get_expr_dimensions("stim(v, i)", DIMS, functions={"stim": stim})


def test_dims_of_name_can_be_a_callable():
    def lookup(name):
        if name == "v":
            return V
        raise KeyError(name)
    assert get_expr_dimensions("v*mV/second", lookup) == V * V / S


def test_evaluated_and_unevaluated_sympy_are_accepted():
    from brianjit.model.parse import parse_expression
    assert get_expr_dimensions(parse_expression("v/tau"), DIMS) == V / S
    kept = parse_expression("v > 0*mV", evaluate=False)
    assert get_expr_dimensions(kept, DIMS, text="v > 0*mV") == DIMENSIONLESS


@given(st.lists(st.sampled_from(["v", "w", "g*v/siemens", "I*ohm"]), min_size=1, max_size=5),
       st.integers(-3, 3))
def test_sums_of_volts_are_volts_and_powers_scale(terms, power):
    text = " + ".join(terms)
    assert dims(text) == V
    assert dims(f"({text})**{power}") == V ** power


@given(st.sampled_from(["v", "tau", "g", "I"]), st.sampled_from(["v", "tau", "g", "I"]))
def test_products_multiply_and_quotients_divide(a, b):
    assert dims(f"{a}*{b}") == DIMS[a] * DIMS[b]
    assert dims(f"{a}/{b}") == DIMS[a] / DIMS[b]
    if DIMS[a] != DIMS[b]:
        with pytest.raises(DimensionMismatchError):
            dims(f"{a} + {b}")


def test_the_function_table_is_consistent():
    for name, spec in DEFAULT_FUNCTIONS.items():
        assert spec.name == name and len(spec.arg_dims) == spec.nargs
    assert DEFAULT_FUNCTIONS["int"].result_type == "integer"
    assert DEFAULT_FUNCTIONS["rand"].stateful and not DEFAULT_FUNCTIONS["exp"].stateful
    assert SYMPY_HEADS[sympy.exp].name == "exp"
    with pytest.raises(ValueError):
        FunctionSpec("bad", 1, None, None, ("volts",), "1")


# -- statements ------------------------------------------------------------------------------

STATE = {"v": V, "w": DIMENSIONLESS, "v_r": V}


def test_statement_unit_rules_and_temporaries():
    code = ("v = 0*mV; v += 1*mV; v -= v_r; w *= 2; w /= 3; w //= 2; v %= 2*mV; w **= 2\n"
            "tmp = v*2\nv = tmp/2")
    temporaries = check_statements_units(parse_statements(code), STATE)
    assert temporaries == {"tmp": V}


@pytest.mark.parametrize("code, words", [
    ("v = 0", "Inconsistent units in 'v = 0'"),
    ("v += 1", "Inconsistent units in 'v += 1'"),
    ("v *= 2*mV", "must be dimensionless"),
    ("v /= v_r", "must be dimensionless"),
    ("v **= 2", "'**='"),
    ("w = v", "Inconsistent units in 'w = v'"),
    ("v = exp(v)", "in 'v = exp(v)'"),
])
def test_statement_unit_errors_quote_the_statement(code, words):
    with pytest.raises(DimensionMismatchError) as info:
        check_statements_units(parse_statements(code), STATE)
    assert words in str(info.value)


def test_statement_unknown_names():
    with pytest.raises(UnknownIdentifierError, match="'x'"):
        check_statements_units(parse_statements("x += 1"), STATE)
    with pytest.raises(UnknownIdentifierError, match="unknown"):
        check_statements_units(parse_statements("v = unknown"), STATE)
