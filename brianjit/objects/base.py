"""What every runnable object shares: a unique name, a clock, and its place in the schedule.

Objects describe; the network assembles and runs. A runnable object answers ``kernels(ctx)`` with
the kernels it contributes to the network's native driver (in schedule order), and
``prepare_run(n_steps)`` / ``after_chunk()`` for the Python-side bookkeeping around a run.
"""
from __future__ import annotations

import itertools
import re
import weakref

__all__ = ["BrianObject", "SCHEDULE", "unique_name"]

#: Brian2's default schedule: the slots of one time step, in order.
SCHEDULE = ("start", "groups", "thresholds", "synapses", "resets", "end")

_creation = itertools.count()
_taken_names: "weakref.WeakValueDictionary[str, object]" = weakref.WeakValueDictionary()


def unique_name(obj, name: str | None, default: str) -> str:
    """Brian2-style naming: ``default``, ``default_1``, ... ; an explicit name must be unused and a
    valid identifier (a trailing ``*`` asks for a unique name with that stem)."""
    if name is not None and not name.endswith("*"):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ValueError(f"'{name}' is not a valid name for an object")
        if _taken_names.get(name) is not None:
            raise ValueError(f"an object with the name '{name}' exists already")
        _taken_names[name] = obj
        return name
    stem = name[:-1] if name else default
    for n in itertools.count():
        candidate = stem if n == 0 else f"{stem}_{n}"
        if _taken_names.get(candidate) is None:
            _taken_names[candidate] = obj
            return candidate


class BrianObject:
    """Base of groups and monitors: ``name``, ``clock``, ``when``, ``order``, ``active``."""

    add_to_magic_network = True
    #: the compiled kernels of this object (a CodeView), set when a network builds
    code = None

    def __init__(self, *, name=None, default_name="object", clock=None, dt=None, when="start",
                 order=0):
        from .clock import Clock, defaultclock
        if clock is not None and dt is not None:
            raise ValueError("give either 'clock' or 'dt', not both")
        self.name = unique_name(self, name, default_name)
        self.clock = clock if clock is not None else (Clock(dt) if dt is not None else defaultclock)
        if not (isinstance(when, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", when)):
            # a network checks at run time that the slot is in its schedule (custom slots exist)
            raise ValueError(f"'when' must name a slot of the schedule such as {SCHEDULE} (or "
                             f"before_/after_ one of them), not {when!r}")
        self.when = when
        self.order = order
        self.active = True
        #: objects that run along with this one (e.g. its run_regularly operations)
        self.contained_objects: list[BrianObject] = []
        self._creation_index = next(_creation)

    # contributions to a network (overridden by runnable objects)
    def kernels(self, ctx):
        return []

    def prepare_run(self, n_steps):
        pass

    def after_chunk(self):
        pass

    def state_restored(self):
        """Called after ``restore()`` wrote the object's arrays and set the clocks: rebuild what
        derives from them."""

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"
