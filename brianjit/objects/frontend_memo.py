"""The front end's sympy results, remembered by what determines them, for new objects of old models.

A loop that builds the same model again and again (``start_scope()``, a parameter scan) used to
integrate its equations anew for every new group: the symbolic step of ``method='exact'`` for a
one-variable model costs 5-10 ms of sympy (more when sympy's cache was just cleared, which every
``sympy.evaluate(False)`` block does), a third of a rebuild that is otherwise served from
``jit``'s structural cache. The integration is a pure function of the right-hand sides (exact
text: ``kernel_key.canonical_text``), the gated variables, the method (the registered objects
themselves, so registering another method under a name is another key) and the functions
constant during a step, so its result is shared: sympy expressions are immutable.
"""
from __future__ import annotations

from collections import OrderedDict

from ..kernel_key import canonical_text
from ..model.refractoriness import integrate_unless_refractory
from ..model.stateupdaters import StateUpdateMethod

__all__ = ["integrated_unless_refractory"]

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


def integrated_unless_refractory(rhs, gated, gate, method, locally_constant):
    """``model.refractoriness.integrate_unless_refractory(rhs, gated, gate, method,
    locally_constant)``, computed once per distinct argument."""
    method_key = _method_key(method)
    try:
        key = (canonical_text((rhs, list(gated), gate)), method_key,
               tuple(sorted(locally_constant or ())))
    except TypeError:
        key = None
    if key is None or method_key is None:
        return integrate_unless_refractory(rhs, gated, gate, method, locally_constant)
    result = _integrations.get(key)
    if result is None:
        result = integrate_unless_refractory(rhs, gated, gate, method, locally_constant)
        _integrations[key] = result
        while len(_integrations) > REMEMBERED:
            _integrations.popitem(last=False)
    else:
        _integrations.move_to_end(key)
    return result
