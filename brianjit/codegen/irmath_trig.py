"""sin, cos, tan, atan, atan2, asin, acos, sinh, cosh, tanh written in IR (see :mod:`.irmath_core`).

sin/cos/tan reduce x = n*pi/2 + r with pi/2 in three parts of which n*part is exact for
|n| < 2**20 (fdlibm's medium reduction, kept as a double-double (r, tail)), and with Payne–Hanek
(:mod:`.irmath_reduce`) from |x| = 2**19 on; then they evaluate fdlibm's kernel polynomials for
sin and cos on |r| <= pi/4 and pick by quadrant; tan is their quotient.
atan is fdlibm's: four breakpoints and an odd polynomial; atan2, asin and acos are built on it
(asin x = atan2(x, sqrt((1-x)(1+x)))), which keeps the full relative accuracy near 0 and +-1.
The hyperbolic functions are fdlibm's formulas over :func:`.irmath_explog.expm1` and ``exp``.
"""
from __future__ import annotations

import math

from .irmath_core import Arith
from .irmath_explog import exp_scaled, expm1
from .irmath_reduce import reduce_huge

_PIO2 = (1.57079632673412561417e+00, 6.07710050630396597660e-11, 2.02226624879595063154e-21)
_INV_PIO2 = 6.36619772367581382433e-01
#: |x| from which Payne–Hanek is used (the three-part reduction is exact up to 2**20 * pi/2)
_HUGE = 2.0 ** 19
_SIN = [-1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04,
        2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10]
_COS = [4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
        -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11]
_AT = [3.33333333333329318027e-01, -1.99999999998764832476e-01, 1.42857142725034663711e-01,
       -1.11111104054623557880e-01, 9.09088713343650656196e-02, -7.69187620504482999495e-02,
       6.66107313738753120669e-02, -5.83357013379057348645e-02, 4.97687799461593236017e-02,
       -3.65315727442169155270e-02, 1.62858201153657823623e-02]
_ATAN_HI = [4.63647609000806093515e-01, 7.85398163397448278999e-01, 9.82793723247329054082e-01,
            1.57079632679489655800e+00]
_ATAN_LO = [2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17,
            6.12323399573676603587e-17]
_PI_LO = 1.2246467991473531772e-16


def _reduce(a: Arith, x):
    """(n, r, tail): x = n*pi/2 + r + tail (mod 2*pi), |r| <~ pi/4; n as a double: the
    three-part reduction below 2**19, Payne–Hanek (:mod:`.irmath_reduce`) above."""
    is_huge = a.cmp(">=", a.fabs(x), _HUGE)
    medium = _reduce_medium(a, a.sel(is_huge, 0.0, x))

    def with_huge():
        return tuple(a.sel(is_huge, h, m) for h, m in zip(reduce_huge(a, x), medium))

    return a.if_any(a.both(is_huge, a.cmp("<", a.fabs(x), math.inf)), with_huge, medium)


def _reduce_medium(a: Arith, x):
    n = a.round_int(a.mul(x, _INV_PIO2))
    t = a.sub(x, a.mul(n, _PIO2[0]))
    w = a.mul(n, _PIO2[1])
    r = a.sub(t, w)
    tail = a.sub(a.sub(a.sub(t, r), w), a.mul(n, _PIO2[2]))
    return n, a.add(r, tail), a.sub(tail, a.sub(a.add(r, tail), r))


def kernel_sin(a: Arith, x, y):
    """sin(x + y) for |x| <= pi/4, y a tail below ulp(x) (fdlibm's __kernel_sin)."""
    z = a.mul(x, x)
    w = a.mul(z, z)
    v = a.mul(z, x)
    r = a.add(a.poly(z, _SIN[1:4]), a.mul(a.mul(z, w), a.poly(z, _SIN[4:])))
    inner = a.sub(a.mul(z, a.sub(a.mul(0.5, y), a.mul(v, r))), y)
    return a.sub(x, a.sub(inner, a.mul(v, _SIN[0])))


def kernel_cos(a: Arith, x, y):
    """cos(x + y) for |x| <= pi/4, y a tail below ulp(x) (fdlibm's __kernel_cos)."""
    z = a.mul(x, x)
    w = a.mul(z, z)
    r = a.add(a.mul(z, a.poly(z, _COS[:3])), a.mul(a.mul(w, w), a.poly(z, _COS[3:])))
    hz = a.mul(0.5, z)
    one_minus = a.sub(1.0, hz)
    return a.add(one_minus, a.add(a.sub(a.sub(1.0, one_minus), hz),
                                  a.sub(a.mul(z, r), a.mul(x, y))))


def _quadrant(a: Arith, n):
    q = a.b.and_(a.to_int(n), a.ci(3))
    return [a.b.icmp_signed("==", q, a.ci(k)) for k in range(4)]


def _finite(a: Arith, x, y):
    """y where x is finite, NaN where x is inf or NaN."""
    return a.sel(a.cmp("<", a.fabs(x), math.inf), y, math.nan)


def sin(a: Arith, x):
    n, r, tail = _reduce(a, x)
    s, c = kernel_sin(a, r, tail), kernel_cos(a, r, tail)
    q = _quadrant(a, n)
    y = a.sel(q[0], s, a.sel(q[1], c, a.sel(q[2], a.neg(s), a.neg(c))))
    y = a.sel(a.cmp("<", a.fabs(x), 2.0 ** -27), x, y)
    return _finite(a, x, y)


def cos(a: Arith, x):
    n, r, tail = _reduce(a, x)
    s, c = kernel_sin(a, r, tail), kernel_cos(a, r, tail)
    q = _quadrant(a, n)
    return _finite(a, x, a.sel(q[0], c, a.sel(q[1], a.neg(s), a.sel(q[2], a.neg(c), s))))


