"""Model strings to sympy: round trips against sympy built directly, refusals, statements."""
import operator

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from brianjit.model.functions import DEFAULT_FUNCTIONS, is_stateful_call
from brianjit.model.parse import ParseError, get_identifiers, parse_expression
from brianjit.model.statements import Statement, StatementError, parse_statements
from brianjit.model.symbols import clip, exprel, floordiv, int_, is_random_call, symbol

NAMES = ["v", "w", "tau", "El", "g_e", "x1"]

names = st.sampled_from(NAMES).map(lambda n: (n, symbol(n)))
ints = st.integers(0, 10**6).map(lambda k: (str(k), sympy.Integer(k)))
floats = st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(
    lambda f: (repr(f), sympy.Float(f)))
leaves = st.one_of(names, ints, floats)

BINARY = [("+", operator.add), ("-", operator.sub), ("*", operator.mul),
          ("/", operator.truediv), ("%", sympy.Mod), ("//", floordiv)]
UNARY_FUNCS = [("exp", sympy.exp), ("sin", sympy.sin), ("abs", sympy.Abs), ("log", sympy.log),
               ("exprel", exprel), ("int", int_), ("tanh", sympy.tanh), ("floor", sympy.floor)]


def _binary(op, left, right):
    """(text, sympy) of ``left op right``, or None where sympy folds it to a division by zero."""
    try:
        value = op[1](left[1], right[1])
    except ZeroDivisionError:
        return None
    return None if value.has(sympy.zoo, sympy.nan) else (f"({left[0]}) {op[0]} ({right[0]})", value)


def _extend(children):
    binary = st.builds(_binary, st.sampled_from(BINARY), children, children).filter(
        lambda pair: pair is not None)
    unary = children.map(lambda c: (f"-({c[0]})", -c[1]))
    call = st.tuples(st.sampled_from(UNARY_FUNCS), children).map(
        lambda t: (f"{t[0][0]}({t[1][0]})", t[0][1](t[1][1])))
    power = st.tuples(children, st.integers(1, 3)).map(
        lambda t: (f"({t[0][0]})**{t[1]}", t[0][1] ** t[1]))
    return st.one_of(binary, unary, call, power)


arithmetic = st.recursive(leaves, _extend, max_leaves=6)

COMPARE = [("<", sympy.Lt), ("<=", sympy.Le), (">", sympy.Gt), (">=", sympy.Ge),
           ("==", sympy.Eq), ("!=", sympy.Ne)]
comparisons = st.tuples(arithmetic, st.sampled_from(COMPARE), arithmetic).map(
    lambda t: (f"({t[0][0]}) {t[1][0]} ({t[2][0]})", t[1][1](t[0][1], t[2][1])))
booleans = st.recursive(
    st.one_of(comparisons, st.sampled_from([("b", symbol("b")), ("True", sympy.true)])),
    lambda c: st.one_of(
        st.tuples(c, c).map(lambda t: (f"({t[0][0]}) and ({t[1][0]})", sympy.And(t[0][1], t[1][1]))),
        st.tuples(c, c).map(lambda t: (f"({t[0][0]}) or ({t[1][0]})", sympy.Or(t[0][1], t[1][1]))),
        c.map(lambda t: (f"not ({t[0]})", sympy.Not(t[1])))),
    max_leaves=3)


def _within_doubles(expr):
    """Whether every number in ``expr`` (and every call of numbers) is a finite double: beyond
    that, the parser gives infinities (as the run time would) where sympy keeps huge Floats;
    complex constants (log(-1)) are refused."""
    if expr.has(sympy.I):
        return False
    for node in sympy.preorder_traversal(expr):
        if node.is_number and not node.free_symbols:
            value = node.evalf(15) if isinstance(node, sympy.Function) else node
            if isinstance(value, sympy.Float) and not 0 < abs(value) < 1e300 and value != 0:
                return False
            if value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
                return False
    return True


@given(arithmetic)
def test_arithmetic_round_trip(pair):
    text, expected = pair
    assume(_within_doubles(expected))
    assert parse_expression(text) == expected


