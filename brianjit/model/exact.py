"""``exact`` (Brian2's ``linear``): the analytic step of a linear system.

``exact`` integrates a deterministic system that is linear in its state variables with coefficients
constant during a step, ``dX/dt = M X + B`` (calls ``fn(t)`` of functions constant during a step,
such as a TimedArray whose dt is a multiple of the step, count as constants; ``rand()`` does not):
uncoupled groups of variables are solved separately, a single variable in closed form, a coupled
group with sympy's matrix exponential of the augmented matrix ``[[M, B], [0, 0]]*dt`` (so a
singular ``M`` needs no special case). A variable whose right-hand side depends on nothing but
``t`` (and constants) is integrated in time symbolically.

Linearity is read off the expression tree (:func:`affine_parts`, shared with
``exponential_euler``): sums of terms, each a product with at most one factor that depends on the
variables. Nothing is expanded or differentiated, which keeps a Hodgkin-Huxley model cheap.

The single-variable closed form (:func:`linear_step`) is ``x + (x + B/A)*(exp(A*dt) - 1)``,
written ``-B/A + (x + B/A)*exp(A*dt)`` when the denominator of ``B/A`` cannot be zero (a factor
like ``int_(not_refractory)`` common to ``A`` and ``B`` cancels), and
``x + dt*(A*x + B)*exprel(A*dt)`` otherwise (equal, and finite at ``A = 0``).
"""
from __future__ import annotations

from .methods import OdeSystem, UnsupportedEquationsException
from .stateupdaters import IntegrationMethod
from .point_value import cannot_be_infinite, cannot_be_zero
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["exact", "linear", "exact_as_brian2_chooses", "LinearStateUpdater", "linear_step",
           "affine_parts", "NotLinear"]


def linear_step(x: sympy.Expr, A: sympy.Expr, B: sympy.Expr, dt: sympy.Expr) -> sympy.Expr:
    """x after a step dt of dx/dt = A*x + B with A and B constant during the step."""
    from .symbols import exprel
    nonzero_somewhere = cannot_be_zero(A)   # a clearly nonzero finite value at one point
    if not nonzero_somewhere and A.is_zero:   # sympy's proof only where one value cannot tell
        return x + dt * B
    if not (nonzero_somewhere and _keeps_unknown_divisor(B, A)):
        ratio = B / A
        divisors = [f.as_base_exp() for f in sympy.Mul.make_args(ratio)]
        if all(_nonzero(base) for base, exponent in divisors if exponent.is_negative):
            return -ratio + (x + ratio) * sympy.exp(A * dt)
    return x + dt * (A * x + B) * exprel(A * dt)


def _keeps_unknown_divisor(B, A) -> bool:
    """Whether ``B/A`` certainly keeps a factor ``s**-k`` of ``B`` (``s`` a symbol not known to
    be nonzero), answered without dividing: building ``1/A`` of a sum makes sympy ask whether
    its terms are infinite (~15 ms for a gating variable's rates). ``A`` is a sum with symbols
    and a finite value (``cannot_be_zero``: no infinity, no ``I``), so ``1/A`` is one factor
    whose base is ``A`` itself, and multiplying merges only factors of one base."""
    if not (A.is_Add and A.free_symbols) or not B.as_coeff_Mul()[0].is_finite:
        return False
    return any(base.is_Symbol and exponent.is_Integer and exponent.is_negative
               and not _nonzero(base)
               for base, exponent in (f.as_base_exp() for f in sympy.Mul.make_args(B)))


def _nonzero(expr) -> bool:
    return expr.is_zero is False


class NotLinear(Exception):
    """``term`` makes an expression non-linear in the variables asked about."""

    def __init__(self, term):
        super().__init__(term)
        self.term = term


def affine_parts(expr, variables) -> tuple[dict, sympy.Expr]:
    """``({x: coefficient}, rest)`` with ``expr == sum(coefficient*x) + rest`` and nothing free of
    ``variables`` in the parts; raises NotLinear with the offending term. Structural and cheap:
    no expansion, no derivatives."""
    if not expr.free_symbols & variables:
        return {}, expr
    if expr in variables:
        return {expr: sympy.S.One}, sympy.S.Zero
    if expr.is_Add:
        coefficients, rest = {}, []
        for term in expr.args:
            term_coefficients, term_rest = affine_parts(term, variables)
            for var, c in term_coefficients.items():
                coefficients[var] = coefficients.get(var, sympy.S.Zero) + c
            rest.append(term_rest)
        return coefficients, sympy.Add(*rest)
    if expr.is_Mul:
        dependent = [f for f in expr.args if f.free_symbols & variables]
        if len(dependent) == 1:
            factor = sympy.Mul(*[f for f in expr.args if f is not dependent[0]])
            coefficients, rest = affine_parts(dependent[0], variables)
            return {var: factor * c for var, c in coefficients.items()}, _times(factor, rest)
    raise NotLinear(expr)


