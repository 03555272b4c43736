"""What an integration method sees, and the explicit methods written as data.

Every method (an ``IntegrationMethod``, see ``stateupdaters.py``) receives in ``step`` an
:class:`OdeSystem`: the state variables in order, each one's drift ``f`` and its noise coefficients
``g_j`` (one per noise symbol ``xi_j`` in its equation), and an increment symbol ``dW_j`` per noise
symbol (the caller defines ``dW_j = sqrt(dt)*randn()`` once per step). ``step`` returns
``(temporaries, new_values)``: scalar assignments to fresh ``_``-names and the new value of every
state variable; it raises :class:`UnsupportedEquationsException` when it cannot integrate the
system.

The explicit methods (euler, rk2, rk4, heun, milstein) are each a few lines of notation, read by a
tiny interpreter (:class:`ExplicitStateUpdater`) built on Python's ``ast`` (never eval) and sympy. The
notation talks about one state variable ``x``::

    k = dt*f(x, t)
    x_new = x + dt*f(x + k/2, t + dt/2)

Names: ``x`` (old value), ``t``, ``dt``, ``dW`` (noise increment), earlier temporaries, ``sqrt``,
``exp``; ``f(state, time)`` is the drift and ``g(state, time)`` the noise coefficient, with every
state variable replaced by the first argument taken for that variable (``x + k/2`` means
``v + _k_v`` for ``v``, ``w + _k_w`` for ``w``, ...). With several noise symbols, ``dW`` and ``g``
carry an implicit noise index: after expanding a right-hand side into terms, a term containing
``dW`` is summed over the noise symbols, and a temporary with a term that uses ``g`` (or another
indexed temporary) without ``dW`` gets one copy per noise symbol (a support point per noise source).
``x_new`` must not keep a free noise index.
"""
from __future__ import annotations

import ast
import functools
import textwrap
from dataclasses import dataclass, field
from types import SimpleNamespace

from .parse import ParseError, parse_source
from .stateupdaters import IntegrationMethod, UnsupportedEquationsException
from .names import is_noise_name, symbol
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = [
    "UnsupportedEquationsException", "OdeSystem", "TempNamer", "ExplicitStateUpdater",
    "is_noise_name", "euler", "rk2", "rk4", "heun", "milstein", "EXPLICIT_METHODS",
]


class TempNamer:
    """Hands out temporary names that start with ``_`` and collide with no taken name."""

    def __init__(self, taken):
        self._taken = set(taken)

    def new(self, base: str) -> sympy.Symbol:
        name = "_" + base
        candidate, n = name, 1
        while candidate in self._taken:
            candidate = f"{name}_{n}"
            n += 1
        self._taken.add(candidate)
        return symbol(candidate)


