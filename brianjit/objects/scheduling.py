"""The order of things inside one time step: schedule slots, ``when``/``order``, the summary.

A schedule is a list of slot names (Brian2's default: start, groups, thresholds, synapses, resets,
end; the preference ``core.network.default_schedule`` replaces it). Every slot ``x`` also gives
``before_x`` and ``after_x``. The parts of objects (Brian2's code objects: a group's state
updater, thresholder, resetter, a synaptic pathway, a monitor) are sorted by slot, then
``order``, then their own name (Brian2's tie-break); a part's kernels keep their order.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..utils import warn
from .base import SCHEDULE

__all__ = ["check_schedule", "default_schedule", "run_schedule", "slot_position", "sort_key",
           "SchedulingSummary"]

_SLOT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def check_schedule(schedule) -> tuple:
    """``schedule`` as a tuple of slot names, or Brian2's errors: TypeError for anything but a
    sequence of names, ValueError for ``before_``/``after_`` names (those are made from the other
    slots) and for repeated slots (None: the default schedule)."""
    if schedule is None:
        return default_schedule()
    if isinstance(schedule, str) or not isinstance(schedule, Sequence):
        raise TypeError(f"Schedule has to be None or a sequence of scheduling slots (a list of "
                        f"names such as 'groups'), not {schedule!r}")
    slots = tuple(schedule)
    for slot in slots:
        if not isinstance(slot, str) or not _SLOT_NAME.fullmatch(slot):
            raise TypeError(f"schedule slots are names such as 'groups', not {slot!r}")
        if slot.startswith(("before_", "after_")):
            raise ValueError(f"schedule slot '{slot}': slot names are not allowed to start with "
                             f"'before_' or 'after_', such names are made automatically from "
                             f"the other slots")
    duplicates = sorted({s for s in slots if slots.count(s) > 1})
    if duplicates:
        raise ValueError(f"schedule slots must be unique; repeated: {', '.join(duplicates)}")
    return slots


def run_schedule(schedule: tuple, device) -> tuple:
    """The slots a run uses: the network's ``schedule``, unless ``device`` supports only one
    (Brian2's ``Device.network_schedule``, e.g. a GeNN-like device of one's own) that differs:
    then the device's, with Brian2's 'schedule_conflict' warning."""
    fixed = device.network_schedule
    if fixed is None or tuple(fixed) == schedule:
        return schedule
    from ..devices.device import all_devices
    name = next((n for n, d in all_devices.items() if d is device), device.name)
    warn("brian2.core.network.schedule_conflict",
         f"The selected device '{name}' only supports a fixed schedule, but this schedule is not "
         f"consistent with the network's schedule. The simulation will use the device's "
         f"schedule.\nDevice schedule: {list(fixed)}\nNetwork schedule: {list(schedule)}\nSet "
         f"the network schedule explicitly or set the core.network.default_schedule preference "
         f"to avoid this warning.", once=True)
    return check_schedule(fixed)


def default_schedule() -> tuple:
    """Brian2's default schedule, or the preference ``core.network.default_schedule``."""
    from ..preferences import prefs
    preferred = prefs["core.network.default_schedule"]
    if isinstance(preferred, (list, tuple)):
        return check_schedule(preferred)
    return SCHEDULE


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
    """What runs when in a network (``scheduling_summary()``): ``entries``, one
    :class:`~brianjit.objects.base.ScheduleEntry` per part that runs (an object, or a part of
    one such as a group's thresholder), in execution order; printed as a table (``str``) or as
    HTML in a notebook."""

    _HEADER = ("object", "part of", "Clock dt", "when", "order", "active")

    def __init__(self, objects, schedule):
        entries = [entry for obj in objects for entry in obj.schedule_entries()]
        self.entries = sorted(entries, key=lambda e: slot_position(e.when, schedule, f"'{e.name}'")
                              + (e.order, e.name))
        dts = sorted({float(np.asarray(e.dt)) for e in self.entries})
        #: ticks of each dt, in steps of the smallest
        self.steps = {dt: int(round(dt / dts[0])) for dt in dts}

    def _cells(self, entry, bold, italic):
        steps = self.steps[float(np.asarray(entry.dt))]
        return (f"{bold(entry.name)} ({italic(entry.type)})",
                f"{entry.owner_name} ({italic(entry.owner_type)})" if entry.owner_name else "--",
                f"{entry.dt} (every {'step' if steps == 1 else f'{steps} steps'})",
                entry.when, str(entry.order), "yes" if entry.active else "no")

    def __repr__(self):
        plain = lambda text: text  # noqa: E731
        rows = [self._cells(entry, plain, plain) for entry in self.entries]
        widths = [max(len(row[k]) for row in [self._HEADER, *rows]) for k in range(6)]
        aligns = ["<", "<", "<", "<", ">", "^"]
        lines = [" | ".join(f"{h:^{w}}" for h, w in zip(self._HEADER, widths)),
                 "-+-".join("-" * w for w in widths)]
        lines += [" | ".join(f"{cell:{a}{w}}" for cell, a, w in zip(row, aligns, widths))
                  for row in rows]
        return "\n".join(lines)

    def _repr_html_(self):
        aligns = ["left", "left", "left", "left", "right", "center"]
        head = "".join(f'<th style="text-align: center;">{h}</th>' for h in self._HEADER)
        body = "\n".join(
            "<tr>" + "".join(f'<td style="text-align: {a};">{cell}</td>'
                             for cell, a in zip(self._cells(entry, lambda t: f"<b>{t}</b>",
                                                            lambda t: f"<em>{t}</em>"), aligns))
            + "</tr>" for entry in self.entries)
        return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
