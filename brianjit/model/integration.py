"""The front door of the integration stage: differential equations in, scalar update code out.

:func:`integrate` validates the right-hand sides, picks a method (Brian2's automatic order
``exact``, ``euler``, ``heun`` when none is given), lets it produce the update, and assembles the
statements every method shares: one random draw per noise symbol and step
(``_dW_xi = sqrt(dt)*randn(k)``, reused by every stage), ``rand()``/``randn()`` calls of the model
hoisted to one draw each, and the final writes of the state variables after every temporary, so all
stages read old values. Dead and duplicate temporaries are dropped on the way.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from .exact import exact, exact_as_brian2_chooses, linear
from .exponential_euler import exponential_euler
from .independent import independent
from .methods import EXPLICIT_METHODS, OdeSystem, TempNamer, UnsupportedEquationsException
from .stateupdaters import IntegrationMethod, NoSuitableMethod, StateUpdateMethod
from .names import is_noise_name, symbol
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["integrate", "StateUpdate", "UnsupportedEquationsException", "DEFAULT_METHODS"]

#: Brian2's registered methods (``method='rk4'``); users add theirs with StateUpdateMethod.register
for _name, _method in {"linear": linear, "exact": exact, "independent": independent,
                       "exponential_euler": exponential_euler, **EXPLICIT_METHODS}.items():
    StateUpdateMethod.register(_name, _method)
#: Brian2's automatic choice, in order (its 'exact' as exact_as_brian2_chooses)
DEFAULT_METHODS = ("exact", "euler", "heun")


class StateUpdate(list):
    """The ordered ``(target_name, sympy_expr)`` assignments of one step. ``method`` names the
    method that produced them (for messages like "using method 'exact'"), ``stepper`` is that
    method (an IntegrationMethod), ``label`` the candidate as the caller gave it (a name or the
    method), and ``seconds``/``other_seconds`` the time it took and the time spent on candidates
    that could not integrate the system (Brian2's ``method_choice`` message)."""

    def __init__(self, statements, method: str, stepper=None, label=None, seconds=0.0,
                 other_seconds=0.0):
        super().__init__(statements)
        self.method = method
        self.stepper = stepper
        self.label = method if label is None else label
        self.seconds = seconds
        self.other_seconds = other_seconds


def integrate(rhs: Mapping, method=None, *, constant_names=(), dt=None, t=None,
              locally_constant=frozenset()) -> StateUpdate:
    """Integration code for one step of ``d<name>/dt = rhs[name]``.

    ``rhs`` maps each state variable name to its sympy right-hand side (subexpressions substituted,
    white noise as symbols ``xi``/``xi_<suffix>``). ``method`` is a registered method name (see
    ``StateUpdateMethod.stateupdaters``), an :class:`IntegrationMethod`, a sequence of those to
    try in order, or None for Brian2's automatic choice. ``dt`` and ``t`` are the step's and the
    time's symbols (by default ``dt`` and ``t``). ``constant_names`` are the model's other names (parameters, constants, variables not
    integrated here): they are constant during a step, like every name in ``rhs`` that is neither a
    state variable nor ``t``, and no temporary will take one of them. ``locally_constant`` names
    functions whose calls are constant during a step (Brian2's ``is_locally_constant``: a TimedArray
    whose dt is a multiple of the step); ``exact`` treats such calls as constants.

    Returns a :class:`StateUpdate` (a list of assignments, temporaries first, named ``_...``).
    Raises :class:`UnsupportedEquationsException` when no candidate method can integrate the system.
    """
    from .symbols import new_randn
    dt = symbol("dt") if dt is None else dt   # default symbols made here: no sympy at import
    t = symbol("t") if t is None else t
    rhs = _checked_rhs(rhs, t, dt)
    candidates = _candidates(method)
    reserved = {str(n) for n in constant_names}
    if reserved & set(rhs):
        raise ValueError(f"constant_names lists state variables: {sorted(reserved & set(rhs))}")
    rhs, draws = _hoist_random_calls(rhs, reserved | _all_names(rhs, t, dt))
    failures, start = [], time.perf_counter()
    for label, stepper in candidates:
        system = OdeSystem.from_rhs(rhs, t, dt, reserved=reserved | {n for n, _ in draws},
                                    locally_constant=locally_constant,
                                    random_draws={n for n, _ in draws})
        candidate_start = time.perf_counter()
        try:
            temps, new_values = stepper.step(system)
        except UnsupportedEquationsException as err:
            failures.append(err)
            continue
        except (AttributeError, TypeError, ValueError, RecursionError) as err:
            # sympy failing inside its own algorithms (factor_terms, integrate) on unusual terms:
            # this method cannot integrate the system; another candidate may
            failures.append(UnsupportedEquationsException(
                stepper.name, f"sympy failed on these equations ({type(err).__name__}: {err})"))
            continue
        preamble = draws + [(system.increments[xi].name, sympy.sqrt(dt) * new_randn())
                            for xi in system.noise_names]
        seconds = time.perf_counter() - candidate_start
        # the automatic variant of exact is a rule for choosing; the method chosen is exact
        chosen = exact if stepper is exact_as_brian2_chooses else stepper
        return StateUpdate(_assemble(preamble + temps, new_values, system), chosen.name, chosen,
                           label, seconds, time.perf_counter() - start - seconds)
    if len(failures) == 1:
        raise failures[0]
    reasons = "; ".join(f"'{err.method}': {err.reason}" for err in failures)
    raise NoSuitableMethod(", ".join(err.method for err in failures),
                           f"no method applies ({reasons})")


def _checked_rhs(rhs, t, dt) -> dict:
    if not isinstance(rhs, Mapping):
        raise TypeError(f"rhs must be a mapping of state variable name to sympy expression, "
                        f"not {type(rhs).__name__}")
    checked = {}
    for name, expr in rhs.items():
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"state variable name {name!r} is not an identifier")
        if name in (t.name, dt.name) or is_noise_name(name):
            raise ValueError(f"{name!r} is reserved and cannot be a state variable")
        if isinstance(expr, bool) or not isinstance(expr, (sympy.Expr, int, float)):
            raise TypeError(f"the right-hand side of d{name}/dt must be a sympy expression, "
                            f"not {type(expr).__name__}")
        if isinstance(expr, int):
            expr = sympy.Integer(expr)
        elif isinstance(expr, float):
            expr = sympy.Float(expr)
        clash = [s for s in expr.free_symbols if s.name in rhs and s != symbol(s.name)]
        if clash:
            raise ValueError(f"d{name}/dt uses {clash[0].name!r} with other assumptions than "
                             "brianjit.model.symbols.symbol() gives; make every name with symbol()")
        checked[name] = expr
    return checked


