"""``independent``: Brian2's deprecated method for systems of uncoupled one-variable equations,
each solved over a step by sympy's ``dsolve``.

Kept because Brian2 scripts name it (``method='independent'``); it warns, as Brian2 does, under
``brian2.stateupdaters.exact.deprecated_independent`` (once per process). An equation linear in
its variable, or one that depends only on ``t``, takes the same closed forms as ``exact``; others
go to ``dsolve`` with the old value as the initial condition at ``t``.
"""
from __future__ import annotations

from ..utils import warn
from .exact import exact
from .methods import OdeSystem, UnsupportedEquationsException
from .stateupdaters import IntegrationMethod
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["independent", "IndependentStateUpdater"]

DEPRECATION_LOGGER = "brian2.stateupdaters.exact.deprecated_independent"


class IndependentStateUpdater(IntegrationMethod):
    """Each equation solved on its own (no equation may use another state variable)."""

    name = "independent"

    def step(self, system: OdeSystem):
        warn(DEPRECATION_LOGGER, "The 'independent' state updater is deprecated and might be "
                                 "removed in future versions of Brian.", once=True)
        if system.increments:
            raise UnsupportedEquationsException(
                self.name, f"it cannot solve stochastic equations "
                           f"(noise: {', '.join(system.noise_names)})")
        states = set(system.states.values())
        for name in system.names:
            others = sorted(s.name for s in system.drift[name].free_symbols & states
                            if s != system.states[name])
            if others:
                raise UnsupportedEquationsException(
                    self.name, f"d{name}/dt depends on other state variables ({', '.join(others)})")
        try:
            return exact.step(system)
        except UnsupportedEquationsException:
            pass
        return [], {name: _dsolve_step(name, system) for name in system.names}

    def __repr__(self):
        return "IndependentStateUpdater()"


def _dsolve_step(name, system):
    x, t, dt = system.states[name], system.t, system.dt
    f = sympy.Function(f"_{name}_of_t")
    t0 = sympy.Dummy("t0", real=True)
    equation = sympy.Eq(f(t).diff(t), system.drift[name].xreplace({x: f(t)}))
    try:
        solution = sympy.dsolve(equation, f(t), ics={f(t0): x})
    except (NotImplementedError, ValueError, TypeError, AttributeError) as err:
        raise UnsupportedEquationsException(
            "independent", f"sympy cannot solve d{name}/dt = {system.drift[name]} "
                           f"({type(err).__name__})") from None
    if isinstance(solution, list) or getattr(solution, "lhs", None) != f(t) or \
            solution.rhs.has(f, sympy.Integral):
        raise UnsupportedEquationsException(
            "independent", f"no unique explicit solution of d{name}/dt = {system.drift[name]}")
    return solution.rhs.xreplace({t: t + dt}).xreplace({t0: t})


independent = IndependentStateUpdater()
