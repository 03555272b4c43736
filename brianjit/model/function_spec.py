"""What describes a function that model strings may call (:class:`FunctionSpec`; the rules are
explained in :mod:`brianjit.model.functions`, which holds the table of Brian2's default
functions), and the user's additions to that table.

Kept apart from the table because the table is built of sympy classes: objects that only
describe a function (a ``TimedArray``, a user's ``Function``, ``BinomialFunction``) are made
without importing sympy (0.4-0.9 s), which a script whose models are all in the disk cache
never needs (issue 9, target 2).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from brianjit.units.dimensions import Dimension

__all__ = ["FunctionSpec", "ARG_RULES", "RESULT_RULES", "RESULT_TYPES", "ARG_TYPES",
           "USER_DEFAULTS", "timestep_of"]

ARG_RULES = ("1", "any", "first", "second")
RESULT_RULES = ("1", "first", "sqrt(first)", "first/second")
RESULT_TYPES = ("float", "integer", "boolean", "highest")
ARG_TYPES = ("any", "float", "integer", "boolean")


@dataclass(frozen=True)
class FunctionSpec:
    """How one function is built, dimension-checked and typed (see the module docstring)."""

    name: str | None
    nargs: int
    build: Callable | None   # of sympy expressions
    head: type | None
    arg_dims: tuple[str, ...]
    result_dims: str
    result_type: str = "float"
    stateful: bool = False
    accepts_boolean: bool = False
    lowering: str | None = None
    arg_types: tuple[str, ...] | None = None
    python: Callable | None = None

    def __post_init__(self):
        if len(self.arg_dims) != self.nargs:
            raise ValueError(f"function {self.name!r}: {self.nargs} arguments but "
                             f"{len(self.arg_dims)} argument dimension rules")
        bad = [r for r in self.arg_dims if not _valid_arg_rule(r, self.nargs)]
        # a Dimension (a TimedArray's unit) or a callable of the arguments' Dimensions
        fixed = not isinstance(self.result_dims, str)
        types_ok = self.arg_types is None or (len(self.arg_types) == self.nargs and
                                              all(t in ARG_TYPES for t in self.arg_types))
        if bad or not (fixed or self.result_dims in RESULT_RULES) \
                or self.result_type not in RESULT_TYPES or not types_ok:
            raise ValueError(f"function {self.name!r}: unknown rule in {self}")


def _valid_arg_rule(rule, nargs) -> bool:
    if isinstance(rule, str):
        return rule in ARG_RULES
    if isinstance(rule, int) and not isinstance(rule, bool):
        return 0 <= rule < nargs
    return isinstance(rule, Dimension)


def timestep_of(t, dt):
    """Brian2's ``timestep(t, dt)`` in Python: the integer step of ``t`` (shifted by a thousandth
    of ``dt`` so that multiples of ``dt`` never fall into the step before); a scalar stays a
    Python int, an array stays an array."""
    steps = np.array((t + 1e-3 * dt) / dt, dtype=np.int64)
    return steps.item() if steps.shape == () else steps


USER_DEFAULTS: dict = {}
"""Functions the user put into Brian2's ``DEFAULT_FUNCTIONS`` (``objects/default_functions.py``):
a new name is found by every model string (after its namespace), a table name is replaced."""