def _times(factor, rest):
    """``factor*rest``. Where ``rest`` is zero (the term is all coefficient), sympy asks whether
    each of ``factor``'s factors is infinite (zero times infinity is nan: ~10 ms for a
    Hodgkin-Huxley rate); a factor with a finite value at a point cannot be, so zero it is."""
    if rest is sympy.S.Zero and not factor.is_Number and all(
            cannot_be_infinite(f) for f in sympy.Mul.make_args(factor)):
        return sympy.S.Zero
    return factor * rest


def _linear_system(system: OdeSystem):
    """``(coefficients, constants, thaw)``: ``d<name>/dt = sum(coefficients[name][other] * other)
    + constants[name]`` with the calls of locally constant functions frozen (``thaw`` maps the
    stand-ins back); refuses noise and non-linear terms."""
    if system.increments:
        raise UnsupportedEquationsException(
            "exact", f"it cannot solve stochastic equations (noise: {', '.join(system.noise_names)})")
    names, states = system.names, system.states
    drift, thaw = _frozen_calls(system)
    for name in names:
        draws = sorted(s.name for s in drift[name].free_symbols if s.name in system.random_draws)
        if draws:
            raise UnsupportedEquationsException(
                "exact", f"d{name}/dt uses a random number (rand() or randn()), which is not "
                         "constant over a time step")
    by_symbol = {states[n]: n for n in names}
    coefficients: dict[str, dict[str, sympy.Expr]] = {}
    constants: dict[str, sympy.Expr] = {}
    for name in names:
        try:
            row, constants[name] = affine_parts(drift[name], set(by_symbol))
        except NotLinear as err:
            raise UnsupportedEquationsException(
                "exact", f"the equations are not linear: d{name}/dt has the term {err.term}") from None
        coefficients[name] = {by_symbol[y]: a for y, a in row.items() if not a.is_zero}
    return coefficients, constants, thaw


def _exact_as_brian2_chooses(system: OdeSystem):
    """``exact`` as Brian2's automatic method choice tries it. Brian2's ``exact`` solves
    ``M X + B = 0`` for the fixed point and gives up when that has no unique solution (``M``
    singular: an integrator such as ``dv/dt = rate``, a constant ``dy/dt = 0/ms`` next to a
    decay, ...) or when ``t`` appears (outside locally constant functions); the choice then
    falls to ``euler``. Refusing the same systems here gives a script without ``method=`` the
    method, and so the numbers, that Brian2 gives it; asked for by name, ``exact`` still
    integrates them analytically."""
    coefficients, constants, _ = _linear_system(system)
    names, t = system.names, system.t
    if any(t in e.free_symbols for name in names
           for e in [constants[name], *coefficients[name].values()]):
        raise UnsupportedEquationsException(
            "exact", "Brian2's automatic choice does not use it for equations that depend on t")
    matrix = sympy.Matrix([[coefficients[row].get(col, sympy.S.Zero) for col in names]
                           for row in names])
    if sympy.simplify(matrix.det(method="berkowitz")) == 0:
        raise UnsupportedEquationsException(
            "exact", "Brian2's automatic choice does not use it for a singular linear system "
                     "(no unique fixed point)")
    return _exact_step(system)


def _exact_step(system: OdeSystem):
    """The analytic solution over one step of a linear system with constant coefficients."""
    names, states, t, dt = system.names, system.states, system.t, system.dt
    coefficients, constants, thaw = _linear_system(system)
    for name in names:
        for other, a in coefficients[name].items():
            if t in a.free_symbols:
                raise UnsupportedEquationsException(
                    "exact", f"the coefficient of {other} in d{name}/dt depends on time t")
        if coefficients[name] and t in constants[name].free_symbols:
            raise UnsupportedEquationsException(
                "exact", f"d{name}/dt = {system.drift[name]} depends on time t as well as on "
                         f"state variables")

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
    return [], {name: new_values[name].xreplace(thaw) for name in names}


def _frozen_calls(system):
    """The drifts with every call ``fn(t)`` of a locally constant function
    (``system.locally_constant``) replaced by a stand-in constant, and the map back."""
    stand_ins: dict[sympy.Expr, sympy.Symbol] = {}
    for f in system.drift.values():
        for call in sorted(f.atoms(sympy.core.function.AppliedUndef), key=str):
            if system.is_locally_constant_call(call):   # ta(t), ta2(t, i); not ta(t/2)
                stand_ins.setdefault(call, sympy.Dummy(call.func.__name__, real=True))
    if not stand_ins:
        return system.drift, {}
    drift = {name: f.xreplace(stand_ins) for name, f in system.drift.items()}
    return drift, {s: call for call, s in stand_ins.items()}