@dataclass
class OdeSystem:
    """The differential equations split into drift and noise, as every method sees them."""

    names: tuple[str, ...]
    states: dict[str, sympy.Symbol]
    drift: dict[str, sympy.Expr]
    noise: dict[str, dict[str, sympy.Expr]]
    increments: dict[str, sympy.Symbol]
    t: sympy.Symbol
    dt: sympy.Symbol
    namer: TempNamer = field(repr=False)
    #: names of functions whose value is constant during a step (a TimedArray whose dt is a
    #: multiple of the step): ``exact`` treats their calls as constants, as Brian2 does
    locally_constant: frozenset = frozenset()
    #: names that hold the step's random draws of the model's rand()/randn() calls
    random_draws: frozenset = frozenset()

    @property
    def noise_names(self) -> tuple[str, ...]:
        return tuple(self.increments)

    @property
    def stochastic_type(self) -> str | None:
        """None (deterministic), 'additive' or 'multiplicative' (a coefficient depends on a state)."""
        if not self.increments:
            return None
        for coefficients in self.noise.values():
            if any(self.varies_during_step(g) for g in coefficients.values()):
                return "multiplicative"
        return "additive"

    def varies_during_step(self, expr) -> bool:
        """Whether ``expr`` may change during a step: it uses a state variable, or ``t`` other
        than as an argument of a function constant during a step (Brian2's
        ``is_constant_over_dt``: ``ta(t)`` of a TimedArray whose dt is a multiple of the step)."""
        if expr.free_symbols & set(self.states.values()):
            return True
        frozen = {call: sympy.S.Zero for call in expr.atoms(sympy.Function)
                  if self.is_locally_constant_call(call)}
        return self.t in (expr.xreplace(frozen) if frozen else expr).free_symbols

    def is_locally_constant_call(self, call) -> bool:
        """Whether ``call`` is constant during a step (Brian2's ``is_constant_over_dt``): a
        function of ``locally_constant`` with ``t`` itself among its arguments and no other use
        of ``t`` (``ta(t)``, a 2-D TimedArray's ``ta(t, i)``; not ``ta(t/2)``)."""
        return (type(call).__name__ in self.locally_constant and self.t in call.args
                and all(arg == self.t or not arg.has(self.t) for arg in call.args))

    @classmethod
    def from_rhs(cls, rhs: dict, t: sympy.Symbol, dt: sympy.Symbol, reserved=(),
                 locally_constant=frozenset(), random_draws=frozenset()) -> "OdeSystem":
        """Split each right-hand side into drift + sum of g_j*xi_j (noise must enter linearly)."""
        names = tuple(rhs)
        states = {name: symbol(name) for name in names}
        taken = set(names) | {t.name, dt.name} | set(reserved)
        noise_symbols: dict[str, sympy.Symbol] = {}
        for expr in rhs.values():
            taken |= {s.name for s in expr.free_symbols}
            for s in sorted(expr.free_symbols, key=lambda s: s.name):
                if is_noise_name(s.name):
                    noise_symbols.setdefault(s.name, s)
        drift, noise = {}, {}
        all_xi = set(noise_symbols.values())
        for name, expr in rhs.items():
            noise[name] = {}
            for xi in sorted(expr.free_symbols & all_xi, key=lambda s: s.name):
                g = sympy.diff(expr, xi)
                if g.free_symbols & all_xi or g.has(sympy.Derivative):
                    raise ValueError(f"the noise term {xi.name} must enter d{name}/dt linearly, "
                                     f"as g*{xi.name}: {expr}")
                noise[name][xi.name] = g
            drift[name] = expr.xreplace({xi: sympy.S.Zero for xi in all_xi}) if noise[name] else expr
        namer = TempNamer(taken)
        increments = {xi: namer.new("dW_" + xi) for xi in sorted(noise_symbols)}
        return cls(names, states, drift, noise, increments, t, dt, namer, frozenset(locally_constant),
                   frozenset(random_draws))


# ---- the notation ---------------------------------------------------------------------------

@functools.cache
def _notation():
    """The notation's sympy vocabulary, made when a method is first parsed (not at import: the
    star import binds the methods without sympy)."""
    x, t, dt, dw = sympy.symbols("x t dt dW")
    return SimpleNamespace(X=x, T=t, DT=dt, DW=dw, F=sympy.Function("f"), G=sympy.Function("g"),
                           FIXED={"x": x, "t": t, "dt": dt, "dW": dw},
                           MATH={"sqrt": sympy.sqrt, "exp": sympy.exp})
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}


def _parse_notation(text: str) -> list[tuple[str, sympy.Expr]]:
    """``name = expression`` lines, the last one ``x_new = ...``, into sympy templates. A
    description that is not such a list raises ParseError (a SyntaxError, as in Brian2)."""
    if not isinstance(text, str):
        raise TypeError(f"a method description must be a string, not {type(text).__name__}")
    text = textwrap.dedent(text).strip()
    module = parse_source(text, mode="exec")
    statements, known = [], {}
    notation = _notation()
    for node in module.body:
        def refuse(message, at=node):
            raise ParseError(f"method description, line {node.lineno}: {message}", text, at,
                             lineno=node.lineno)
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            refuse("expected 'name = expression'")
        target = node.targets[0].id
        if target in notation.FIXED or target in notation.MATH or target in ("f", "g") or target in known:
            refuse(f"cannot assign to {target!r}")
        try:
            expr = _template(node.value, known)
        except _NotationError as err:
            refuse(err.message, err.node)
        known[target] = sympy.Symbol(target)
        statements.append((target, expr))
    if not statements or statements[-1][0] != "x_new":
        raise ParseError("method description: the last line must assign x_new", text)
    if any(name == "x_new" for name, _ in statements[:-1]):
        raise ParseError("method description: x_new must be assigned once, on the last line", text)
    return statements


