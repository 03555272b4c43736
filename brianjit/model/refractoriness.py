"""Integrating ``(unless refractory)`` equations without putting the refractory gate into the math.

Brian2's definition: while a neuron is refractory, the right-hand side of each ``(unless refractory)``
equation is zero. Multiplying those right-hand sides by the gate (0 or 1) says exactly that, but
turns the gate into a coefficient: ``exact`` then needs a symbolic matrix exponential (seconds of
sympy for CUBA) and the generated code recomputes ``exp(-dt*gate/tau)`` for every neuron and step.

The gate is constant during a step, so the same result comes from integrating twice, with the gate
1 (the ordinary system) and 0 (the gated right-hand sides set to zero), and selecting per neuron.
Both systems keep constant coefficients, their exponentials are loop invariant, and every method
(explicit, stochastic, exact, exponential_euler) sees the frozen variables exactly as Brian2 does.
"""
from __future__ import annotations

from .integration import StateUpdate, integrate
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["integrate_unless_refractory"]


def _split(update, state_names):
    """(temporaries, {state variable: its new value}) of a state update."""
    temporaries = [(t, e) for t, e in update if t not in state_names]
    finals = {t: e for t, e in update if t in state_names}
    return temporaries, finals


def integrate_unless_refractory(rhs, gated, gate, method=None, locally_constant=frozenset()) -> StateUpdate:
    """One step of ``rhs`` (as for :func:`integrate`) where the variables in ``gated`` do not change
    while the boolean symbol ``gate`` is false."""
    active = integrate(rhs, method, locally_constant=locally_constant)
    gated = set(gated) & set(rhs)
    if not gated:
        return active
    frozen_rhs = {name: (sympy.Integer(0) if name in gated else expr) for name, expr in rhs.items()}
    taken = {target for target, _ in active}
    frozen = integrate(frozen_rhs, active.stepper, constant_names=taken - set(rhs),
                       locally_constant=locally_constant)
    active_temps, active_new = _split(active, set(rhs))
    frozen_temps, frozen_new = _split(frozen, set(rhs))
    selected = []
    for name in rhs:
        a = active_new.get(name, sympy.Symbol(name, real=True))
        f = frozen_new.get(name, sympy.Symbol(name, real=True))
        selected.append((name, a if a == f else sympy.Piecewise((a, gate), (f, True))))
    return StateUpdate(active_temps + frozen_temps + selected, active.method, active.stepper,
                       active.label, active.seconds + frozen.seconds, active.other_seconds)