def _integrate_in_time(name, x, rate, t, dt):
    s = sympy.Dummy("s", real=True)
    try:
        integral = sympy.integrate(rate.xreplace({t: s}), (s, t, t + dt))
    except (AttributeError, TypeError, ValueError, NotImplementedError, RecursionError) as err:
        # sympy's integrator fails in its own ways on functions it does not know (int(x == t))
        raise UnsupportedEquationsException(
            "exact", f"sympy could not integrate d{name}/dt = {rate} over time "
                     f"({type(err).__name__})") from None
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


def _triangular_order(group, coefficients):
    """The group's variables ordered so that each depends only on later ones (its matrix is upper
    triangular), or None when they depend on each other in a cycle."""
    order, placed = [], set()
    remaining = list(group)
    while remaining:
        ready = [name for name in remaining
                 if all(other == name or other in placed or other not in group
                        for other, c in coefficients[name].items() if c != 0)]
        if not ready:
            return None
        for name in ready:
            remaining.remove(name)
            placed.add(name)
            order.append(name)
    return order[::-1]


def _triangular_exp(matrix):
    """exp(matrix) of an upper triangular matrix by Parlett's recurrence, or None when two diagonal
    entries are equal (the recurrence would divide by zero; sympy's general routine handles that).
    For the triangular systems of typical models (conductances feeding a membrane equation) this is
    a few sympy operations instead of a symbolic Jordan decomposition (seconds for CUBA)."""
    n = matrix.shape[0]
    diagonal = [matrix[i, i] for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if sympy.expand(diagonal[j] - diagonal[i]) == 0:
                return None
    result = sympy.zeros(n, n)
    for i in range(n):
        result[i, i] = sympy.exp(diagonal[i])
    for distance in range(1, n):
        for i in range(n - distance):
            j = i + distance
            # F T = T F at (i, j): F_ij (T_jj - T_ii) = T_ij (F_jj - F_ii)
            #                                         + sum_k (T_ik F_kj - F_ik T_kj), i < k < j
            numerator = matrix[i, j] * (result[j, j] - result[i, i]) + sum(
                (matrix[i, k] * result[k, j] - result[i, k] * matrix[k, j]
                 for k in range(i + 1, j)), sympy.S.Zero)
            if numerator != 0:
                result[i, j] = numerator / (diagonal[j] - diagonal[i])
    return result


def _matrix_step(group, states, coefficients, constants, dt):
    n = len(group)
    group = _triangular_order(group, coefficients) or group
    augmented = sympy.zeros(n + 1, n + 1)
    for i, name in enumerate(group):
        for j, other in enumerate(group):
            augmented[i, j] = coefficients[name].get(other, sympy.S.Zero) * dt
        augmented[i, n] = constants[name] * dt
    try:
        propagator = _triangular_exp(augmented) if augmented.is_upper else None
        if propagator is None:
            propagator = augmented.exp()
    except (NotImplementedError, ValueError, sympy.matrices.MatrixError) as err:
        raise UnsupportedEquationsException(
            "exact", f"sympy could not exponentiate the matrix of {', '.join(group)}: {err}") from None
    result = {}
    for i, name in enumerate(group):
        value = propagator[i, n] + sum(propagator[i, j] * states[other] for j, other in enumerate(group))
        if value.has(sympy.I):
            value = sympy.expand_complex(value).as_real_imag()[0]
        # sympy leaves re()/im() where it cannot tell whether a parameter expression is real
        # (a discriminant such as (a - d)**2 + 4*b*c): refused, as Brian2 refuses it
        if value.has(sympy.I, sympy.re, sympy.im):
            raise UnsupportedEquationsException(
                "exact", f"the solution for {name} is not real-valued in a form we can compute")
        result[name] = value
    return result


class LinearStateUpdater(IntegrationMethod):
    """Brian2's ``exact`` (also registered as ``linear``); ``automatic`` is the variant Brian2's
    automatic method choice tries (see :func:`_exact_as_brian2_chooses`)."""

    name = "exact"
    #: Brian2's option (whether to simplify the solution); brianjit's solution is the same
    default_options = {"simplify": True}

    def __init__(self, automatic: bool = False):
        self._step = _exact_as_brian2_chooses if automatic else _exact_step

    def step(self, system: OdeSystem):
        return self._step(system)

    def __repr__(self):
        return "LinearStateUpdater()"


exact = linear = LinearStateUpdater()
#: ``exact`` as Brian2's automatic method choice uses it
exact_as_brian2_chooses = LinearStateUpdater(automatic=True)
