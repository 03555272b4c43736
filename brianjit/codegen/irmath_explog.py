"""exp, exp2, expm1, log, log2, log10, log1p and pow written in IR (see :mod:`.irmath_core`).

The methods are fdlibm's (Sun's freely distributable libm, the ancestor of most libms' double
functions): exp reduces x = k*ln2 + r with ln2 in two parts (the product k*ln2_hi is exact) and
evaluates exp(r) as a rational function of r*r; log writes x = 2**k * m with m in
[sqrt(2)/2, sqrt(2)) and evaluates log(m) from s = (m-1)/(m+1) as an odd series. expm1 uses the
same reduction with a Taylor polynomial on |r| <= ln2/2 and assembles 2**k*(1 + e) - 1 without
cancellation. pow, log2 and log10 need log(x) to about 2**-62, so they use a double-double log
(Dekker's products) and, for pow, an exp that takes its argument as a double-double.

Every function handles its special values with selects after the main path: NaN in, NaN out;
infinities, zeros (with their sign), overflow to inf, underflow through the subnormals to 0.
Accuracy against numpy (glibc) is measured in tests/test_irmath_accuracy.py; the worst cases
found are listed in docs/architecture.md ("Math lowering").
"""
from __future__ import annotations

import math

from .irmath_core import Arith

# ln2 split so that k*LN2_HI is exact for |k| < 2**20 (fdlibm)
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e+00
# exp(r) = 1 + r + r*c/(2 - c), c = r - r*r*P(r*r) (fdlibm e_exp.c)
_EXP_P = [1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05,
          -1.65339022054652515390e-06, 4.13813679705723846039e-08]
# log(1+f) = f - f*f/2 + s*(f*f/2 + R(s*s)), s = f/(2+f) (fdlibm e_log.c)
_LOG_LG = [6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
           2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
           1.479819860511658591e-01]
# Taylor coefficients 1/n! for n = 2..14: expm1(r) = r + r*r*(1/2 + r/6 + ...) on |r| <= ln2/2
_EXPM1_TAYLOR = [1.0 / math.factorial(n) for n in range(2, 15)]
_EXP_MAX = 709.782712893383973096     # log(DBL_MAX)
_EXP_MIN = -745.13321910194110842     # log of half the smallest subnormal
_SQRT2 = 1.4142135623730951
_INF = math.inf
_NAN = math.nan
_INV_LN2_DD = (1.4426950408889634, 2.0355273740931033e-17)
_INV_LN10_DD = (0.4342944819032518, 1.098319650216765e-17)


def _exp_core(a: Arith, hi, lo, k):
    """exp(hi - lo) * 2**k for |hi - lo| <= ln2/2 (about 0.5 ulp before scaling)."""
    r = a.sub(hi, lo)
    t = a.mul(r, r)
    c = a.sub(r, a.mul(t, a.poly(t, _EXP_P)))
    y = a.sub(1.0, a.sub(a.sub(lo, a.div(a.mul(r, c), a.sub(2.0, c))), hi))
    return a.scale(y, k)


def _exp_specials(a: Arith, x, y, top=_EXP_MAX, bottom=_EXP_MIN):
    y = a.sel(a.cmp(">", x, top), _INF, y)
    y = a.sel(a.cmp("<", x, bottom), 0.0, y)
    return a.sel(a.isnan(x), x, y)


def _clamp(a: Arith, x, low, high):
    """x limited to [low, high]; NaN becomes 0 (callers restore NaN at the end)."""
    x = a.sel(a.isnan(x), 0.0, x)
    return a.sel(a.cmp("<", x, low), low, a.sel(a.cmp(">", x, high), high, x))


def exp(a: Arith, x):
    return exp_scaled(a, x)


def exp_scaled(a: Arith, x, shift: float = 0.0):
    """exp(x) * 2**shift (shift an integer in [-2, 0]) rounded once: sinh and cosh need
    exp(x)/2 up to x = 710.47 without the overflow of exp(x)."""
    xc = _clamp(a, x, -746.0, 712.0)
    k = a.round_int(a.mul(xc, INV_LN2))
    hi = a.sub(xc, a.mul(k, LN2_HI))
    y = _exp_core(a, hi, a.mul(k, LN2_LO), a.add(k, shift))
    return _exp_specials(a, x, y, _EXP_MAX if shift == 0 else 712.0, _EXP_MIN + shift)