def _candidates(method):
    """``[(label, IntegrationMethod)]`` to try in order: the label is the name or object given."""
    if method is None:
        # Brian2's automatic order; its 'exact' refuses some linear systems (see
        # exact_as_brian2_chooses), so their numbers follow Brian2's 'euler'
        return [("exact", exact_as_brian2_chooses)] + _candidates(DEFAULT_METHODS[1:])
    if isinstance(method, (str, StateUpdateMethod)) or callable(method) or \
            not isinstance(method, Sequence):
        method = (method,)
    if not method:
        raise ValueError("method: an empty sequence of methods")
    result = []
    for m in method:
        if isinstance(m, str):
            stepper = StateUpdateMethod.lookup(m)
        elif isinstance(m, StateUpdateMethod) or callable(m):
            stepper = m   # Brian2 also takes any callable that returns abstract code
        else:
            raise TypeError(f"an integration method must be a name or a state updater, not "
                            f"{type(m).__name__}")
        if not isinstance(stepper, IntegrationMethod):
            raise NotImplementedError(
                f"method {m!r}: brianjit integrates with the methods it compiles (ExplicitStateUpdater, "
                "exact, exponential_euler, ...); a method that only returns abstract code cannot run here")
        stepper.validate()
        result.append((m, stepper))
    return result


def _all_names(rhs, t, dt) -> set:
    names = set(rhs) | {t.name, dt.name}
    for expr in rhs.values():
        names |= {s.name for s in expr.free_symbols}
    return names


def _hoist_random_calls(rhs, taken):
    """Each rand()/randn() call of the model becomes one draw per step in a temporary, so that
    every stage of a method sees the same number."""
    from .symbols import is_random_call
    namer, draws, replacement = TempNamer(taken), [], {}
    for expr in rhs.values():
        for node in sympy.preorder_traversal(expr):
            if is_random_call(node) and node not in replacement:
                temp = namer.new(f"{node.func.__name__}_{len(draws)}")
                replacement[node] = temp
                draws.append((temp.name, node))
    if not draws:
        return rhs, []
    return {name: expr.xreplace(replacement) for name, expr in rhs.items()}, draws


def _assemble(temps, new_values, system: OdeSystem):
    """Temporaries (duplicates merged, unused ones dropped), then the state writes: a variable that
    another new value reads goes through a ``_<name>`` temporary so every write reads old values."""
    temps = _merge_duplicates(temps, new_values)
    states = {name: system.states[name] for name in system.names}
    # each new value's names once (sympy walks the whole expression for them every time)
    reads = {name: new_values[name].free_symbols for name in system.names}
    readers = {name: [other for other in system.names
                      if other != name and states[name] in reads[other]]
               for name in system.names}
    finals, direct_writes, buffered_writes = [], [], []
    for name in system.names:
        if readers[name]:
            temp = system.namer.new(name)
            finals.append((temp.name, new_values[name]))
            buffered_writes.append((name, temp))
        else:
            direct_writes.append((name, new_values[name]))
    writes = direct_writes + buffered_writes   # nobody reads a direct variable's old value
    read = set().union(*(reads[name] for name, _ in direct_writes),
                       *(temp.free_symbols for _, temp in buffered_writes))
    statements = _drop_unused(temps + finals, read)
    return statements + writes


def _merge_duplicates(temps, new_values):
    seen, alias, merged = {}, {}, []
    for name, expr in temps:
        expr = expr.xreplace(alias) if alias else expr
        if expr in seen:   # random draws never repeat: each rand(k)/randn(k) has its own k
            alias[symbol(name)] = seen[expr]
            continue
        seen.setdefault(expr, symbol(name))
        merged.append((name, expr))
    if alias:
        for var in new_values:
            new_values[var] = new_values[var].xreplace(alias)
    return merged


def _drop_unused(statements, read):
    """``statements`` that the writes (which read the symbols ``read``) need, in order."""
    needed = {s.name for s in read}
    kept = []
    for name, expr in reversed(statements):
        if name in needed:
            kept.append((name, expr))
            needed |= {s.name for s in expr.free_symbols}
    return kept[::-1]
