"""The arithmetic that the math functions written in IR (:mod:`.irmath`) are made of.

Why: libmvec exists only with glibc on x86-64, and a GPU (NVPTX, no CUDA toolkit, so no libdevice)
can call no libm at all. The functions of :mod:`.irmath` are therefore written once, as straight-line
IR over a value type that is either ``double`` or ``<n x double>``: branches become selects, so the
same text is the scalar function and every vector variant, and lane *i* of a vector call gives
bit for bit what the scalar call gives for that element (chunking and vector width never change a
result). Range reductions and double-double steps carry no fast-math flag: they depend on every
rounding happening as written. Only the polynomial evaluations (:meth:`Arith.poly`) carry
``contract``, so where the CPU (or the GPU) has an FMA instruction their steps may fuse: results
stay within the measured ulps, but their last bits can differ between machines with and without
FMA.

:class:`Arith` wraps an ``IRBuilder`` and that value type: constants are splatted, comparisons give
``i1`` or ``<n x i1>``, integers are ``i64`` lanes of the same width. Double-double helpers
(Dekker's two-product by Veltkamp splitting, two-sum) give the extra precision that ``pow``,
``log2``, ``log10`` and the range reductions need without an FMA instruction.
"""
from __future__ import annotations

from llvmlite import ir

from .declarations import declare_function

__all__ = ["Arith", "DOUBLE", "value_type"]

DOUBLE = ir.DoubleType()
_I64 = ir.IntType(64)
_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitter for 53-bit significands
_ROUNDER = 6755399441055744.0  # 1.5 * 2**52: x + R - R rounds x to an integer (|x| < 2**51)
_ROUNDER_BITS = 0x4338000000000000  # its bits


def value_type(lanes: int) -> ir.Type:
    """``double`` for ``lanes == 1``, else ``<lanes x double>``."""
    return DOUBLE if lanes == 1 else ir.VectorType(DOUBLE, lanes)


