"""The front end's sympy results, remembered by what determines them, for new objects of old models
and for later processes.

A loop that builds the same model again and again (``start_scope()``, a parameter scan) used to
integrate its equations anew for every new group: the symbolic step of ``method='exact'`` for a
one-variable model costs 5-10 ms of sympy (more when sympy's cache was just cleared, which every
``sympy.evaluate(False)`` block does), a third of a rebuild that is otherwise served from
``jit``'s structural cache. The integration is a pure function of the right-hand sides (exact
text: ``kernel_key.canonical_text``), the gated variables, the method (the registered objects
themselves, so registering another method under a name is another key) and the functions
constant during a step, so its result is shared: sympy expressions are immutable.

A later process (re-running a script: issue 9, target 2) finds the result in the disk cache
(``brianjit.diskcache``) under a key of the same inputs written as text, with the method written
as what defines it (brianjit's own method objects by name, a user's ``ExplicitStateUpdater`` by
its notation and options), brianjit's own source and sympy's version. CUBA's ``exact`` step in a
fresh process: ~80 ms of processor time computed, ~25 ms found on disk (of which unpickling,
which has sympy build the expressions again, is 12 ms; measured on a loaded 2-core machine).
Results are stored only when every candidate method has such a text, the chosen one logs nothing
when it integrates (``independent``'s deprecation warning), the result calls no random function
(the ids that keep ``rand()`` calls apart count up per process, so a stored id could meet a new
call's id) and unpickling gives exactly the same expressions (sympy evaluates them again when it
rebuilds them), so a hit builds the kernels a cold build builds, bit for bit. An entry is a
pickle: the disk cache loads only entries it authenticated as written by this user, the same
trust it gives machine code.
"""
from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict

from .. import diskcache
from ..kernel_key import canonical_text
from ..model.integration import StateUpdate
from ..model.refractoriness import integrate_unless_refractory
from ..model.stateupdaters import StateUpdateMethod

__all__ = ["integrated_unless_refractory", "method_text", "warns_at_use"]

#: how many integrations are remembered (least recently used ones are forgotten)
REMEMBERED = 256
_integrations: OrderedDict = OrderedDict()


def _method_key(method):
    """``method`` as a hashable key that names the method objects themselves; None when it
    cannot be one (an unknown name: the integration then raises its own error)."""
    registry = StateUpdateMethod.stateupdaters
    if method is None:
        return ("default", tuple(registry.items()))
    if isinstance(method, str):
        found = registry.get(method.lower())
        return None if found is None else ("name", method, found)
    if isinstance(method, (list, tuple)):
        parts = tuple(_method_key(m) for m in method)
        return None if None in parts else ("list", parts)
    try:
        hash(method)
    except TypeError:
        return None
    return ("object", method)


def _own_methods() -> dict:
    """brianjit's own method objects by id: {id: (name, object)}."""
    from ..model.exact import exact_as_brian2_chooses, linear
    from ..model.exponential_euler import exponential_euler
    from ..model.independent import independent
    from ..model.methods import EXPLICIT_METHODS
    own = {"linear": linear, "exact_as_brian2_chooses": exact_as_brian2_chooses,
           "exponential_euler": exponential_euler, "independent": independent,
           **EXPLICIT_METHODS}
    return {id(obj): (name, obj) for name, obj in own.items()}


def _method_text(method_key, own) -> str | None:
    """The text of a ``_method_key`` that a later process gives for the same methods, or None
    when a method has none (a user's own subclass)."""
    from ..model.methods import ExplicitStateUpdater
    kind, *rest = method_key
    if kind == "default":
        parts = [_method_text(("object", obj), own) for _, obj in rest[0]]
        names = [name for name, _ in rest[0]]
        return None if None in parts else f"default{names!r}{parts!r}"
    if kind == "name":
        part = _method_text(("object", rest[1]), own)
        return None if part is None else f"name:{rest[0]!r}:{part}"
    if kind == "list":
        parts = [_method_text(part, own) for part in rest[0]]
        return None if None in parts else f"list{parts!r}"
    method = rest[0]
    mine = own.get(id(method))
    if mine is not None and mine[1] is method:
        return f"brianjit:{mine[0]}"
    if type(method) is ExplicitStateUpdater:
        return (f"explicit:{method._notation!r}:{method.stochastic!r}:"
                f"{method.diagonal_noise!r}:{method.name!r}")
    return None


