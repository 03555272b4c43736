"""asinh, acosh, atanh, hypot, cbrt and lgamma written in IR (see :mod:`.irmath_core`).

The inverse hyperbolic functions are fdlibm's case splits over log and log1p (each case chosen by
a select). hypot scales both arguments into a range where their squares neither overflow nor
underflow, adds the squares as a double-double and corrects the square root once (about 1 ulp).
cbrt starts from the exponent divided by three in the bits, refines by Newton's method and ends
with one correction whose residual t**3 - x is computed exactly (Dekker's products).

lgamma (needed by ``poisson()``'s sampler) uses the recurrence up to z >= 8 and Stirling's series
there, with the terms that cancel in double-double, and the reflection formula for negative
arguments: within 1 ulp of the correctly rounded value for x > 0 (glibc's lgamma is up to 8 ulp
off near its zeros at 1 and 2), a few ulps for x < 0 (measured in tests/test_irmath_accuracy.py).
"""
from __future__ import annotations

import math

from .irmath_core import Arith
from .irmath_explog import log, log1p, log_dd
from .irmath_trig import kernel_cos, kernel_sin

_LN2 = math.log(2.0)
_INF = math.inf


def asinh(a: Arith, x):
    ax = a.fabs(x)
    square = a.mul(ax, ax)
    huge = a.add(log(a, ax), _LN2)
    large = log(a, a.add(a.mul(2.0, ax), a.div(1.0, a.add(a.sqrt(a.add(square, 1.0)), ax))))
    small = log1p(a, a.add(ax, a.div(square, a.add(1.0, a.sqrt(a.add(1.0, square))))))
    y = a.sel(a.cmp(">", ax, 2.0 ** 28), huge, a.sel(a.cmp(">", ax, 2.0), large, small))
    y = a.sel(a.cmp("<", ax, 2.0 ** -28), ax, y)
    return a.sel(a.isnan(x), x, a.copysign(y, x))


def acosh(a: Arith, x):
    huge = a.add(log(a, x), _LN2)
    large = log(a, a.sub(a.mul(2.0, x), a.div(1.0, a.add(x, a.sqrt(a.sub(a.mul(x, x), 1.0))))))
    t = a.sub(x, 1.0)
    small = log1p(a, a.add(t, a.sqrt(a.add(a.mul(2.0, t), a.mul(t, t)))))
    y = a.sel(a.cmp(">", x, 2.0 ** 28), huge, a.sel(a.cmp(">", x, 2.0), large, small))
    y = a.sel(a.cmp("<", x, 1.0), math.nan, y)
    return a.sel(a.isnan(x), x, y)


def atanh(a: Arith, x):
    ax = a.fabs(x)
    twice = a.add(ax, ax)
    small = a.mul(0.5, log1p(a, a.add(twice, a.div(a.mul(twice, ax), a.sub(1.0, ax)))))
    large = a.mul(0.5, log1p(a, a.div(twice, a.sub(1.0, ax))))
    y = a.sel(a.cmp("<", ax, 0.5), small, large)
    y = a.sel(a.cmp("<", ax, 2.0 ** -28), ax, y)
    y = a.sel(a.cmp("==", ax, 1.0), _INF, a.sel(a.cmp(">", ax, 1.0), math.nan, y))
    return a.sel(a.isnan(x), x, a.copysign(y, x))


def hypot(a: Arith, x, y):
    ax, ay = a.fabs(x), a.fabs(y)
    big = a.sel(a.cmp(">", ax, ay), ax, ay)
    small = a.sel(a.cmp(">", ax, ay), ay, ax)
    up = a.cmp("<", big, 2.0 ** -500)
    down = a.cmp(">", big, 2.0 ** 500)
    factor = a.sel(down, 2.0 ** -600, a.sel(up, 2.0 ** 600, 1.0))
    big, small = a.mul(big, factor), a.mul(small, factor)
    p, pe = a.two_prod(big, big)
    q, qe = a.two_prod(small, small)
    s, se = a.two_sum(p, q)
    se = a.add(se, a.add(pe, qe))
    r = a.sqrt(s)
    rr, rre = a.two_prod(r, r)
    r = a.add(r, a.div(a.add(a.sub(a.sub(s, rr), rre), se), a.mul(2.0, r)))
    r = a.sel(a.cmp("==", big, 0.0), 0.0, r)
    result = a.div(r, factor)
    result = a.sel(a.either(a.isnan(x), a.isnan(y)), math.nan, result)
    return a.sel(a.either(a.cmp("==", ax, _INF), a.cmp("==", ay, _INF)), _INF, result)