def exp2(a: Arith, x):
    xc = _clamp(a, x, -1076.0, 1025.0)
    k = a.round_int(xc)
    f = a.sub(xc, k)  # exact, |f| <= 1/2
    hi, lo = a.two_prod(f, math.log(2.0))
    lo = a.add(lo, a.mul(f, 2.3190468138462996e-17))  # ln2 - double(ln2)
    return _exp_specials(a, x, _exp_core(a, hi, a.neg(lo), k), 1024.0, -1075.0)


def expm1(a: Arith, x):
    xc = _clamp(a, x, -40.0, 710.0)
    k = a.round_int(a.mul(xc, INV_LN2))
    hi = a.sub(xc, a.mul(k, LN2_HI))
    lo = a.mul(k, LN2_LO)
    r = a.sub(hi, lo)
    c = a.sub(a.sub(hi, r), lo)  # r + c = hi - lo to twice the precision
    e = a.add(r, a.mul(a.mul(r, r), a.poly(r, _EXPM1_TAYLOR)))
    e = a.add(e, a.add(c, a.mul(c, e)))  # expm1(r + c) = expm1(r) + c*(1 + expm1(r))
    middle = a.add(a.scale(e, k), a.sub(a.scale(a.c(1.0), k), 1.0))
    y = a.sel(a.cmp(">", k, 56.0), a.scale(a.add(e, 1.0), k), middle)
    y = a.sel(a.cmp(">", x, _EXP_MAX), _INF, y)
    y = a.sel(a.cmp("<", a.fabs(x), 2.0 ** -54), x, y)  # x itself: keeps -0 and subnormals
    return a.sel(a.isnan(x), x, y)


def _reduce_log(a: Arith, x):
    """(k, f) with x = 2**k * (1 + f), f in [sqrt(2)/2 - 1, sqrt(2) - 1), exact; x > 0 finite."""
    subnormal = a.cmp("<", x, 2.0 ** -1022)
    x = a.sel(subnormal, a.mul(x, 2.0 ** 54), x)
    bits = a.bits(x)
    exponent = a.b.and_(a.b.lshr(bits, a.ci(52)), a.ci(0x7FF))
    k = a.sub(a.to_double(exponent), a.sel(subnormal, 1023.0 + 54.0, 1023.0))
    m = a.from_bits(a.b.or_(a.b.and_(bits, a.ci(0x000FFFFFFFFFFFFF)), a.ci(0x3FF0000000000000)))
    big = a.cmp(">", m, _SQRT2)
    m = a.sel(big, a.mul(m, 0.5), m)
    k = a.sel(big, a.add(k, 1.0), k)
    return k, a.sub(m, 1.0)


def _log_specials(a: Arith, x, y):
    y = a.sel(a.cmp("==", x, 0.0), -_INF, y)
    y = a.sel(a.cmp("==", x, _INF), _INF, y)
    y = a.sel(a.cmp("<", x, 0.0), _NAN, y)
    return a.sel(a.isnan(x), x, y)


def log(a: Arith, x):
    k, f = _reduce_log(a, x)
    s = a.div(f, a.add(2.0, f))
    z = a.mul(s, s)
    w = a.mul(z, z)
    lg = _LOG_LG
    t1 = a.mul(w, a.poly(w, [lg[1], lg[3], lg[5]]))
    t2 = a.mul(z, a.poly(w, [lg[0], lg[2], lg[4], lg[6]]))
    hfsq = a.mul(a.mul(0.5, f), f)
    inner = a.add(a.mul(s, a.add(hfsq, a.add(t2, t1))), a.mul(k, LN2_LO))
    y = a.sub(a.mul(k, LN2_HI), a.sub(a.sub(hfsq, inner), f))
    return _log_specials(a, x, y)


