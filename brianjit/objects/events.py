"""Named events of a group: the spike is one event like any other.

A group that produces events has ``event_spaces``: ``{event name: DynamicArray}``, each in the
spike-space format (``len(owner) + 1`` int32: the indices that had the event in the current step,
in increasing order, then their count). ``'spike'`` is the event of the ``threshold``; Brian2's
``events={'name': 'condition'}`` add others. Everything that reacts to events reads the space of
its event and knows no event by name: a :class:`Thresholder` per event fills the space, a
:class:`Resetter` per event runs code on its elements (the ``reset`` is the spike's; more come
from ``run_on_event``), synaptic pathways propagate the event of their ``on_event``, and
EventMonitors record any space.

Thresholders and resetters are Brian2's objects: contained in their group (so they run whenever
it does, and ``active`` switches them off), each with its own ``when``/``order`` (the spike's
thresholder at ``thresholds``, other events' at ``after_thresholds``; ``set_event_schedule``
moves one; code at ``resets`` for the spike, at ``after_resets`` by default for others). The group
builds their kernels (``group.threshold_kernel``/``reset_kernel``: its variables, its
subexpressions, its refractoriness), so a PoissonGroup draws its spikes its own way. As in
Brian2, refractoriness belongs to the spike alone: only the spike's condition is combined with
``not_refractory``, and every resetter may write ``(unless refractory)`` variables.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.known_texts import parse_unless_passed
from ..model.statements import parse_statements
from .base import BrianObject, ScheduleEntry
from .model_warnings import internal_names_used
from .weak import WeakRef

__all__ = ["Thresholder", "Resetter", "check_event_names", "event_space", "new_event_space"]


def check_event_names(events) -> dict:
    """``events`` (None or a dict ``{name: condition}``) as a dict, or Brian2's errors: a
    TypeError for a name that is not an identifier (the condition is checked at run time, as
    Brian2 does)."""
    if events is None:
        return {}
    if not isinstance(events, dict):
        raise TypeError(f"events has to be a dictionary {{event name: condition}}, not "
                        f"{events!r}")
    for name in events:
        if not isinstance(name, str):
            raise TypeError(f"Keys in the 'events' dictionary have to be strings, not "
                            f"{type(name).__name__} ({name!r}).")
        if not name.isidentifier() or name.startswith("_"):
            raise TypeError(f"The name '{name}' cannot be used as an event name.")
    return dict(events)


def new_event_space(size: int, label: str) -> DynamicArray:
    """An empty event space of a group of ``size`` elements."""
    return DynamicArray(size + 1, dtype=np.int32, label=label)


def event_space(group, event, role="Recorded group"):
    """The array in which ``group`` (or its owner) lists its elements that had ``event`` in the
    current step; Brian2's errors for anything that has no such event."""
    owner = getattr(group, "owner", group)
    spaces = getattr(owner, "event_spaces", None)
    if spaces is None:
        raise TypeError(f"Events can only be taken from groups producing spikes (such as "
                        f"NeuronGroup), not {group!r}")
    if event not in spaces:
        hint = " Did you forget to set a 'threshold'?" if event == "spike" else ""
        raise ValueError(f"{role} '{group.name}' does not define an event '{event}'.{hint}")
    return spaces[event]


class _EventCode(BrianObject):
    """What thresholders and resetters share: a group, an event, and the names of their code."""

    part_of_a_group = True

    def __init__(self, group, event, kind, when, order):
        BrianObject.__init__(self, name=f"{group.name}_{event}_{kind}", clock=group.clock,
                             when=when, order=group.order if order is None else order)
        self._group = WeakRef(group)   # the group contains its event code (weak.py)
        self.event = event

    @property
    def group(self):
        """The group whose event this is."""
        return self._group()

    owner = group

    @property
    def namespace(self):
        return self.group.namespace

    def check_units(self, dims):
        self.group.check_event_code(self, dims)

    def _own_entry(self):
        """Its one part (``schedule_entries()``), owned by its group."""
        return ScheduleEntry(self.when, self.order, self.clock.dt, self.name,
                             type(self).__name__, self.active, self.group.name,
                             type(self.group).__name__, self.clock)


class Thresholder(_EventCode):
    """Fills the group's space of ``event`` with the elements whose ``condition`` holds."""

    def __init__(self, group, event, condition):
        from ..model.parse import parse_expression
        _EventCode.__init__(self, group, event, "thresholder",
                            "thresholds" if event == "spike" else "after_thresholds", None)
        self.condition = condition
        # a condition that is not a string is Brian2's TypeError when the network is built
        self._expr = (parse_unless_passed("expression", condition, parse_expression)
                      if isinstance(condition, str) else None)
        #: scratch bytes for the lowering (see kernel.Threshold)
        self.mask = DynamicArray(K.threshold_mask_bytes(len(group)), dtype=np.uint8,
                                 label=f"{self.name}.mask")

    @property
    def expr(self):
        """The condition, parsed (None when it is not a string)."""
        return self._expr.value if self._expr is not None else None

    def external_names(self):
        return self.group.external_names_of([self.expr] if self.expr is not None else [])

    def internal_names_used(self):
        return internal_names_used(self.group, [self.expr])

    def structure_key(self):
        return (self.when, self.order, repr(self.condition))

    def front_key(self, keying):
        """Its group (by position), event and condition (its group makes the kernel)."""
        if type(self) is not Thresholder or not isinstance(self.condition, str):
            return None
        return (keying.ref(self.group), self.event, self.condition,
                keying.texts(self.group, [self.condition]))

    def bindable_arrays(self):
        return {"mask": self.mask}

    def kernels(self, ctx):
        return [(self._own_entry(), self.group.threshold_kernel(ctx, self))]


class Resetter(_EventCode):
    """Runs ``code`` for every element that had ``event`` in the current step."""

    def __init__(self, group, event, code, when="after_resets", order=None):
        if not isinstance(code, str):
            raise TypeError(f"The code run on the event '{event}' of {group.name} has to be a "
                            f"string, not {code!r}")
        _EventCode.__init__(self, group, event, "resetter", when, order)
        self.abstract_code = code
        self._statements = parse_unless_passed("statements", code, parse_statements)

    @property
    def statements(self):
        """The code, parsed into statements."""
        return self._statements.value

    def external_names(self):
        return self.group.external_names_of([s.expr for s in self.statements],
                              {s.var for s in self.statements})

    def internal_names_used(self):
        return internal_names_used(self.group, [s.expr for s in self.statements],
                                   [s.var for s in self.statements])

    def structure_key(self):
        return (self.when, self.order, self.abstract_code)

    def front_key(self, keying):
        """Its group (by position), event and code (its group makes the kernel)."""
        if type(self) is not Resetter:
            return None
        return (keying.ref(self.group), self.event, self.abstract_code,
                keying.texts(self.group, [self.abstract_code]))

    def kernels(self, ctx):
        return [(self._own_entry(), self.group.reset_kernel(ctx, self))]
