"""``WeakRef``: a back-reference that neither keeps its target alive nor stops pickling.

Objects hold parts that point back at them (a group's ``Variables`` answer with the group's
implicit names, a Synapses' pathways and a group's thresholders need their owner). A strong
reference back makes a reference cycle, and an object in a cycle outlives its last user until a
garbage collection: Brian2's "never included in a network" warning would then come in later,
unrelated code. A ``weakref.ref`` breaks the cycle but cannot be pickled, and groups must survive
pickling (multiprocessing recipes). This wrapper pickles as the target itself (pickle's memo
keeps the identity) and holds it weakly again after unpickling.
"""
from __future__ import annotations

import weakref

__all__ = ["WeakRef"]


class WeakRef:
    """``ref()`` is the target, or None once it is gone."""

    __slots__ = ("_ref", "__weakref__")

    def __init__(self, target):
        self._ref = weakref.ref(target)

    def __call__(self):
        return self._ref()

    def __reduce__(self):
        return WeakRef, (self._ref(),)