def tan(a: Arith, x):
    n, r, tail = _reduce(a, x)
    s, c = kernel_sin(a, r, tail), kernel_cos(a, r, tail)
    odd = a.either(*_quadrant(a, n)[1::2])
    y = a.sel(odd, a.neg(a.div(c, s)), a.div(s, c))
    y = a.sel(a.cmp("<", a.fabs(x), 2.0 ** -27), x, y)
    return _finite(a, x, y)


def atan(a: Arith, x):
    ax = a.fabs(x)
    # breakpoints 7/16, 11/16, 19/16, 39/16: ax -> (numerator/denominator) and atan(breakpoint)
    cases = [(a.cmp(">=", ax, 2.4375), a.c(-1.0), ax, 3),
             (a.cmp(">=", ax, 1.1875), a.sub(ax, 1.5), a.add(1.0, a.mul(1.5, ax)), 2),
             (a.cmp(">=", ax, 0.6875), a.sub(ax, 1.0), a.add(ax, 1.0), 1),
             (a.cmp(">=", ax, 0.4375), a.sub(a.mul(2.0, ax), 1.0), a.add(2.0, ax), 0)]
    num, den, hi, lo = ax, a.c(1.0), a.c(0.0), a.c(0.0)
    for condition, case_num, case_den, index in reversed(cases):
        num, den = a.sel(condition, case_num, num), a.sel(condition, case_den, den)
        hi = a.sel(condition, _ATAN_HI[index], hi)
        lo = a.sel(condition, _ATAN_LO[index], lo)
    t = a.div(num, den)
    z = a.mul(t, t)
    w = a.mul(z, z)
    s1 = a.mul(z, a.poly(w, _AT[0::2]))
    s2 = a.mul(w, a.poly(w, _AT[1::2]))
    y = a.sub(hi, a.sub(a.sub(a.mul(t, a.add(s1, s2)), lo), t))
    y = a.sel(a.cmp("<", ax, 2.0 ** -27), ax, y)
    return a.sel(a.isnan(x), x, a.copysign(y, x))


def atan2(a: Arith, y, x):
    ay, ax = a.fabs(y), a.fabs(x)
    z = atan(a, a.div(ay, ax))
    z = a.sel(a.cmp("==", ay, 0.0), 0.0, z)  # 0/0, 0/inf
    both_inf = a.both(a.cmp("==", ay, math.inf), a.cmp("==", ax, math.inf))
    z = a.sel(both_inf, math.pi / 4, z)
    z = a.sel(a.signbit(x), a.sub(math.pi, a.sub(z, _PI_LO)), z)
    return a.sel(a.either(a.isnan(x), a.isnan(y)), math.nan, a.copysign(z, y))


def _sqrt_one_minus_square(a: Arith, x):
    return a.sqrt(a.mul(a.sub(1.0, x), a.add(1.0, x)))


def asin(a: Arith, x):
    return atan2(a, x, _sqrt_one_minus_square(a, x))


def acos(a: Arith, x):
    return atan2(a, _sqrt_one_minus_square(a, x), x)


def _large_half_exp(a: Arith, ax):
    """exp(ax)/2, rounded once, without overflowing before the result does (ax <= 710.47)."""
    return exp_scaled(a, ax, -1.0)


def sinh(a: Arith, x):
    ax = a.fabs(x)
    t = expm1(a, a.sel(a.cmp("<", ax, 22.0), ax, 22.0))
    ratio = a.div(t, a.add(t, 1.0))
    small = a.mul(0.5, a.sub(a.mul(2.0, t), a.mul(t, ratio)))
    medium = a.mul(0.5, a.add(t, ratio))
    y = a.sel(a.cmp("<", ax, 1.0), small, medium)
    y = a.sel(a.cmp("<", ax, 22.0), y, _large_half_exp(a, ax))
    return a.sel(a.isnan(x), x, a.copysign(y, x))


def cosh(a: Arith, x):
    ax = a.fabs(x)
    t = expm1(a, a.sel(a.cmp("<", ax, 22.0), ax, 22.0))
    w = a.add(1.0, t)
    small = a.add(1.0, a.div(a.mul(t, t), a.add(w, w)))
    medium = a.add(a.mul(0.5, w), a.div(0.5, w))
    y = a.sel(a.cmp("<", ax, 0.5 * math.log(2.0)), small, medium)
    y = a.sel(a.cmp("<", ax, 22.0), y, _large_half_exp(a, ax))
    return a.sel(a.isnan(x), x, y)


def tanh(a: Arith, x):
    """fdlibm's: ``1 - 2/(expm1(2|x|) + 2)`` from |x| = 1 on, ``-t/(t + 2)`` with
    ``t = expm1(-2|x|)`` below; one expm1 per lane, of the argument its case needs (``-2|x|`` is
    ``2|x|`` negated exactly: |x| is clamped to 22)."""
    ax = a.fabs(x)
    clamped = a.sel(a.cmp("<", ax, 22.0), ax, 22.0)
    large_case = a.cmp(">=", ax, 1.0)
    twice = a.mul(2.0, clamped)
    t = expm1(a, a.sel(large_case, twice, a.neg(twice)))
    large = a.sub(1.0, a.div(2.0, a.add(t, 2.0)))
    small = a.div(a.neg(t), a.add(t, 2.0))
    y = a.sel(large_case, large, small)
    y = a.sel(a.cmp("<", ax, 22.0), y, 1.0)
    return a.sel(a.isnan(x), x, a.copysign(y, x))
