"""Payne–Hanek reduction of huge arguments of sin, cos and tan, written in IR.

Why: fdlibm's three-part reduction (:mod:`.irmath_trig`) is exact only while n*pi/2 has few
enough bits, |x| < 2**20 * pi/2. Beyond it, x*2/pi mod 4 needs the bits of 2/pi from around x's
exponent onwards: a double x = m * 2**e (m an integer of 53 bits) times the bits of 2/pi of
weight above 2**(2-e) is a multiple of 4 and does not change the quadrant or the remainder.

How: a table (one row per 16 exponents, 63 rows, built once from mpmath's 2/pi) holds for the
chunk starting at bit s = 16*floor((e - 2)/16) four doubles R0..R3: bits [s, s+30), [s+30, s+60),
[s+60, s+90) and [s+90, s+143) of 2/pi, scaled by 2**s. With X = x * 2**-s (exact, an integer up
to 2**70), x*2/pi = X*(R0 + R1 + R2 + R3) + (a multiple of 4) + (less than 2**-73). Each product
is computed exactly as a double-double (Dekker), its large parts are reduced mod 4 exactly, the
pieces are summed as a double-double, and the fraction times pi/2 (double-double) is the
remainder (r, tail) that fdlibm's kernels take. The row is loaded per lane (vectors: one scalar
load per lane and piece, no gather instruction needed), so the code is the same for every width.
"""
from __future__ import annotations

import functools

from llvmlite import ir

from .irmath_core import DOUBLE, Arith

_GROUP = 16          # exponents per table row
_PIECES = (30, 30, 30, 53)
_E_MIN = -40         # smallest exponent e (x = m * 2**e) the table covers (|x| >= 2**13)
_E_MAX = 971         # the largest finite double's
_S_MIN = _GROUP * ((_E_MIN - 2) // _GROUP)
_ROWS = (_E_MAX - 2) // _GROUP - (_E_MIN - 2) // _GROUP + 1
_PIO2_DD = (1.5707963267948966, 6.123233995736766e-17)
TABLE_NAME = "brianjit.math.two_over_pi"


@functools.lru_cache(maxsize=1)
def two_over_pi_rows() -> tuple[tuple[float, ...], ...]:
    """The table: rows of four doubles (see the module docstring)."""
    import mpmath

    total_bits = -_S_MIN + _ROWS * _GROUP + sum(_PIECES) + 64
    with mpmath.workprec(total_bits + 64):
        bits = int(mpmath.floor(2 / mpmath.pi * mpmath.mpf(2) ** total_bits))

    def chunk(first, count):  # bits [first, first + count) of 2/pi (bit j weighs 2**-j)
        last = first + count - 1
        return 0 if last <= 0 else (bits >> (total_bits - last)) & ((1 << count) - 1)

    rows = []
    for row in range(_ROWS):
        s = _S_MIN + _GROUP * row
        values, first = [], s
        for count in _PIECES:
            # chunk * 2**-(first + count - 1) * 2**s: exact (count <= 53 bits)
            values.append(float(chunk(first, count)) * 2.0 ** (s - first - count + 1))
            first += count
        rows.append(tuple(values))
    return tuple(rows)


def _table(module: ir.Module) -> ir.GlobalVariable:
    table = module.globals.get(TABLE_NAME)
    if table is None:
        row_type = ir.ArrayType(DOUBLE, len(_PIECES))
        array_type = ir.ArrayType(row_type, _ROWS)
        table = ir.GlobalVariable(module, array_type, TABLE_NAME)
        table.linkage = "internal"
        table.global_constant = True
        table.initializer = ir.Constant(array_type, [ir.Constant(row_type, list(r))
                                                     for r in two_over_pi_rows()])
    return table


def _load_row(a: Arith, row_index):
    """The four table entries of each lane's row (row_index: i64 or <n x i64>, in range)."""
    b = a.b
    table = _table(b.module)
    zero = ir.Constant(ir.IntType(64), 0)

    def entry(index, piece):
        pointer = b.gep(table, [zero, index, ir.Constant(ir.IntType(32), piece)], inbounds=True)
        return b.load(pointer, typ=DOUBLE)

    if a.lanes == 1:
        return [entry(row_index, piece) for piece in range(len(_PIECES))]
    pieces = [ir.Constant(a.type, ir.Undefined) for _ in _PIECES]
    for lane in range(a.lanes):
        position = ir.Constant(ir.IntType(32), lane)
        index = b.extract_element(row_index, position)
        for piece in range(len(_PIECES)):
            pieces[piece] = b.insert_element(pieces[piece], entry(index, piece), position)
    return pieces


def _mod4(a: Arith, v):
    """v - 4*floor(v/4) (exact) where |v| >= 4; v itself where it is smaller (the subtraction
    would round away the bits of a small negative v)."""
    reduced = a.sub(v, a.mul(4.0, a.floor(a.mul(v, 0.25))))
    return a.sel(a.cmp(">=", a.fabs(v), 4.0), reduced, v)


def reduce_huge(a: Arith, x):
    """(n, r, tail) with x = n*pi/2 + r + tail (mod 2*pi), |r| <= pi/4, for finite |x| >= 2**13;
    other lanes get meaningless values (the caller selects)."""
    b = a.b
    exponent = b.and_(b.lshr(a.bits(x), a.ci(52)), a.ci(0x7FF))
    e = b.sub(exponent, a.ci(1075))
    e = b.select(b.icmp_signed("<", e, a.ci(_E_MIN)), a.ci(_E_MIN), e)
    e = b.select(b.icmp_signed(">", e, a.ci(_E_MAX)), a.ci(_E_MAX), e)
    row = b.sub(b.ashr(b.sub(e, a.ci(2)), a.ci(4)), a.ci((_E_MIN - 2) // _GROUP))
    s = b.add(b.mul(row, a.ci(_GROUP)), a.ci(_S_MIN))
    big_x = a.mul(a.fabs(x), a.pow2(b.sub(a.ci(0), s)))  # X = |x| * 2**-s, an integer
    parts = []
    for piece in _load_row(a, row):
        high, low = a.two_prod(big_x, piece)
        parts += [_mod4(a, high), _mod4(a, low)]
    total = (parts[0], a.c(0.0))
    for part in parts[1:]:
        total = a.dd_add(total, (part, a.c(0.0)))
    n = a.round_int(total[0])
    fraction = a.fast_two_sum(a.sub(total[0], n), total[1])
    r, tail = a.dd_mul(fraction, tuple(a.c(v) for v in _PIO2_DD))
    # x < 0: the reduction of |x| mirrored
    negative = a.signbit(x)
    return (a.sel(negative, a.neg(n), n), a.sel(negative, a.neg(r), r),
            a.sel(negative, a.neg(tail), tail))