class _NotationError(Exception):
    def __init__(self, message, node):
        super().__init__(message)
        self.message, self.node = message, node


def _template(node, known):
    notation = _notation()
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        # a float stays a float, as written (Brian2 prints ``0.5*dt``, not ``dt/2``)
        return sympy.Float(node.value) if isinstance(node.value, float) else sympy.Integer(node.value)
    if isinstance(node, ast.Name):
        if node.id in notation.FIXED:
            return notation.FIXED[node.id]
        if node.id in known:
            return known[node.id]
        raise _NotationError(f"unknown name {node.id!r}", node)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _BINOPS[type(node.op)](_template(node.left, known), _template(node.right, known))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _template(node.operand, known)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        args = [_template(a, known) for a in node.args]
        if node.func.id in ("f", "g"):
            if len(args) != 2:
                raise _NotationError(f"{node.func.id}() takes a state and a time", node)
            if args[1].free_symbols - {notation.T, notation.DT}:
                raise _NotationError(f"the time argument of {node.func.id}() may use only t and dt",
                                     node)
            return (notation.F if node.func.id == "f" else notation.G)(*args)
        if node.func.id in notation.MATH and len(args) == 1:
            return notation.MATH[node.func.id](args[0])
    raise _NotationError(f"unsupported notation {ast.unparse(node)!r}", node)


def _nonlinear_use(term) -> bool:
    """Whether a term uses f() or g() other than as one plain factor (``f(x, t)**2``,
    ``f(x, t)*g(x, t)``, ``exp(f(x, t))``): Brian2's descriptions must be linear in them."""
    f_and_g = (_notation().F, _notation().G)
    calls = [factor for factor in sympy.Mul.make_args(term) if factor.has(*f_and_g)]
    return len(calls) > 1 or any(c.func not in f_and_g for c in calls)


def _uses_noise(expr, indexed: set) -> bool:
    notation = _notation()
    return expr.has(notation.G, notation.DW) or any(s.name in indexed for s in expr.free_symbols)


@dataclass(frozen=True)
class _Statement:
    name: str
    plain: tuple            # terms without noise
    free: tuple             # terms with a free noise index (g or indexed temps, no dW)
    summed: tuple           # terms with dW: summed over the noise symbols

    @property
    def indexed(self) -> bool:
        return bool(self.free)