def cbrt(a: Arith, x):
    ax = a.fabs(x)
    # into [2**-1022, 2**900]: the cube of a guess must neither overflow nor be subnormal
    subnormal = a.cmp("<", ax, 2.0 ** -1022)
    huge = a.cmp(">", ax, 2.0 ** 900)
    scaled = a.mul(ax, a.sel(subnormal, 2.0 ** 54, a.sel(huge, 2.0 ** -300, 1.0)))
    guess_bits = a.b.add(a.b.sdiv(a.bits(scaled), a.ci(3)), a.ci(682 << 52))
    t = a.from_bits(guess_bits)
    for _ in range(4):
        t = a.sub(t, a.div(a.sub(a.mul(a.mul(t, t), t), scaled), a.mul(3.0, a.mul(t, t))))
    t2, t2e = a.two_prod(t, t)
    t3, t3e = a.two_prod(t2, t)
    residual = a.add(a.sub(t3, scaled), a.add(t3e, a.mul(t2e, t)))
    t = a.sub(t, a.div(residual, a.mul(3.0, t2)))
    t = a.mul(t, a.sel(subnormal, 2.0 ** -18, a.sel(huge, 2.0 ** 100, 1.0)))
    t = a.sel(a.either(a.cmp("==", ax, 0.0), a.cmp("==", ax, _INF)), ax, t)
    return a.sel(a.isnan(x), x, a.copysign(t, x))


# Stirling's series for log(Gamma(z)) - ((z - 1/2) log z - z + log(2 pi)/2), in 1/z**2
_STIRLING = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360,
             1.0 / 156, -3617.0 / 122400]
_SHIFT = 8


def _log_of_pair(a: Arith, pair):
    """log(hi + lo) as a double-double, for a positive finite pair."""
    hi, lo = log_dd(a, pair[0])
    return a.fast_two_sum(hi, a.add(lo, a.div(pair[1], pair[0])))


def _lgamma_positive(a: Arith, x):
    """log Gamma(x) for x > 0: shift to z = x + 8 where Stirling's series converges fast; the
    large terms, which cancel, in double-double."""
    shift = a.cmp("<", x, float(_SHIFT))
    z = a.two_sum(x, a.sel(shift, float(_SHIFT), 0.0))
    product = (x, a.c(0.0))
    for k in range(1, _SHIFT):
        product = a.dd_mul(product, a.two_sum(x, float(k)))
    w = a.div(1.0, a.mul(z[0], z[0]))
    series = a.div(a.poly(w, _STIRLING), z[0])
    half_below = a.two_sum(z[0], -0.5)
    half_below = a.fast_two_sum(half_below[0], a.add(half_below[1], z[1]))
    stirling = a.dd_mul(half_below, _log_of_pair(a, z))
    stirling = a.dd_add(stirling, (a.neg(z[0]), a.neg(z[1])))
    stirling = a.dd_add(stirling, (a.c(0.9189385332046728), a.add(series, -3.878294158067242e-17)))
    shifted = a.dd_add(stirling, tuple(a.neg(v) for v in _log_of_pair(a, product)))
    # beyond 2**60 the double-double products would overflow; the plain formula is exact enough
    plain = a.mul(x, a.sub(log(a, x), 1.0))
    return a.sel(shift, a.add(*shifted), a.sel(a.cmp(">", x, 2.0 ** 60), plain, a.add(*stirling)))


def lgamma(a: Arith, x):
    ax = a.fabs(x)
    # one evaluation at |x| serves both signs: x < 0 is log(pi / |x sin(pi x)|) - lgamma(|x|)
    positive = _lgamma_positive(a, a.sel(a.cmp(">", ax, 0.0), ax, 1.0))
    reflected = positive
    fraction = a.sub(ax, a.trunc(ax))
    fraction = a.sel(a.cmp(">", fraction, 0.5), a.sub(1.0, fraction), fraction)  # in [0, 1/2]
    zero = a.c(0.0)  # sin(pi f) from the kernels directly: no range reduction needed
    sine = a.sel(a.cmp("<=", fraction, 0.25), kernel_sin(a, a.mul(math.pi, fraction), zero),
                 kernel_cos(a, a.mul(math.pi, a.sub(0.5, fraction)), zero))
    negative = a.sub(a.sub(math.log(math.pi), log(a, a.mul(ax, sine))), reflected)
    y = a.sel(a.cmp(">", x, 0.0), positive, negative)
    # tiny |x|: -log|x| - Euler's gamma * x (the product above would underflow)
    tiny = a.sub(a.neg(log(a, ax)), a.mul(0.5772156649015329, x))
    y = a.sel(a.cmp("<", ax, 2.0 ** -30), tiny, y)
    # poles at 0 and the negative integers; huge arguments
    y = a.sel(a.either(a.cmp("==", fraction, 0.0), a.cmp("==", ax, _INF)),
              a.sel(a.cmp("==", x, -_INF), _INF, a.sel(a.cmp(">", x, 0.0), y, _INF)), y)
    y = a.sel(a.cmp("==", x, _INF), _INF, y)
    return a.sel(a.isnan(x), x, y)
