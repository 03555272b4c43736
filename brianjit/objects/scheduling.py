"""The order of things inside one time step: schedule slots, ``when``/``order``, the summary.

A schedule is a list of slot names (Brian2's default: start, groups, thresholds, synapses, resets,
end). Every slot ``x`` also gives ``before_x`` and ``after_x``. Objects are sorted by slot, then
``order``, then name (Brian2's tie-break), and each object's kernels keep that order.
"""
from __future__ import annotations

import re

from ..units import Quantity, second
from .base import SCHEDULE

__all__ = ["check_schedule", "slot_position", "sort_key", "SchedulingSummary"]

_SLOT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def check_schedule(schedule) -> tuple:
    """``schedule`` as a tuple of slot names, or a clear exception (None: the default)."""
    if schedule is None:
        return SCHEDULE
    if isinstance(schedule, str) or not hasattr(schedule, "__iter__"):
        raise TypeError(f"a schedule is a list of slot names, not {schedule!r}")
    slots = tuple(schedule)
    for slot in slots:
        if not isinstance(slot, str) or not _SLOT_NAME.fullmatch(slot):
            raise TypeError(f"schedule slots are names such as 'groups', not {slot!r}")
        if slot.startswith(("before_", "after_")):
            raise ValueError(f"schedule slot '{slot}': names starting with 'before_' or 'after_' "
                             f"are made automatically from the other slots")
    duplicates = sorted({s for s in slots if slots.count(s) > 1})
    if duplicates:
        raise ValueError(f"schedule slots must be unique; repeated: {', '.join(duplicates)}")
    return slots


def slot_position(when: str, schedule, owner="an object") -> tuple:
    """(slot index, -1/0/1 for before_/the slot/after_) of ``when`` in ``schedule``."""
    slot, shift = when, 0
    for prefix, value in (("before_", -1), ("after_", 1)):
        if when.startswith(prefix) and when[len(prefix):] in schedule:
            slot, shift = when[len(prefix):], value
    if slot not in schedule:
        raise ValueError(f"{owner} runs at when='{when}', which is not a slot of the network's "
                         f"schedule {list(schedule)}")
    return (schedule.index(slot), shift)


def sort_key(obj, schedule) -> tuple:
    """Where ``obj`` runs inside a time step: slot, ``order``, then name (as Brian2)."""
    return slot_position(obj.when, schedule, f"'{obj.name}'") + (obj.order, obj.name)


class SchedulingSummary:
    """What runs when in a network (``Network.scheduling_summary()``), one row per object in
    execution order: name, type, clock dt and period in base steps, when, order, active."""

    def __init__(self, objects, periods):
        self.rows = [(o.name, type(o).__name__, o.clock.dt_, periods.get(o.clock), o.when,
                      o.order, o.active) for o in objects]

    def __repr__(self):
        header = ("object", "type", "dt", "when", "order", "active")
        lines = [(name, kind, str(Quantity(dt, dim=second.dim)) +
                  (f" (every {period} steps)" if period and period > 1 else ""),
                  when, str(order), "yes" if active else "no")
                 for name, kind, dt, period, when, order, active in self.rows]
        widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
        fmt = " | ".join(f"{{:<{w}}}" for w in widths)
        out = [fmt.format(*header), "-+-".join("-" * w for w in widths)]
        out += [fmt.format(*line) for line in lines]
        return "\n".join(out)
