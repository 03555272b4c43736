"""``point_value.cannot_be_zero``: exponential Euler's test for a zero coefficient asks sympy's
assumption system (~10-25 ms per Hodgkin-Huxley gating variable) only where one value at a point
cannot answer, and every step keeps the form it had."""
import sympy

from brianjit.model.exact import linear_step
from brianjit.model.symbols import exprel
from brianjit.model.point_value import cannot_be_infinite, cannot_be_zero

v, mV, ms, m, dt, a, b = (sympy.Symbol(n, real=True) for n in ("v", "mV", "ms", "m", "dt", "a", "b"))
ALPHA = sympy.Float(0.1) * (25 * mV - v) / (mV * ms * (sympy.exp((25 * mV - v) / (10 * mV)) - 1))
BETA = 4 * sympy.exp(-v / (18 * mV)) / ms


def test_gating_coefficient_is_answered_without_sympys_assumptions():
    A = -ALPHA - BETA
    assert cannot_be_zero(A)
    step = linear_step(m, A, ALPHA, dt)
    assert "zero" not in A._assumptions     # sympy's is_zero was not asked
    assert step == m + dt * (A * m + ALPHA) * exprel(A * dt)


def test_the_step_keeps_its_form_for_every_kind_of_coefficient():
    tau = sympy.Symbol("tau", real=True)
    assert linear_step(m, -1 / tau, sympy.S.Zero, dt) == m * sympy.exp(-dt / tau)
    assert linear_step(m, sympy.S.Zero, a, dt) == m + dt * a
    assert linear_step(m, sympy.Float(0.0), a, dt) == m + dt * a
    z = sympy.Symbol("z", zero=True)
    assert (z * a).is_zero is True and z * a != 0
    assert linear_step(m, z * a, b, dt) == m + dt * b


def test_only_a_clearly_nonzero_value_answers():
    x = sympy.Symbol("x", real=True)
    assert cannot_be_zero(x + 1)
    assert cannot_be_zero(sympy.tanh(x) * sympy.log(x + 2) - sympy.Abs(sympy.cos(x)))
    assert not cannot_be_zero(sympy.S.Zero)
    assert not cannot_be_zero(sympy.Float(0.0))
    # zero everywhere, though sympy does not cancel it: the value is rounding noise
    assert not cannot_be_zero((x + 1) ** 2 - x ** 2 - 2 * x - 1)
    assert not cannot_be_zero(sympy.exp(x) ** 3 - sympy.exp(3 * x))


def test_what_it_cannot_evaluate_is_left_to_sympy():
    x = sympy.Symbol("x", real=True)
    assert not cannot_be_zero(exprel(x))                         # not an elementary function
    assert not cannot_be_zero(sympy.Symbol("k", integer=True) + 1)   # may not take any real value
    assert not cannot_be_zero(sympy.Symbol("p", positive=True) + 1)
    assert not cannot_be_zero(sympy.exp(sympy.exp(sympy.exp(100 * x))))   # overflows
    assert not cannot_be_zero(sympy.zoo + x)


def test_an_answer_never_contradicts_sympy():
    x, y = sympy.Symbol("x", real=True), sympy.Symbol("y")
    expressions = [x - y, x * y + 1, sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1,
                   sympy.exp(-x / y) / (1 + sympy.exp(x)), sympy.sqrt(x) - x ** sympy.Rational(1, 2),
                   (x - 1) / (x - 1) - 1, sympy.pi * x - sympy.E, x ** -2 + y ** 3]
    for expr in expressions:
        if cannot_be_zero(expr):
            assert expr.is_zero is not True, expr


def _step_asking_sympy(x, A, B, dt):
    """linear_step as it was before the probe: every question to sympy's assumptions."""
    if A.is_zero:
        return x + dt * B
    ratio = B / A
    if all(base.is_zero is False for base, exponent in
           (f.as_base_exp() for f in sympy.Mul.make_args(ratio)) if exponent.is_negative):
        return -ratio + (x + ratio) * sympy.exp(A * dt)
    return x + dt * (A * x + B) * exprel(A * dt)


def test_a_gating_variables_step_divides_by_nothing():
    A = -ALPHA - BETA
    linear_step(m, A, ALPHA, dt)
    assert not any("infinite" in term._assumptions for term in A.args)   # 1/A was not built


def test_every_step_is_the_one_sympys_answers_give():
    tau, g, n = sympy.Symbol("tau", real=True), sympy.Symbol("g", real=True), sympy.Symbol("n")
    z = sympy.Symbol("z", zero=True)
    cases = [(-ALPHA - BETA, ALPHA), (-ALPHA - BETA, BETA), (-1 / tau, a / tau),
             (-1 / tau - g, a), (-(a + b), a / mV), (-(a + b), a * (a + b)), (-(a + b), a / (a + b)),
             (-(a + b) / mV, a / mV), (a - 1, a / n), (sympy.S.Zero, a), (z * a, b),
             (-a - sympy.oo * b, b / mV), (-a - sympy.I * b, b / mV), (-(a + b), sympy.zoo / mV),
             (-(a + b), sympy.S.Zero), (-tau, a / tau), (-(a + mV), b / mV)]
    for A, B in cases:
        assert linear_step(m, A, B, dt) == _step_asking_sympy(m, A, B, dt), (A, B)


def test_a_gating_variables_terms_are_split_without_asking_whether_rates_are_infinite():
    from brianjit.model.exact import affine_parts
    u = sympy.Symbol("u_fresh", real=True)     # expressions no other test has asked about
    alpha, beta = ALPHA.subs(v, u), BETA.subs(v, u)
    coefficients, rest = affine_parts(-beta * m + alpha * (1 - m), {m})
    assert (coefficients[m], rest) == (-beta - alpha, alpha)
    # -beta*m: beta times m's rest, zero, without asking whether beta's factors are infinite
    assert not any("finite" in f._assumptions for f in beta.args if u in f.free_symbols)


def test_zero_times_a_factor_is_what_sympy_makes_of_it():
    from brianjit.model.exact import _times
    z = sympy.Symbol("z", zero=True)
    factors = [ALPHA, BETA, a * b, sympy.Float(0.5) * a, 1 / a, sympy.oo * a, sympy.zoo * a,
               a / z, exprel(a) * b, sympy.Float(2.0), sympy.oo, sympy.S.One,
               sympy.exp(sympy.exp(sympy.exp(100 * a))) * b]
    for factor in factors:
        assert _times(factor, sympy.S.Zero) == factor * sympy.S.Zero, factor
        assert type(_times(factor, sympy.S.Zero)) is type(factor * sympy.S.Zero), factor
    assert _times(a, b) == a * b
    assert cannot_be_infinite(ALPHA) and not cannot_be_infinite(sympy.zoo * a)