class ExplicitStateUpdater(IntegrationMethod):
    """An explicit (Runge-Kutta-like) method from its notation (Brian2's ExplicitStateUpdater);
    see the module docstring.

    ``stochastic`` is None (deterministic equations only), 'additive' (noise coefficients must not
    depend on state variables or time) or 'multiplicative'; ``diagonal_noise`` additionally
    requires each equation to have at most one noise symbol and each noise symbol to drive one
    equation. A description that is not valid notation raises a SyntaxError here; one that uses
    ``f`` or ``g`` non-linearly raises a ValueError when it is applied (as in Brian2).
    """

    def __init__(self, description: str, stochastic: str | None = None, *,
                 diagonal_noise: bool = False, name: str = "explicit method"):
        self._set_up(description, stochastic, diagonal_noise, name)
        self._parsed  # noqa: B018  (a description that is not valid notation fails here)

    @classmethod
    def _known_valid(cls, description: str, stochastic: str | None = None, *,
                     diagonal_noise: bool = False, name: str) -> "ExplicitStateUpdater":
        """A method whose notation is parsed when it is first used: brianjit's own methods
        (below), whose notation is known to be valid, so that importing them (every star import)
        costs no sympy work (their parse took 40-130 ms of processor time, the largest part of
        the model language's import)."""
        method = cls.__new__(cls)
        method._set_up(description, stochastic, diagonal_noise, name)
        return method

    def _set_up(self, description, stochastic, diagonal_noise, name):
        if stochastic not in (None, "additive", "multiplicative"):
            raise ValueError(f"stochastic must be None, 'additive' or 'multiplicative', not {stochastic!r}")
        self.name = name
        self.stochastic = stochastic
        self.diagonal_noise = diagonal_noise
        self._notation = description

    @functools.cached_property
    def _parsed(self):
        """(description as printed, statements split into terms, problem or None)."""
        notation = _parse_notation(self._notation)
        statements, problem = self._classify(notation)
        return "\n".join(f"{target} = {expr}" for target, expr in notation), statements, problem

    @property
    def description(self) -> str:
        """The notation, one ``name = expression`` per line, as sympy prints it."""
        return self._parsed[0]

    def __repr__(self):
        return f"ExplicitStateUpdater({self.description!r}, stochastic={self.stochastic!r})"

    def __str__(self):
        return f"ExplicitStateUpdater ({self.name})\n{self.description}"

    @staticmethod
    def _classify(statements):
        """The statements split into terms, and what makes the description unusable (or None)."""
        indexed: set = set()
        result, problem = [], None
        for name, expr in statements:
            plain, free, summed = [], [], []
            for term in sympy.Add.make_args(sympy.expand_mul(expr)):
                if problem is None and _nonlinear_use(term):
                    problem = (f"the method description's line '{name} = {expr}' is not linear "
                               f"in f() and g() (term {term})")
                if term.has(_notation().DW):
                    summed.append(term)
                elif _uses_noise(term, indexed):
                    free.append(term)
                else:
                    plain.append(term)
            statement = _Statement(name, tuple(plain), tuple(free), tuple(summed))
            if statement.indexed:
                if name == "x_new" and problem is None:
                    problem = ("the method description's x_new uses g() or a per-noise temporary "
                               "outside a product with dW")
                indexed.add(name)
            result.append(statement)
        return result, problem

    def validate(self):
        """ValueError if the description cannot be applied (Brian2 raises it at use)."""
        problem = self._parsed[2]
        if problem:
            raise ValueError(problem)

    def check(self, system: OdeSystem) -> None:
        """Raise UnsupportedEquationsException if this method cannot integrate ``system``."""
        kind = system.stochastic_type
        if kind is None:
            return
        if self.stochastic is None:
            raise UnsupportedEquationsException(
                self.name, f"it does not support stochastic equations (noise: {', '.join(system.noise_names)})")
        if kind == "multiplicative" and self.stochastic == "additive":
            culprits = [f"d{v}/dt" for v in system.names
                        if any(system.varies_during_step(g) for g in system.noise[v].values())]
            raise UnsupportedEquationsException(
                self.name, f"it supports only additive noise, but the noise in {', '.join(culprits)} "
                           "is multiplied by a state variable or by a function of time "
                           "(use 'heun' or 'milstein')")
        if self.diagonal_noise:
            for v in system.names:
                if len(system.noise[v]) > 1:
                    raise UnsupportedEquationsException(
                        self.name, f"it needs diagonal noise, but d{v}/dt has several noise terms")
            for xi in system.noise_names:
                users = [v for v in system.names if xi in system.noise[v]]
                if len(users) > 1:
                    raise UnsupportedEquationsException(
                        self.name, f"it needs diagonal noise, but {xi} drives {', '.join(users)}")

    def step(self, system: OdeSystem):
        self.validate()
        self.check(system)
        return _Instantiation(self._parsed[1], system).run()