@given(booleans)
def test_boolean_round_trip(pair):
    text, expected = pair
    assert parse_expression(text) == expected


def test_unevaluated_parse_keeps_the_text_structure():
    v, mV = symbol("v"), symbol("mV")
    kept = parse_expression("v > 0*mV", evaluate=False)
    assert kept.rhs == sympy.Mul(0, mV, evaluate=False)
    assert parse_expression("v > 0*mV") == (v > 0)
    assert parse_expression("v - v", evaluate=False) != 0


def test_operators_map_to_the_shared_vocabulary():
    v, w = symbol("v"), symbol("w")
    assert parse_expression("v // w") == floordiv(v, w)
    assert parse_expression("v % w") == sympy.Mod(v, w)
    assert parse_expression("int(v)") == int_(v)
    assert parse_expression("+v") == v
    assert parse_expression("clip(v, 0, 1)") == clip(v, 0, 1)
    assert parse_expression("sqrt(v)") == sympy.sqrt(v)
    assert parse_expression("1.5") == sympy.Float(1.5) and parse_expression("3").is_Integer
    assert parse_expression("True") is sympy.true and parse_expression("False") is sympy.false


def test_clip_of_terms_with_int_exprel_floordiv():
    # clip is its own head: no sympy Min/Max that could refuse an argument it cannot compare
    # (an STDP rule like clip(w + 0.01*int(lastspike_pre > 0*ms), 0, 1))
    v, w = symbol("v"), symbol("w")
    for text, term in [("0.01*int(v > 0)", sympy.Float(0.01) * int_(v > 0)),
                       ("0.5*exprel(v)", sympy.Float(0.5) * exprel(v)),
                       ("0.5*(v // 2)", sympy.Float(0.5) * floordiv(v, 2))]:
        assert parse_expression(f"clip(w + {text}, 0, 1)") == clip(w + term, 0, 1)
    assert parse_expression("clip(exprel(6), 0, 1)") == clip(exprel(6), 0, 1)


def test_chained_comparison_is_a_conjunction():
    a, b, c = symbol("a"), symbol("b"), symbol("c")
    assert parse_expression("a < b <= c") == sympy.And(a < b, b <= c)


def test_boolean_variable_inside_and_or_not():
    b, v = symbol("b"), symbol("v")
    assert parse_expression("b and v > 1") == sympy.And(b, v > 1)
    assert parse_expression("not b or v < 0") == sympy.Or(sympy.Not(b), v < 0)
    assert parse_expression("int(v > 1) * 3") == 3 * int_(v > 1)


def test_every_random_call_is_distinct():
    expr = parse_expression("rand() - rand() + randn()")
    calls = [a for a in sympy.preorder_traversal(expr) if is_random_call(a)]
    assert len(calls) == 3 and len(set(calls)) == 3
    assert all(is_stateful_call(c) for c in calls)
    poisson_calls = parse_expression("poisson(2) - poisson(2)")
    assert poisson_calls != 0


def test_unknown_functions_stay_calls_by_name():
    expr = parse_expression("stim(t, i) + g()")
    assert {f.func.__name__ for f in expr.atoms(sympy.core.function.AppliedUndef)} == {"stim", "g"}
    assert get_identifiers(expr) == {"stim", "t", "i", "g"}
    assert get_identifiers(parse_expression("exp(v) + rand()")) == {"v"}


def test_every_default_function_parses():
    for name, spec in DEFAULT_FUNCTIONS.items():
        args = ", ".join(["x"] * spec.nargs)
        assert parse_expression(f"{name}({args})") is not None


