"""``BinomialFunction(n, p, approximate=True)``: Brian2's binomial random numbers in model strings.

``f()`` gives a new Binomial(n, p) number at every call, element and time step, drawn natively
from the counter-based generator (deterministic under ``seed()``, independent of chunking) with
Brian2's method: the normal approximation (mean ``n*p``, deviation ``sqrt(n*p*(1-p))``, not
rounded) when ``approximate`` and ``n*p > 5`` and ``n*(1-p) > 5``, else inversion
(``codegen/rng.py``). Called from Python it draws from numpy's generator, as Brian2's does.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..model.function_spec import FunctionSpec
from ..units import DIMENSIONLESS, check_units
from .base import Nameable
from .functions import Function

__all__ = ["BinomialFunction"]


class BinomialFunction(Function, Nameable):
    """Binomial random numbers (see the module docstring)."""

    @check_units(n=1, p=1)
    def __init__(self, n, p, approximate=True, name="_binomial*"):
        if int(n) != n or n < 0:
            raise ValueError(f"BinomialFunction: n has to be a non-negative integer, not {n!r}")
        if not 0 <= p <= 1:
            raise ValueError(f"BinomialFunction: p has to be a probability, not {p!r}")
        Nameable.__init__(self, name)
        self.n, self.p, self.approximate = int(n), float(p), bool(approximate)
        normal = approximate and n * p > 5 and n * (1 - p) > 5
        loc, scale = n * p, np.sqrt(n * p * (1 - p))

        def sample(count):
            count = count if np.ndim(count) == 0 else len(count)
            if normal:
                return np.random.normal(loc, scale, size=int(count))
            return np.random.binomial(self.n, self.p, size=int(count))

        Function.__init__(self, pyfunc=lambda: sample(1), arg_units=[], return_unit=1,
                          stateless=False, auto_vectorise=True)
        self.implementations.add_implementation("numpy", sample)

    @property
    def function_spec(self) -> FunctionSpec:
        return FunctionSpec(self.name, 0, None, None, (), DIMENSIONLESS, stateful=True)

    def kernel_function(self, slots) -> K.BinomialSample:
        return K.BinomialSample(self.n, self.p, self.approximate)

    def structure_key(self):
        return ("BinomialFunction", self.n, self.p, self.approximate)

    def __repr__(self):
        return f"BinomialFunction({self.n}, {self.p}, approximate={self.approximate})"