class _Instantiation:
    """Applies a parsed method to one system: one temporary per (statement, variable[, noise])."""

    def __init__(self, statements, system: OdeSystem):
        self.statements = statements
        self.system = system
        self.indexed = {s.name for s in statements if s.indexed}
        self.temps: dict[tuple, sympy.Symbol] = {}

    def run(self):
        system, assignments, new_values = self.system, [], {}
        for statement in self.statements:
            for var in system.names:
                if statement.name == "x_new":
                    new_values[var] = self._value(statement, var, None)
                    continue
                for j in (system.noise_names if statement.indexed else (None,)):
                    temp = system.namer.new(
                        f"{statement.name}_{var}" if j is None else f"{statement.name}_{var}_{j}")
                    self.temps[(statement.name, var, j)] = temp
                    assignments.append((temp.name, self._value(statement, var, j)))
        return assignments, new_values

    def _value(self, statement, var, j):
        parts = [self._inst(term, var, j) for term in statement.plain + statement.free]
        for k in self.system.noise_names:
            parts.extend(self._inst(term, var, k) for term in statement.summed)
        return sympy.Add(*parts)

    def _inst(self, expr, var, j):
        system = self.system
        if isinstance(expr, sympy.Symbol):
            name = expr.name
            if name == "x":
                return system.states[var]
            if name == "t":
                return system.t
            if name == "dt":
                return system.dt
            if name == "dW":
                return system.increments[j]
            return self.temps[(name, var, j if name in self.indexed else None)]
        notation = _notation()
        if expr.func in (notation.F, notation.G):
            state_arg, time_arg = expr.args
            if expr.func is notation.F:
                base = system.drift[var]
            else:
                base = system.noise[var].get(j, sympy.S.Zero)
            if base.is_zero:
                return sympy.S.Zero
            replacements = {system.states[u]: self._inst(state_arg, u, j) for u in system.names}
            replacements[system.t] = self._inst(time_arg, var, j)
            replacements = {k: v for k, v in replacements.items() if k is not v}
            return base.xreplace(replacements) if replacements else base
        if not expr.args:
            return expr
        return expr.func(*[self._inst(a, var, j) for a in expr.args])


# ---- the methods ------------------------------------------------------------------------------

euler = ExplicitStateUpdater._known_valid("""
x_new = x + dt*f(x, t) + dW*g(x, t)
""", stochastic="additive", name="euler")

rk2 = ExplicitStateUpdater._known_valid("""
k = dt*f(x, t)
x_new = x + dt*f(x + k/2, t + dt/2)
""", name="rk2")

rk4 = ExplicitStateUpdater._known_valid("""
k1 = dt*f(x, t)
k2 = dt*f(x + k1/2, t + dt/2)
k3 = dt*f(x + k2/2, t + dt/2)
k4 = dt*f(x + k3, t + dt)
x_new = x + (k1 + 2*k2 + 2*k3 + k4)/6
""", name="rk4")

# Brian2's stochastic Heun (Stratonovich, the Euler-Heun scheme): an Euler drift step, and the
# noise term averaged over x and a support point reached by the noise alone. Without noise it is
# euler, as in Brian2 (rk2 is the second-order method for deterministic equations).
heun = ExplicitStateUpdater._known_valid("""
x_support = x + dW*g(x, t)
x_new = x + dt*f(x, t) + dW/2*(g(x, t) + g(x_support, t + dt))
""", stochastic="multiplicative", name="heun")

# Derivative-free Milstein (Stratonovich): the derivative of g is a difference at a support point.
milstein = ExplicitStateUpdater._known_valid("""
x_support = x + dt*f(x, t) + sqrt(dt)*g(x, t)
x_new = x + dt*f(x, t) + dW*g(x, t) + dW**2/(2*sqrt(dt))*(g(x_support, t) - g(x, t))
""", stochastic="multiplicative", diagonal_noise=True, name="milstein")

EXPLICIT_METHODS = {m.name: m for m in (euler, rk2, rk4, heun, milstein)}
