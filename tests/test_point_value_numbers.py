"""``point_value`` reads sympy's numbers with ``float`` instead of ``complex(expr)`` (which goes
through ``evalf``, ~0.3 ms a number): the same double for every kind of real number it meets,
so every decision taken from a point value, and every integrated expression, stays as it was."""
import sympy
from hypothesis import given, strategies as st

from brianjit.model.point_value import value_at_point

_finite = st.floats(allow_nan=False, allow_infinity=False)


@given(p=st.integers(-10**30, 10**30), q=st.integers(1, 10**30))
def test_a_rational_reads_as_complex_reads_it(p, q):
    number = sympy.Rational(p, q)
    assert value_at_point(number)[0] == complex(number)


@given(x=_finite, precision=st.sampled_from([15, 30, 60]))
def test_a_float_reads_as_complex_reads_it(x, precision):
    number = sympy.Float(repr(x), precision)
    assert value_at_point(number)[0] == complex(number)


def test_constants_and_big_integers_read_as_complex_reads_them():
    for number in (sympy.pi, sympy.E, sympy.EulerGamma, sympy.GoldenRatio, sympy.Catalan,
                   sympy.Integer(2) ** 70 + 1, sympy.Integer(-3)):
        assert value_at_point(number)[0] == complex(number), number


def test_an_expression_of_numbers_and_symbols_keeps_its_value():
    x = sympy.Symbol("x", real=True)
    expr = sympy.Rational(1, 3) * sympy.exp(-x / 7) + sympy.pi * x ** 2 - sympy.Float("0.1", 30)
    value, _ = value_at_point(expr)
    point = 0.6180339887
    expected = (complex(sympy.Rational(1, 3)) * complex(sympy.exp(-point / 7))
                + complex(sympy.pi) * point ** 2 - complex(sympy.Float("0.1", 30)))
    assert abs(value - expected) <= 1e-15 * abs(expected)
