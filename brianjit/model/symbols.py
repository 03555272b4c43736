"""The sympy vocabulary shared by the parser, the integrators, the unit checker and the lowering.

Every stage that builds or reads model expressions agrees on these conventions:

* a model name (variable, constant, ``t``, ``dt``, ``i``, ``N``, ``xi``) is ``Symbol(name, real=True)``
  made by :func:`symbol`; boolean variables are the same kind of symbol (the lowering knows types);
* math functions are sympy's own (``exp``, ``log``, ``sin``, ``Abs``, ``sign``, ``floor``, ``ceiling``,
  ``Min``/``Max``, ``Pow`` for ``**`` and ``sqrt``);
* functions sympy has no exact equivalent for are the undefined functions below (``exprel``,
  ``int_``, ``floordiv``, ...), so nothing rewrites them behind our back;
* every ``rand()``/``randn()`` occurrence is a *distinct* call ``rand(k)``/``randn(k)`` with a unique
  integer ``k`` (otherwise sympy would simplify ``rand() - rand()`` to 0). ``k`` only keeps calls
  apart; the lowering numbers random streams by order of appearance, so results never depend on it.
"""
from __future__ import annotations

import itertools
import math

import sympy

from .names import is_noise_name, symbol  # noqa: F401  (part of the vocabulary)

__all__ = [
    "symbol", "rand", "randn", "new_rand", "new_randn", "is_random_call",
    "exprel", "int_", "floordiv", "clip", "RANDOM_FUNCTIONS", "is_noise_name",
]


class exprel(sympy.Function):
    """(exp(x) - 1)/x, with the value 1 at x = 0 (Brian2's ``exprel``)."""
    nargs = 1

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def fdiff(self, argindex=1):
        x = self.args[0]
        return (x * sympy.exp(x) - sympy.exp(x) + 1) / x**2

    def _eval_evalf(self, prec):
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_number:
            return None
        return sympy.Float(1, prec) if x == 0 else (sympy.exp(x) - 1) / x


class int_(sympy.Function):
    """Python's ``int()`` on a number: truncation towards zero, result of integer type."""
    nargs = 1

    def _eval_is_extended_real(self):
        # always a real number (a boolean argument gives 0 or 1): without this, sympy may decide
        # that ``w + 0.01*int_(c)`` is not real and refuse it in ``Min``/``Max`` (``clip``)
        return True

    @classmethod
    def eval(cls, x):
        # a float constant folds to its integer (so clip(int(2.5), 0, 1) can compare it); beyond
        # the i64 range it is the lowering's "integer indefinite" INT64_MIN; NaN and infinities
        # stay calls (lowered: INT64_MIN as well)
        if isinstance(x, sympy.Integer):
            return x
        if isinstance(x, sympy.Float) and x.is_finite:
            value = int(x)
            return sympy.Integer(value if -2**63 <= value < 2**63 else -2**63)
        return None


class floordiv(sympy.Function):
    """Python's ``a // b`` (floor division; integer if both operands are integers)."""
    nargs = 2

    def _eval_is_extended_real(self):
        return True

    def _eval_evalf(self, prec):
        a, b = (arg.evalf(prec) for arg in self.args)
        if not all(v.is_number and v.is_extended_real and v.is_finite for v in (a, b)) or b == 0:
            return None
        quotient = a / b
        if abs(quotient) >= 2**60:   # already a whole number at this precision (and maybe huge)
            return quotient
        return sympy.Float(math.floor(quotient), prec)


class clip(sympy.Function):
    """Brian2's ``clip(x, low, high)``: ``min(max(x, low), high)``. Its own head, not sympy's
    ``Min(Max(...))``: those ask sympy's assumption system about every argument (tens of
    milliseconds per call) and refuse arguments they cannot compare."""
    nargs = 3

    def _eval_is_extended_real(self):
        return True

    def _eval_evalf(self, prec):
        x, low, high = (arg.evalf(prec) for arg in self.args)
        if not all(v.is_number and v.is_extended_real for v in (x, low, high)):
            return None
        return sympy.Min(sympy.Max(x, low), high)


rand = sympy.Function("rand")
randn = sympy.Function("randn")
RANDOM_FUNCTIONS = (rand, randn)
_ids = itertools.count()


def new_rand() -> sympy.Expr:
    """A fresh uniform random number on [0, 1): ``rand(k)`` with a new ``k``."""
    return rand(sympy.Integer(next(_ids)))


def new_randn() -> sympy.Expr:
    """A fresh standard normal random number: ``randn(k)`` with a new ``k``."""
    return randn(sympy.Integer(next(_ids)))


def is_random_call(expr) -> bool:
    """True for a ``rand(k)`` or ``randn(k)`` call."""
    return isinstance(expr, sympy.Function) and expr.func in RANDOM_FUNCTIONS
