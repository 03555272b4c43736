"""The methods that solve linear pieces analytically: ``exact`` and ``exponential_euler``.

``exact`` integrates a deterministic system that is linear in its state variables with coefficients
constant during a step, ``dX/dt = M X + B``: uncoupled groups of variables are solved separately,
a single variable in closed form, a coupled group with sympy's matrix exponential of the augmented
matrix ``[[M, B], [0, 0]]*dt`` (so a singular ``M`` needs no special case). A variable whose
right-hand side depends on nothing but ``t`` (and constants) is integrated in time symbolically.

``exponential_euler`` integrates a *conditionally* linear system, ``dx/dt = A x + B`` for each
variable with ``A``, ``B`` free of ``x`` (other state variables are frozen at their old values), by
the same closed form as a single-variable exact step.

That closed form is ``x + (x + B/A)*(exp(A*dt) - 1)``, written ``-B/A + (x + B/A)*exp(A*dt)`` when the
denominator of ``B/A`` cannot be zero (a factor like ``int_(not_refractory)`` common to ``A`` and
``B`` cancels), and ``x + dt*(A*x + B)*exprel(A*dt)`` otherwise (equal, and finite at ``A = 0``).
"""
from __future__ import annotations

import sympy

from .methods import OdeSystem, UnsupportedEquationsException
from .symbols import exprel

__all__ = ["exact", "exponential_euler", "linear_step"]


def linear_step(x: sympy.Expr, A: sympy.Expr, B: sympy.Expr, dt: sympy.Expr) -> sympy.Expr:
    """x after a step dt of dx/dt = A*x + B with A and B constant during the step."""
    if A.is_zero:
        return x + dt * B
    ratio = sympy.factor_terms(B) / sympy.factor_terms(A)
    if sympy.fraction(ratio)[1].is_zero is False:
        return -ratio + (x + ratio) * sympy.exp(A * dt)
    return x + dt * (A * x + B) * exprel(A * dt)


def _depends_on(expr, symbols) -> bool:
    return bool(expr.free_symbols & symbols) or expr.has(sympy.Derivative)


def exponential_euler(system: OdeSystem):
    """Each variable's equation solved exactly with the other variables frozen for the step."""
    if system.increments:
        raise UnsupportedEquationsException(
            "exponential_euler", f"it does not support stochastic equations (noise: {', '.join(system.noise_names)})")
    new_values = {}
    for name in system.names:
        x, f = system.states[name], system.drift[name]
        A = sympy.diff(f, x) if x in f.free_symbols else sympy.S.Zero
        if _depends_on(A, {x}):
            raise UnsupportedEquationsException(
                "exponential_euler", f"the system is not conditionally linear: d{name}/dt = {f} "
                                     f"is not linear in {name}")
        B = f.xreplace({x: sympy.S.Zero}) if x in f.free_symbols else f
        new_values[name] = linear_step(x, A, B, system.dt)
    return [], new_values


def exact(system: OdeSystem):
    """The analytic solution over one step of a linear system with constant coefficients."""
    if system.increments:
        raise UnsupportedEquationsException(
            "exact", f"it cannot solve stochastic equations (noise: {', '.join(system.noise_names)})")
    names, states, t, dt = system.names, system.states, system.t, system.dt
    state_set = set(states.values())
    coefficients: dict[str, dict[str, sympy.Expr]] = {}
    constants: dict[str, sympy.Expr] = {}
    for name in names:
        f = system.drift[name]
        row = {}
        for other in names:
            y = states[other]
            if y not in f.free_symbols:
                continue
            a = sympy.diff(f, y)
            if _depends_on(a, state_set):
                raise UnsupportedEquationsException(
                    "exact", f"the equations are not linear: d{name}/dt = {f} depends non-linearly on {other}")
            if t in a.free_symbols:
                raise UnsupportedEquationsException(
                    "exact", f"the coefficient of {other} in d{name}/dt depends on time t")
            if not a.is_zero:
                row[other] = a
        coefficients[name] = row
        constants[name] = f.xreplace({y: sympy.S.Zero for y in state_set}) if row else f
        if row and t in constants[name].free_symbols:
            raise UnsupportedEquationsException(
                "exact", f"d{name}/dt = {f} depends on time t as well as on state variables")

    new_values = {}
    coupled = [n for n in names if coefficients[n] or t not in constants[n].free_symbols]
    for name in names:
        if name not in coupled:
            if any(name in coefficients[other] for other in names):
                raise UnsupportedEquationsException(
                    "exact", f"d{name}/dt depends on time t and {name} drives other equations")
            new_values[name] = _integrate_in_time(name, states[name], constants[name], t, dt)
    for group in _coupled_groups(coupled, coefficients):
        if len(group) == 1:
            (name,) = group
            A = coefficients[name].get(name, sympy.S.Zero)
            new_values[name] = linear_step(states[name], A, constants[name], dt)
        else:
            new_values.update(_matrix_step(group, states, coefficients, constants, dt))
    return [], {name: new_values[name] for name in names}


def _integrate_in_time(name, x, rate, t, dt):
    s = sympy.Dummy("s", real=True)
    integral = sympy.integrate(rate.xreplace({t: s}), (s, t, t + dt))
    if integral.has(sympy.Integral):
        raise UnsupportedEquationsException(
            "exact", f"d{name}/dt = {rate} depends on time t and cannot be integrated symbolically")
    return x + integral


def _coupled_groups(names, coefficients):
    """The variables split into groups that do not influence each other, in model order."""
    parent = {n: n for n in names}

    def root(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for name in names:
        for other in coefficients[name]:
            if other in parent:
                parent[root(name)] = root(other)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(root(name), []).append(name)
    return list(groups.values())


def _matrix_step(group, states, coefficients, constants, dt):
    n = len(group)
    augmented = sympy.zeros(n + 1, n + 1)
    for i, name in enumerate(group):
        for j, other in enumerate(group):
            augmented[i, j] = coefficients[name].get(other, sympy.S.Zero) * dt
        augmented[i, n] = constants[name] * dt
    try:
        propagator = augmented.exp()
    except (NotImplementedError, ValueError, sympy.matrices.MatrixError) as err:
        raise UnsupportedEquationsException(
            "exact", f"sympy could not exponentiate the matrix of {', '.join(group)}: {err}") from None
    result = {}
    for i, name in enumerate(group):
        value = propagator[i, n] + sum(propagator[i, j] * states[other] for j, other in enumerate(group))
        if value.has(sympy.I):
            value = sympy.expand_complex(value).as_real_imag()[0]
            if value.has(sympy.I):
                raise UnsupportedEquationsException(
                    "exact", f"the solution for {name} is not real-valued in a form we can compute")
        result[name] = value
    return result
