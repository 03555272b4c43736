"""``exponential_euler``: each variable's equation solved exactly over a step with everything else
frozen at the step's start; the method of conductance-based models (Hodgkin-Huxley, Morris-Lecar,
Wang-Buzsaki).

Brian2's condition is *conditional linearity* in its own, loose sense: after expanding
``dx/dt``, every term is ``c*x`` or free of a bare ``x``, and at least one term is ``c*x`` when
``x`` appears at all; ``c`` and the rest may depend on ``x`` inside functions or non-polynomial
powers (``m_inf(v)*(v - E_Ca)`` with ``m_inf = (1 + tanh(v/...))/2``, ``v/(1 + v)``), and are
then evaluated at the old value. Refused: ``x**2``, ``sqrt(x)``, ``1/x``, and an ``x`` only
inside functions (``exp(x)``). :func:`conditionally_linear_parts` decides this without expanding
the whole right-hand side: the cheap structural split of ``exact.affine_parts`` first (it covers
a textbook Hodgkin-Huxley model), and only if that fails, every largest sub-expression in which
``x`` appears only inside functions is replaced by a stand-in before expanding, so an expansion
never reaches into rate functions.

The step is ``exact.linear_step`` (the single-variable closed form), as Brian2's:
``(x + B/A)*exp(A*dt) - B/A``, and ``x + dt*B`` where ``A`` is zero.
"""
from __future__ import annotations

from .exact import NotLinear, affine_parts, linear_step
from .methods import OdeSystem, UnsupportedEquationsException
from .stateupdaters import IntegrationMethod
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["exponential_euler", "ExponentialEulerStateUpdater", "conditionally_linear_parts"]


def conditionally_linear_parts(expr, x) -> tuple[sympy.Expr, sympy.Expr]:
    """``(A, B)`` with ``expr == A*x + B`` in Brian2's conditionally linear sense (see the module
    docstring); raises NotLinear with the offending term."""
    try:
        coefficients, rest = affine_parts(expr, {x})
        return coefficients.get(x, sympy.S.Zero), rest
    except NotLinear:
        pass
    stand_ins: dict = {}
    frozen, _ = _freeze(expr, x, stand_ins)
    thaw = {dummy: original for original, dummy in stand_ins.items()}
    linear, rest = [], []
    for term in sympy.Add.make_args(sympy.expand(frozen)):
        coefficient, power = term.as_independent(x, as_Add=False)
        if power == 1:
            rest.append(term)
        elif power == x:
            linear.append(coefficient)
        else:
            raise NotLinear(term.xreplace(thaw))
    if not linear:
        raise NotLinear(expr)   # x only inside functions: Brian2 refuses it
    return sympy.Add(*linear).xreplace(thaw), sympy.Add(*rest).xreplace(thaw)


def _freeze(expr, x, stand_ins):
    """``(expr', bare)``: ``expr`` with each largest sub-expression in which ``x`` is not bare
    (only inside functions or non-integer powers) replaced by a Dummy (``stand_ins``: original ->
    Dummy), and whether ``x`` appears bare."""
    if x not in expr.free_symbols:
        return expr, False
    if expr == x:
        return expr, True
    polynomial = expr.is_Add or expr.is_Mul or (
        expr.is_Pow and expr.exp.is_Integer and expr.exp > 0)
    if polynomial:
        parts = [_freeze(arg, x, stand_ins) for arg in expr.args]
        if any(bare for _, bare in parts):
            return expr.func(*[part for part, _ in parts]), True
    elif expr.is_Pow and expr.base == x:
        return expr, True    # x**-1, sqrt(x): bare, and refused by the degree check
    if expr not in stand_ins:
        stand_ins[expr] = sympy.Dummy("frozen", real=True)
    return stand_ins[expr], False


class ExponentialEulerStateUpdater(IntegrationMethod):
    """Brian2's ``exponential_euler`` for deterministic, conditionally linear systems."""

    name = "exponential_euler"

    def step(self, system: OdeSystem):
        if system.increments:
            raise UnsupportedEquationsException(
                self.name, "it does not support stochastic equations "
                           f"(noise: {', '.join(system.noise_names)})")
        new_values = {}
        for name in system.names:
            x = system.states[name]
            try:
                A, B = conditionally_linear_parts(system.drift[name], x)
            except NotLinear as err:
                raise UnsupportedEquationsException(
                    self.name, f"the system is not conditionally linear: d{name}/dt is not "
                               f"linear in {name} (term {err.term})") from None
            new_values[name] = linear_step(x, A, B, system.dt)
        return [], new_values

    def __repr__(self):
        return "ExponentialEulerStateUpdater()"


exponential_euler = ExponentialEulerStateUpdater()