def method_text(method) -> str | None:
    """``method`` (a group's ``method`` argument) written as what defines it, the same in every
    process (see ``_method_text``); None when it has no such text (an unknown name, a user's own
    method class). No sympy is imported."""
    method_key = _method_key(method)
    return None if method_key is None else _method_text(method_key, _own_methods())


def warns_at_use(method) -> bool:
    """Whether integrating with ``method`` logs a message a later process must log as well:
    ``independent``'s deprecation warning (a hit would skip it)."""
    from ..model.independent import independent
    return method is independent


def _candidates(method_key) -> list:
    """The method objects ``method_key`` names, in order."""
    kind, *rest = method_key
    if kind == "default":
        return [obj for _, obj in rest[0]]
    if kind == "name":
        return [rest[1]]
    if kind == "list":
        return [obj for part in rest[0] for obj in _candidates(part)]
    return [rest[0]]


def _disk_key(text: str, method_key, locally_constant) -> str | None:
    method_text = _method_text(method_key, _own_methods())
    if method_text is None or not diskcache.enabled():
        return None
    import sympy
    parts = ["integration", text, method_text, repr(locally_constant),
             diskcache.code_fingerprint(), sympy.__version__]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _load(key: str, candidates: list) -> StateUpdate | None:
    entry = diskcache.load(key)
    if entry is None or len(entry) != 1:
        return None
    try:
        statements, method, label, chosen, seconds, other_seconds = pickle.loads(entry[0])
        stepper = candidates[chosen]
    except Exception:   # an entry of another layout: computed again (and replaced)
        return None
    return StateUpdate(statements, method, stepper, label, seconds, other_seconds)


def _store(key: str, result: StateUpdate, candidates: list) -> None:
    from ..model.functions import is_stateful_call
    import sympy
    chosen = [n for n, candidate in enumerate(candidates) if candidate is result.stepper]
    if not chosen or not isinstance(result.label, str) or warns_at_use(result.stepper) or any(
            is_stateful_call(call) for _, expr in result for call in expr.atoms(sympy.Function)):
        return
    try:
        blob = pickle.dumps((list(result), result.method, result.label, chosen[0],
                             result.seconds, result.other_seconds), protocol=4)
        # unpickling builds the expressions anew (sympy evaluates them again): kept only if
        # that gives exactly these expressions, so a later process builds the same kernels
        same = canonical_text(pickle.loads(blob)[0]) == canonical_text(list(result))
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    if same:
        diskcache.store(key, blob)


def integrated_unless_refractory(rhs, gated, gate, method, locally_constant):
    """``model.refractoriness.integrate_unless_refractory(rhs, gated, gate, method,
    locally_constant)``, computed once per distinct argument (in this process, and on disk for
    later ones)."""
    method_key = _method_key(method)
    constant = tuple(sorted(locally_constant or ()))
    try:
        text = canonical_text((rhs, list(gated), gate))
    except TypeError:
        text = None
    if text is None or method_key is None:
        return integrate_unless_refractory(rhs, gated, gate, method, locally_constant)
    key = (text, method_key, constant)
    result = _integrations.get(key)
    if result is not None:
        _integrations.move_to_end(key)
        return result
    disk_key = _disk_key(text, method_key, constant)
    candidates = _candidates(method_key)
    if disk_key is not None:
        result = _load(disk_key, candidates)
    if result is None:
        result = integrate_unless_refractory(rhs, gated, gate, method, locally_constant)
        if disk_key is not None:
            _store(disk_key, result, candidates)
    _integrations[key] = result
    while len(_integrations) > REMEMBERED:
        _integrations.popitem(last=False)
    return result