def log_dd(a: Arith, x):
    """log(x) as a double-double (about 2**-62 relative) for positive finite x."""
    k, f = _reduce_log(a, x)
    # s = f/(2 + f) as a double-double: d = 2 + f exactly as (dh, dl), then one correction
    dh, dl = a.fast_two_sum(a.c(2.0), f)
    sh = a.div(f, dh)
    p, e = a.two_prod(sh, dh)
    sl = a.div(a.sub(a.sub(a.sub(f, p), e), a.mul(sh, dl)), dh)
    # log(1+f) = 2s + 2s^3/3 + s^5*Q(s*s); the first two terms in double-double
    z = a.mul(sh, sh)
    s2 = a.dd_mul((sh, sl), (sh, sl))
    s3 = a.dd_mul(s2, (sh, sl))
    cube = a.dd_mul(s3, (0.6666666666666666, 3.700743415417188e-17))
    tail = a.mul(a.mul(s3[0], z), a.poly(z, [2.0 / (2 * n + 1) for n in range(2, 12)]))
    series = a.dd_add((a.mul(sh, 2.0), a.mul(sl, 2.0)), (cube[0], a.add(cube[1], tail)))
    return a.dd_add((a.mul(k, LN2_HI), a.mul(k, LN2_LO)), series)


def _scaled_log(a: Arith, x, factor):
    hi, lo = a.dd_mul(log_dd(a, x), tuple(a.c(v) for v in factor))
    return _log_specials(a, x, a.add(hi, lo))


def log2(a: Arith, x):
    return _scaled_log(a, x, _INV_LN2_DD)


def log10(a: Arith, x):
    return _scaled_log(a, x, _INV_LN10_DD)


def log1p(a: Arith, x):
    u = a.add(x, 1.0)
    # log(u) + (x - (u - 1))/u: the rounding of 1 + x corrected to first order
    y = a.add(log(a, u), a.div(a.sub(x, a.sub(u, 1.0)), u))
    y = a.sel(a.cmp("==", u, 1.0), x, y)  # tiny x (keeps -0 and subnormals)
    y = a.sel(a.cmp("==", x, _INF), _INF, y)
    y = a.sel(a.cmp("==", x, -1.0), -_INF, y)
    y = a.sel(a.cmp("<", x, -1.0), _NAN, y)
    return a.sel(a.isnan(x), x, y)


def _is_integer(a: Arith, y):
    return a.cmp("==", a.trunc(y), y)


def pow(a: Arith, x, y):  # noqa: A001 - the libm name
    ax = a.fabs(x)
    # |y| beyond 2**64 gives the same overflow/underflow as 2**64 unless x == 1 (handled below)
    yc = a.sel(a.cmp(">", a.fabs(y), 2.0 ** 64), a.copysign(2.0 ** 64, y), y)
    safe_x = a.sel(a.either(a.cmp("==", ax, 0.0), a.negate(a.cmp("<", ax, _INF))), 1.0, ax)
    lh, ll = log_dd(a, safe_x)
    ph, pl = a.two_prod(yc, lh)
    ph, pl = a.fast_two_sum(ph, a.add(pl, a.mul(yc, ll)))
    pc = _clamp(a, ph, -746.0, 710.0)
    k = a.round_int(a.mul(pc, INV_LN2))
    hi = a.sub(pc, a.mul(k, LN2_HI))
    lo = a.sub(a.mul(k, LN2_LO), a.sel(a.cmp("==", pc, ph), pl, 0.0))
    result = _exp_specials(a, ph, _exp_core(a, hi, lo, k))
    # |x| is 0 or inf: +0 or +inf by the signs of log|x| and y
    huge = a.cmp("==", ax, _INF)
    result = a.sel(a.cmp("==", ax, 0.0), a.sel(a.cmp("<", y, 0.0), _INF, 0.0), result)
    result = a.sel(huge, a.sel(a.cmp("<", y, 0.0), 0.0, _INF), result)
    # negative x: integer y keeps the magnitude with the sign (-1)**y; other y have no real power
    integer = _is_integer(a, y)
    odd = a.both(integer, a.negate(_is_integer(a, a.mul(y, 0.5))))
    negative = a.signbit(x)
    result = a.sel(a.both(negative, odd), a.neg(result), result)
    finite_nonzero = a.both(a.cmp("!=", ax, 0.0), a.cmp("<", ax, _INF))
    result = a.sel(a.both(a.both(negative, a.negate(integer)), finite_nonzero), _NAN, result)
    result = a.sel(a.either(a.isnan(x), a.isnan(y)), _NAN, result)
    # C99: x**0 == 1 and 1**y == 1 even for NaN; (-1)**(+-inf) == 1
    one = a.either(a.cmp("==", y, 0.0), a.cmp("==", x, 1.0))
    one = a.either(one, a.both(a.cmp("==", x, -1.0), a.cmp("==", a.fabs(y), _INF)))
    return a.sel(one, 1.0, result)