@pytest.mark.parametrize("text, words", [
    ("__import__('os')", "__import__"),
    ("().__class__", "attribute access"),
    ("x.y", "attribute access"),
    ("a[0]", "subscripts"),
    ("lambda: 1", "lambda"),
    ("f(x=1)", "keyword"),
    ("f(*a)", "starred"),
    ("(y := 1)", "assignment expressions"),
    ("[i for i in x]", "comprehensions"),
    ("(i for i in x)", "comprehensions"),
    ("'text'", "str"),
    ("b'x'", "bytes"),
    ("None", "None"),
    ("1j", "complex"),
    ("x if y else z", "conditional"),
    ("[1, 2]", "lists"),
    ("{1: 2}", "dictionaries"),
    ("x is y", "Is"),
    ("x in y", "In"),
    ("x @ y", "MatMult"),
    ("x << 2", "LShift"),
    ("~x", "'~'"),
    ("f(x)(y)", "by its name"),
    ("v * (x > 1)", "boolean"),
    ("v and 2", "must be a boolean"),
    ("True < 1", "boolean"),
    ("exp(1, 2)", "takes 1 argument"),
    ("rand(3)", "takes 0 argument"),
    ("x +", "invalid syntax"),
    ("", "empty"),
    ("f'{x}'", "strings"),
    ("v % 0", "division by zero"),
    ("1/0", "division by zero"),
])
def test_refusals_quote_the_text_and_name_the_construct(text, words):
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    assert isinstance(info.value, SyntaxError)
    assert words in str(info.value)
    if text:
        assert repr(text.strip())[1:-1][:20] in str(info.value)


def test_pathological_input_is_an_error_not_a_crash():
    with pytest.raises(ParseError):
        parse_expression("-" * 100000 + "x")
    with pytest.raises(ParseError):
        parse_expression("(" * 500 + "x" + ")" * 500)
    nested_squares = "(" * 34 + "59*metre)" + "**2)" * 33 + "**2"   # squares the coefficient
    for tower in ("2**10**10", "2**10**10**10", "2.0**10**10**10", "(1/3)**100000",
                  "(3*v)**100000", nested_squares):
        with pytest.raises(ParseError, match="integer power too large"):
            parse_expression(tower)               # sympy would compute it exactly, for ever
    assert float(parse_expression("2.0**10**10")) == float("inf")
    assert parse_expression("1**10**100") == 1 and parse_expression("2**1000") == 2**1000
    with pytest.raises(TypeError):
        parse_expression(3)


# -- statements ------------------------------------------------------------------------------

def test_statements_multi_line_semicolons_comments_and_indentation():
    code = """
        v = v_r   # reset
        w += b; x = 2*w

        g = (a +
             b)
    """
    sts = parse_statements(code)
    assert [(s.var, s.op) for s in sts] == [("v", "="), ("w", "+="), ("x", "="), ("g", "=")]
    assert sts[3].expr == symbol("a") + symbol("b")
    assert sts[0].text == "v = v_r"
    assert parse_statements("") == []


@pytest.mark.parametrize("op", ["=", "+=", "-=", "*=", "/=", "//=", "%=", "**="])
def test_every_assignment_operator(op):
    (st_,) = parse_statements(f"v {op} 2*w")
    assert st_.op == op and st_.var == "v" and st_.expr == 2 * symbol("w")


def test_temporaries_are_marked_when_variables_are_known():
    sts = parse_statements("tmp = v*2\nv = tmp\ntmp += 1", variables={"v"})
    assert [s.temporary for s in sts] == [True, False, True]
    with pytest.raises(StatementError, match="not a variable"):
        parse_statements("w += 1", variables={"v"})


@pytest.mark.parametrize("code", [
    "if v: v = 1", "a = b = 1", "x.y = 1", "a[0] = 1", "v @= 2", "a, b = 1, 2",
    "v = __import__('os')", "v = ", "import os", "v += x.y", "print(v)", "def f(): pass",
    "v: int = 3", "v <<= 2", "__v = 1", "del v", "for i in x: v = 1",
])
def test_statement_refusals_quote_the_line(code):
    with pytest.raises(StatementError) as info:
        parse_statements(code)
    assert isinstance(info.value, SyntaxError)
    assert code.split(":")[0].strip()[:6] in str(info.value)


def test_statement_is_printable():
    assert str(Statement("v", "+=", symbol("w"), "v += w")) == "v += w"
