"""Brian2's ``DEFAULT_FUNCTIONS``: a ``Function`` for each function model strings know by name,
built from the rows of the one function table (:mod:`brianjit.model.functions`), and Brian2's
``timestep`` in Python.

As in Brian2 the mapping can be changed: a ``Function`` added under a new name is available to
every model string whatever its namespace, and one that replaces a built-in function (e.g.
``randn``) is called instead of it (as a Python function, see :mod:`.functions`). Both live in
``model.functions.USER_DEFAULTS``, which name resolution and the kernels consult.
"""
from __future__ import annotations

from collections.abc import MutableMapping

from ..model.function_spec import USER_DEFAULTS, FunctionSpec, timestep_of
from ..units import Dimension, Quantity, second
from .functions import Function, ModelFunction

__all__ = ["DEFAULT_FUNCTIONS", "timestep"]


def timestep(t, dt):
    """Brian2's ``timestep(t, dt)``: the integer time step that contains ``t``."""
    return timestep_of(t, dt)


class _DefaultFunctions(MutableMapping):
    """Brian2's ``DEFAULT_FUNCTIONS`` (see the module docstring): the table's functions, with
    what the user added or replaced (``USER_DEFAULTS``) in front."""

    def __init__(self):
        self._table = None

    def _builtin(self):
        if self._table is None:   # the table is made of sympy classes: imported when first read
            from ..model.functions import TABLE
            self._table = {spec.name: _default_function(spec) for spec in TABLE
                           if spec.name is not None}
        return self._table

    def __getitem__(self, name):
        if name in USER_DEFAULTS:
            return USER_DEFAULTS[name]
        return self._builtin()[name]

    def __setitem__(self, name, function):
        if not isinstance(function, ModelFunction):
            raise TypeError(f"DEFAULT_FUNCTIONS[{name!r}] has to be a Function, not "
                            f"{type(function).__name__}")
        if self._builtin().get(name) is function:
            USER_DEFAULTS.pop(name, None)  # the built-in function back in place
        else:
            USER_DEFAULTS[name] = function

    def __delitem__(self, name):
        if name in self._builtin():
            raise KeyError(f"{name!r} is a built-in function of the model language; it can be "
                           f"replaced but not removed")
        del USER_DEFAULTS[name]

    def __iter__(self):
        return iter({**self._builtin(), **USER_DEFAULTS})

    def __len__(self):
        return len({**self._builtin(), **USER_DEFAULTS})


def _default_function(spec: FunctionSpec) -> Function:
    units = [None if r in ("any", "first") else 1 if r == "1" else Quantity(1.0, dim=r)
             if isinstance(r, Dimension) else second if r == "second" else None
             for r in spec.arg_dims]
    rule = spec.result_dims
    result = {"1": 1, "first": lambda *d: d[0], "sqrt(first)": lambda *d: d[0] ** 0.5,
              "first/second": lambda *d: d[0] / d[1]}.get(rule, rule) \
        if isinstance(rule, str) else rule
    function = Function(spec.python, arg_units=units,
                        arg_names=[f"arg{k}" for k in range(spec.nargs)], return_unit=result,
                        return_type=spec.result_type, stateless=not spec.stateful,
                        auto_vectorise=spec.stateful)
    function.spec = spec
    return function


DEFAULT_FUNCTIONS = _DefaultFunctions()