class Arith:
    """Straight-line double arithmetic on scalars or vectors of ``lanes`` doubles."""

    def __init__(self, builder: ir.IRBuilder, lanes: int):
        self.b = builder
        self.lanes = lanes
        self.type = value_type(lanes)
        self.int_type = _I64 if lanes == 1 else ir.VectorType(_I64, lanes)

    # constants
    def c(self, value: float) -> ir.Constant:
        value = float(value)
        return ir.Constant(self.type, value if self.lanes == 1 else [value] * self.lanes)

    def ci(self, value: int) -> ir.Constant:
        return ir.Constant(self.int_type, value if self.lanes == 1 else [value] * self.lanes)

    def _k(self, x):
        return x if isinstance(x, ir.Value) else self.c(x)

    # arithmetic (operands may be Python floats)
    def add(self, x, y):
        return self.b.fadd(self._k(x), self._k(y))

    def sub(self, x, y):
        return self.b.fsub(self._k(x), self._k(y))

    def mul(self, x, y):
        return self.b.fmul(self._k(x), self._k(y))

    def div(self, x, y):
        return self.b.fdiv(self._k(x), self._k(y))

    def neg(self, x):
        return self.b.fneg(x)

    def poly(self, x, coefficients):
        """c0 + x*(c1 + x*(c2 + ...)) by Horner's rule (lowest coefficient first), each step
        one fused multiply-add where the CPU has one (``contract``: only here, where fusing
        can only make the result more accurate)."""
        result = self.c(coefficients[-1])
        for coefficient in reversed(coefficients[:-1]):
            product = self.b.fmul(x, result, flags=("contract",))
            result = self.b.fadd(self._k(coefficient), product, flags=("contract",))
        return result

    # comparisons and selection
    def cmp(self, op: str, x, y):
        """Ordered comparison (false when either is NaN)."""
        return self.b.fcmp_ordered(op, self._k(x), self._k(y))

    def isnan(self, x):
        return self.b.fcmp_unordered("uno", x, x)

    def sel(self, condition, x, y):
        return self.b.select(condition, self._k(x), self._k(y))

    def both(self, p, q):
        return self.b.and_(p, q)

    def either(self, p, q):
        return self.b.or_(p, q)

    def negate(self, p):
        return self.b.not_(p)

    def any_lane(self, p):
        """An i1: whether ``p`` is true in any lane."""
        if self.lanes == 1:
            return p
        mask_type = ir.IntType(self.lanes)
        return self.b.icmp_unsigned("!=", self.b.bitcast(p, mask_type), ir.Constant(mask_type, 0))

    def if_any(self, p, compute, otherwise):
        """``compute()`` (a tuple of values) in a block taken only when ``p`` holds in some lane,
        else the tuple ``otherwise``: the one branch of this straight-line code, for paths that
        are rare and costly (Payne–Hanek)."""
        before = self.b.block
        with self.b.if_then(self.any_lane(p), likely=False):
            computed = compute()
            inside = self.b.block
        merged = []
        for value, default in zip(computed, otherwise):
            phi = self.b.phi(value.type)
            phi.add_incoming(default, before)
            phi.add_incoming(value, inside)
            merged.append(phi)
        return tuple(merged)

    # intrinsics LLVM lowers to instructions on every target we use (x86-64 with SSE4.1, NVPTX)
    def _intrinsic(self, name, *args):
        suffix = "f64" if self.lanes == 1 else f"v{self.lanes}f64"
        full_name = f"llvm.{name}.{suffix}"
        function = declare_function(self.b.module, full_name,
                                    ir.FunctionType(self.type, [self.type] * len(args)))
        return self.b.call(function, list(args))

    def fabs(self, x):
        return self._intrinsic("fabs", x)

    def sqrt(self, x):
        return self._intrinsic("sqrt", x)

    def copysign(self, magnitude, sign):
        return self._intrinsic("copysign", self._k(magnitude), sign)

    def trunc(self, x):
        return self._intrinsic("trunc", x)

    def floor(self, x):
        return self._intrinsic("floor", x)

    def signbit(self, x):
        """True where the sign bit is set (also for -0.0 and negative NaNs)."""
        return self.b.icmp_signed("<", self.bits(x), self.ci(0))

    # integers and bits
    def bits(self, x):
        return self.b.bitcast(x, self.int_type)

    def from_bits(self, n):
        return self.b.bitcast(n, self.type)

    def round_int(self, x):
        """x rounded to the nearest integer (ties to even), as a double; |x| < 2**51."""
        return self.sub(self.add(x, _ROUNDER), _ROUNDER)

    # conversions through the bits of x + 1.5*2**52 (exact for integers |n| < 2**51): AVX2 has no
    # packed i64 <-> double conversion, so fptosi/sitofp would split every vector into scalars
    def to_int(self, x):
        """The integer-valued double x (|x| < 2**51) as an i64."""
        return self.b.sub(self.bits(self.add(x, _ROUNDER)), self.ci(_ROUNDER_BITS))

    def to_double(self, n):
        """The i64 n (|n| < 2**51) as a double."""
        return self.sub(self.from_bits(self.b.add(n, self.ci(_ROUNDER_BITS))), _ROUNDER)

    def pow2(self, n):
        """2**n for an integer vector n in [-1022, 1023], built from its bits."""
        return self.from_bits(self.b.shl(self.b.add(n, self.ci(1023)), self.ci(52)))

    def scale(self, y, k):
        """y * 2**k for an integer-valued double k in [-2044, 2046], rounded once (so results
        that become subnormal or overflow are right): two factors of 2**(k/2)."""
        n = self.to_int(k)
        half = self.b.ashr(n, self.ci(1))
        return self.mul(self.mul(y, self.pow2(half)), self.pow2(self.b.sub(n, half)))

    # double-double (Dekker): pairs (hi, lo) with |lo| <= ulp(hi)/2
    def two_sum(self, a, b):
        s = self.add(a, b)
        v = self.sub(s, a)
        return s, self.add(self.sub(a, self.sub(s, v)), self.sub(b, v))

    def fast_two_sum(self, a, b):
        """Exact a + b when |a| >= |b| (or a is 0)."""
        s = self.add(a, b)
        return s, self.sub(b, self.sub(s, a))

    def split(self, a):
        c = self.mul(a, _SPLIT)
        high = self.sub(c, self.sub(c, a))
        return high, self.sub(a, high)

    def two_prod(self, a, b):
        """(p, e) with p + e = a*b exactly (|a|, |b| < 2**995, no underflow)."""
        p = self.mul(a, b)
        ah, al = self.split(a)
        bh, bl = self.split(b)
        e = self.add(self.add(self.add(self.sub(self.mul(ah, bh), p), self.mul(ah, bl)),
                              self.mul(al, bh)), self.mul(al, bl))
        return p, e

    def dd_mul(self, x, y):
        """Double-double product of pairs x and y (about 2**-102 relative error)."""
        p, e = self.two_prod(x[0], y[0])
        e = self.add(e, self.add(self.mul(x[0], y[1]), self.mul(x[1], y[0])))
        return self.fast_two_sum(p, e)

    def dd_add(self, x, y):
        """Double-double sum of pairs x and y."""
        s, e = self.two_sum(x[0], y[0])
        return self.fast_two_sum(s, self.add(e, self.add(x[1], y[1])))
